// The worker side of hs3web's worker protocol (workers.mjs is the other).
// Runs in a Node worker_threads Worker or a browser module Web Worker; holds
// models by id and answers one message per request.
//
// Requests, by `type`:
//   {type: 'load', id, model, source, options}
//   {type: 'call', id, model, method, args, progress}
//   {type: 'delete', id, model}
//   {type: 'log', id, level, forward}
// Replies: {type: 'result', id, value}, {type: 'error', id, error},
// {type: 'progress', id, done, total} and {type: 'log', level, topic, text}.
import { Hs3Error, load, modelMethods, setLogLevel, setLogSink }
  from './hs3web.mjs';

const isNode = typeof process === 'object' &&
    typeof process.versions?.node === 'string';
const port = isNode ?
    (await import('node:worker_threads')).parentPort : globalThis;

const models = new Map();

function describe(model) {
  return {
    parameters: model.parameters,
    poiIndex: model.poiIndex,
    poi: model.poi,
    measurement: model.measurement,
  };
}

async function handle(message) {
  switch (message.type) {
    case 'load': {
      const model = await load(message.source, message.options);
      models.get(message.model)?.delete();
      models.set(message.model, model);
      return describe(model);
    }
    case 'call': {
      const model = models.get(message.model);
      if (model === undefined) {
        throw new Hs3Error('invalid_argument', '', 'the model was deleted');
      }
      if (!modelMethods.includes(message.method)) {
        throw new Hs3Error('invalid_argument', '',
                           `unknown method '${message.method}'`);
      }
      const args = message.args;
      if (message.progress) {
        const last = args.length - 1;
        args[last] = {
          ...args[last],
          onProgress: ({ done, total }) => port.postMessage(
              { type: 'progress', id: message.id, done, total }),
        };
      }
      return model[message.method](...args);
    }
    case 'delete':
      models.get(message.model)?.delete();
      models.delete(message.model);
      return null;
    case 'log':
      await setLogLevel(message.level);
      await setLogSink(message.forward ? (level, topic, text) =>
        port.postMessage({ type: 'log', level, topic, text }) : null);
      return null;
    default:
      throw new Hs3Error('invalid_argument', '',
                         `unknown request '${message.type}'`);
  }
}

// Requests run one at a time, in order: the engine is single-threaded.
let queue = Promise.resolve();

function onMessage(message) {
  queue = queue.then(async () => {
    try {
      const value = await handle(message);
      port.postMessage({ type: 'result', id: message.id, value });
    } catch (e) {
      const error = e instanceof Hs3Error ? e.toJSON() :
          { code: 'internal_error', path: '', message: String(e?.message) };
      port.postMessage({ type: 'error', id: message.id, error });
    }
  });
}

if (isNode) {
  port.on('message', onMessage);
} else {
  port.onmessage = (event) => onMessage(event.data);
}
