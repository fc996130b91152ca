#!/usr/bin/env bash
# Every malformed file in tests/malformed, given to each command of `hs3`,
# gives exit status 2 and one message on stderr with the expected error code
# and JSON path (tests/malformed/expected.txt), within 10 seconds.
#
#   bash tests/cli_malformed.sh path/to/hs3
set -uo pipefail
hs3=$1
here=$(dirname "${BASH_SOURCE[0]}")/malformed
failures=0
checked=0
while read -r file code path; do
  [[ -z $file || $file == \#* ]] && continue
  for command in inspect nll fit cls; do
    checked=$((checked + 1))
    err=$(timeout 10 "$hs3" "$command" "$here/$file" 2>&1 >/dev/null)
    status=$?
    lines=$(printf '%s\n' "$err" | grep -c .)
    want="hs3: [$code] "
    [[ $path != - ]] && want+="at $path: "
    if [[ $status -ne 2 || $lines -ne 1 || $err != "$want"* ]]; then
      echo "FAIL $command $file: status $status, $lines lines: $err"
      echo "     expected status 2 and one line starting '$want'"
      failures=$((failures + 1))
    fi
  done
done <"$here/expected.txt"
echo "$((checked - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
