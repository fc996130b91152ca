// Times the engine through its JavaScript API (wasm/hs3web.mjs) under Node,
// with the workloads and output of hs3bench: what a web page or a Node user
// actually pays, boundary crossings and conversions included.
//
// A workload the API does not offer is reported as unavailable, with the
// method it would need, rather than approximated.
//
//   node bench/wasm_api_bench.mjs --model BkgOnly.json --patch patch.json \
//        --workloads nll,nll_grad,fit --budget 0.5
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const args = {
    model: '', patch: [], patchset: '', workloads: ['nll'],
    budget: 0.5, minReps: 3, maxReps: 1000, api: '',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--model') args.model = value;
    else if (flag === '--patch') args.patch.push(value);
    else if (flag === '--patchset') args.patchset = value;
    else if (flag === '--workloads') args.workloads = value.split(',');
    else if (flag === '--budget') args.budget = Number(value);
    else if (flag === '--min-reps') args.minReps = Number(value);
    else if (flag === '--max-reps') args.maxReps = Number(value);
    else if (flag === '--api') args.api = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

// Per-call seconds, as hs3bench's timeRepeated. Awaits each call, since
// the API's inference methods may return promises.
async function timeRepeated(job, args, batched) {
  let batch = 1;
  if (batched) {
    for (;;) {
      const start = performance.now();
      for (let i = 0; i < batch; ++i) await job();
      if (performance.now() - start >= 2 || batch >= 1 << 20) break;
      batch *= 2;
    }
  }
  const samples = [];
  const begin = performance.now();
  while (samples.length < args.maxReps) {
    const start = performance.now();
    for (let i = 0; i < batch; ++i) await job();
    samples.push((performance.now() - start) / 1e3 / batch);
    const enough = samples.length >= args.minReps;
    if (enough && (performance.now() - begin) / 1e3 >= args.budget) break;
  }
  return samples;
}

class Unavailable extends Error {}

function need(model, method) {
  if (typeof model[method] !== 'function') {
    throw new Unavailable(`hs3web.mjs Model has no ${method}()`);
  }
}

// The patches as hs3web.load takes them: JSON Patch text, or one patch of
// a patchset for FILE:NAME.
function patchSources(specs) {
  return specs.map((spec) => {
    const colon = spec.lastIndexOf(':');
    const isNamed = colon > 0 && !spec.slice(colon).includes('/');
    if (isNamed) {
      return {
        patchset: readFileSync(spec.slice(0, colon), 'utf8'),
        name: spec.slice(colon + 1),
      };
    }
    return readFileSync(spec, 'utf8');
  });
}

async function timeWorkload(name, hs3, model, args, result) {
  const x = model.initialValues();
  const poiGrid = () => {
    const p = model.parameters[model.poiIndex];
    const lo = Math.max(p.lower, 0);
    const hi = Math.min(p.upper, 3);
    return Array.from({ length: 31 }, (_, i) => lo + (hi - lo) * i / 30);
  };
  switch (name) {
    case 'load': {
      const text = readFileSync(args.model, 'utf8');
      const patches = patchSources(args.patch);
      return timeRepeated(async () => {
        (await hs3.load(text, { patches })).delete();
      }, args, false);
    }
    case 'nll': {
      let value = 0;
      const samples = await timeRepeated(() => { value = model.nll(x); },
                                         args, true);
      result.nll = value;
      return samples;
    }
    case 'nll_grad': {
      let value = 0;
      const samples = await timeRepeated(() => {
        value = model.nllAndGradient(x).nll;
      }, args, true);
      result.nll = value;
      return samples;
    }
    case 'fit':
    case 'fit_noerr': {
      need(model, 'fit');
      let fit = null;
      const options = { computeErrors: name === 'fit' };
      const samples = await timeRepeated(async () => {
        fit = await model.fit(options);
      }, args, false);
      result.twice_nll = fit?.twice_nll;
      return samples;
    }
    case 'hypotest': {
      need(model, 'hypotest');
      let r = null;
      const samples = await timeRepeated(async () => {
        r = await model.hypotest(1.0);
      }, args, false);
      result.cls_obs = r?.CLs_obs;
      return samples;
    }
    case 'limit': {
      need(model, 'upperLimit');
      let r = null;
      const samples = await timeRepeated(async () => {
        r = await model.upperLimit();
      }, args, false);
      result.obs = r?.obs;
      return samples;
    }
    case 'scan': {
      need(model, 'scan');
      const grid = poiGrid();
      const samples = await timeRepeated(async () => {
        await model.scan(model.poi, {
          from: grid[0], to: grid[30], points: 31,
        });
      }, args, false);
      result.points = 31;
      return samples;
    }
    case 'patchset': {
      need(model, 'hypotest');
      // One patch after the other, as hs3bench: loading each patched
      // model is part of the cost.
      const text = readFileSync(args.model, 'utf8');
      const patchset = readFileSync(args.patchset, 'utf8');
      const patches = await hs3.listPatches(patchset);
      let sum = 0;
      const samples = await timeRepeated(async () => {
        sum = 0;
        for (const { name: patch } of patches) {
          const patched = await hs3.load(text, {
            patches: [{ patchset, name: patch }],
          });
          sum += (await patched.hypotest(1.0)).CLs_obs;
          patched.delete();
        }
      }, args, false);
      result.patches = patches.length;
      result.sum_cls_obs = sum;
      return samples;
    }
    default:
      throw new Unavailable(`no JavaScript version of workload ${name}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const hs3 = await import(args.api || new URL('../wasm/hs3web.mjs',
                                               import.meta.url).href);
  await hs3.ready();
  if (hs3.setLogLevel) await hs3.setLogLevel('error');

  const before = process.memoryUsage().rss;
  const start = performance.now();
  const model = await hs3.load(readFileSync(args.model, 'utf8'),
                               { patches: patchSources(args.patch) });
  const loadSeconds = (performance.now() - start) / 1e3;
  const afterLoad = process.resourceUsage().maxRSS * 1024;

  const workloads = {};
  for (const name of args.workloads) {
    const result = {};
    try {
      result.samples = await timeWorkload(name, hs3, model, args, result);
      workloads[name] = result;
    } catch (e) {
      workloads[name] = e instanceof Unavailable ?
          { unavailable: e.message } : { error: String(e.message ?? e) };
    }
  }
  const out = {
    engine: 'wasm-js',
    parameters: model.size,
    first_load_s: loadSeconds,
    memory_before_bytes: before,
    memory_after_load_bytes: afterLoad - before,
    memory_peak_bytes: process.resourceUsage().maxRSS * 1024 - before,
    workloads,
  };
  model.delete();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`wasm_api_bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
