// Where a model's text comes from: JSON text or an object, a URL, a File or
// Blob, bytes, or a HEPData pallet (.tar.gz holding a background-only
// workspace and its patchset). Everything here runs before the engine sees
// the text, in the browser and in Node alike.
import { Hs3Error } from './error.mjs';

const isNode = typeof process === 'object' &&
    typeof process.versions === 'object' &&
    typeof process.versions.node === 'string';

function invalid(message) {
  return new Hs3Error('invalid_argument', '', message);
}

function looksLikeJson(text) {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function isUrlText(text) {
  return /^(https?|file|blob|data):/i.test(text);
}

async function readUrl(url) {
  if (url.protocol === 'file:' && isNode) {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    return readFile(fileURLToPath(url)).catch(() => {
      throw new Hs3Error('io_error', '', `cannot open '${url.href}'`);
    });
  }
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Hs3Error('io_error', '',
                       `cannot fetch ${url.href}: ${e.message}`);
  }
  if (!response.ok) {
    throw new Hs3Error('io_error', '',
                       `cannot fetch ${url.href}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

// The raw content of a source: a string of JSON text, an object, or bytes.
// Strings that are not JSON are URLs, or in Node also file paths.
async function rawContent(source) {
  if (typeof source === 'string') {
    if (looksLikeJson(source)) return source;
    if (isUrlText(source)) return readUrl(new URL(source));
    if (isNode) {
      const { readFile } = await import('node:fs/promises');
      return readFile(source).catch(() => {
        throw new Hs3Error('io_error', '', `cannot open '${source}'`);
      });
    }
    return readUrl(new URL(source, globalThis.location?.href));
  }
  if (source instanceof URL) return readUrl(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return new Uint8Array(await source.arrayBuffer());
  }
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  if (source !== null && typeof source === 'object') return source;
  throw invalid('a model comes from JSON text, an object, a URL, a File, ' +
                `bytes or a .tar.gz pallet, not ${typeof source}`);
}

function isGzip(bytes) {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Every JSON file of a pallet by its path inside the archive, and which of
// them are workspaces (a top-level "channels") and patchsets ("patches").
export async function readPallet(source) {
  const bytes = await rawContent(source);
  if (!(bytes instanceof Uint8Array) || !isGzip(bytes)) {
    throw new Hs3Error('parse_error', '', 'a pallet is a .tar.gz archive');
  }
  const [{ gunzipSync }, { parseTar }] =
      await Promise.all([import('fflate'), import('nanotar')]);
  let entries;
  try {
    entries = parseTar(gunzipSync(bytes));
  } catch (e) {
    throw new Hs3Error('parse_error', '', `cannot unpack the pallet: ${e}`);
  }
  const files = {};
  const workspaces = [];
  const patchsets = [];
  for (const entry of entries) {
    if (entry.type !== 'file' || !entry.name.endsWith('.json')) continue;
    const name = entry.name.replace(/^\.\//, '');
    // macOS resource forks ride along in many published archives.
    if (name.split('/').some((part) => part.startsWith('._'))) continue;
    files[name] = entry.text;
    let json;
    try {
      json = JSON.parse(entry.text);
    } catch {
      continue;
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      if ('channels' in json) workspaces.push(name);
      if ('patches' in json) patchsets.push(name);
    }
  }
  return { files, workspaces: workspaces.sort(), patchsets: patchsets.sort() };
}

function dirname(path) {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

// One workspace of a pallet: `workspace` names it, else there must be one.
function pickFromPallet(pallet, { workspace, patchset }) {
  let name = workspace;
  if (name === undefined) {
    if (pallet.workspaces.length !== 1) {
      throw invalid('the pallet holds the workspaces ' +
                    `${pallet.workspaces.join(', ') || '(none)'}; ` +
                    'choose one with {workspace: PATH}');
    }
    name = pallet.workspaces[0];
  }
  if (!(name in pallet.files)) {
    throw new Hs3Error('unknown_name', '', `the pallet has no file '${name}'` +
                       ` (workspaces: ${pallet.workspaces.join(', ')})`);
  }
  let patchsetName = patchset;
  if (patchsetName === undefined) {
    const near = pallet.patchsets.filter((p) => dirname(p) === dirname(name));
    patchsetName = near.length === 1 ? near[0] : undefined;
  }
  return {
    text: pallet.files[name],
    origin: name,
    patchset: patchsetName === undefined ? undefined : {
      text: pallet.files[patchsetName], origin: patchsetName,
    },
  };
}

export function jsonText(content, what) {
  if (typeof content === 'string') return content;
  if (content instanceof Uint8Array) return new TextDecoder().decode(content);
  if (content !== null && typeof content === 'object') {
    return JSON.stringify(content);
  }
  throw invalid(`${what} must be JSON text or an object, ` +
                `not ${typeof content}`);
}

// {text, patchset?} for load(): the workspace's JSON text and, for a pallet,
// the patchset beside it.
export async function resolveModelSource(source, options = {}) {
  const content = await rawContent(source);
  if (content instanceof Uint8Array && isGzip(content)) {
    return pickFromPallet(await readPallet(content), options);
  }
  return { text: jsonText(content, 'the workspace'), origin: '' };
}

// A patchset given as any source: its JSON text.
export async function resolveText(source, what) {
  return jsonText(await rawContent(source), what);
}
