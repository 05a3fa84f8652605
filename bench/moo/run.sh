#!/usr/bin/env bash
# NSGA-II side by side: pymoo (installed here into a throwaway venv) and Frontier's release
# binary on the same settings; prints hypervolume mean ± sd and the time ratio per problem.
#
#   bash bench/moo/run.sh                      # 5 seeds, 200 generations, ZDT1-4, ZDT6, DTLZ2
#   SEEDS="1 2" GENS=100 PROBLEMS="zdt1 dtlz2" OUT=/tmp/moo bash bench/moo/run.sh
#
# Timing (medians over seeds): `cpu_s`, the process CPU of the optimisation loop alone
# (imports and output excluded; pymoo's is measured around the anchor's own timed span by
# pymoo_cpu.py, which runs the anchor unchanged), `wall_s` of the same span, and the whole
# process's CPU (user + sys from rusage, so Python's imports count there). Both run with
# --no-curve; BLAS threads are pinned to 1. On a loaded machine trust the CPU columns.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ANCHOR="${ANCHOR:-$ROOT/../shared/anchors/qd/moo_bench_pymoo.py}"
SEEDS="${SEEDS:-1 2 3 4 5}"; GENS="${GENS:-200}"; POP="${POP:-100}"
PROBLEMS="${PROBLEMS:-zdt1 zdt2 zdt3 zdt4 zdt6 dtlz2}"
OUT="${OUT:-$(mktemp -d /tmp/frontier-moo.XXXXXX)}"
VENV="${VENV:-$OUT/venv}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet pymoo
fi
PY="$VENV/bin/python"
echo "pymoo $("$PY" -c 'import pymoo; print(pymoo.__version__)'), results in $OUT" >&2

(cd "$ROOT" && swift build -c release --product frontier >&2)
FRONTIER="$ROOT/.build/release/frontier"

for s in $SEEDS; do
  for p in $PROBLEMS; do
    echo "seed $s $p" >&2
    "$PY" "$HERE/cpu.py" "$OUT/moo_${p}_pymoo_s$s.cpu" -- \
      "$PY" "$HERE/pymoo_cpu.py" "$ANCHOR" --problem "$p" --pop "$POP" --gens "$GENS" --seed "$s" --no-curve \
      --out "$OUT/moo_${p}_pymoo_s$s.json" --front "$OUT/moo_${p}_pymoo_s$s.csv" >/dev/null
    "$PY" "$HERE/cpu.py" "$OUT/moo_${p}_frontier_s$s.cpu" -- \
      "$FRONTIER" moo-bench --problem "$p" --pop "$POP" --gens "$GENS" --seed "$s" --no-curve \
      --out "$OUT/moo_${p}_frontier_s$s.json" --front "$OUT/moo_${p}_frontier_s$s.csv" >/dev/null
  done
done
"$PY" "$HERE/table.py" "$OUT"
