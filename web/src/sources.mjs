// What the user opened, sorted into workspaces, patchsets and patch files.
//
//   const entries = await expand([{name, bytes}]);   // unpacks .tar.gz
//   const bundle = classify(entries);
//   bundle.workspaces   [{name, dir, text, format: 'pyhf' | 'hs3'}]
//   bundle.patches      [{id, label, values, dir, patch}]  patch: for load()
//
// gzip is undone by the browser's DecompressionStream; tar is read here
// (ustar headers only, which is what HEPData's pallets use).

const decoder = new TextDecoder();

export class InputError extends Error {
  constructor(message, path = '') {
    super(message);
    this.name = 'InputError';
    this.code = 'parse_error';
    this.path = path;
    this.detail = message;
  }
}

function isGzip(bytes) {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function isTar(bytes) {
  return bytes.length >= 512 &&
      decoder.decode(bytes.subarray(257, 262)) === 'ustar';
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream()
      .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function field(header, offset, length) {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
}

// Regular files of a tar archive; PAX long names are honoured.
export function untar(bytes) {
  const files = [];
  let offset = 0;
  let longName = null;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(header, 345, 155);
    let name = field(header, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    const body = bytes.subarray(offset + 512, offset + 512 + size);
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(decoder.decode(body));
      if (match) longName = match[1];
    } else if (type === 'L') {
      longName = decoder.decode(body).replace(/\0+$/, '');
    } else {
      if (type === '0' || type === '\0') {
        files.push({ name: longName ?? name, bytes: body });
      }
      longName = null;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// Unpacks every .gz and .tar, recursively; skips macOS resource forks.
export async function expand(entries) {
  const out = [];
  for (const entry of entries) {
    let { bytes } = entry;
    let name = entry.name;
    if (isGzip(bytes)) {
      bytes = await gunzip(bytes);
      name = name.replace(/\.t?gz$/, (m) => (m === '.tgz' ? '.tar' : ''));
    }
    if (isTar(bytes)) {
      const inner = untar(bytes)
          .filter((f) => !/(^|\/)\._/.test(f.name))
          .map((f) => ({ name: f.name, bytes: f.bytes }));
      out.push(...await expand(inner));
    } else {
      out.push({ name, bytes });
    }
  }
  return out;
}

// Mass values and the like from a name such as patch.sbottom_1300_205_60.json
// or ERJR_500p0_0p0 ("p" for the decimal point).
export function valuesFromName(name) {
  const base = name.replace(/^.*\//, '').replace(/\.json$/, '');
  const numbers = base.match(/\d+(?:p\d+)?(?:\.\d+)?/g) ?? [];
  return numbers.map((s) => Number(s.replace('p', '.')));
}

function dirOf(name) {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? '' : name.slice(0, slash);
}

function baseOf(name) {
  return name.slice(name.lastIndexOf('/') + 1);
}

// Where JSON.parse stopped, as "line L, column C".
function parsePosition(text, error) {
  const match = /position (\d+)/.exec(error.message);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function kindOf(json) {
  if (Array.isArray(json)) return 'jsonpatch';
  if (json === null || typeof json !== 'object') return 'unknown';
  if (Array.isArray(json.patches) && json.metadata) return 'patchset';
  if ('channels' in json || 'measurements' in json) return 'pyhf';
  if ('distributions' in json || 'likelihoods' in json) return 'hs3';
  return 'unknown';
}

export function classify(entries) {
  const bundle = { workspaces: [], patches: [], ignored: [] };
  const jsonEntries = entries.filter((e) => /\.json$/i.test(e.name) ||
                                             entries.length === 1);
  for (const entry of jsonEntries) {
    const text = typeof entry.text === 'string' ?
        entry.text : decoder.decode(entry.bytes);
    let json;
    try {
      json = JSON.parse(text);
    } catch (e) {
      const where = parsePosition(text, e);
      throw new InputError(
          `${entry.name} is not valid JSON${where ? ` (${where})` : ''}: ` +
          e.message, where);
    }
    const dir = dirOf(entry.name);
    const kind = kindOf(json);
    if (kind === 'pyhf' || kind === 'hs3' ||
        (kind === 'unknown' && jsonEntries.length === 1)) {
      bundle.workspaces.push({ name: entry.name, dir, text, format: kind });
    } else if (kind === 'patchset') {
      for (const p of json.patches) {
        const name = p?.metadata?.name ?? '';
        bundle.patches.push({
          id: `${entry.name}:${name}`, label: name, dir,
          values: Array.isArray(p?.metadata?.values) ?
              p.metadata.values : valuesFromName(name),
          patch: { patchset: text, name },
          patchsetName: baseOf(entry.name),
        });
      }
      bundle.labels = json.metadata?.labels;
    } else if (kind === 'jsonpatch') {
      const label = baseOf(entry.name).replace(/\.json$/, '')
          .replace(/^patch[._]/, '');
      bundle.patches.push({
        id: entry.name, label, dir, values: valuesFromName(label),
        patch: text,
      });
    } else {
      bundle.ignored.push(entry.name);
    }
  }
  if (bundle.workspaces.length === 0) {
    throw new InputError(
        'no workspace found: open a pyhf workspace (with "channels" and ' +
        '"measurements") or an HS3 file, with its patches if any' +
        (bundle.ignored.length ? ` (not recognised: ${bundle.ignored})` : ''));
  }
  bundle.workspaces.sort((a, b) => a.name.localeCompare(b.name));
  return bundle;
}

// The patches that belong to a workspace: those in its folder, or all of
// them when the files came without folders.
export function patchesFor(bundle, workspace) {
  const here = bundle.patches.filter((p) => p.dir === workspace.dir);
  return here.length > 0 || bundle.workspaces.length > 1 ?
      here : bundle.patches;
}

// The engine reads JSON of at most 1 GiB, and a page holds the text, the
// parsed document and the model at once: refuse larger inputs before reading
// them, so the tab is not killed for running out of memory.
export const maxInputBytes = 256 * 1024 * 1024;

function checkSize(name, size) {
  if (size > maxInputBytes) {
    throw new InputError(
        `${name} is ${(size / 2 ** 20).toFixed(0)} MiB; this page opens ` +
        `files of at most ${maxInputBytes / 2 ** 20} MiB. Use the hs3 ` +
        'command or the Node package for larger models.');
  }
}

export async function fromFiles(fileList) {
  const entries = [];
  for (const file of fileList) {
    checkSize(file.name, file.size);
    entries.push({ name: file.webkitRelativePath || file.name,
                   bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  return classify(await expand(entries));
}

export async function fromUrl(url) {
  let response;
  try {
    response = await fetch(url, { mode: 'cors' });
  } catch (e) {
    throw new InputError(
        `could not fetch ${url}: the host refused the request or does not ` +
        'allow cross-origin requests (CORS). Download the file and drop it ' +
        'on this page instead.');
  }
  if (!response.ok) {
    throw new InputError(`${url} answered ${response.status} ` +
                         `${response.statusText}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > 0) checkSize(url, length);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const name = new URL(url, location.href).pathname.split('/').pop() ||
      'download';
  return classify(await expand([{ name, bytes }]));
}
