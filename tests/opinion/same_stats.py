#!/usr/bin/python3
"""same_stats.py EXPECTED ACTUAL - exit 0 when ACTUAL has exactly the same representative
statements (per group, in order, with identical statistics), consensus statements and
group-aware consensus as EXPECTED (a reference.py expected.json). Used by tests/opinion/check.sh
on `kyoso opinion compute --given-groups` output."""
import json
import sys

REP_KEYS = ("tid", "repful_for", "n_success", "n_trials", "p_success", "p_test", "repness",
            "repness_test", "n_agree", "best_agree")
CONS_KEYS = ("tid", "n_success", "n_trials", "p_success", "p_test")


def main():
    with open(sys.argv[1]) as f:
        e = json.load(f)
    with open(sys.argv[2]) as f:
        a = json.load(f)
    bad = []
    if a.get("k") != e["k"]:
        bad.append("k: expected %s, got %s" % (e["k"], a.get("k")))
    if sorted(a["repness"]) != sorted(e["repness"]):
        bad.append("repness groups differ: %s vs %s" % (sorted(e["repness"]), sorted(a["repness"])))
    for g, lst in e["repness"].items():
        got = [{k: s.get(k) for k in REP_KEYS} for s in a["repness"].get(g, [])]
        exp = [{k: s.get(k) for k in REP_KEYS} for s in lst]
        if got != exp:
            bad.append("repness of group %s differs:\n  expected %s\n  got      %s" % (g, exp, got))
    for d in ("agree", "disagree"):
        got = [{k: s.get(k) for k in CONS_KEYS} for s in a["consensus"][d]]
        exp = [{k: s.get(k) for k in CONS_KEYS} for s in e["consensus"][d]]
        if got != exp:
            bad.append("consensus %s differs:\n  expected %s\n  got      %s" % (d, exp, got))
    for d in ("agree", "disagree"):
        if a["group_aware_consensus"][d] != e["group_aware_consensus"][d]:
            diff = [i for i, (x, y) in enumerate(zip(e["group_aware_consensus"][d],
                                                     a["group_aware_consensus"][d])) if x != y]
            bad.append("group-aware consensus (%s) differs at statements %s" % (d, diff[:10]))
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    n_rep = sum(len(v) for v in e["repness"].values())
    print("identical: %d representative statements in %d groups, %d+%d consensus, %d group-aware values"
          % (n_rep, len(e["repness"]), len(e["consensus"]["agree"]), len(e["consensus"]["disagree"]),
             2 * len(e["group_aware_consensus"]["agree"])))


if __name__ == "__main__":
    main()
