"""Markdown tables from bench.py's CSV: coverage per domain, time ratios on commonly solved
tasks, LM-cut cost equality and expansion ratios, pyperplan failures, VAL results."""
import csv
import statistics
import sys
from collections import defaultdict

import os
import re

rows = [r for path in sys.argv[1:] for r in csv.DictReader(open(path))]  # several CSVs: concatenated
by = {(r["domain"], r["task"], r["planner"]): r for r in rows}


def instance_number(task):
    return int(re.sub(r"\D", "", task) or 0)


# The cut-off rule, applied the same way to every planner whatever ran: once a planner has
# failed SKIP_AFTER consecutive tasks of a domain (instance order), its later tasks of that
# domain count as unsolved, whether they were run (runs before the rule, or a bench.py
# whose counter missed Frontier's rows) or recorded as skipped. SKIP_AFTER=0 turns it off.
SKIP_AFTER = int(os.environ.get("SKIP_AFTER", "3"))
cut = 0
if SKIP_AFTER:
    for d, p in sorted({(r["domain"], r["planner"]) for r in rows}):
        fails = 0
        for t in sorted((t for (dd, t, pp) in by if dd == d and pp == p), key=instance_number):
            r = by[(d, t, p)]
            if fails >= SKIP_AFTER:
                if r["solved"] == "1":
                    cut += 1
                by[(d, t, p)] = dict(r, solved="0", note="cut off: %d consecutive failures before" % SKIP_AFTER)
                continue
            fails = 0 if r["solved"] == "1" else fails + 1
domains = sorted({r["domain"] for r in rows})
planners = [p for p in ["frontier-satisficing", "frontier-lama", "fd-lama-first", "fd-eager-ff-pref", "pyperplan-gbfs-hff",
                        "frontier-optimal", "fd-astar-lmcut"] if any(r["planner"] == p for r in rows)]
tasks = sorted({(r["domain"], r["task"]) for r in rows})


def solved(d, t, p):
    r = by.get((d, t, p))
    return r is not None and r["solved"] == "1"


print("| domain | tasks | " + " | ".join(planners) + " |")
print("|---|---:|" + "---:|" * len(planners))
total = defaultdict(int)
tried = defaultdict(int)
for d in domains:
    ts = [t for (dd, t) in tasks if dd == d]
    cells = []
    for p in planners:
        n = sum(solved(d, t, p) for t in ts)
        m = sum((d, t, p) in by for t in ts)
        total[p] += n
        tried[p] += m
        cells.append("%d/%d" % (n, m) if m else "–")
    print("| %s | %d | %s |" % (d, len(ts), " | ".join(cells)))
print("| **total** | %d | %s |" % (len(tasks), " | ".join("**%d/%d**" % (total[p], tried[p]) for p in planners)))
print("\n(solved/attempted: a planner's runs are counted only on the tasks it reached; cut-off after %d "
      "consecutive failures per domain and planner, %d solved runs beyond it not counted)\n" % (SKIP_AFTER, cut))

# coverage on the tasks every planner of a group reached, so partial runs compare like with like
seen = []
for group in [["frontier-satisficing", "fd-lama-first", "fd-eager-ff-pref"], ["frontier-lama", "fd-lama-first",
              "fd-eager-ff-pref", "frontier-satisficing"], ["frontier-satisficing", "fd-lama-first",
              "fd-eager-ff-pref", "pyperplan-gbfs-hff"], ["frontier-optimal", "fd-astar-lmcut"]]:
    group = [p for p in group if p in planners]
    if len(group) < 2 or set(group) in seen:
        continue
    seen.append(set(group))
    common = [(d, t) for d, t in tasks if all((d, t, p) in by for p in group)]
    cov = {p: sum(solved(d, t, p) for d, t in common) for p in group}
    cov_nt = {p: sum(solved(d, t, p) for d, t in common if d != "llmp/tyreworld") for p in group}
    print("on the %d tasks all of %s reached: %s; without llmp/tyreworld (%d tasks): %s" % (
        len(common), ", ".join(group), ", ".join("%s %d" % (p, cov[p]) for p in group),
        sum(1 for d, t in common if d != "llmp/tyreworld"), ", ".join("%s %d" % (p, cov_nt[p]) for p in group)))
    a = group[0]
    for b in group[1:]:
        lost = [(d, t) for d, t in common if solved(d, t, b) and not solved(d, t, a)]
        if lost:
            print("  %s solves, %s does not: %s" % (b, a, ", ".join("%s %s" % x for x in lost)))
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
             ("frontier-lama", "fd-lama-first"), ("frontier-lama", "fd-eager-ff-pref"),
             ("frontier-satisficing", "pyperplan-gbfs-hff"), ("frontier-optimal", "fd-astar-lmcut")]:
    if a in planners and b in planners:
        rs = ratio(a, b)
        if rs:
            print("| %s / %s | %d | %.2f | %d |" % (a, b, len(rs), statistics.median(rs), sum(r < 1 for r in rs)))
print()

print("Search time alone, tasks both solve where FD's search took >= 0.5 s. FD: its search component's "
      "\"Search time\" (CPU time; without the Python driver, translator and search preprocessing). Frontier: its "
      "search CPU time (search_cpu_seconds) where the binary reports it, else the whole process's CPU time "
      "(parse, ground, search, validate: an upper bound). Total: CPU time of the whole run, both planners.\n")
print("| comparison | tasks | median search ratio | min | max | Frontier faster (search) on | median total-CPU ratio |")
print("|---|---:|---:|---:|---:|---:|---:|")
for a, b in [("frontier-satisficing", "fd-lama-first"), ("frontier-satisficing", "fd-eager-ff-pref"),
             ("frontier-lama", "fd-lama-first"), ("frontier-optimal", "fd-astar-lmcut")]:
    rs, tot = [], []
    for d, t in tasks:
        if solved(d, t, a) and solved(d, t, b):
            x, y = by[(d, t, a)], by[(d, t, b)]
            if y.get("search_s") and float(y["search_s"]) >= 0.5:
                fs = x.get("search_cpu") or x["cpu"]
                rs.append(float(fs) / float(y["search_s"]))
                tot.append(float(x["cpu"]) / float(y["cpu"]))
    if rs:
        print("| %s / %s | %d | %.2f | %.2f | %.2f | %d | %.2f |" % (a, b, len(rs), statistics.median(rs), min(rs),
                                                                 max(rs), sum(r < 1 for r in rs), statistics.median(tot)))
    else:
        print("| %s / %s | 0 | – | – | – | – | – |" % (a, b))
print()

if "pyperplan-gbfs-hff" in planners and "frontier-satisficing" in planners:
    rs = ratio("frontier-satisficing", "pyperplan-gbfs-hff")
    if rs:
        print("Frontier satisficing vs pyperplan (CPU time, %d tasks both solve): median %.3f, max %.3f; "
              "Frontier slower on %d\n" % (len(rs), statistics.median(rs), max(rs), sum(r >= 1 for r in rs)))

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
