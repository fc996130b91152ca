#!/usr/bin/env bash
# Bundles the page into web/dist/: the page, the <hs3-fit> element, the
# engine worker of wasm/ (hs3web's worker API), the WebAssembly build and the
# model catalogue.
#
#   bash web/build.sh            # then: node web/serve.mjs (prints the URL)
#
# Needs the wasm build (bash scripts/build.sh wasm, which writes
# build/wasm/wasm/hs3web.{js,wasm}) and the web packages (npm ci in web/).
set -euo pipefail
web=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$web")
dist=$web/dist
wasmBuild=${HS3WEB_BUILD:-$root/build/wasm/wasm}

for f in hs3web.js hs3web.wasm; do
  [[ -f $wasmBuild/$f ]] || {
    echo "build.sh: $wasmBuild/$f is missing; run: bash scripts/build.sh wasm" >&2
    exit 1
  }
done
if [[ ! -x $web/node_modules/.bin/esbuild ]]; then
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ ! -d $root/wasm/node_modules ]]; then
  (cd "$root/wasm" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The JavaScript API of wasm/: its package entry point.
api=$root/wasm/$(node -p '
  const e = require(process.argv[1]).exports?.["."];
  (typeof e === "string" ? e : e?.browser ?? e?.import ?? e?.default) ??
    "hs3web.mjs"' "$root/wasm/package.json")

rm -rf "$dist"
mkdir -p "$dist/models" "$dist/dist"
esbuild=("$web/node_modules/.bin/esbuild" --bundle --log-level=error
         --target=es2022 --platform=browser --format=esm --minify
         "--external:node:*" "--alias:hs3web=$api" --loader:.json=text)

# hs3web's worker API starts ./worker.mjs beside the module that imports
# it, and the worker finds the engine in ./dist/ beside itself.
# (No code splitting: a shared chunk would sit in another folder.)
"${esbuild[@]}" --outdir="$dist" "$web/src/app.mjs" "$web/src/hs3-fit.mjs"
"${esbuild[@]}" "$(dirname "$api")/worker.mjs" --outfile="$dist/worker.mjs"
cp "$wasmBuild/hs3web.js" "$dist/dist/hs3web.cjs"
cp "$wasmBuild/hs3web.wasm" "$dist/dist/hs3web.wasm"

cp "$web/index.html" "$web/style.css" "$web/embed-example.html" "$dist/"
cp "$web/node_modules/uplot/dist/uPlot.min.css" "$dist/"
cp "$root/models/"*.json "$dist/models/"
echo "build.sh: $(du -sh "$dist" | cut -f1) in $dist"
