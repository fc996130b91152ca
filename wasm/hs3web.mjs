// hs3web's JavaScript API: loads a pyhf workspace or an HS3 document into
// the WebAssembly engine, evaluates its likelihood and runs the inference.
//
//   import { load } from 'hs3web';
//   const ws = await load(textObjectUrlFileOrPallet, {patch: 'name'});
//   const fit = await ws.fit({fixed: {mu: 1}});
//   const cls = await ws.hypotest(1.0);
//   const lim = await ws.upperLimit();
//   const scan = await ws.scan('mu', {from: 0, to: 3, points: 31});
//   ws.delete();                       // frees the wasm memory
//
// Results are plain objects in the shapes the `hs3` command prints. Every
// failure is an Hs3Error with the engine's code and the JSON path of the
// offending value. loadInWorker() and createPool() (workers.mjs) give the
// same API off the main thread.
//
// The build (dist/hs3web.cjs and .wasm) sits next to this file; in Node
// $HS3WEB_BUILD may point at another folder holding hs3web.js.
import { Hs3Error } from './error.mjs';
import { jsonText, readPallet, resolveModelSource, resolveText }
  from './source.mjs';

export { Hs3Error, readPallet };
export { createPool, loadInWorker } from './workers.mjs';

export const version = '0.1.0';

const isNode = typeof process === 'object' &&
    typeof process.versions === 'object' &&
    typeof process.versions.node === 'string';

async function loadFactory() {
  if (typeof globalThis.createHs3Module === 'function') {
    return globalThis.createHs3Module;
  }
  if (isNode) {
    const { createRequire } = await import('node:module');
    const { fileURLToPath } = await import('node:url');
    const file = process.env.HS3WEB_BUILD ?
        `${process.env.HS3WEB_BUILD}/hs3web.js` :
        fileURLToPath(new URL('./dist/hs3web.cjs', import.meta.url));
    try {
      return createRequire(import.meta.url)(file);
    } catch (e) {
      throw new Hs3Error('io_error', '',
          `cannot load the WebAssembly build ${file} (${e.message}); ` +
          'build it with `bash scripts/build.sh wasm`, or point ' +
          'HS3WEB_BUILD at the folder that holds hs3web.js');
    }
  }
  // Pages and module workers alike: module workers cannot importScripts(),
  // so the CommonJS loader is fetched and evaluated as a function body.
  const url = new URL('./dist/hs3web.cjs', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Hs3Error('io_error', '', `cannot fetch ${url.href}`);
  }
  return new Function(`${await response.text()}\nreturn createHs3Module;`)();
}

let modulePromise = null;

// The engine's module, instantiated once per process (or page, or worker).
export function ready() {
  if (modulePromise === null) {
    // Browsers look for the .wasm beside the page unless told; Node finds
    // it beside the loader by itself.
    const settings = isNode ? {} : {
      locateFile: (file) => new URL(`./dist/${file}`, import.meta.url).href,
    };
    modulePromise = loadFactory().then((factory) => factory(settings));
    modulePromise.catch(() => { modulePromise = null; });
  }
  return modulePromise;
}

// Every fallible call into the module returns either its result or an
// ErrorInfo; this is where the latter becomes an exception.
function unwrap(wasm, result) {
  if (result instanceof wasm.ErrorInfo) {
    const error = new Hs3Error(result.code, result.path, result.message);
    result.delete();
    throw error;
  }
  return result;
}

function invalid(message) {
  return new Hs3Error('invalid_argument', '', message);
}

function checkNumber(x, what) {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw invalid(`${what} must be a finite number, not ${x}`);
  }
  return x;
}

// 0 leaves the engine's default call limit.
function checkCalls(x) {
  if (!Number.isInteger(x) || x < 0 || x > 1e9) {
    throw invalid(`maxCalls must be a whole number from 0 to 1e9, not ${x}`);
  }
  return x;
}

// lo + (hi - lo) i / (n - 1), as `hs3 --range lo:hi:n` computes it.
export function grid(from, to, points) {
  checkNumber(from, 'from');
  checkNumber(to, 'to');
  checkNumber(points, 'points');
  if (points < 2 || points > 100000 || !Number.isInteger(points) ||
      to <= from) {
    throw invalid(`the grid ${from}:${to}:${points} needs from < to and a ` +
                  'whole number of points from 2 to 100000');
  }
  return Float64Array.from({ length: points },
                           (_, i) => from + (to - from) * i / (points - 1));
}

