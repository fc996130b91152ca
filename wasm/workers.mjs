// The engine off the main thread: loadInWorker() gives a model with the
// same methods as load()'s, each a promise answered by a worker, and
// createPool() spreads independent fits (the patches of a patchset, the
// points of a scan, the entries of a ranking) over one worker per core.
//
// Workers are Node worker_threads or browser module Web Workers running
// worker.mjs, which describes the message protocol. No SharedArrayBuffer and
// no wasm threads, so any static host serves it. A call is cancelled through
// its AbortSignal by ending its worker (wasm cannot be interrupted); the
// model comes back by itself, reloaded in a fresh worker, at the next call.
import { Hs3Error } from './error.mjs';
import { resolveModelSource, resolveText } from './source.mjs';

const isNode = typeof process === 'object' &&
    typeof process.versions?.node === 'string';

const workerUrl = new URL('./worker.mjs', import.meta.url);

function aborted() {
  return new Hs3Error('aborted', '', 'the computation was cancelled');
}

// How many workers a pool starts by default: one per core.
export async function coreCount() {
  if (isNode) {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return globalThis.navigator?.hardwareConcurrency ?? 4;
}

// One worker and its requests in flight.
class EngineWorker {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #onLog;
  busy = 0;

  static async start(onLog) {
    const engine = new EngineWorker();
    engine.#onLog = onLog;
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      engine.#worker = new Worker(workerUrl);
      engine.#worker.on('message', (m) => engine.#receive(m));
      engine.#worker.on('error', (e) => engine.#fail(e));
      // Idle workers do not keep Node running; busy ones do (#count).
      engine.#worker.unref();
    } else {
      engine.#worker = new Worker(workerUrl, { type: 'module' });
      engine.#worker.onmessage = (event) => engine.#receive(event.data);
      engine.#worker.onerror = (event) => engine.#fail(event);
    }
    if (onLog) await engine.request({ type: 'log', level: 'warning',
                                      forward: true });
    return engine;
  }

  get alive() { return this.#worker !== null; }

  // Sends one request; resolves with its value or rejects with Hs3Error.
  request(message, { signal, onProgress } = {}) {
    if (this.#worker === null) return Promise.reject(aborted());
    if (signal?.aborted) return Promise.reject(aborted());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const abort = () => this.terminate(aborted());
      signal?.addEventListener('abort', abort, { once: true });
      this.#pending.set(id, {
        resolve, reject, onProgress,
        done: () => signal?.removeEventListener('abort', abort),
      });
      this.#count(+1);
      this.#worker.postMessage({ ...message, id });
    });
  }

  // Ends the worker; every request in flight rejects with `reason`.
  terminate(reason = aborted()) {
    if (this.#worker === null) return;
    this.#worker.terminate();
    this.#worker = null;
    for (const entry of this.#pending.values()) {
      entry.done();
      entry.reject(reason);
    }
    this.#pending.clear();
    this.busy = 0;
  }

  #receive(message) {
    if (message.type === 'log') {
      this.#onLog?.(message.level, message.topic, message.text);
      return;
    }
    const entry = this.#pending.get(message.id);
    if (entry === undefined) return;
    if (message.type === 'progress') {
      entry.onProgress?.({ done: message.done, total: message.total });
      return;
    }
    this.#pending.delete(message.id);
    this.#count(-1);
    entry.done();
    if (message.type === 'result') {
      entry.resolve(message.value);
    } else {
      entry.reject(Hs3Error.from(message.error));
    }
  }

  #count(change) {
    this.busy += change;
    if (isNode && this.busy === (change > 0 ? 1 : 0)) {
      if (change > 0) this.#worker.ref(); else this.#worker.unref();
    }
  }

  #fail(event) {
    this.terminate(new Hs3Error('internal_error', '',
                                `the worker failed: ${event?.message}`));
  }
}

// Functions and signals stay on this side; the rest is cloned.
function splitOptions(args) {
  let signal;
  let onProgress;
  const clean = args.map((arg) => {
    if (arg === null || typeof arg !== 'object' || Array.isArray(arg) ||
        ArrayBuffer.isView(arg)) {
      return arg;
    }
    if (!('signal' in arg) && !('onProgress' in arg)) return arg;
    ({ signal, onProgress } = arg);
    const { signal: _s, onProgress: _p, ...rest } = arg;
    return rest;
  });
  return { clean, signal, onProgress };
}

let nextModelId = 1;

