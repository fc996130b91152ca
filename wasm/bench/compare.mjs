// NLL-with-gradient and full-fit times of the wasm engine under Node against
// the native engine, on the ATLAS golden cases. Not a test: it prints a
// table (and with --json one JSON line per case).
//
//   node wasm/bench/compare.mjs [--budget SECONDS] [--json]
//
// Native times come from bench's hs3bench ($HS3BENCH, default
// build/bench/bench/hs3bench) with the same workloads; without it only the
// wasm column is shown. Both sides report the fastest of repeated batches:
// on a shared machine the other processes only ever add time, so the
// minimum is the steadiest estimate of what the code itself costs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { load, setLogLevel } from '../hs3web.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shared = process.env.HS3_SHARED ?? path.join(root, '..', 'shared');
const goldenFile = path.join(shared, 'golden', 'pyhf_golden.json');
const goldenDir = path.join(shared, 'golden', 'workspaces');
const hs3bench = process.env.HS3BENCH ??
    path.join(root, 'build', 'bench', 'bench', 'hs3bench');

const argv = process.argv.slice(2);
const budget = Number(argv[argv.indexOf('--budget') + 1] || 1);
const asJson = argv.includes('--json');

function fastest(samples) {
  return Math.min(...samples);
}

// Seconds per call: batches long enough for the clock, for `budget` seconds.
async function time(job, minReps = 3) {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; ++i) await job();
    if (performance.now() - start >= 5 || batch >= 1 << 16) break;
    batch *= 2;
  }
  const samples = [];
  const begin = performance.now();
  while (samples.length < minReps ||
         performance.now() - begin < budget * 1e3) {
    const start = performance.now();
    for (let i = 0; i < batch; ++i) await job();
    samples.push((performance.now() - start) / 1e3 / batch);
  }
  return fastest(samples);
}

function nativeTimes(workspace, patchArgs) {
  if (!existsSync(hs3bench)) return null;
  const r = spawnSync(hs3bench, ['--model', workspace, ...patchArgs,
                                 '--workloads', 'nll_grad,fit',
                                 '--budget', String(budget)],
                      { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  const pick = (name) => {
    const samples = out.workloads?.[name]?.samples;
    return samples ? fastest(samples) : null;
  };
  return { nllGrad: pick('nll_grad'), fit: pick('fit') };
}

const format = (s) => (s === null ? '     -' :
  s < 1e-3 ? `${(s * 1e6).toFixed(1)} us` : `${(s * 1e3).toFixed(2)} ms`);

async function main() {
  if (!existsSync(goldenFile)) {
    console.log(`${goldenFile} is absent: no ATLAS cases to time`);
    return;
  }
  await setLogLevel('error');
  const { cases } = JSON.parse(readFileSync(goldenFile, 'utf8'));
  const rows = [];
  for (const [name, { inputs }] of Object.entries(cases)) {
    if (!name.startsWith('atlas')) continue;
    const workspace = path.join(goldenDir, inputs.files[0]);
    const options = {};
    const patchArgs = [];
    if (inputs.patch) {
      const file = path.join(goldenDir, inputs.patch);
      options.patch = readFileSync(file, 'utf8');
      patchArgs.push('--patch', file);
    } else if (inputs.patchset) {
      const file = path.join(goldenDir, inputs.patchset);
      options.patches = [{ patchset: readFileSync(file, 'utf8'),
                           name: inputs.patch_name }];
      patchArgs.push('--patch', `${file}:${inputs.patch_name}`);
    }
    const model = await load(readFileSync(workspace, 'utf8'), options);
    const x = model.initialValues();
    const wasm = {
      nllGrad: await time(() => model.nllAndGradient(x)),
      fit: await time(() => model.fit()),
    };
    model.delete();
    const native = nativeTimes(workspace, patchArgs);
    rows.push({ name, parameters: x.length, wasm, native });
    if (asJson) console.log(JSON.stringify(rows.at(-1)));
  }
  if (asJson) return;
  console.log('case'.padEnd(48), 'pars', 'nll+grad wasm / native (ratio)',
              '   fit wasm / native (ratio)');
  for (const { name, parameters, wasm, native } of rows) {
    const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : '-');
    console.log(name.padEnd(48), String(parameters).padStart(4),
                `${format(wasm.nllGrad)} / ${format(native?.nllGrad ?? null)}`,
                `(${ratio(wasm.nllGrad, native?.nllGrad)})`.padEnd(9),
                `${format(wasm.fit)} / ${format(native?.fit ?? null)}`,
                `(${ratio(wasm.fit, native?.fit)})`);
  }
}

await main();
