#!/usr/bin/env bash
# Installs what hs3web needs to build and test, on Debian 12, as root.
#
# Safe to run again: apt-get runs only when a package is missing, and prints
# nothing when everything is already there. Everything comes from Debian's
# archive (and, once wasm/package.json declares dependencies, from npm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

required=(build-essential cmake clang-format emscripten libeigen3-dev
          nlohmann-json3-dev catch2 chromium clang libclang-rt-14-dev)
# For the pyhf comparisons in bench/; nothing in the build needs them.
optional=(python3-numpy python3-scipy)

isInstalled() {
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

nodeMajor() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# A machine may already carry a newer Node (NodeSource's nodejs package, which
# also provides npm); Debian's nodejs and npm would clash with it, so they are
# only installed when no Node >= 18 is present.
if (( $(nodeMajor) < 18 )); then
  required+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1 &&
     ! dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q nodesource
then
  required+=(npm)
fi

missing=()
for p in "${required[@]}"; do isInstalled "$p" || missing+=("$p"); done
missingOptional=()
for p in "${optional[@]}"; do isInstalled "$p" || missingOptional+=("$p"); done

if (( ${#missing[@]} + ${#missingOptional[@]} > 0 )); then
  sudo=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null 2>&1 || {
      echo "setup: run as root to install:" \
           "${missing[*]} ${missingOptional[*]}" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600)
  echo "setup: installing ${missing[*]} ${missingOptional[*]}"
  "${apt[@]}" update -qq
  if (( ${#missing[@]} > 0 )); then
    "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"
  fi
  if (( ${#missingOptional[@]} > 0 )); then
    "${apt[@]}" install -y -qq --no-install-recommends \
      "${missingOptional[@]}" ||
      echo "setup: optional ${missingOptional[*]} not installed;" \
           "only the pyhf benchmarks need them" >&2
  fi
fi

if (( $(nodeMajor) < 18 )); then
  echo "setup: Node >= 18 is needed, found $(node --version 2>&1)" >&2
  exit 1
fi

# npm only runs when wasm/package.json declares dependencies and they changed
# since the last install.
pkg=wasm/package.json
if [[ -f $pkg ]] && node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const n = Object.keys({...p.dependencies, ...p.devDependencies}).length;
    process.exit(n > 0 ? 0 : 1);' "$pkg"; then
  stamp=wasm/node_modules/.package-lock.json
  if [[ ! -f $stamp || $pkg -nt $stamp ]]; then
    (cd wasm && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

# The page's packages (uPlot, esbuild, playwright-core; no browser download:
# the tests use Debian's chromium), again only when the lock file changed.
if [[ -f web/package-lock.json ]]; then
  stamp=web/node_modules/.package-lock.json
  if [[ ! -f $stamp || web/package-lock.json -nt $stamp ]]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
