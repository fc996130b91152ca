// load() takes every kind of source: text, object, file path, file: URL,
// http URL, Blob, bytes and a HEPData pallet (.tar.gz); logging goes
// through one replaceable sink.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { gzipSync } from 'fflate';
import { createTar } from 'nanotar';

import {
  load, readPallet, setLogLevel, setLogSink,
} from '../hs3web.mjs';
import { goldenDir, haveShared, hs3Error, root, sharedMissing }
  from './common.mjs';

const modelFile = path.join(root, 'models', 'default.json');
const modelText = readFileSync(modelFile, 'utf8');

async function nllOf(source, options) {
  const model = await load(source, options);
  try {
    return model.nll();
  } finally {
    model.delete();
  }
}

test('text, object, path, file: URL, Blob and bytes load alike', async () => {
  const expected = await nllOf(modelText);
  const bytes = new TextEncoder().encode(modelText);
  for (const source of [JSON.parse(modelText), modelFile,
                        pathToFileURL(modelFile), new Blob([modelText]),
                        bytes, bytes.buffer]) {
    assert.equal(await nllOf(source), expected);
  }
});

test('an http URL is fetched', async () => {
  const server = createServer((request, response) => {
    if (request.url === '/ws.json') {
      response.end(modelText);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.equal(await nllOf(`${base}/ws.json`), await nllOf(modelText));
    assert.equal((await hs3Error(() => load(new URL(`${base}/none`)))).code,
                 'io_error');
  } finally {
    server.close();
  }
});

test('a HEPData pallet loads with a patch by name', async (t) => {
  if (!haveShared) {
    t.skip(sharedMissing);
    return;
  }
  const dir = path.join(goldenDir, 'pyhf');
  const ws = readFileSync(path.join(dir, 'test_patchset_example_bkgonly.json'),
                          'utf8');
  const ps = readFileSync(
      path.join(dir, 'test_patchset_example_patchset.json'), 'utf8');
  const pallet = gzipSync(createTar([
    { name: 'pallet/BkgOnly.json', data: ws },
    { name: 'pallet/patchset.json', data: ps },
    { name: 'pallet/README.md', data: 'not JSON' },
  ]));
  const contents = await readPallet(pallet);
  assert.deepEqual(contents.workspaces, ['pallet/BkgOnly.json']);
  assert.deepEqual(contents.patchsets, ['pallet/patchset.json']);
  const name = JSON.parse(ps).patches[0].metadata.name;
  assert.equal(await nllOf(new Blob([pallet]), { patch: name }),
               await nllOf(ws, { patches: [{ patchset: ps, name }] }));
  const e = await hs3Error(() => load(pallet, { patch: 'nope' }));
  assert.equal(e.code, 'unknown_name');
  const broken = await hs3Error(() => load(pallet.slice(0, 40)));
  assert.equal(broken.code, 'parse_error');
});

test('the engine logs through the sink that JS sets', async () => {
  const seen = [];
  await setLogSink((level, topic, text) => seen.push({ level, topic, text }));
  await setLogLevel('debug');
  try {
    const model = await load(modelText);
    await model.fit();
    model.delete();
  } finally {
    await setLogLevel('warning');
    await setLogSink(null);
  }
  assert.ok(seen.length > 0, 'no message at level debug');
  for (const m of seen) {
    assert.ok(['debug', 'info', 'warning', 'error'].includes(m.level));
    assert.equal(typeof m.topic, 'string');
  }
  assert.equal((await hs3Error(() => setLogLevel('loud'))).code,
               'invalid_argument');
});
