#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, address and undefined-behaviour
# sanitizers) and runs each for a bounded time: first over the inputs kept in
# fuzz/regressions (what earlier runs found), then fuzzing from seeds taken
# from the shared golden, HS3 and bug-report files. Any crash, sanitizer
# report, leak or timeout fails the run; the input that caused it is left in
# build/fuzz/findings, to be added to fuzz/regressions once fixed.
#
#   bash scripts/fuzz.sh [seconds per target, default 30]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-${HS3_FUZZ_SECONDS:-30}}
shared=${HS3_SHARED_DIR:-$(cd .. && pwd)/shared}
targets=(pyhf_reader hs3_reader json_patch expression)

CC=clang CXX=clang++ cmake -S . -B build/fuzz -DHS3_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHS3_SHARED_DIR="$shared" >/dev/null
# Compiler messages go to stderr; progress lines are not worth showing.
cmake --build build/fuzz -j "${HS3_JOBS:-2}" \
  --target "${targets[@]/#/fuzz_}" >/dev/null

# Seeds: small files only, so that the fuzzer spends its time mutating.
seeds() {
  local target=$1 out=build/fuzz/seeds/$1
  rm -rf "$out" && mkdir -p "$out"
  local dirs=()
  case $target in
    pyhf_reader) dirs=("$shared/golden/workspaces" "$shared/cases") ;;
    hs3_reader) dirs=("$shared/hs3" "$shared/cases") ;;
    *) dirs=("fuzz/seeds/$target") ;;
  esac
  # Files keep their path in their name: many HS3 fixtures are hs3.json.
  find "${dirs[@]}" -type f -size -64k 2>/dev/null | while read -r file; do
    cp "$file" "$out/$(printf '%s' "$file" | tr '/' '_')"
  done
  [[ -d $shared ]] || echo "note: $shared is absent; fuzzing $target" \
    "from the kept regressions only" >&2
  echo "$out"
}

mkdir -p build/fuzz/findings
status=0
for target in "${targets[@]}"; do
  binary=build/fuzz/fuzz/fuzz_$target
  kept=(fuzz/regressions/$target/*)
  if [[ -e ${kept[0]} ]]; then
    echo "fuzz_$target: ${#kept[@]} kept regression inputs"
    "$binary" -rss_limit_mb=2048 -timeout=10 "${kept[@]}" >/dev/null 2>&1 ||
      { echo "fuzz_$target: a kept regression input fails again"; status=1; }
  fi
  corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  if "$binary" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/findings/$target-" \
      "$corpus" "$(seeds "$target")" >"build/fuzz/$target.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
      "build/fuzz/$target.log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz_$target: no finding in $seconds s ($runs inputs)"
  else
    echo "fuzz_$target: FINDING (log: build/fuzz/$target.log)"
    grep -m 5 -E 'ERROR|SUMMARY|Test unit written' "build/fuzz/$target.log"
    status=1
  fi
done
exit $status
