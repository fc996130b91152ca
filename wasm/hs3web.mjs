// hs3web's JavaScript API: loads a pyhf workspace into the WebAssembly engine
// and evaluates its likelihood.
//
//   import { load, Hs3Error } from 'hs3web';
//   const model = await load(workspaceTextOrObject, {patches: [patchText]});
//   model.nll();                       // at the initial values
//   model.logpdf({mu: 0});             // one parameter changed by name
//   model.nllAndGradient(values);      // values: Array or Float64Array
//   model.delete();                    // frees the wasm memory
//
// Every failure is an Hs3Error with the engine's code ("schema_error") and
// the JSON path of the offending value.
//
// Where the build is: $HS3WEB_BUILD in Node, else ../build/wasm/wasm next to
// this file. In a browser, load hs3web.js with a <script> tag first (it
// defines createHs3Module).

export class Hs3Error extends Error {
  constructor(code, path, message) {
    super(path ? `[${code}] at ${path}: ${message}` : `[${code}] ${message}`);
    this.name = 'Hs3Error';
    this.code = code;
    this.path = path;
    // The sentence alone, as hs3::Error::message().
    this.detail = message;
  }
}

const isNode = typeof process === 'object' &&
    typeof process.versions === 'object' &&
    typeof process.versions.node === 'string';

async function loadFactory() {
  if (typeof globalThis.createHs3Module === 'function') {
    return globalThis.createHs3Module;
  }
  if (!isNode) {
    throw new Hs3Error('io_error', '',
        'load hs3web.js with a <script> tag before using hs3web.mjs');
  }
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const dir = process.env.HS3WEB_BUILD ?
      path.resolve(process.env.HS3WEB_BUILD) :
      fileURLToPath(new URL('../build/wasm/wasm/', import.meta.url));
  const file = path.join(dir, 'hs3web.js');
  try {
    return createRequire(import.meta.url)(file);
  } catch (e) {
    throw new Hs3Error('io_error', '',
        `cannot load the WebAssembly build ${file} (${e.message}); ` +
        'build it with `bash scripts/build.sh`, or point HS3WEB_BUILD at ' +
        'the folder that holds hs3web.js');
  }
}

let modulePromise = null;

// The engine's module, instantiated once per process (or page, or worker).
export function ready() {
  if (modulePromise === null) {
    modulePromise = loadFactory().then((factory) => factory());
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

function jsonText(source, what) {
  if (typeof source === 'string') return source;
  if (source !== null && typeof source === 'object') {
    return JSON.stringify(source);
  }
  throw invalid(`${what} must be JSON text or an object, not ${typeof source}`);
}

// A patch is JSON Patch text, a JSON Patch array, or {patchset, name} for one
// patch of a pyhf patchset (text or object).
function toPatchSource(patch, index) {
  const origin = `patches[${index}]`;
  if (typeof patch === 'string' || Array.isArray(patch)) {
    return { text: jsonText(patch, origin), patchName: '', origin };
  }
  if (patch !== null && typeof patch === 'object' && 'patchset' in patch) {
    if (typeof patch.name !== 'string' || patch.name === '') {
      throw invalid(`${origin}.name must name a patch of the patchset`);
    }
    return {
      text: jsonText(patch.patchset, `${origin}.patchset`),
      patchName: patch.name,
      origin: patch.origin ?? origin,
    };
  }
  throw invalid(`${origin} must be JSON Patch text or array, ` +
                'or {patchset, name}');
}

class Model {
  #wasm;
  #handle;

  constructor(wasm, handle) {
    this.#wasm = wasm;
    this.#handle = handle;
    // [{name, init, lower, upper, fixed}] in the engine's (pyhf's) order.
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

  // Parameter values from: nothing (the initial values), an Array or typed
  // array of all values, or an object {name: value} that changes some.
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

  // -log L, with every constant kept.
  nll(params) {
    return unwrap(this.#wasm, this.#live().nll(this.values(params)));
  }

  // log L, the same number as pyhf's model.logpdf(pars, data).
  logpdf(params) {
    return this.logpdfParts(params).logpdf;
  }

  // {main, constraint, logpdf}: pyhf's mainlogpdf, constraint_logpdf and
  // their sum.
  logpdfParts(params) {
    return unwrap(this.#wasm, this.#live().logpdf(this.values(params)));
  }

  // {nll, gradient}, the gradient a Float64Array in parameter order.
  nllAndGradient(params) {
    return unwrap(this.#wasm,
                  this.#live().nllAndGradient(this.values(params)));
  }

  // Channels, samples, parameter sets and parameters with their constraints.
  inspect() {
    return JSON.parse(this.inspectJson());
  }

  // The JSON text that `hs3 inspect` prints.
  inspectJson() {
    return unwrap(this.#wasm, this.#live().inspectJson());
  }

  // {logpdf, nll, twice_nll, main_logpdf, constraint_logpdf}, and with
  // {gradient: true} the nll's gradient by parameter name.
  report(params, { gradient = false } = {}) {
    return JSON.parse(this.reportJson(params, { gradient }));
  }

  // The JSON text that `hs3 nll` prints.
  reportJson(params, { gradient = false } = {}) {
    return unwrap(this.#wasm,
                  this.#live().nllJson(this.values(params), Boolean(gradient)));
  }

  // Frees the engine's memory; the model cannot be used afterwards.
  delete() {
    if (this.#handle !== null) {
      this.#handle.delete();
      this.#handle = null;
    }
  }

  #live() {
    if (this.#handle === null) throw invalid('the model was deleted');
    return this.#handle;
  }
}

// Builds the model of a pyhf workspace (JSON text or object). Options:
//   patches      applied in order (see toPatchSource)
//   measurement  its name (default: the first)
//   normsys      interpolation code, "code4" by default (as pyhf)
//   histosys     interpolation code, "code4p" by default (as pyhf)
export async function load(source, {
  patches = [], measurement = '', normsys = '', histosys = '',
} = {}) {
  const wasm = await ready();
  const text = jsonText(source, 'the workspace');
  if (!Array.isArray(patches)) throw invalid('patches must be an array');
  const sources = patches.map(toPatchSource);
  const options = {
    measurement: String(measurement),
    normsys: String(normsys),
    histosys: String(histosys),
  };
  const handle = unwrap(wasm, wasm.ModelHandle.load(text, sources, options));
  return new Model(wasm, handle);
}

// [{name, values}] of the patches in a pyhf patchset (text or object).
export async function listPatches(patchset) {
  const wasm = await ready();
  return unwrap(wasm, wasm.listPatches(jsonText(patchset, 'the patchset')));
}

const logLevels = { debug: 0, info: 1, warning: 2, error: 3, off: 4 };

// The engine's messages go to console.error from this level up.
export async function setLogLevel(level) {
  if (!(level in logLevels)) {
    throw invalid(`log level must be one of ${Object.keys(logLevels)}`);
  }
  (await ready()).setLogLevel(logLevels[level]);
}
