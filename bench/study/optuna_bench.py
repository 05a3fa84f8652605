import sys, time, optuna, statistics
optuna.logging.set_verbosity(optuna.logging.ERROR)
n = int(sys.argv[1])
def obj(t):
    import math
    x = t.suggest_float("x0", -5, 10); y = t.suggest_float("x1", 0, 15)
    b = 5.1 / (4 * math.pi ** 2); c = 5 / math.pi; tt = 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - tt) * math.cos(x) + 10
s = []
for _ in range(5):
    st = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    c0 = time.process_time(); st.optimize(obj, n_trials=n); s.append((time.process_time() - c0) / n * 1e6)
s.sort()
print(f"optuna {optuna.__version__} n={n} cpu us/trial median={s[2]:.1f} min={s[0]:.1f} max={s[4]:.1f}")
