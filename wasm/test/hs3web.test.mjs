// The JavaScript layer and the WebAssembly engine against the native `hs3`:
// the same model must give the same numbers, bad input must give an Hs3Error
// with code and path, and the module must keep working after an error.
//
// Needs wasm/dist/hs3web.{cjs,wasm} (or $HS3WEB_BUILD) and
// build/native/hs3 (or $HS3_NATIVE): run through scripts/test.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Hs3Error, listPatches, load } from '../hs3web.mjs';
import { hs3Error } from './common.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modelFile = path.join(root, 'models', 'default.json');
const modelText = readFileSync(modelFile, 'utf8');
const hs3 = process.env.HS3_NATIVE ?? path.join(root, 'build', 'native', 'hs3');
const cli = path.join(root, 'wasm', 'cli.mjs');

function run(command, args) {
  return spawnSync(command, args, { encoding: 'utf8', cwd: root });
}

// The parsed JSON that `hs3 ARGS` prints; fails the test on a non-zero exit.
function native(...args) {
  const r = run(hs3, args);
  assert.equal(r.status, 0, `hs3 ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Both sides run the same C++; only libm (glibc against musl) may differ in
// the last bits.
function assertClose(actual, expected, what, rel = 1e-12) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= rel * scale,
            `${what}: ${actual} vs native ${expected}`);
}

function assertReportsClose(actual, expected) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const key of ['logpdf', 'nll', 'twice_nll', 'main_logpdf',
                     'constraint_logpdf']) {
    assertClose(actual[key], expected[key], key);
  }
  for (const name of Object.keys(expected.gradient ?? {})) {
    assertClose(actual.gradient[name], expected.gradient[name],
                `gradient ${name}`);
  }
}


let model;
let scratch;

before(async () => {
  model = await load(modelText);
  scratch = mkdtempSync(path.join(tmpdir(), 'hs3web-test-'));
});

after(() => {
  model?.delete();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the default model has the measurement\'s settings', () => {
  assert.equal(model.measurement, 'meas');
  assert.equal(model.poi, 'mu');
  assert.equal(model.parameters[model.poiIndex].name, 'mu');
  const lumi = model.parameters[model.parameterIndex('lumi')];
  assert.deepEqual([lumi.init, lumi.lower, lumi.upper], [1, 0.915, 1.085]);
  const names = model.parameters.map((p) => p.name);
  for (const name of ['JES', 'wjets_shape[3]', 'staterror_SR[0]',
                      'staterror_CR[1]']) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
  assert.deepEqual(model.inspect().parameters.map((p) => p.name), names);
});

test('logpdf at the initial values agrees with native hs3', () => {
  const expected = native('nll', modelFile);
  assertClose(model.logpdf(), expected.logpdf, 'logpdf');
  assertClose(model.nll(), expected.nll, 'nll');
  const parts = model.logpdfParts();
  assertClose(parts.main, expected.main_logpdf, 'main');
  assertClose(parts.constraint, expected.constraint_logpdf, 'constraint');
  assertReportsClose(model.report(), expected);
});

test('logpdf and gradient away from the initial values agree', () => {
  const at = { mu: 0.4, JES: 0.7, lumi: 1.02, 'wjets_shape[1]': 1.1,
               'staterror_SR[2]': 0.95, sig_xsec: -1.6 };
  const args = Object.entries(at).flatMap(([k, v]) => ['--at', `${k}=${v}`]);
  const expected = native('nll', modelFile, '--gradient', ...args);
  assertClose(model.logpdf(at), expected.logpdf, 'logpdf');
  assertReportsClose(model.report(at, { gradient: true }), expected);

  const x = model.values(at);
  const { nll, gradient } = model.nllAndGradient(x);
  assertClose(nll, expected.nll, 'nll');
  assert.ok(gradient instanceof Float64Array);
  model.parameters.forEach((p, i) => {
    assertClose(gradient[i], expected.gradient[p.name], `gradient ${p.name}`);
  });
  // A plain Array and a Float64Array are the same input.
  assert.equal(model.nll(Array.from(x)), model.nll(Float64Array.from(x)));
});

test('node wasm/cli.mjs prints what native hs3 prints', () => {
  for (const args of [
    ['nll', modelFile],
    ['nll', modelFile, '--gradient', '--at', 'mu=2', '--at=JES=-0.5'],
    ['inspect', modelFile, '--normsys-code', 'code1'],
  ]) {
    const w = run(process.execPath, [cli, ...args]);
    assert.equal(w.status, 0, w.stderr);
    const n = native(...args);
    if (args[0] === 'nll') {
      assertReportsClose(JSON.parse(w.stdout), n);
    } else {
      assert.deepEqual(JSON.parse(w.stdout), n);
    }
  }
});

test('node wasm/cli.mjs refuses bad input as native hs3 does', () => {
  for (const args of [
    ['nll', path.join(root, 'models', 'no-such-file.json')],
    ['nll', modelFile, '--at', 'nope=1'],
    ['nll', modelFile, '--at', 'mu=abc'],
    ['nll', modelFile, '--frobnicate'],
  ]) {
    const w = run(process.execPath, [cli, ...args]);
    const n = run(hs3, args);
    assert.equal(n.status, 2, `native ${args}`);
    assert.equal(w.status, 2, `wasm ${args}: ${w.stderr}`);
    assert.equal(w.stdout, '');
    assert.equal(w.stderr, n.stderr);
    assert.equal(w.stderr.trim().split('\n').length, 1, w.stderr);
  }
  // The same commands, so the same list of them.
  const w = run(process.execPath, [cli, 'fly', modelFile]);
  assert.equal(w.status, 2);
  assert.equal(w.stderr, run(hs3, ['fly', modelFile]).stderr);
});

test('patches give the same numbers as native hs3 -p', async () => {
  const signal = [6.2, 12.8, 17.8, 10.4];
  const patch = [{ op: 'replace', path: '/channels/0/samples/0/data',
                   value: signal }];
  const patchFile = path.join(scratch, 'patch.json');
  writeFileSync(patchFile, JSON.stringify(patch));
  const patchset = {
    metadata: { name: 'test', description: 'signal points',
                labels: ['scale'], references: {}, digests: {} },
    patches: [
      { metadata: { name: 'half', values: [0.5] },
        patch: [{ op: 'replace', path: '/channels/0/samples/0/data',
                  value: signal.map((s) => s / 4) }] },
      { metadata: { name: 'double', values: [2] }, patch },
    ],
    version: '1.0.0',
  };
  const patchsetFile = path.join(scratch, 'patchset.json');
  writeFileSync(patchsetFile, JSON.stringify(patchset));

  assert.deepEqual(await listPatches(patchset),
                   [{ name: 'half', values: [0.5] },
                    { name: 'double', values: [2] }]);

  const expected = native('nll', modelFile, '-p', patchFile);
  const fromPatch = await load(modelText, { patches: [JSON.stringify(patch)] });
  const fromSet = await load(JSON.parse(modelText),
                             { patches: [{ patchset, name: 'double' }] });
  try {
    assertClose(fromPatch.logpdf(), expected.logpdf, 'JSON Patch');
    assertClose(fromSet.logpdf(), expected.logpdf, 'patchset');
    assertClose(native('nll', modelFile, '-p', `${patchsetFile}:double`)
                    .logpdf, expected.logpdf, 'native patchset');
    assert.notEqual(fromPatch.logpdf(), model.logpdf());
  } finally {
    fromPatch.delete();
    fromSet.delete();
  }
});

test('broken JSON is an Hs3Error, and the module goes on working', async () => {
  const before = model.logpdf();
  const e = await hs3Error(() => load(modelText.slice(0, 200)));
  assert.equal(e.code, 'parse_error');
  assert.match(e.message, /parse_error/);
  assert.equal(model.logpdf(), before);
  const again = await load(modelText);
  assert.equal(again.logpdf(), before);
  again.delete();
});

test('an unknown modifier type names its JSON path', async () => {
  const ws = JSON.parse(modelText);
  ws.channels[1].samples[2].modifiers[1].type = 'normsyst';
  const e = await hs3Error(() => load(ws));
  assert.equal(e.code, 'unknown_type');
  assert.equal(e.path, 'channels[1].samples[2].modifiers[1].type');
  assert.match(e.detail, /normsyst/);

  // The same file gives the same code and path natively.
  const file = path.join(scratch, 'unknown-type.json');
  writeFileSync(file, JSON.stringify(ws));
  const n = run(hs3, ['nll', file]);
  assert.equal(n.status, 2);
  assert.equal(n.stderr.trim(), `hs3: ${e.message}`);
  assert.ok(Number.isFinite(model.nll()));
});

test('bad arguments are Hs3Errors with code invalid_argument', async () => {
  const checks = [
    () => model.nll([1, 2, 3]),
    () => model.nll(['1']),
    () => model.nll({ mu: 'one' }),
    () => load(42),
    () => load(modelText, { patches: [{ patchset: {} }] }),
  ];
  for (const check of checks) {
    assert.equal((await hs3Error(check)).code, 'invalid_argument');
  }
  assert.equal((await hs3Error(() => model.nll({ nope: 1 }))).code,
               'unknown_name');
  const unknownCode = await hs3Error(() => load(modelText,
                                                { normsys: 'code9' }));
  assert.equal(unknownCode.code, 'invalid_argument');
});

test('a deleted model refuses to evaluate', async () => {
  const m = await load(modelText);
  m.delete();
  m.delete();
  assert.equal((await hs3Error(() => m.nll())).code, 'invalid_argument');
});
