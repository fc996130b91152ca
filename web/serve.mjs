#!/usr/bin/env node
// Serves web/dist/ on 127.0.0.1 and prints the address.
//
//   node web/serve.mjs [--port N] [--dir DIR]
//
// Port 0 (the default in tests) picks a free port. Static files only; the
// page needs no special headers (no cross-origin isolation).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript',
  '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
};

export function serve({ dir, port = 0, host = '127.0.0.1', extra = {} } = {}) {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    // extra: URL prefix → another folder (tests serve the golden files).
    let base = root;
    let rest = path;
    for (const [prefix, folder] of Object.entries(extra)) {
      if (path.startsWith(prefix)) {
        base = resolve(folder);
        rest = path.slice(prefix.length);
      }
    }
    let file = normalize(join(base, rest));
    if (!file.startsWith(base)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' })
          .end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const dir = option('--dir', fileURLToPath(new URL('dist/', import.meta.url)));
  const server = await serve({ dir, port: Number(option('--port', 8765)) });
  const { port } = server.address();
  console.log(`hs3web page: http://127.0.0.1:${port}/`);
}
