#!/usr/bin/env bash
# CMA-ME / CMA-MAE CPU time at equal evaluations, Frontier vs pyribs, alternating in one run.
#
#   VENV=/tmp/qd-venv SEEDS="1 2" ITRS=1000 CPU=1 bash bench/qd/cma_speed.sh
#
# Each process is pinned to one CPU (taskset -c $CPU) and timed by /usr/bin/time (wall, user,
# sys); the load average is logged before every run, since the machine is shared. Prints the
# per-run rows and the median CPU ratio per algorithm. Needs a release build of `frontier`
# (`swift build -c release --product frontier`) and pyribs in $VENV.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCH="$ROOT/../shared/anchors/qd"
VENV="${VENV:-${TMPDIR:-/tmp}/frontier-qd-venv}"
ALGOS="${ALGOS:-cma_me cma_mae}"; SEEDS="${SEEDS:-1 2}"; ITRS="${ITRS:-1000}"; CPU="${CPU:-1}"
OUT="${OUT:-$ROOT/bench/qd/results/speed}"
FR="${FR:-$ROOT/.build/release/frontier}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT"
LOG="$OUT/runs.tsv"
echo -e "algo\ttool\tseed\twall_s\tcpu_s\tload1\tqd_score\tcoverage" >"$LOG"
run() {  # tool algo seed cmd...
  local tool="$1" a="$2" s="$3"; shift 3
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "%e %U %S" -o "$OUT/time_${a}_${tool}_s$s.txt" taskset -c "$CPU" "$@" \
    --domain sphere --algo "$a" --itrs "$ITRS" --emitters 15 --batch 36 --seed "$s" \
    --out "$OUT/${a}_${tool}_s$s.json" >/dev/null
  read -r w u y < <(tail -n1 "$OUT/time_${a}_${tool}_s$s.txt")
  local qd cov
  qd="$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d.get('qd_score'), d.get('coverage'))" "$OUT/${a}_${tool}_s$s.json")"
  read -r qd cov <<<"$qd"
  echo -e "$a\t$tool\t$s\t$w\t$(python3 -c "print(round($u+$y,2))")\t$load\t$qd\t$cov" | tee -a "$LOG"
}
for a in $ALGOS; do
  for s in $SEEDS; do
    run pyribs "$a" "$s" "$VENV/bin/python" "$ANCH/qd_bench_pyribs.py"
    run frontier "$a" "$s" "$FR" qd-bench
  done
done
python3 - "$LOG" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("\n| algo | pyribs CPU s (median) | Frontier CPU s (median) | CPU ratio | load (median) |")
print("|---|---|---|---|---|")
for a in dict.fromkeys(r["algo"] for r in rows):
    p = statistics.median(float(r["cpu_s"]) for r in rows if r["algo"] == a and r["tool"] == "pyribs")
    f = statistics.median(float(r["cpu_s"]) for r in rows if r["algo"] == a and r["tool"] == "frontier")
    l = statistics.median(float(r["load1"]) for r in rows if r["algo"] == a)
    print(f"| {a} | {p:.2f} | {f:.2f} | {p / f:.1f}x | {l:.1f} |")
PYEOF
