#!/usr/bin/env bash
# The FANNS-style filtered table (issue #6): recall@10 and QPS (process CPU, one pinned
# core) per filter set (range selectivities 50%, 10%, 1%, 0.1% and two category sets) for
# Frontier's strategies and every anchor whose Python API takes a filter, in one run.
#
#   DATA=/work/shared/data/vectors/wordnet-minilm-50k bench/vector/filtered_table.sh
#
# Anchors (../../shared/anchors/vector/bench_filtered.py, one process each):
#   hnsw-postfilter  hnswlib, unfiltered search with k' = 1.5 k / selectivity, failing ids dropped
#   hnswlib-filter   hnswlib knn_query(filter=callable) (a Python callable per visited node:
#                    measures the API as a Python user meets it; run on NQ_SLOW queries)
#   hnsw-infilter    faiss IndexHNSWFlat + IDSelectorBitmap through SearchParametersHNSW
#   flat-prefilter   faiss IndexFlat + IDSelectorBitmap (exact)
#   faiss-hnswsq-postfilter  faiss IndexHNSWSQ (QT_8bit) post-filtered as hnsw-postfilter
#                    (./faiss_hnsw_sq.py, on SQ_SETS; set SQ_SETS= to skip)
# Frontier runs every strategy per quantisation in QUANTIZE (methods frontier-<strategy> and,
# for int8, frontier-sq8-<strategy>), on one graph.
# usearch is absent: its Python Index.search (2.26) takes no predicate.
# Env: PY (default /tmp/venv-vec/bin/python), ANCHORS, M=16 EFC=200 PARAMS=16,32,64,128,256,
#      NQ=0 (all 1,000 queries), NQ_SLOW=200, CORE=1, METHODS (anchor methods to run),
#      FRONTIER (binary; default .build/release/frontier, built if missing), OUT,
#      QUANTIZE=none,int8, SQ_SETS=rng_0.5,rng_0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DATA="${DATA:?set DATA to a dataset directory}"
PY="${PY:-/tmp/venv-vec/bin/python}"
ANCHORS="${ANCHORS:-$(cd "$root/../shared/anchors/vector" 2>/dev/null && pwd || echo /work/shared/anchors/vector)}"
M="${M:-16}"; EFC="${EFC:-200}"; PARAMS="${PARAMS:-16,32,64,128,256}"; NQ="${NQ:-0}"; NQ_SLOW="${NQ_SLOW:-200}"
CORE="${CORE:-1}"
METHODS="${METHODS:-hnsw-postfilter hnsw-infilter flat-prefilter hnswlib-filter}"
QUANTIZE="${QUANTIZE:-none,int8}"; SQ_SETS="${SQ_SETS-rng_0.5,rng_0.1}"
OUT="${OUT:-$here/results/$(basename "$DATA")/filtered-table-$(date -u +%Y%m%dT%H%M%S).csv}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$(dirname "$OUT")"
if [ ! -x "$PY" ]; then   # throwaway virtual environment with the anchors from PyPI
  python3 -m venv "$(dirname "$(dirname "$PY")")" && "$PY" -m pip install -q numpy hnswlib faiss-cpu
fi
BIN="${FRONTIER:-$root/.build/release/frontier}"
[ -x "$BIN" ] || (cd "$root" && swift build -c release --product frontier >/dev/null)
pin() { if command -v taskset >/dev/null; then taskset -c "$CORE" "$@"; else "$@"; fi; }
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
pin "$BIN" bench filtered --data "$DATA" --M "$M" --efc "$EFC" --params "$PARAMS" --nq "$NQ" --quantize "$QUANTIZE" --out "$OUT"
for m in $METHODS; do
  nq="$NQ"; [ "$m" = hnswlib-filter ] && nq="$NQ_SLOW"
  pin "$PY" "$ANCHORS/bench_filtered.py" --data "$DATA" --method "$m" --M "$M" --efc "$EFC" \
    --params "$PARAMS" --nq "$nq" --out "$OUT" || echo "!! $m failed"
done
if [ -n "$SQ_SETS" ]; then
  pin "$PY" "$here/faiss_hnsw_sq.py" --data "$DATA" --mode filtered --sets "$SQ_SETS" --M "$M" --efc "$EFC" \
    --params "$PARAMS" --nq "$NQ" --out "$OUT" || echo "!! faiss-hnswsq failed"
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$here/filtered_summary.py" "$OUT"
