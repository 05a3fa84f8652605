"""GP vs Optuna's GPSampler: median simple regret at 50 and 100 trials, the seeds' range, a
one-sided Mann-Whitney U test of "Frontier's regret is larger" (so p < 0.05 means worse
beyond seed noise), and per-trial sampler overhead.

  python bench/hpo/gp_compare.py OPTUNA.jsonl[,MORE.jsonl] FRONTIER.jsonl[,MORE.jsonl]

Needs scipy (any venv made by bench/hpo/run.sh has it). Records with the same
(problem, seed) in both files are paired; only problems present on both sides are shown.
"""
import json, sys, statistics as st
from scipy.stats import mannwhitneyu

REF = {'hartmann6': -3.32236801141551, 'branin': 0.397887357729738, 'rosenbrock10': 0.0,
       'ackley5': 0.0, 'mixed_hpo': 0.0}


def load(fs):
    d = {}
    for f in fs:
        for line in open(f):
            r = json.loads(line)
            d.setdefault(r['problem'], {})[r['seed']] = r
    return d


O = load(sys.argv[1].split(','))
F = load(sys.argv[2].split(','))
print('| problem | seeds | trials | median regret Optuna / Frontier | range Optuna | range Frontier '
      '| p (Frontier worse) | overhead ms/trial Optuna / Frontier | ratio |')
print('|---|---|---|---|---|---|---|---|---|')
for p in ['branin', 'hartmann6', 'rosenbrock10', 'ackley5', 'mixed_hpo']:
    if p not in O or p not in F:
        continue
    seeds = sorted(set(O[p]) & set(F[p]))
    oo = st.median(O[p][s]['overhead_cpu_ms_per_trial'] for s in seeds)
    fo = st.median(F[p][s]['overhead_cpu_ms_per_trial'] for s in seeds)
    for n in (50, 100):
        o = [min(O[p][s]['values'][:n]) - REF[p] for s in seeds]
        f = [min(F[p][s]['values'][:n]) - REF[p] for s in seeds]
        pv = mannwhitneyu(f, o, alternative='greater').pvalue
        print(f'| {p} | {len(seeds)} | {n} | {st.median(o):.3g} / {st.median(f):.3g} '
              f'| {min(o):.2g}–{max(o):.2g} | {min(f):.2g}–{max(f):.2g} | {pv:.2f} '
              f'| {oo:.1f} / {fo:.2f} | {oo / fo:.0f}× |')
