#!/usr/bin/env bash
# Unfiltered recall@10 / QPS with and without int8 traversal against hnswlib (IndexHNSW,
# floats) and faiss IndexHNSWSQ (QT_8bit), alternated ROUNDS times in one script, one pinned
# core, QPS by process CPU time.
#
#   DATA=/work/shared/data/vectors/wordnet-minilm-50k bench/vector/ann_sq8.sh
# Env: PY, ANCHORS, M=16 EFC=200 EF=20,40,80,160 NQ=0 CORE=1 ROUNDS=2, OUT (CSV).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DATA="${DATA:?set DATA to a dataset directory}"
PY="${PY:-/tmp/venv-vec/bin/python}"
ANCHORS="${ANCHORS:-/work/shared/anchors/vector}"
M="${M:-16}"; EFC="${EFC:-200}"; EF="${EF:-20,40,80,160}"; NQ="${NQ:-0}"; CORE="${CORE:-1}"; ROUNDS="${ROUNDS:-2}"
OUT="${OUT:-$here/results/$(basename "$DATA")/ann-sq8-$(date -u +%Y%m%dT%H%M%S).csv}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 ANCHORS
mkdir -p "$(dirname "$OUT")"
BIN="${FRONTIER:-$root/.build/release/frontier}"
pin() { if command -v taskset >/dev/null; then taskset -c "$CORE" "$@"; else "$@"; fi; }
for r in $(seq "$ROUNDS"); do
  echo "== round $r load: $(cut -d' ' -f1-3 /proc/loadavg)"
  pin "$PY" "$ANCHORS/bench_ann.py" --data "$DATA" --lib hnswlib --M "$M" --efc "$EFC" --ef "$EF" --nq "$NQ" --out "$OUT"
  pin "$BIN" bench ann --data "$DATA" --M "$M" --efc "$EFC" --ef "$EF" --k 10 --nq "$NQ" --quantize none,int8 --out "$OUT" 2>/dev/null
  pin "$PY" "$here/faiss_hnsw_sq.py" --data "$DATA" --mode ann --M "$M" --efc "$EFC" --params "$EF" --nq "$NQ" --out "$OUT"
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
