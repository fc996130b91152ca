// The page's side of the engine, on hs3web's worker API (wasm/workers.mjs):
// a pool of module Web Workers that holds the open model.
//
//   const session = new Session();
//   const summary = await session.open({workspace, patches, options});
//   const fit = await session.run('fit', [{}], {onProgress});
//   session.cancel();        // ends the workers busy with it; the next
//                            // call reloads the model in fresh ones
//
// Everything heavy runs off the main thread, so the page never freezes.
import { Hs3Error, createPool } from 'hs3web';

export { Hs3Error };

export function isCancelled(error) {
  return error?.code === 'aborted';
}

export function defaultWorkers() {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(cores, 4));
}

// The last argument of a call carries the options; signal and onProgress
// are added to it (the worker API keeps them on this side).
function withControls(args, controls) {
  const list = args.length > 0 ? [...args] : [{}];
  const last = list.length - 1;
  const tail = list[last];
  if (tail === null || typeof tail !== 'object' || Array.isArray(tail)) {
    list.push(controls);
  } else {
    list[last] = { ...tail, ...controls };
  }
  return list;
}

// One model in a pool of workers; scan and ranking use all of them.
export class Session {
  #pool = null;
  #model = null;
  #abort = new AbortController();

  get size() { return this.#pool?.size ?? defaultWorkers(); }

  async pool() {
    this.#pool ??= await createPool({ size: defaultWorkers() });
    return this.#pool;
  }

  // source: {workspace: text, patches: [...], options: {...}}. Resolves
  // with {parameters, poi, measurement, inspect}.
  async open({ workspace, patches = [], options = {} }) {
    this.#model?.delete();
    this.#model = null;
    const pool = await this.pool();
    const model = await pool.load(workspace, { ...clean(options), patches });
    this.#model = model;
    const inspect = await model.inspect();
    return { parameters: model.parameters, poi: model.poi,
             measurement: model.measurement, inspect };
  }

  async run(method, args = [], { onProgress } = {}) {
    if (this.#model === null) throw new Error('open a model first');
    const { signal } = this.#abort;
    return this.#model[method](...withControls(args, { signal,
      ...(onProgress ? { onProgress } : {}) }));
  }

  // CLs of every patch, spread over the pool; results through onResult
  // ({patch, values, result} or {patch, values, error}) as they finish.
  // Patches of a patchset go through the API's runPatches; separate patch
  // files are loaded one by one on the same workers.
  async runPatches({ workspace, patchset, patchFiles, options = {}, poi = 1,
    onResult, onProgress }) {
    const pool = await this.pool();
    const { signal } = this.#abort;
    if (patchset) {
      return pool.runPatches(workspace, patchset, {
        ...clean(options), command: 'hypotest', poi, onResult, onProgress,
        signal,
      });
    }
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < patchFiles.length && !signal.aborted) {
        const { name, values, text } = patchFiles[next++];
        let entry;
        try {
          const model = await pool.load(workspace, { ...clean(options),
                                                     patches: [text] });
          try {
            entry = { patch: name, values,
                      result: await model.hypotest(poi, { signal }) };
          } finally {
            model.delete();
          }
        } catch (error) {
          if (isCancelled(error)) throw error;
          entry = { patch: name, values, error };
        }
        onResult?.(entry);
        onProgress?.({ done: ++done, total: patchFiles.length });
      }
    };
    await Promise.all(Array.from({ length: pool.size }, worker));
    if (signal.aborted) throw new Hs3Error('aborted', '', 'cancelled');
    return null;
  }

  // Ends the running calls; the model reloads by itself at the next call.
  cancel() {
    this.#abort.abort();
    this.#abort = new AbortController();
  }
}

function clean(options) {
  const out = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== '' && value !== undefined) out[key] = value;
  }
  return out;
}
