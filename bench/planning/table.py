"""Markdown tables from bench.py's CSV: coverage per domain, time ratios on commonly solved
tasks, LM-cut cost equality and expansion ratios, pyperplan failures, VAL results."""
import csv
import statistics
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
by = {(r["domain"], r["task"], r["planner"]): r for r in rows}
domains = sorted({r["domain"] for r in rows})
planners = [p for p in ["frontier-satisficing", "fd-lama-first", "fd-eager-ff-pref", "pyperplan-gbfs-hff",
                        "frontier-optimal", "fd-astar-lmcut"] if any(r["planner"] == p for r in rows)]
tasks = sorted({(r["domain"], r["task"]) for r in rows})


def solved(d, t, p):
    r = by.get((d, t, p))
    return r is not None and r["solved"] == "1"


print("| domain | tasks | " + " | ".join(planners) + " |")
print("|---|---:|" + "---:|" * len(planners))
total = defaultdict(int)
for d in domains:
    ts = [t for (dd, t) in tasks if dd == d]
    cells = []
    for p in planners:
        n = sum(solved(d, t, p) for t in ts)
        total[p] += n
        cells.append(str(n))
    print("| %s | %d | %s |" % (d, len(ts), " | ".join(cells)))
print("| **total** | %d | %s |" % (len(tasks), " | ".join("**%d**" % total[p] for p in planners)))
print()


def ratio(a, b, what="cpu"):
    rs = []
    for d, t in tasks:
        if solved(d, t, a) and solved(d, t, b):
            x, y = float(by[(d, t, a)][what]), float(by[(d, t, b)][what])
            if x > 0 and y > 0:
                rs.append(x / y)
    return rs


print("| comparison (CPU time, tasks both solve) | tasks | median ratio | Frontier faster on |")
print("|---|---:|---:|---:|")
for a, b in [("frontier-satisficing", "fd-lama-first"), ("frontier-satisficing", "fd-eager-ff-pref"),
             ("frontier-satisficing", "pyperplan-gbfs-hff"), ("frontier-optimal", "fd-astar-lmcut")]:
    if a in planners and b in planners:
        rs = ratio(a, b)
        if rs:
            print("| %s / %s | %d | %.2f | %d |" % (a, b, len(rs), statistics.median(rs), sum(r < 1 for r in rs)))
print()

if "frontier-optimal" in planners and "fd-astar-lmcut" in planners:
    same = diff = 0
    ex = []
    for d, t in tasks:
        if solved(d, t, "frontier-optimal") and solved(d, t, "fd-astar-lmcut"):
            a, b = by[(d, t, "frontier-optimal")], by[(d, t, "fd-astar-lmcut")]
            if a["cost"] == b["cost"]:
                same += 1
            else:
                diff += 1
                print("cost differs: %s %s frontier %s fd %s" % (d, t, a["cost"], b["cost"]))
            if a["expanded"] and b["expanded"] and int(b["expanded"]) > 0:
                ex.append(int(a["expanded"]) / int(b["expanded"]))
    print("LM-cut A*: equal plan cost on %d of %d commonly solved tasks; median expansion ratio "
          "(Frontier / FD) %.2f (min %.2f, max %.2f)" % (same, same + diff, statistics.median(ex) if ex else 0,
                                                         min(ex) if ex else 0, max(ex) if ex else 0))
    print()

notes = defaultdict(set)
for r in rows:
    if r["planner"] == "pyperplan-gbfs-hff" and r["note"]:
        notes[r["domain"]].add(r["note"][:80])
if notes:
    print("pyperplan errors by domain:")
    for d in sorted(notes):
        print("- %s: %s" % (d, "; ".join(sorted(notes[d]))))
    print()
inv = [r for r in rows if r["valid"] not in ("", "valid")]
print("VAL: %d plans checked, %d not reported valid%s" % (
    sum(1 for r in rows if r["valid"]), len(inv),
    "".join("\n- %s %s %s: %s" % (r["domain"], r["task"], r["planner"], r["valid"]) for r in inv)))
other = [r for r in rows if r["planner"].startswith(("frontier", "fd")) and r["note"]]
if other:
    print("\nerrors:")
    for r in other:
        print("- %s %s %s: %s" % (r["domain"], r["task"], r["planner"], r["note"]))
