#!/usr/bin/env bash
# Quality-diversity benchmark: Frontier vs pyribs on sphere-100, 100x100 grid, 540 solutions
# per iteration, in one run on one machine.
#
#   bash bench/qd/run.sh                      # defaults below
#   ALGOS="map_elites cma_mae" ITRS=10000 SEEDS="1 2 3 4 5" PY_ITRS=1000 PY_SEEDS="1 2" bash bench/qd/run.sh
#
# pyribs is installed from PyPI into a throwaway virtual environment ($VENV). Frontier runs
# ITRS iterations for the QD figures and PY_ITRS iterations (same as pyribs) for the time
# ratio at equal evaluations. MAP-Elites and line-MAP-Elites use 1 emitter x 540 (as
# ../shared/anchors/qd/side_by_side.sh), CMA-ME and CMA-MAE 15 emitters x 36 (the papers).
# Every process is timed by /usr/bin/time (wall, user+system CPU); single-threaded BLAS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCH="$ROOT/../shared/anchors/qd"
VENV="${VENV:-${TMPDIR:-/tmp}/frontier-qd-venv}"
ALGOS="${ALGOS:-map_elites line_map_elites cma_me cma_mae}"
ITRS="${ITRS:-10000}"; SEEDS="${SEEDS:-1 2 3}"
PY_ITRS="${PY_ITRS:-1000}"; PY_SEEDS="${PY_SEEDS:-1 2}"
OUT="${OUT:-$ROOT/bench/qd/results}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c "import ribs" 2>/dev/null || "$VENV/bin/pip" install -q ribs
PY="$VENV/bin/python"
( cd "$ROOT" && swift build -c release --product frontier >/dev/null )
FR="$ROOT/.build/release/frontier"

shape() { case "$1" in map_elites|line_map_elites) echo "--emitters 1 --batch 540";; *) echo "--emitters 15 --batch 36";; esac; }
timed() { local t="$1"; shift; /usr/bin/time -f "%e %U %S" -o "$t" "$@" >/dev/null; }

echo "machine: $(nproc) cores, $(uname -m); pyribs $("$PY" -c 'import ribs; print(ribs.__version__)')"
for a in $ALGOS; do
  for s in $PY_SEEDS; do
    timed "$OUT/time_${a}_pyribs_s$s.txt" "$PY" "$ANCH/qd_bench_pyribs.py" --domain sphere --algo "$a" --itrs "$PY_ITRS" \
      $(shape "$a") --seed "$s" --out "$OUT/short_${a}_pyribs_s$s.json" --curve "$OUT/short_${a}_pyribs_s$s.csv"
    timed "$OUT/time_${a}_frontier_s$s.txt" "$FR" qd-bench --domain sphere --algo "$a" --itrs "$PY_ITRS" \
      $(shape "$a") --seed "$s" --out "$OUT/short_${a}_frontier_s$s.json" --curve "$OUT/short_${a}_frontier_s$s.csv"
  done
  for s in $SEEDS; do
    "$FR" qd-bench --domain sphere --algo "$a" --itrs "$ITRS" $(shape "$a") --seed "$s" \
      --out "$OUT/qd_${a}_frontier_s$s.json" --curve "$OUT/qd_${a}_frontier_s$s.csv" >/dev/null
  done
done

echo; echo "## QD at $ITRS iterations (Frontier) and $PY_ITRS iterations (both)"
"$PY" "$ANCH/compare_runs.py" "$OUT"/qd_*_frontier_s*.json
"$PY" "$ANCH/compare_runs.py" "$OUT"/short_*.json
echo; echo "## Time at equal evaluations ($PY_ITRS iterations x 540), /usr/bin/time: median over seeds"
"$PY" - "$OUT" "$ALGOS" "$PY_SEEDS" <<'PYEOF'
import statistics, sys
out, algos, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
print("| algo | pyribs wall s | pyribs CPU s | Frontier wall s | Frontier CPU s | CPU ratio |")
print("|---|---|---|---|---|---|")
for a in algos:
    def med(tool):
        rows = [list(map(float, open(f"{out}/time_{a}_{tool}_s{s}.txt").read().split()[-3:])) for s in seeds]
        return statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows)
    pw, pc = med("pyribs"); fw, fc = med("frontier")
    print(f"| {a} | {pw:.2f} | {pc:.2f} | {fw:.2f} | {fc:.2f} | {pc / fc:.1f}x |")
PYEOF
