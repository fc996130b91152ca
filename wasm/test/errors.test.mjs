// Bad input reaches JavaScript as an Hs3Error with the code and JSON path
// that the native `hs3` reports, and the module keeps working afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { load } from '../hs3web.mjs';
import { hs3, hs3Error, root, run } from './common.mjs';

const modelFile = path.join(root, 'models', 'default.json');
const modelText = readFileSync(modelFile, 'utf8');
let scratch;
let model;
let reference;

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'hs3web-errors-'));
  model = await load(modelText);
  reference = model.nll();
});

after(() => {
  model?.delete();
  rmSync(scratch, { recursive: true, force: true });
});

// The native command's message for the same input, `hs3: [code] at path:
// sentence`, must be the Hs3Error's message.
function nativeMessage(args) {
  const r = run(hs3, args);
  assert.equal(r.status, 2, r.stderr);
  return r.stderr.trim().replace(/^hs3: /, '');
}

const patchset = {
  metadata: { name: 't', description: 'd', labels: ['x'], references: {},
              digests: {} },
  version: '1.0.0',
  patches: [{ metadata: { name: 'a', values: [1] }, patch: [] }],
};

const cases = [
  { what: 'broken JSON', code: 'parse_error',
    workspace: () => modelText.slice(0, 300) },
  { what: 'an unknown modifier type', code: 'unknown_type',
    path: 'channels[1].samples[2].modifiers[1].type',
    workspace: () => {
      const ws = JSON.parse(modelText);
      ws.channels[1].samples[2].modifiers[1].type = 'normsyst';
      return ws;
    } },
  { what: 'mismatched bins', code: 'shape_mismatch',
    path: 'channels[0].samples[1].data',
    workspace: () => {
      const ws = JSON.parse(modelText);
      ws.channels[0].samples[1].data.pop();
      return ws;
    } },
  { what: 'a patch that does not apply', code: 'patch_error', path: '[0]',
    patch: [{ op: 'replace', path: '/channels/9/samples/0/data',
              value: [1] }] },
  { what: 'an unknown patch name', code: 'unknown_name', path: 'patches',
    patchset, patchName: 'nope' },
];

for (const c of cases) {
  test(`${c.what} is an Hs3Error ${c.code}, as natively`, async () => {
    const workspace = c.workspace ? c.workspace() : modelText;
    const options = {};
    const args = ['nll'];
    const wsFile = path.join(scratch, 'ws.json');
    const text = typeof workspace === 'string' ? workspace :
        JSON.stringify(workspace);
    writeFileSync(wsFile, text);
    args.push(wsFile);
    if (c.patch) {
      const file = path.join(scratch, 'patch.json');
      writeFileSync(file, JSON.stringify(c.patch));
      options.patches = [JSON.stringify(c.patch)];
      args.push('-p', file);
    }
    if (c.patchset) {
      const file = path.join(scratch, 'patchset.json');
      writeFileSync(file, JSON.stringify(c.patchset));
      options.patches = [{ patchset: c.patchset, name: c.patchName,
                           origin: file }];
      args.push('-p', `${file}:${c.patchName}`);
    }
    const e = await hs3Error(() => load(workspace, options));
    assert.equal(e.code, c.code);
    if (c.path !== undefined) assert.equal(e.path, c.path);
    if (!c.patch) assert.equal(e.message, nativeMessage(args));
    // The module goes on working.
    assert.equal(model.nll(), reference);
    const again = await load(modelText);
    assert.equal(again.nll(), reference);
    again.delete();
  });
}

test('an unknown parameter is Hs3Error unknown_name everywhere', async () => {
  for (const call of [
    () => model.nll({ nope: 1 }),
    () => model.fit({ fixed: { nope: 1 } }),
    () => model.hypotest(1, { init: { nope: 0 } }),
    () => model.scan('nope', { from: 0, to: 1, points: 3 }),
  ]) {
    const e = await hs3Error(call);
    assert.equal(e.code, 'unknown_name');
    assert.match(e.detail, /no parameter named 'nope'/);
  }
  assert.equal(nativeMessage(['fit', modelFile, '--fix', 'nope=1']),
               (await hs3Error(() => model.fit({ fixed: { nope: 1 } })))
                   .message);
  assert.equal(model.nll(), reference);
});

test('bad options are Hs3Errors invalid_argument', async () => {
  for (const call of [
    () => model.fit({ strategy: 3 }),
    () => model.fit({ bounds: { mu: [2, 1] } }),
    () => model.hypotest('one'),
    () => model.hypotest(99),
    () => model.scan('mu', { from: 1, to: 0, points: 3 }),
    () => model.upperLimit({ cl: NaN }),
    () => model.rawJson('frobnicate'),
    () => model.hypotest(1, { testStat: 'z' }),
  ]) {
    assert.equal((await hs3Error(call)).code, 'invalid_argument');
  }
  const signal = AbortSignal.abort();
  assert.equal((await hs3Error(() => model.fit({ signal }))).code, 'aborted');
  assert.equal(model.nll(), reference);
});
