#!/usr/bin/env bash
# `hs3 cls --all` over a patchset gives, line by line, the numbers of one
# `hs3 cls -p patchset.json:NAME` run per patch.
#
#   bash tests/cli_patchset_all.sh path/to/hs3 path/to/shared
set -uo pipefail
hs3=$1
# The ATLAS three-lepton likelihood: 64 signal patches.
shared=$2/golden/workspaces/atlas/SUSY-2018-06_3L-eRJR
if [[ ! -d $shared ]]; then
  echo "the shared folder is absent: looked for $shared"
  exit 1
fi
ws=$shared/BkgOnly.json
ps=$shared/patchset.json
all=$("$hs3" cls "$ws" -p "$ps" --all --jobs 2 --quiet) || exit 1
singles=""
for name in $(printf '%s\n' "$all" | grep -o '"patch":"[^"]*"' | cut -d'"' -f4)
do
  singles+=$("$hs3" cls "$ws" -p "$ps:$name")$'\n'
done
node -e '
  const [allText, singleText] = process.argv.slice(1);
  const lines = allText.trim().split("\n").map((l) => JSON.parse(l));
  const singles = singleText.trim().split(/\n(?=\{)/).map((t) => JSON.parse(t));
  let failed = 0;
  if (lines.length !== singles.length || lines.length < 2) failed++;
  lines.forEach((line, i) => {
    const one = singles[i];
    const same = line.CLs_obs === one.CLs_obs &&
        line.CLs_exp.every((x, k) => x === one.CLs_exp[k]);
    if (!same) {
      console.log(`patch ${line.patch}: --all ${line.CLs_obs}, ` +
                  `single ${one.CLs_obs}`);
      failed++;
    }
  });
  console.log(`${lines.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);' "$all" "$singles"
