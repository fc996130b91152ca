// index.d.ts is hand-written: it must declare exactly what hs3web.mjs
// exports, each with a doc comment, so the types cannot drift from the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as hs3 from '../hs3web.mjs';

const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
const declared = /^export declare (?:function|class|const) (\w+)/gm;

test('index.d.ts declares every export and nothing else', () => {
  const types = [...dts.matchAll(declared)].map((m) => m[1]);
  assert.deepEqual([...new Set(types)].sort(), Object.keys(hs3).sort());
});

test('every declared export has a doc comment', () => {
  for (const m of dts.matchAll(declared)) {
    const before = dts.slice(0, m.index).trimEnd();
    assert.ok(before.endsWith('*/'), `${m[1]} has no /** */ comment`);
  }
});

test('package.json points at the types and the module', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json',
                                              import.meta.url), 'utf8'));
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.exports['.'].types, './index.d.ts');
  assert.equal(pkg.exports['.'].default, './hs3web.mjs');
  for (const file of pkg.files) {
    readFileSync(new URL(`../${file}`, import.meta.url));
  }
});
