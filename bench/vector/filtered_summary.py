#!/usr/bin/env python3
"""FANNS-style table from a filtered CSV (columns of bench_filtered.py / `frontier bench
filtered`): for every filter set and method, the highest QPS (process CPU) at recall@10 >=
TARGET, or the best recall reached when the target is never met; then Frontier's automatic
strategy against post-filtering an unfiltered HNSW at equal recall.

  python filtered_summary.py results/.../filtered-table-*.csv [--target 0.95]
"""
import argparse
import csv
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--target", type=float, default=0.95)
a = ap.parse_args()

rows = list(csv.DictReader(open(a.csv)))
by = defaultdict(list)
sel = {}
for r in rows:
    by[(r["filter_set"], r["method"])].append((float(r["recall"]), float(r["qps_cpu"]), r["param"], int(r["nq"])))
    sel[r["filter_set"]] = float(r["mean_selectivity"])
sets = sorted(sel, key=lambda s: -sel[s])
methods = sorted({m for _, m in by})


def best_at(points, recall):
    ok = [p for p in points if p[0] >= recall]
    return max(ok, key=lambda p: p[1]) if ok else None


def cell(points):
    p = best_at(points, a.target)
    if p:
        return f"{p[1]:.0f} ({p[0]:.3f})"
    top = max(points, key=lambda p: (p[0], p[1]))
    return f"max {top[0]:.3f} @ {top[1]:.0f}"


print(f"QPS (process CPU, one core) at recall@10 >= {a.target} (recall in parentheses); "
      "'max r @ q' = the target is never reached\n")
print("| filter set | selectivity | " + " | ".join(methods) + " |")
print("|---|---|" + "---|" * len(methods))
for s in sets:
    print(f"| {s} | {sel[s]:.4f} | " + " | ".join(cell(by[(s, m)]) if (s, m) in by else "" for m in methods) + " |")

print("\nfrontier-auto and frontier-sq8-auto vs post-filtering an unfiltered HNSW at equal recall "
      "(reference recall = the target, or the post-filter's best when it never reaches it)\n")
print("| filter set | method | reference | recall | post-filter QPS | method QPS | ratio |")
print("|---|---|---|---|---|---|---|")
for s in sets:
  for am in ("frontier-auto", "frontier-sq8-auto"):
    auto = by.get((s, am))
    if not auto:
        continue
    for ref in ("hnsw-postfilter", "faiss-hnswsq-postfilter", "frontier-post-filter"):
        pts = by.get((s, ref))
        if not pts:
            continue
        p = best_at(pts, a.target) or max(pts, key=lambda p: (p[0], p[1]))
        f = best_at(auto, min(p[0], a.target) if p[0] < a.target else a.target)
        if f is None:
            print(f"| {s} | {am} | {ref} | {p[0]:.3f} | {p[1]:.0f} | below | - |")
        else:
            print(f"| {s} | {am} | {ref} | {p[0]:.3f} | {p[1]:.0f} | {f[1]:.0f} ({f[0]:.3f}) | {f[1] / p[1]:.2f} |")
