#!/usr/bin/env bash
# The main job: installs what is missing, builds, and fits a model
# (models/default.json unless one is given) with the native `hs3` and with
# the WebAssembly engine under Node, prints both with the CLs test at mu = 1
# and the 95% upper limit, and checks that the two engines agree. Then it
# builds the web page and serves it on 127.0.0.1 with the default model
# loaded, printing its address, until Ctrl-C (HS3_NO_SERVE=1 stops after the
# fits).
#
#   bash scripts/run.sh [WORKSPACE.json [options such as -p PATCH]]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

model=${1:-models/default.json}
shift || true

bash scripts/setup.sh
bash scripts/build.sh

echo
echo "=== native: build/native/hs3 fit $model $*"
native=$(build/native/hs3 fit "$model" "$@")
echo "$native"

echo
echo "=== WebAssembly: node wasm/cli.mjs fit $model $*"
wasm=$(node wasm/cli.mjs fit "$model" "$@")
echo "$wasm"

echo
echo "=== native: CLs at mu = 1 and the 95% upper limit"
build/native/hs3 cls "$model" "$@"
build/native/hs3 limit "$model" "$@"

echo
node -e '
  const [n, w] = process.argv.slice(1).map((t) => JSON.parse(t));
  const diff = Math.abs(n.twice_nll - w.twice_nll);
  console.log(`fit: ${n.status} (native), ${w.status} (wasm); ` +
              `twice_nll native ${n.twice_nll}, wasm ${w.twice_nll}, ` +
              `difference ${diff.toExponential(1)}`);
  process.exit(n.valid && w.valid && diff <= 1e-8 ? 0 : 1);' \
  "$native" "$wasm"

[[ ${HS3_NO_SERVE:-0} == 1 ]] && exit 0
echo
bash web/build.sh >/dev/null
echo "=== the page (default model loaded; Ctrl-C stops the server)"
exec node web/serve.mjs
