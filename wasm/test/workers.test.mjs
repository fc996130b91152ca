// The worker variant and the pool give the in-thread API's numbers; a
// cancelled call rejects with code "aborted" and the model works after it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createPool, listPatches, load, loadInWorker } from '../hs3web.mjs';
import {
  assertDeepClose, goldenDir, hs3Error, root,
} from './common.mjs';

const modelText = readFileSync(path.join(root, 'models', 'default.json'),
                               'utf8');
let model;
let remote;

before(async () => {
  model = await load(modelText);
  remote = await loadInWorker(modelText);
});

after(() => {
  model?.delete();
  remote?.delete();
});

test('a worker model gives the same numbers as the in-thread one', async () => {
  assert.deepEqual(remote.parameters, model.parameters);
  assert.equal(remote.poi, model.poi);
  assert.equal(await remote.nll({ mu: 0.3 }), model.nll({ mu: 0.3 }));
  const g = await remote.nllAndGradient();
  assert.deepEqual(g.gradient, model.nllAndGradient().gradient);
  assert.deepEqual(await remote.fit(), await model.fit());
  assert.deepEqual(await remote.hypotest(1), await model.hypotest(1));
  const e = await hs3Error(() => remote.nll({ nope: 1 }));
  assert.equal(e.code, 'unknown_name');
});

test('scan progress arrives, and abort ends the call', async () => {
  const seen = [];
  const scan = await remote.scan('mu', { from: 0, to: 2, points: 5 },
                                 { onProgress: (p) => seen.push(p.done) });
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.deepEqual(scan, await model.scan('mu', { from: 0, to: 2,
                                                  points: 5 }));
  const controller = new AbortController();
  const slow = remote.scan('mu', { from: 0, to: 3, points: 200 }, {
    signal: controller.signal,
    onProgress: ({ done }) => { if (done === 2) controller.abort(); },
  });
  assert.equal((await hs3Error(() => slow)).code, 'aborted');
  // The worker was ended; the next call reloads the model in a new one.
  assert.equal(await remote.nll(), model.nll());
});

test('a pool spreads scan points and ranking refits', async () => {
  const pool = await createPool({ size: 2 });
  try {
    const spread = await pool.load(modelText);
    const range = { from: 0, to: 2, points: 6 };
    const serial = await model.scan('mu', range);
    const parallel = await spread.scan('mu', range);
    // Warm starts differ between the pieces: agreement to the fits' own
    // precision.
    assertDeepClose(parallel, serial, 'scan', 1e-5);
    assertDeepClose(await spread.ranking(), await model.ranking(), 'ranking',
                    1e-9);
    spread.delete();
  } finally {
    pool.terminate();
  }
});

test('a pool runs every patch of a patchset', async (t) => {
  const dir = path.join(goldenDir, 'pyhf');
  const workspace = path.join(dir, 'test_patchset_example_bkgonly.json');
  const patchsetFile = path.join(dir, 'test_patchset_example_patchset.json');
  let patchset;
  try {
    patchset = readFileSync(patchsetFile, 'utf8');
  } catch {
    t.skip(`SKIPPED: ${patchsetFile} is absent`);
    return;
  }
  const pool = await createPool({ size: 2 });
  try {
    const results = await pool.runPatches(readFileSync(workspace, 'utf8'),
                                          patchset);
    const names = (await listPatches(patchset)).map((p) => p.name);
    assert.deepEqual(results.map((r) => r.patch), names);
    for (const r of results) {
      const m = await load(readFileSync(workspace, 'utf8'),
                           { patchset, patch: r.patch });
      assert.deepEqual(r.result, await m.hypotest(1));
      m.delete();
    }
  } finally {
    pool.terminate();
  }
});
