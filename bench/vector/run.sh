#!/usr/bin/env bash
# Frontier HNSW vs hnswlib on one data set, one core, one run (subset of
# ../../../shared/anchors/vector/run_side_by_side.sh; `frontier bench ann|filtered`).
#
#   DATA=/work/shared/data/vectors/wordnet-minilm-50k ./run.sh
# Env: PY (python with numpy + hnswlib; default /tmp/venv-vec/bin/python),
#      ANCHORS (shared/anchors/vector), M=16 EFC=200 EF=10,20,40,80,160,320,
#      NQ=0 (all queries), CORE=1, FILTERED=1 also runs the filtered sweep,
#      LIBS="hnswlib" anchors to run (bench_ann.py --lib names).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DATA="${DATA:?set DATA to a dataset directory}"
PY="${PY:-/tmp/venv-vec/bin/python}"
ANCHORS="${ANCHORS:-$(cd "$here/../../../shared/anchors/vector" 2>/dev/null && pwd || echo /work/shared/anchors/vector)}"
M="${M:-16}"; EFC="${EFC:-200}"; EF="${EF:-10,20,40,80,160,320}"; NQ="${NQ:-0}"; CORE="${CORE:-1}"
LIBS="${LIBS:-hnswlib}"
OUT="${OUT:-$here/results/$(basename "$DATA")}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT"
root="$(cd "$here/../.." && pwd)"
if [ ! -x "$PY" ]; then   # throwaway virtual environment with the anchor from PyPI
  python3 -m venv "$(dirname "$(dirname "$PY")")" && "$PY" -m pip install -q numpy hnswlib
fi
(cd "$root" && swift build -c release --product frontier >/dev/null)
BIN="${FRONTIER:-$root/.build/release/frontier}"
pin() { if command -v taskset >/dev/null; then taskset -c "$CORE" "$@"; else "$@"; fi; }
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for lib in $LIBS; do
  pin "$PY" "$ANCHORS/bench_ann.py" --data "$DATA" --lib "$lib" --M "$M" --efc "$EFC" --ef "$EF" --nq "$NQ" --out "$OUT/ann.csv"
done
pin "$BIN" bench ann --data "$DATA" --M "$M" --efc "$EFC" --ef "$EF" --k 10 --nq "$NQ" --out "$OUT/ann.csv"
if [ "${FILTERED:-0}" = 1 ]; then
  for m in hnsw-postfilter; do
    pin "$PY" "$ANCHORS/bench_filtered.py" --data "$DATA" --method "$m" --M "$M" --efc "$EFC" --nq "$NQ" --out "$OUT/filtered.csv" || true
  done
  pin "$BIN" bench filtered --data "$DATA" --M "$M" --efc "$EFC" --nq "$NQ" --out "$OUT/filtered.csv"
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
