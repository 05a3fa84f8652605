#!/usr/bin/env bash
# The issue's filtered yardstick at 50 % and 10 % selectivity, repeated: ROUNDS rounds, each
# Frontier (float and int8, every strategy) then hnswlib post-filtering, same core, same
# queries; prints per-round QPS (process CPU) at recall@10 >= 0.95 and the median ratio.
#
#   DATA=../shared/data/vectors/wordnet-minilm-50k ROUNDS=3 bench/vector/filtered_repeat.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
DATA="${DATA:?set DATA to a dataset directory}"
PY="${PY:-/tmp/venv-vec/bin/python}"
ANCHORS="${ANCHORS:-$(cd "$root/../shared/anchors/vector" 2>/dev/null && pwd || echo /work/shared/anchors/vector)}"
ROUNDS="${ROUNDS:-3}"; SETS="${SETS:-rng_0.5,rng_0.1}"; PARAMS="${PARAMS:-32,64,128}"; NQ="${NQ:-1000}"; CORE="${CORE:-1}"
OUT="${OUT:-$here/results/filtered-repeat-$(date -u +%Y%m%dT%H%M%S)}"
BIN="${FRONTIER:-$root/.build/release/frontier}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT"
if [ ! -x "$PY" ]; then python3 -m venv "$(dirname "$(dirname "$PY")")" && "$PY" -m pip install -q numpy hnswlib faiss-cpu; fi
[ -x "$BIN" ] || (cd "$root" && swift build -c release --product frontier >/dev/null)
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r load $(cut -d' ' -f1-3 /proc/loadavg)"
  taskset -c "$CORE" "$BIN" bench filtered --data "$DATA" --sets "$SETS" --params "$PARAMS" --nq "$NQ" \
    --quantize none,int8 --out "$OUT/round$r.csv"
  taskset -c "$CORE" "$PY" "$ANCHORS/bench_filtered.py" --data "$DATA" --method hnsw-postfilter --sets "$SETS" \
    --params "$PARAMS" --nq "$NQ" --out "$OUT/round$r.csv"
done
python3 - "$OUT" "$ROUNDS" <<'PYEOF'
import csv, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def best(rows, method, fs):
    ok = [float(r["qps_cpu"]) for r in rows if r["method"] == method and r["filter_set"] == fs and float(r["recall"]) >= 0.95]
    return max(ok) if ok else None
print("| filter set | round | load | Frontier int8 auto | Frontier float auto | hnswlib post-filter | int8 / hnswlib | float / hnswlib |")
print("|---|---|---|---|---|---|---|---|")
ratios = {}
for r in range(1, rounds + 1):
    rows = list(csv.DictReader(open(f"{out}/round{r}.csv")))
    for fs in dict.fromkeys(x["filter_set"] for x in rows):
        q8, qf, h = best(rows, "frontier-sq8-auto", fs), best(rows, "frontier-auto", fs), best(rows, "hnsw-postfilter", fs)
        load = statistics.median(float(x["loadavg"]) for x in rows if x["filter_set"] == fs)
        a = q8 / h if q8 and h else float("nan"); b = qf / h if qf and h else float("nan")
        ratios.setdefault(fs, []).append((a, b))
        print(f"| {fs} | {r} | {load:.1f} | {q8:,.0f} | {qf:,.0f} | {h:,.0f} | {a:.2f} | {b:.2f} |")
for fs, v in ratios.items():
    print(f"{fs}: median int8/hnswlib {statistics.median(x[0] for x in v):.2f}, float/hnswlib {statistics.median(x[1] for x in v):.2f} over {len(v)} rounds")
PYEOF
