"""Optuna's RDB storage alone: the store loop of bench_storage.py with RandomSampler (which
reads no history) and a zero-cost objective, so that the figure is storage cost, not TPE.

  python optuna_random.py --storage sqlite|postgresql://... [--workers 2] [--trials-per-worker 500] [--repeats 3]
"""
import argparse
import multiprocessing as mp
import os
import statistics
import tempfile
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective(trial):
    for i in range(6):
        trial.suggest_float(f"x{i}", 0.0, 1.0)
    return 0.0


def worker(url, name, n, seed):
    study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=n)


def one(storage, workers, n):
    url = storage
    if storage == "sqlite":
        url = f"sqlite:///{os.path.join(tempfile.mkdtemp(prefix='optuna-store-'), 'study.db')}"
    name = f"bench-{os.getpid()}-{time.time_ns()}"
    optuna.create_study(study_name=name, storage=url)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=worker, args=(url, name, n, 1000 + i)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    study = optuna.load_study(study_name=name, storage=url)
    trials = study.get_trials(deepcopy=False)
    complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    ok = sorted(t.number for t in trials) == list(range(workers * n)) and len(complete) == workers * n
    span = (max(t.datetime_complete for t in complete) - min(t.datetime_start for t in complete)).total_seconds()
    optuna.delete_study(study_name=name, storage=url)
    return len(complete) / span, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trials-per-worker", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    rates, oks = [], []
    for _ in range(a.repeats):
        r, ok = one(a.storage, a.workers, a.trials_per_worker)
        rates.append(r)
        oks.append(ok)
        print(f"  optuna {optuna.__version__} RandomSampler {a.storage.split('@')[-1]}: {r:.1f} trials/s, numbering {'ok' if ok else 'BROKEN'}", flush=True)
    print(f"RESULT optuna-random {a.storage.split('@')[-1]} trials_per_s={statistics.median(rates):.1f} ok={all(oks)}")


if __name__ == "__main__":
    main()
