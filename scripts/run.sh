#!/usr/bin/env bash
# The main job: installs what is missing, builds, and evaluates the
# likelihood of a model (models/default.json unless one is given) with the
# native `hs3` and with the WebAssembly engine under Node, printing both.
#
#   bash scripts/run.sh [WORKSPACE.json [hs3 nll options...]]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

model=${1:-models/default.json}
shift || true

bash scripts/setup.sh
bash scripts/build.sh

echo
echo "=== native: build/native/hs3 nll $model $*"
native=$(build/native/hs3 nll "$model" "$@")
echo "$native"

echo
echo "=== WebAssembly: node wasm/cli.mjs nll $model $*"
wasm=$(node wasm/cli.mjs nll "$model" "$@")
echo "$wasm"

echo
node -e '
  const [n, w] = process.argv.slice(1).map((t) => JSON.parse(t));
  const rel = Math.abs(n.logpdf - w.logpdf) / Math.abs(n.logpdf);
  console.log(`logpdf: native ${n.logpdf}, wasm ${w.logpdf}, ` +
              `relative difference ${rel.toExponential(1)}`);
  process.exit(rel <= 1e-12 ? 0 : 1);' "$native" "$wasm"
