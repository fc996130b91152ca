// What the Node tests share: paths, the native `hs3`, comparisons.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Hs3Error } from '../hs3web.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const cli = path.join(root, 'wasm', 'cli.mjs');
export const hs3 = process.env.HS3_NATIVE ??
    path.join(root, 'build', 'native', 'hs3');
export const shared = process.env.HS3_SHARED ??
    path.join(root, '..', 'shared');
export const goldenDir = path.join(shared, 'golden', 'workspaces');
export const goldenFile = path.join(shared, 'golden', 'pyhf_golden.json');
export const haveShared = existsSync(goldenFile);
export const sharedMissing =
    `SKIPPED: ${goldenFile} is absent (set HS3_SHARED to the shared folder)`;

export function run(command, args) {
  return spawnSync(command, args, { encoding: 'utf8', cwd: root,
                                    maxBuffer: 1 << 28 });
}

// The parsed JSON that `hs3 ARGS` prints; fails the test on a non-zero exit.
export function native(...args) {
  const r = run(hs3, args);
  assert.equal(r.status, 0, `hs3 ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The parsed JSON that `node wasm/cli.mjs ARGS` prints.
export function nodeCli(...args) {
  const r = run(process.execPath, [cli, ...args]);
  assert.equal(r.status, 0, `cli.mjs ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function assertClose(actual, expected, what, rel = 1e-12) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= rel * scale,
            `${what}: ${actual} vs native ${expected} (rel ${rel})`);
}

// Every number in two JSON values, member by member, to `rel`; strings,
// booleans and nulls exactly.
export function assertDeepClose(actual, expected, what, rel = 1e-12) {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', what);
    assertClose(actual, expected, what, rel);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), what);
    assert.equal(actual.length, expected.length, `${what}.length`);
    expected.forEach((e, i) => assertDeepClose(actual[i], e, `${what}[${i}]`,
                                               rel));
  } else if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(),
                     what);
    for (const key of Object.keys(expected)) {
      // Messages quote numbers and call counts, which follow the numbers.
      if (key === 'message' || key === 'calls') continue;
      assertDeepClose(actual[key], expected[key], `${what}.${key}`, rel);
    }
  } else {
    assert.equal(actual, expected, what);
  }
}

// Calls fn, which must throw an Hs3Error; returns it.
export async function hs3Error(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof Hs3Error, `expected an Hs3Error, got ${e}`);
    assert.equal(typeof e.code, 'string');
    assert.equal(typeof e.path, 'string');
    return e;
  }
  assert.fail('expected an Hs3Error, but nothing was thrown');
}