// The model of load(), answered by workers. `workers()` hands out the worker
// for the next call; the model is loaded into each worker on first use.
class WorkerModel {
  #id = nextModelId++;
  #source;
  #options;
  #pick;
  #loaded = new WeakSet();
  #deleted = false;

  constructor(source, options, pick, description) {
    this.#source = source;
    this.#options = options;
    this.#pick = pick;
    Object.assign(this, description);
  }

  static async create(source, options, pick) {
    const model = new WorkerModel(source, options, pick, {});
    const engine = await pick();
    Object.assign(model, await model.#loadInto(engine));
    return model;
  }

  get size() { return this.parameters.length; }

  initialValues() {
    return Float64Array.from(this.parameters, (p) => p.init);
  }

  parameterIndex(name) {
    const index = this.parameters.findIndex((p) => p.name === name);
    if (index < 0) {
      return Promise.reject(new Hs3Error('unknown_name', '',
                                         `no parameter named '${name}'`));
    }
    return Promise.resolve(index);
  }

  nll(params) { return this.call('nll', [params]); }
  logpdf(params) { return this.call('logpdf', [params]); }
  logpdfParts(params) { return this.call('logpdfParts', [params]); }
  nllAndGradient(params) { return this.call('nllAndGradient', [params]); }
  report(params, options) { return this.call('report', [params, options]); }
  reportJson(params, options) {
    return this.call('reportJson', [params, options]);
  }
  inspect() { return this.call('inspect', []); }
  inspectJson() { return this.call('inspectJson', []); }
  rawJson(method, ...args) {
    return this.call('rawJson', [method, ...args]);
  }
  fit(options) { return this.call('fit', [options]); }
  hypotest(poi, options) { return this.call('hypotest', [poi, options]); }
  upperLimit(options) { return this.call('upperLimit', [options]); }
  scan(parameter, range, options) {
    return this.call('scan', [parameter, range, options ?? {}]);
  }
  significance(options) { return this.call('significance', [options]); }
  pulls(options) { return this.call('pulls', [options]); }
  ranking(options) { return this.call('ranking', [options]); }
  yields(options) { return this.call('yields', [options]); }

  // One method on the next worker; the protocol's 'call' request.
  async call(method, args, engine) {
    if (this.#deleted) throw new Hs3Error('invalid_argument', '',
                                          'the model was deleted');
    const { clean, signal, onProgress } = splitOptions(args);
    engine ??= await this.#pick();
    if (!this.#loaded.has(engine)) await this.#loadInto(engine);
    return engine.request({
      type: 'call', model: this.#id, method, args: clean,
      progress: onProgress !== undefined && method === 'scan',
    }, { signal, onProgress });
  }

  delete() {
    if (this.#deleted) return;
    this.#deleted = true;
    this.#pick.release?.(this.#id);
  }

  // The load request; the model's description in reply.
  async #loadInto(engine) {
    const description = await engine.request({
      type: 'load', model: this.#id, source: this.#source,
      options: this.#options,
    });
    this.#loaded.add(engine);
    return description;
  }
}

// Sources travel to workers as what structured cloning carries: text,
// objects, bytes, Blobs; a URL as its text.
function cloneable(source) {
  return source instanceof URL ? source.href : source;
}

// A model in a worker of its own: the same methods as load()'s model, all
// returning promises; delete() ends the worker.
export async function loadInWorker(source, options = {}) {
  const { onLog, ...loadOptions } = options;
  let engine = null;
  const pick = async () => {
    if (engine === null || !engine.alive) {
      engine = await EngineWorker.start(onLog);
    }
    return engine;
  };
  pick.release = () => engine?.terminate();
  return WorkerModel.create(cloneable(source), loadOptions, pick);
}

// Continues the scan's crossings from the merged points, as the engine's
// Inference::scan does from its own.
function crossing(points, bestFit, level, below) {
  for (let i = 0; i + 1 < points.length; ++i) {
    const a = points[i];
    const b = points[i + 1];
    if (below ? !(b.value <= bestFit) : !(a.value >= bestFit)) continue;
    if ((a.delta_twice_nll - level) * (b.delta_twice_nll - level) <= 0 &&
        a.delta_twice_nll !== b.delta_twice_nll) {
      return a.value + (level - a.delta_twice_nll) * (b.value - a.value) /
          (b.delta_twice_nll - a.delta_twice_nll);
    }
  }
  return null;
}

function chunks(values, count) {
  const out = [];
  const size = Math.ceil(values.length / count);
  for (let i = 0; i < values.length; i += size) {
    out.push(Array.from(values.slice(i, i + size)));
  }
  return out;
}

// Workers that share out independent jobs. See index.d.ts.
class Pool {
  #engines = [];
  #size;
  #onLog;

  constructor(size, onLog) {
    this.#size = size;
    this.#onLog = onLog;
  }

  get size() { return this.#size; }

  // The least busy worker, started when the pool has fewer than its size.
  async #next() {
    const live = this.#engines.filter((e) => e.alive);
    this.#engines = live;
    const idle = live.find((e) => e.busy === 0);
    if (idle) return idle;
    if (live.length < this.#size) {
      const engine = await EngineWorker.start(this.#onLog);
      this.#engines.push(engine);
      return engine;
    }
    return live.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  // A model whose calls go to the pool; its scan() and ranking() use every
  // worker.
  async load(source, options = {}) {
    const pick = () => this.#next();
    pick.release = (id) => {
      for (const engine of this.#engines) {
        engine.request({ type: 'delete', model: id }).catch(() => {});
      }
    };
    const model = await WorkerModel.create(cloneable(source), options, pick);
    const pool = this;
    model.scan = (parameter, range, scanOptions) =>
      pool.#scan(model, parameter, range, scanOptions ?? {});
    model.ranking = (rankingOptions) =>
      pool.#ranking(model, rankingOptions ?? {});
    return model;
  }

  // The scan's points in contiguous pieces, one per worker, each started
  // from the best fit; warm starts differ from a serial scan, so points
  // agree with it to the fits' tolerance, not bit for bit.
  async #scan(model, parameter, range, options) {
    const { onProgress, signal, ...rest } = options;
    const name = parameter ?? model.poi;
    const p = model.parameters.find((q) => q.name === name);
    if (p === undefined) {
      throw new Hs3Error('unknown_name', '', `no parameter named '${name}'`);
    }
    const { grid } = await import('./hs3web.mjs');
    const [lower, upper] = rest.bounds?.[name] ?? [p.lower, p.upper];
    const all = Array.isArray(range) || ArrayBuffer.isView(range) ?
        Array.from(range) :
        Array.from(range ? grid(range.from, range.to, range.points) :
                           grid(lower, upper, 31));
    const pieces = chunks(all, this.#size);
    let done = 0;
    const parts = await Promise.all(pieces.map(async (piece) => {
      const engine = await this.#next();
      return model.call('scan', [name, piece, {
        ...rest, signal,
        onProgress: () => onProgress?.({ done: ++done, total: all.length }),
      }], engine);
    }));
    const points = parts.flatMap((part) => part.points);
    const min = Math.min(...parts.map((part) => part.twice_nll_min));
    for (const point of points) {
      point.delta_twice_nll = point.twice_nll - min;
    }
    const best = parts[0].bestfit;
    const q95 = 3.841458820694124;
    return {
      bestfit: best,
      interval_68: [crossing(points, best, 1, true),
                    crossing(points, best, 1, false)],
      interval_95: [crossing(points, best, q95, true),
                    crossing(points, best, q95, false)],
      parameter: name,
      points,
      twice_nll_min: min,
      warnings: parts.flatMap((part) => part.warnings ?? []),
    };
  }

  // The engine's ranking with its refits spread over the workers: the best
  // fit with errors, then four fits per constrained nuisance parameter, each
  // with that parameter fixed, exactly as Inference::ranking sets them up.
  async #ranking(model, options) {
    const { onProgress, signal, ...rest } = options;
    if (model.poi === null) {
      throw new Hs3Error('invalid_argument', '',
                         'the model has no parameter of interest to rank ' +
                         'impacts on');
    }
    const [best, info] = await Promise.all([
      model.call('fit', [{ ...rest, tolerance: rest.tolerance ?? 0.01,
                           signal }]),
      model.call('inspect', []),
    ]);
    const poi = model.poiIndex;
    const poiValue = best.bestfit[poi];
    const fixedNames = new Set(Object.keys(rest.fixed ?? {}));
    const ranked = [];
    info.parameters.forEach((p, i) => {
      const width = p.constraint === 'gaussian' ? p.sigma :
          p.constraint === 'poisson' ? 1 / Math.sqrt(p.tau) : 0;
      if (i !== poi && !p.fixed && !fixedNames.has(p.name) && width > 0) {
        ranked.push({ i, name: p.name, prefit: width });
      }
    });
    const clip = (x, p) => Math.min(Math.max(x, p.lower), p.upper);
    const bounded = model.parameters.map((p) => ({
      ...p, ...(rest.bounds?.[p.name] ?
        { lower: rest.bounds[p.name][0], upper: rest.bounds[p.name][1] } : {}),
    }));
    const init = {};
    bounded.forEach((p, j) => { init[p.name] = clip(best.bestfit[j], p); });
    const total = ranked.length * 4;
    let done = 0;
    const shifted = async ({ i, name }, value) => {
      const engine = await this.#next();
      // Starting values are applied after fixed ones: leave this one out.
      const { [name]: _, ...start } = init;
      const r = await model.call('fit', [{
        ...rest, init: start,
        fixed: { ...rest.fixed, [name]: clip(value, bounded[i]) },
        tolerance: rest.tolerance ?? 0.01, computeErrors: false,
        signal,
      }], engine);
      onProgress?.({ done: ++done, total });
      return r.bestfit[poi] - poiValue;
    };
    const entries = await Promise.all(ranked.map(async (entry) => {
      const x = best.bestfit[entry.i];
      const postfit = best.uncertainties?.[entry.i] ?? entry.prefit;
      const impacts = await Promise.all([
        shifted(entry, x + entry.prefit), shifted(entry, x - entry.prefit),
        shifted(entry, x + postfit), shifted(entry, x - postfit)]);
      return {
        error: postfit,
        impact_postfit: impacts.slice(2),
        impact_prefit: impacts.slice(0, 2),
        name: entry.name,
        value: x,
      };
    }));
    const size = (e) => Math.max(Math.abs(e.impact_postfit[0]),
                                 Math.abs(e.impact_postfit[1]));
    entries.sort((a, b) => size(b) - size(a));
    return {
      poi: model.poi,
      poi_error: best.uncertainties?.[poi] ?? 0,
      poi_value: poiValue,
      ranking: entries,
    };
  }

  // One result per patch of a patchset, in the patchset's order: the
  // command ('hypotest' or 'upperLimit', with its options) run on the
  // workspace with that patch applied. See index.d.ts.
  async runPatches(workspace, patchset, options = {}) {
    const {
      command = 'hypotest', poi = 1, onProgress, onResult, signal,
      patches: only, ...rest
    } = options;
    if (command !== 'hypotest' && command !== 'upperLimit') {
      throw new Hs3Error('invalid_argument', '',
                         'runPatches runs hypotest or upperLimit, not ' +
                         `${command}`);
    }
    const resolved = await resolveModelSource(cloneable(workspace), rest);
    const patchsetText = patchset === undefined ? resolved.patchset?.text :
        await resolveText(cloneable(patchset), 'the patchset');
    if (patchsetText === undefined) {
      throw new Hs3Error('invalid_argument', '', 'runPatches needs a patchset');
    }
    const { listPatches } = await import('./hs3web.mjs');
    let list = await listPatches(patchsetText);
    if (only !== undefined) list = list.filter((p) => only.includes(p.name));
    const { workspace: _w, patchset: _p, ...loadOptions } = rest;
    let done = 0;
    return Promise.all(list.map(async ({ name, values }) => {
      const engine = await this.#next();
      const id = nextModelId++;
      let entry;
      try {
        await engine.request({
          type: 'load', model: id, source: resolved.text,
          options: { ...loadOptions, patches: [
            { patchset: patchsetText, name, origin: 'patchset' }] },
        }, { signal });
        const args = command === 'hypotest' ? [command, poi, rest] :
            [command, rest];
        const json = await engine.request({
          type: 'call', model: id, method: 'rawJson', args,
        }, { signal });
        entry = { patch: name, values, json, result: JSON.parse(json) };
      } catch (e) {
        if (!(e instanceof Hs3Error) || e.code === 'aborted') throw e;
        const error = e.toJSON();
        // As report::errorObject: one broken patch does not stop the rest.
        entry = { patch: name, values, error,
                  json: JSON.stringify({ error: {
                    code: error.code, message: error.message,
                    path: error.path } }) };
      } finally {
        engine.request({ type: 'delete', model: id }).catch(() => {});
      }
      onResult?.(entry);
      onProgress?.({ done: ++done, total: list.length });
      return entry;
    }));
  }

  // Ends every worker; calls in flight reject with code "aborted".
  terminate() {
    for (const engine of this.#engines) engine.terminate();
    this.#engines = [];
  }
}

// A pool of `size` workers (default: one per core), started as needed.
export async function createPool({ size, onLog } = {}) {
  const count = size ?? await coreCount();
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    throw new Hs3Error('invalid_argument', '',
                       'the pool size is a whole number from 1 to 1024');
  }
  return new Pool(count, onLog);
}
