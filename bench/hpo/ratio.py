"""Per (problem, algorithm): median final simple regret and median sampler overhead per
trial (process CPU ms, the anchors' overhead_cpu_ms_per_trial) for Optuna and Frontier,
and the overhead ratio Optuna / Frontier.

  python ratio.py optuna.jsonl frontier.jsonl
"""
import json
import statistics as st
import sys
from collections import defaultdict

try:  # run with PYTHONPATH=<anchors dir> (run.sh does)
    from hpo_problems import PROBLEMS
    OPT = {k: v["optimum"] for k, v in PROBLEMS.items()}
except ImportError:
    OPT = {}

runs = defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            runs[(r["problem"], r["algorithm"], r["framework"])].append(r)

print("| problem | algorithm | seeds | regret optuna | regret frontier | CPU ms/trial optuna | CPU ms/trial frontier | ratio |")
print("|---|---|---|---|---|---|---|---|")
for (prob, algo) in sorted({(p, a) for (p, a, f) in runs}):
    o, fr = runs.get((prob, algo, "optuna"), []), runs.get((prob, algo, "frontier"), [])
    if not o or not fr:
        continue
    opt = OPT.get(prob, 0.0)
    reg = lambda rs: st.median(min(r["values"]) - opt for r in rs)
    ov = lambda rs: st.median(r["overhead_cpu_ms_per_trial"] for r in rs)
    ratio = ov(o) / ov(fr) if ov(fr) > 0 else float("inf")
    print(f"| {prob} | {algo} | {len(o)}/{len(fr)} | {reg(o):.4g} | {reg(fr):.4g} | {ov(o):.3f} | {ov(fr):.4f} | {ratio:.0f}x |")
