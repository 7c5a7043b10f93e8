#!/usr/bin/env bash
# check.sh KYOSO_BIN [ANCHOR_DIR] - kyoso's opinion map against the Pol.is reference (issue 5).
#
# For each fixture in ANCHOR_DIR (default /work/shared/anchors/polis, or $KYOSO_POLIS_ANCHORS):
#   1. `kyoso opinion compute` on the votes, then `reference.py compare --min-ari 0.9` and the
#      same k as the reference;
#   2. `kyoso opinion compute --given-groups expected.json`, then identical representative
#      statements, consensus and group-aware consensus (tests/opinion/same_stats.py).
# Needs Debian's python3-numpy, python3-scipy and python3-sklearn (scripts/install-deps.sh test);
# run with /usr/bin/python3. Exit 0 when every check passed.
set -euo pipefail
bin=${1:?usage: check.sh KYOSO_BIN [ANCHOR_DIR]}
anchors=${2:-${KYOSO_POLIS_ANCHORS:-/work/shared/anchors/polis}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
if ! $py -c 'import numpy, scipy, sklearn' 2>/dev/null; then
	echo "check.sh: $py lacks numpy/scipy/sklearn; run scripts/install-deps.sh test" >&2
	exit 1
fi
if [ ! -f "$anchors/reference.py" ]; then
	echo "check.sh: no reference.py in $anchors (set KYOSO_POLIS_ANCHORS)" >&2
	exit 1
fi
work=$(mktemp -d /tmp/kyoso-opinion-check.XXXXXX)
trap 'rm -rf -- "$work"' EXIT

for name in small sparse; do
	votes=$anchors/fixture_${name}_votes.csv
	expected=$anchors/fixture_${name}_expected.json
	out=$work/${name}.json
	"$bin" opinion compute --votes "$votes" --out "$out"
	$py "$anchors/reference.py" compare "$expected" "$out" --min-ari 0.9 >"$work/${name}.compare"
	$py - "$expected" "$out" "$work/${name}.compare" "$name" <<'PY'
import json, sys
e, a, c = (json.load(open(p)) for p in sys.argv[1:4])
if a["k"] != e["k"] or c["k_actual"] != c["k_expected"]:
    sys.exit("%s: k %s, reference k %s" % (sys.argv[4], a["k"], e["k"]))
print("%s: k=%d (reference %d), ARI %.4f over %d participants" % (
    sys.argv[4], a["k"], e["k"], c["ari"], c["n_clustered_both"]))
PY
	"$bin" opinion compute --votes "$votes" --given-groups "$expected" --out "$work/${name}_given.json"
	echo -n "$name, reference partition: "
	$py "$here/same_stats.py" "$expected" "$work/${name}_given.json"
done
echo "check.sh: OK"