function gridOf(range, what) {
  if (Array.isArray(range) || ArrayBuffer.isView(range)) {
    return Float64Array.from(range, (x) => checkNumber(x, what));
  }
  if (range !== null && typeof range === 'object') {
    return grid(range.from, range.to, range.points);
  }
  throw invalid(`${what} is {from, to, points} or an array of values`);
}

function throwIfAborted(signal) {
  if (signal?.aborted) {
    throw new Hs3Error('aborted', '', 'the computation was cancelled');
  }
}

// The three kinds of patch (see load), normalised for the engine.
async function toPatchSource(patch, index, near) {
  const origin = `patches[${index}]`;
  if (typeof patch === 'string' && !patch.trimStart().startsWith('[')) {
    if (near === undefined) {
      throw invalid(`${origin} names the patch '${patch}', but no patchset ` +
                    'was given (options.patchset, or a pallet)');
    }
    return { text: near.text, patchName: patch, origin: near.origin };
  }
  if (typeof patch === 'string' || Array.isArray(patch)) {
    return { text: jsonText(patch, origin), patchName: '', origin };
  }
  if (patch !== null && typeof patch === 'object' && 'patchset' in patch) {
    if (typeof patch.name !== 'string' || patch.name === '') {
      throw invalid(`${origin}.name must name a patch of the patchset`);
    }
    return {
      text: await resolveText(patch.patchset, `${origin}.patchset`),
      patchName: patch.name,
      origin: patch.origin ?? origin,
    };
  }
  throw invalid(`${origin} must be JSON Patch text or array, a patch name, ` +
                'or {patchset, name}');
}

const loadStrings = ['analysis', 'likelihood', 'measurement', 'distribution',
                     'data', 'point', 'normsys', 'histosys'];

// Builds the model of a pyhf workspace or an HS3 document. See index.d.ts
// for the sources and options.
export async function load(source, options = {}) {
  const wasm = await ready();
  const resolved = await resolveModelSource(source, options);
  const patches = await patchSources(options, resolved);
  const handle = unwrap(wasm, wasm.ModelHandle.load(resolved.text, patches,
                                                    loadSettings(options)));
  return new Model(wasm, handle);
}

function loadSettings(options) {
  const settings = {};
  for (const key of loadStrings) settings[key] = String(options[key] ?? '');
  return settings;
}

// options.patches, then options.patch, for the engine.
async function patchSources(options, resolved) {
  if (!Array.isArray(options.patches ?? [])) {
    throw invalid('patches must be an array');
  }
  const near = options.patchset !== undefined ? {
    text: await resolveText(options.patchset, 'the patchset'),
    origin: 'patchset',
  } : resolved.patchset;
  const list = [...(options.patches ?? [])];
  if (options.patch !== undefined) list.push(options.patch);
  const patches = [];
  for (const [i, patch] of list.entries()) {
    patches.push(await toPatchSource(patch, i, near));
  }
  return patches;
}

// [{name, values}] of the patches in a pyhf patchset (any source).
export async function listPatches(patchset) {
  const wasm = await ready();
  return unwrap(wasm, wasm.listPatches(await resolveText(patchset,
                                                         'the patchset')));
}

// The model as JSON text in the other format: "hs3" or "pyhf".
export async function convert(source, { to = 'hs3', ...options } = {}) {
  const wasm = await ready();
  const resolved = await resolveModelSource(source, options);
  const patches = await patchSources(options, resolved);
  return unwrap(wasm, wasm.convert(resolved.text, patches, String(to),
                                   loadSettings(options)));
}

// One compact line of `hs3 cls --all`: the patch, its values, then the
// members of `body` (JSON text of one result or of an error).
export async function patchLine(name, values, body) {
  const wasm = await ready();
  return unwrap(wasm, wasm.patchLine(name, Float64Array.from(values), body));
}

export const logLevels = Object.freeze(['debug', 'info', 'warning', 'error',
                                        'off']);

