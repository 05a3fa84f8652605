#!/usr/bin/env bash
# Frontier's samplers vs Optuna 5 on the shared HPO problems, same seeds, same trial
# budget, same record format, one run (see ../../BENCHMARKS.md).
#
#   bench/hpo/run.sh                                   # 5 problems x 5 seeds x 200 trials, random + tpe
#   SEEDS=0,1,2 TRIALS=100 bench/hpo/run.sh            # quicker
#   ALGOS=random,tpe,tpe_indep,qmc bench/hpo/run.sh    # more samplers (Optuna has these names too)
#   FRONTIER_ONLY=evolution bench/hpo/run.sh           # extra Frontier-only samplers
#   VENV=/tmp/hpo-venv bench/hpo/run.sh                # reuse a venv between runs
#
# Creates a throwaway venv (python3 -m venv) with optuna 5, numpy<2.4, scipy and cmaes,
# builds `frontier` in release mode, runs the anchor ../shared/anchors/hpo/bench_optuna.py
# and `frontier hpo bench` on the same (problem, algorithm, seed) grid, then tabulates
# median simple regret and per-trial sampler overhead with the anchor's compare.py, and
# the Optuna/Frontier overhead ratio with ratio.py.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/anchors/hpo}"
OUT="${OUT:-$(mktemp -d)}"; mkdir -p "$OUT"
VENV="${VENV:-$OUT/venv}"
SEEDS="${SEEDS:-0,1,2,3,4}"
TRIALS="${TRIALS:-200}"
PROBLEMS="${PROBLEMS:-branin,hartmann6,rosenbrock10,ackley5,mixed_hpo}"
ALGOS="${ALGOS:-random,tpe}"
FRONTIER_ONLY="${FRONTIER_ONLY:-}"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" -q install "optuna>=5,<6" "numpy<2.4" scipy cmaes
fi
PY="$VENV/bin/python"

if [ -z "${FRONTIER:-}" ]; then
  (cd "$ROOT" && swift build -c release --product frontier >&2)
  FRONTIER="$ROOT/.build/release/frontier"
fi

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); optuna $("$PY" -c 'import optuna; print(optuna.__version__)')" | tee "$OUT/machine.txt"
"$PY" "$ANCHORS/hpo_problems.py" > "$OUT/check_values.txt"

# Interleave the anchor and Frontier per problem so both see the same machine load.
for p in ${PROBLEMS//,/ }; do
  (cd "$ANCHORS" && "$PY" -W ignore bench_optuna.py --algos "$ALGOS" --problems "$p" \
    --seeds "$SEEDS" --trials "$TRIALS" --out "$OUT/optuna.jsonl" 2>>"$OUT/log.txt")
  for a in ${ALGOS//,/ } ${FRONTIER_ONLY//,/ }; do
    for s in ${SEEDS//,/ }; do
      "$FRONTIER" hpo bench --problem "$p" --algo "$a" --seed "$s" --trials "$TRIALS" \
        --jsonl "$OUT/frontier.jsonl" 2>>"$OUT/log.txt"
    done
  done
done

CPS=$(for c in 10 25 50 100 150; do [ "$c" -lt "$TRIALS" ] && printf '%s,' "$c"; done; echo "$TRIALS")
(cd "$ANCHORS" && "$PY" compare.py "$OUT/optuna.jsonl" "$OUT/frontier.jsonl" --checkpoints "$CPS" --budget "$TRIALS") | tee "$OUT/table.md"
PYTHONPATH="$ANCHORS" "$PY" "$HERE/ratio.py" "$OUT/optuna.jsonl" "$OUT/frontier.jsonl" | tee "$OUT/ratio.md"
echo "results in $OUT"
