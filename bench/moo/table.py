#!/usr/bin/env python3
"""Tabulate bench/moo/run.sh results: per problem, HV mean ± sd for pymoo and Frontier, the
relative HV difference, IGD, and the time ratios (medians over seeds).
Usage: table.py RESULTS_DIR"""
import glob
import json
import os
import statistics as st
import sys
from collections import defaultdict

d = sys.argv[1]
runs = defaultdict(list)
for f in sorted(glob.glob(os.path.join(d, "moo_*_s*.json"))):
    r = json.load(open(f))
    cpu_file = f[:-5] + ".cpu"
    r["process_cpu_s"] = float(open(cpu_file).read()) if os.path.exists(cpu_file) else None
    runs[(r["problem"], r["tool"])].append(r)


def ms(v):
    return (st.mean(v), st.stdev(v) if len(v) > 1 else 0.0)


order = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz2"]
problems = sorted({p for p, _ in runs}, key=lambda p: order.index(p) if p in order else 99)
print("| problem | seeds | HV pymoo | HV Frontier | ΔHV | IGD pymoo | IGD Frontier | "
      "loop CPU pymoo (s) | loop CPU Frontier (s) | loop CPU ratio | wall ratio | "
      "process CPU pymoo (s) | process CPU Frontier (s) | process CPU ratio |")
print("|" + "---|" * 14)
for p in problems:
    a, b = runs.get((p, "pymoo"), []), runs.get((p, "frontier"), [])
    if not a or not b:
        continue
    ha, hb = ms([r["hv"] for r in a]), ms([r["hv"] for r in b])
    ia, ib = ms([r["igd"] for r in a]), ms([r["igd"] for r in b])
    ta, tb = st.median([r["wall_s"] for r in a]), st.median([r["wall_s"] for r in b])
    la = st.median([r.get("cpu_s") or float("nan") for r in a])
    lb = st.median([r.get("cpu_s") or float("nan") for r in b])
    ca = st.median([r["process_cpu_s"] for r in a])
    cb = st.median([r["process_cpu_s"] for r in b])
    print(f"| {p} | {len(a)}/{len(b)} | {ha[0]:.4f} ± {ha[1]:.4f} | {hb[0]:.4f} ± {hb[1]:.4f} | "
          f"{(hb[0] - ha[0]) / ha[0] * 100:+.2f}% | {ia[0]:.4f} | {ib[0]:.4f} | {la:.3f} | {lb:.4f} | "
          f"{la / max(lb, 1e-4):.0f}x | {ta / max(tb, 1e-4):.0f}x | {ca:.2f} | {cb:.3f} | {ca / max(cb, 1e-4):.0f}x |")