// The engine's messages pass from this level up; 'warning' by default.
export async function setLogLevel(level) {
  const index = logLevels.indexOf(level);
  if (index < 0) {
    throw invalid(`log level must be one of ${logLevels.join(', ')}`);
  }
  (await ready()).setLogLevel(index);
}

// Replaces where the engine's messages go: sink(level, topic, text), level
// one of logLevels; null restores console.error. A sink that throws loses
// that one message, since an exception must not cross the wasm frames.
export async function setLogSink(sink) {
  if (sink !== null && typeof sink !== 'function') {
    throw invalid('the log sink is a function or null');
  }
  const wasm = await ready();
  wasm.setLogSink(sink === null ? null : (level, topic, text) => {
    try {
      sink(logLevels[level], topic, text);
    } catch {
      // Nothing can be done with it here: see above.
    }
  });
}

const resultMethods = ['fit', 'hypotest', 'upperLimit', 'scan',
                       'significance', 'pulls', 'ranking', 'yields'];

// Methods whose results the worker protocol carries: see workers.mjs.
export const modelMethods = Object.freeze([
  'nll', 'logpdf', 'logpdfParts', 'nllAndGradient', 'report', 'reportJson',
  'inspect', 'inspectJson', 'rawJson', ...resultMethods,
]);

class Model {
  #wasm;
  #handle;

  constructor(wasm, handle) {
    this.#wasm = wasm;
    this.#handle = handle;
    this.parameters = handle.parameters();
    this.poiIndex = handle.poiIndex();
    this.poi = this.poiIndex >= 0 ? this.parameters[this.poiIndex].name : null;
    this.measurement = handle.measurement();
  }

  get size() { return this.parameters.length; }

  initialValues() {
    return Float64Array.from(this.parameters, (p) => p.init);
  }

