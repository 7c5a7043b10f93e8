#!/usr/bin/env bash
# bench/opinion.sh - kyoso's opinion map against the Pol.is reference (issue 5), in one run.
#
# For each size of the issue (1,000 x 100 @ 30 %, 10,000 x 1,000 @ 5 %, 100,000 x 2,000 @ 1 %)
# the votes are generated once with reference.py's own generator (same seed: identical data as
# .npz for the reference and .csv for kyoso), then, alternating, `reference.py run` and
# `kyoso opinion compute --timings` run under /usr/bin/time -v. Reported: each stage's time
# (median over the runs), the total of the stages, the whole process (wall clock, including
# reading the votes and, for kyoso, writing the JSON), peak RSS, the ratios, and the agreement
# of the groups (same k, ARI from reference.py compare).
#
# Usage: bench/opinion.sh [--runs N] [--only 1k|10k|100k ...]
#   KYOSO_BIN (default /tmp/build-opinion-rel/kyoso, built with -DCMAKE_BUILD_TYPE=Release)
#   KYOSO_POLIS_ANCHORS (default /work/shared/anchors/polis)
# Writes bench/out/opinion/results.md and raw.json. Needs python3-numpy/scipy/sklearn and time
# (scripts/install-deps.sh bench).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${KYOSO_BIN:-/tmp/build-opinion-rel/kyoso}
anchors=${KYOSO_POLIS_ANCHORS:-/work/shared/anchors/polis}
ref=$anchors/reference.py
py=/usr/bin/python3
runs=3
only=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--only) shift; while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do only+=("$1"); shift; done ;;
	-h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [--runs N] [--only 1k|10k|100k ...]" >&2; exit 2 ;;
	esac
done
[ -x "$bin" ] || { echo "opinion.sh: no kyoso at $bin; cmake -S $root -B /tmp/build-opinion-rel -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/build-opinion-rel" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "opinion.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
$py -c 'import numpy, scipy, sklearn' || { echo "opinion.sh: $py needs numpy, scipy, sklearn" >&2; exit 1; }
out=$root/bench/out/opinion
mkdir -p "$out"

# name n m density groups
sizes=("1k 1000 100 0.30 3" "10k 10000 1000 0.05 4" "100k 100000 2000 0.01 4")
for s in "${sizes[@]}"; do
	read -r name n m dens groups <<<"$s"
	if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
	d=$out/$name
	mkdir -p "$d"
	if [ ! -f "$d/votes.csv" ] || [ ! -f "$d/votes.npz" ]; then
		$py "$ref" gen --n "$n" --m "$m" --density "$dens" --groups "$groups" --seed 1 --out "$d/votes.npz" >/dev/null
		$py "$ref" gen --n "$n" --m "$m" --density "$dens" --groups "$groups" --seed 1 --out "$d/votes.csv"
	fi
	for r in $(seq 1 "$runs"); do
		/usr/bin/time -v "$py" "$ref" run --votes "$d/votes.npz" --seed 1 --summary-json "$d/ref-$r.summary.json" \
			--json "$d/ref.json" >"$d/ref-$r.out" 2>"$d/ref-$r.time"
		/usr/bin/time -v "$bin" opinion compute --votes "$d/votes.csv" --out "$d/kyoso.json" --timings \
			>"$d/kyoso-$r.out" 2>"$d/kyoso-$r.time"
	done
	$py "$ref" compare "$d/ref.json" "$d/kyoso.json" >"$d/compare.json"
	echo "opinion.sh: $name done" >&2
done

$py - "$out" "$runs" <<'PY'
import json, os, re, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
STAGES = ["build", "pca", "base_kmeans", "group_kmeans", "silhouette", "repness", "consensus"]
def tv(path):
    t = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    return t, rss, wall
rows, raw = [], []
for name, label in (("1k", "1,000 x 100 @ 30 %"), ("10k", "10,000 x 1,000 @ 5 %"), ("100k", "100,000 x 2,000 @ 1 %")):
    d = os.path.join(out, name)
    if not os.path.exists(os.path.join(d, "compare.json")):
        continue
    R = {s: [] for s in STAGES + ["total", "wall", "rss", "read"]}
    K = {s: [] for s in STAGES + ["total", "wall", "rss", "read", "write"]}
    for r in range(1, runs + 1):
        sj = json.load(open(os.path.join(d, "ref-%d.summary.json" % r)))
        for s in STAGES + ["total"]:
            R[s].append(sj["stage_median_s"][s])
        R["read"].append(sj["load_or_generate_s"])
        _, rss, wall = tv(os.path.join(d, "ref-%d.time" % r))
        R["rss"].append(rss); R["wall"].append(wall)
        t, rss, wall = tv(os.path.join(d, "kyoso-%d.time" % r))
        for s in STAGES + ["total", "read", "write"]:
            K[s].append(float(re.search(r"^\s+%s\s+([0-9.]+) s" % s, t, re.M).group(1)))
        K["rss"].append(rss); K["wall"].append(wall)
    med = lambda v: statistics.median(v)
    c = json.load(open(os.path.join(d, "compare.json")))
    kj = json.load(open(os.path.join(d, "kyoso.json")))
    rj = json.load(open(os.path.join(d, "ref.json")))
    row = dict(size=label, ref={s: med(v) for s, v in R.items()}, kyoso={s: med(v) for s, v in K.items()},
               k_ref=rj["k"], k_kyoso=kj["k"], ari=c["ari"], votes=rj["n_votes"])
    rows.append(row); raw.append(dict(row, ref_runs=R, kyoso_runs=K))
lines = ["| size | votes | stage | reference | kyoso | ratio |", "| --- | --- | --- | ---: | ---: | ---: |"]
for r in rows:
    for s in STAGES + ["total"]:
        a, b = r["ref"][s], r["kyoso"][s]
        lines.append("| %s | %s | %s | %.4f s | %.4f s | %s |" % (r["size"], "{:,}".format(r["votes"]), s, a, b,
                     ("%.1fx" % (a / b)) if b > 0 else "-"))
lines += ["", "| size | reference total (stages) | kyoso total (stages) | speed-up | reference process wall | kyoso process wall (read CSV + compute + write JSON) | speed-up | reference peak RSS | kyoso peak RSS | RSS ratio | k ref / kyoso | ARI |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
for r in rows:
    a, b = r["ref"], r["kyoso"]
    lines.append("| %s | %.3f s | %.3f s | %.1fx | %.2f s | %.2f s | %.1fx | %.0f MiB | %.0f MiB | %.2f | %d / %d | %.4f |" % (
        r["size"], a["total"], b["total"], a["total"] / b["total"], a["wall"], b["wall"], a["wall"] / b["wall"],
        a["rss"], b["rss"], b["rss"] / a["rss"], r["k_ref"], r["k_kyoso"], r["ari"]))
text = "\n".join(lines)
print(text)
with open(os.path.join(out, "results.md"), "w") as f:
    f.write("Medians of %d alternating runs per size (reference.py run on .npz; kyoso opinion compute on the same votes as CSV)\n\n" % runs + text + "\n")
with open(os.path.join(out, "raw.json"), "w") as f:
    json.dump(raw, f, indent=1)
PY
