#!/usr/bin/env bash
# Configures (once) and builds hs3web natively into build/native and with
# Emscripten into build/wasm. A second run only rebuilds what changed.
#
#   bash scripts/build.sh            # both
#   bash scripts/build.sh native     # or: wasm
#
# HS3_JOBS sets the parallelism (default 2, the machine's cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${HS3_JOBS:-2}
what=${1:-all}
case $what in
  all | native | wasm) ;;
  *) echo "usage: build.sh [all|native|wasm]" >&2; exit 2 ;;
esac

# emcc's JavaScript optimizer does require('acorn'); Debian installs it in
# /usr/share/nodejs, which a Node from elsewhere does not search.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# A configure step that failed half-way leaves a cache but no build files;
# only the build files say that it finished.
isGenerated() { [[ -f $1/Makefile || -f $1/build.ninja ]]; }

if [[ $what != wasm ]]; then
  # Configure only once: `cmake --build` re-runs CMake by itself when a
  # CMakeLists.txt or a globbed folder changes.
  if ! isGenerated build/native; then
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build build/native -j "$jobs"
fi

if [[ $what != native ]]; then
  if ! isGenerated build/wasm; then
    # emcmake's default emulator passes --experimental-wasm-threads, which
    # Node 20 rejects; test discovery would then find nothing.
    emulator="$(command -v node);--no-experimental-fetch"
    emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=$emulator"
  fi
  cmake --build build/wasm -j "$jobs"
fi
