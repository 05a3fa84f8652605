#!/usr/bin/env bash
# Store throughput, Frontier vs Optuna's RDB storage, same machine, same run:
# 2 worker processes share one study (SQLite file; PostgreSQL on loopback), zero-cost
# objective, no lost or duplicated trial numbers. Prints both figures and the ratio.
#
#   bench/store/run.sh
# Env: WORKERS=2 TRIALS=500 (per worker, Frontier) REPEATS=5 OPTUNA_TRIALS=100 (per worker,
#      bench_storage.py's default) OPTUNA_REPEATS=3, PY (python with optuna + psycopg2;
#      default: a throwaway venv in /tmp/venv-store-optuna), ANCHORS (shared/anchors/hpo),
#      FRONTIER_TEST_POSTGRES_URL (an existing server; else a throwaway cluster is started),
#      CONFIG=release|debug, BIN (a StoreBench binary built elsewhere).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
WORKERS="${WORKERS:-2}"; TRIALS="${TRIALS:-500}"; REPEATS="${REPEATS:-5}"
OPTUNA_TRIALS="${OPTUNA_TRIALS:-100}"; OPTUNA_REPEATS="${OPTUNA_REPEATS:-3}"
PY="${PY:-/tmp/venv-store-optuna/bin/python}"
ANCHORS="${ANCHORS:-$(cd "$root/../shared/anchors/hpo" 2>/dev/null && pwd || echo /work/shared/anchors/hpo)}"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$here/results"
exec > >(tee "$out") 2>&1

if [ ! -x "$PY" ]; then   # throwaway virtual environment with the anchor from PyPI
  python3 -m venv "$(dirname "$(dirname "$PY")")" && "$PY" -m pip install -q optuna psycopg2-binary
fi
source "$root/.ci/postgres.sh"
if [ -z "${FRONTIER_TEST_POSTGRES_URL:-}" ]; then start_throwaway_postgres frontier_bench; fi
PG="$FRONTIER_TEST_POSTGRES_URL"
# Optuna gets its own database (both schemas have a table named studies); SQLAlchemy 2.1
# defaults to psycopg 3, so name psycopg2.
pg_server="${PG%/*}"
"$(pg_bin)/createdb" -h "$(echo "$pg_server" | sed -E 's#.*@([^:/]+).*#\1#')" \
  -p "$(echo "$pg_server" | sed -E 's#.*:([0-9]+)$#\1#')" -U "$(echo "$pg_server" | sed -E 's#.*//([^:@]+).*#\1#')" optuna_bench 2>/dev/null || true
PG_SA="${pg_server/postgresql:/postgresql+psycopg2:}/optuna_bench"

CONFIG="${CONFIG:-release}"
if [ -z "${BIN:-}" ]; then
  echo "== build ($CONFIG)"
  (cd "$here" && swift build -c "$CONFIG" 2>&1 | tail -n 1)
  BIN="$here/.build/$CONFIG/StoreBench"
fi

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u)"
echo; echo "== Frontier"
"$BIN" run --storage sqlite --workers "$WORKERS" --trials-per-worker "$TRIALS" --repeats "$REPEATS"
echo
"$BIN" run --storage "$PG" --workers "$WORKERS" --trials-per-worker "$TRIALS" --repeats "$REPEATS"

echo; echo "== Optuna, the anchor (bench_storage.py: TPE sampler, $OPTUNA_TRIALS trials per worker)"
(cd "$ANCHORS" && "$PY" bench_storage.py --workers "$WORKERS" --trials-per-worker "$OPTUNA_TRIALS" --storages "sqlite,$PG_SA")
echo; echo "== Optuna, RandomSampler (storage cost alone, optuna_random.py)"
"$PY" "$here/optuna_random.py" --storage sqlite --workers "$WORKERS" --trials-per-worker "$OPTUNA_TRIALS" --repeats "$OPTUNA_REPEATS"
"$PY" "$here/optuna_random.py" --storage "$PG_SA" --workers "$WORKERS" --trials-per-worker "$OPTUNA_TRIALS" --repeats "$OPTUNA_REPEATS"

echo; echo "== ratios (Frontier trials/s over Optuna's, medians)"
python3 - "$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
fr = dict(re.findall(r"RESULT (sqlite|postgresql)\S* .*?trials_per_s=([\d.]+)", text))
rnd = dict(re.findall(r"RESULT optuna-random (sqlite|\S+?) trials_per_s=([\d.]+)", text))
rnd = {("sqlite" if k == "sqlite" else "postgresql"): float(v) for k, v in rnd.items()}
tpe = {}
for line in text.splitlines():
    m = re.match(r"\| (sqlite|\S+:\d+/\S+) \| \d+ \| \d+ \| (yes|NO) \| [\d.]+ \| ([\d.]+) \|", line)
    if m:
        tpe["sqlite" if m.group(1) == "sqlite" else "postgresql"] = float(m.group(3))
print("| storage | Frontier trials/s | Optuna TPE (anchor) | ratio | Optuna RandomSampler | ratio |")
print("|---|---|---|---|---|---|")
for k in ("sqlite", "postgresql"):
    f = float(fr.get(k, "nan"))
    t, r = tpe.get(k, float("nan")), rnd.get(k, float("nan"))
    print(f"| {k} | {f:.0f} | {t:.1f} | {f / t:.0f}x | {r:.1f} | {f / r:.0f}x |")
PY
echo "(full log: $out)"