  parameterIndex(name) {
    return unwrap(this.#wasm, this.#live().parameterIndex(String(name)));
  }

  values(params) {
    if (params === undefined || params === null) return this.initialValues();
    if (Array.isArray(params) || ArrayBuffer.isView(params)) {
      for (let i = 0; i < params.length; ++i) {
        if (typeof params[i] !== 'number') {
          throw invalid(`parameter value ${i} is not a number`);
        }
      }
      return params;
    }
    if (typeof params === 'object') {
      const x = this.initialValues();
      for (const [name, value] of Object.entries(params)) {
        if (typeof value !== 'number') {
          throw invalid(`the value of ${name} is not a number`);
        }
        x[this.parameterIndex(name)] = value;
      }
      return x;
    }
    throw invalid('parameter values must be an array or {name: value}');
  }

  nll(params) {
    return unwrap(this.#wasm, this.#live().nll(this.values(params)));
  }

  logpdf(params) {
    return this.logpdfParts(params).logpdf;
  }

  logpdfParts(params) {
    return unwrap(this.#wasm, this.#live().logpdf(this.values(params)));
  }

  nllAndGradient(params) {
    return unwrap(this.#wasm,
                  this.#live().nllAndGradient(this.values(params)));
  }

  inspect() {
    return JSON.parse(this.inspectJson());
  }

  inspectJson() {
    return unwrap(this.#wasm, this.#live().inspectJson());
  }

  report(params, { gradient = false } = {}) {
    return JSON.parse(this.reportJson(params, { gradient }));
  }

  reportJson(params, { gradient = false } = {}) {
    return unwrap(this.#wasm,
                  this.#live().nllJson(this.values(params), Boolean(gradient)));
  }

  async fit(options) { return JSON.parse(this.rawJson('fit', options)); }
  async hypotest(poi, options) {
    return JSON.parse(this.rawJson('hypotest', poi, options));
  }
  async upperLimit(options) {
    return JSON.parse(this.rawJson('upperLimit', options));
  }
  async scan(parameter, range, options) {
    return JSON.parse(this.rawJson('scan', parameter, range, options));
  }
  async significance(options) {
    return JSON.parse(this.rawJson('significance', options));
  }
  async pulls(options) { return JSON.parse(this.rawJson('pulls', options)); }
  async ranking(options) {
    return JSON.parse(this.rawJson('ranking', options));
  }
  async yields(options) { return JSON.parse(this.rawJson('yields', options)); }

  // The engine's JSON text of one result method, as the `hs3` command
  // prints it; the same arguments as the method.
  rawJson(method, ...args) {
    const handle = this.#live();
    switch (method) {
      case 'fit': {
        const [options = {}] = args;
        throwIfAborted(options.signal);
        return unwrap(this.#wasm, handle.fitJson(this.#settings(options, {
          tolerance: 0.1, computeErrors: true,
        })));
      }
      case 'hypotest': {
        const [poi = 1, options = {}] = args;
        throwIfAborted(options.signal);
        return unwrap(this.#wasm, handle.hypotestJson(
            this.#settings(options), checkNumber(poi, 'the tested POI')));
      }
      case 'upperLimit': {
        const [options = {}] = args;
        throwIfAborted(options.signal);
        const level = checkNumber(options.cl ?? 0.95, 'cl');
        const values = options.grid === undefined ?
            new Float64Array(0) : gridOf(options.grid, 'grid');
        return unwrap(this.#wasm, handle.upperLimitJson(
            this.#settings(options), level, values));
      }
      case 'scan':
        return this.#scanJson(...args);
      case 'significance':
      case 'pulls':
      case 'ranking':
      case 'yields': {
        const [options = {}] = args;
        throwIfAborted(options.signal);
        return unwrap(this.#wasm,
                      handle[`${method}Json`](this.#settings(options)));
      }
      default:
        throw invalid(`unknown method '${method}' ` +
                      `(known: ${resultMethods.join(', ')})`);
    }
  }

  delete() {
    if (this.#handle !== null) {
      this.#handle.delete();
      this.#handle = null;
    }
  }

  #scanJson(parameter, range, options = {}) {
    throwIfAborted(options.signal);
    const settings = this.#settings(options);
    const name = parameter ?? this.poi;
    if (name === null) {
      throw invalid('the model has no POI; name the parameter to scan');
    }
    const p = settings.parameters[this.parameterIndex(name)];
    const values = gridOf(range ?? { from: p.lower, to: p.upper, points: 31 },
                          'the scan range');
    const { onProgress, signal } = options;
    // Returns true to stop; a throwing callback stops the scan too, since
    // its exception must not cross the wasm frames.
    const progress = (done, total) => {
      try {
        onProgress?.({ done, total });
        return Boolean(signal?.aborted);
      } catch {
        return true;
      }
    };
    return unwrap(this.#wasm,
                  this.#live().scanJson(settings, String(name), values,
                                        progress));
  }

  // The parameter settings and fit options of one call (the engine's
  // InferenceOptions), with the defaults of the `hs3` command.
  #settings(options, { tolerance = 0.01, computeErrors = false } = {}) {
    const {
      fixed = {}, init = {}, bounds = {}, strategy = 1,
      minos = [], testStat = 'qtilde',
    } = options;
    const parameters = this.parameters.map((p) => ({ ...p }));
    const at = (name) => parameters[this.parameterIndex(name)];
    for (const [name, value] of Object.entries(fixed)) {
      const p = at(name);
      p.fixed = true;
      p.init = checkNumber(value, `fixed.${name}`);
    }
    for (const [name, value] of Object.entries(init)) {
      at(name).init = checkNumber(value, `init.${name}`);
    }
    for (const [name, pair] of Object.entries(bounds)) {
      const p = at(name);
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw invalid(`bounds.${name} is [lower, upper]`);
      }
      p.lower = checkNumber(pair[0], `bounds.${name}[0]`);
      p.upper = checkNumber(pair[1], `bounds.${name}[1]`);
      if (p.lower >= p.upper) {
        throw invalid(`bounds.${name}: the lower bound must be below the ` +
                      'upper');
      }
    }
    if (![0, 1, 2].includes(strategy)) {
      throw invalid('strategy takes 0, 1 or 2');
    }
    if (!Array.isArray(minos)) throw invalid('minos is an array of names');
    return {
      parameters,
      strategy,
      tolerance: checkNumber(options.tolerance ?? tolerance, 'tolerance'),
      maxCalls: checkCalls(options.maxCalls ?? 0),
      computeErrors: options.computeErrors ?? computeErrors,
      minos: minos.map(String),
      statistic: String(testStat),
    };
  }

  #live() {
    if (this.#handle === null) throw invalid('the model was deleted');
    return this.#handle;
  }
}
