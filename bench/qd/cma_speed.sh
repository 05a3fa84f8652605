#!/usr/bin/env bash
# CMA-ME / CMA-MAE wall and CPU time at equal evaluations, Frontier vs pyribs, alternating in
# one run.
#
#   VENV=/tmp/qd-venv SEEDS="1 2" ITRS=1000 CPU=1 THREADS="1 2" bash bench/qd/cma_speed.sh
#
# pyribs is pinned to one CPU (taskset -c $CPU, BLAS limited to one thread). After each
# pyribs run, Frontier runs once per entry T of $THREADS with --threads T, pinned to $CPU for
# T = 1 and to CPUs 0..T-1 otherwise. Every run is timed by /usr/bin/time (wall, user, sys); the load average
# is logged before every run, since the machine is shared. Prints the per-run rows and, per
# algorithm, the median wall and CPU times and their ratios (pyribs / Frontier). Needs a
# release build of `frontier` (`swift build -c release --product frontier`) and pyribs in
# $VENV.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCH="$ROOT/../shared/anchors/qd"
VENV="${VENV:-${TMPDIR:-/tmp}/frontier-qd-venv}"
ALGOS="${ALGOS:-cma_me cma_mae}"; SEEDS="${SEEDS:-1 2}"; ITRS="${ITRS:-1000}"; CPU="${CPU:-1}"
THREADS="${THREADS:-1}"
OUT="${OUT:-$ROOT/bench/qd/results/speed}"
FR="${FR:-$ROOT/.build/release/frontier}"
# PYRIBS_THREADS=2: pyribs gets two BLAS threads and CPUs 0-1 (the fair match for --threads 2).
PT="${PYRIBS_THREADS:-1}"
export OPENBLAS_NUM_THREADS=$PT OMP_NUM_THREADS=$PT MKL_NUM_THREADS=$PT
if [ "$PT" = 1 ]; then PCPUS="$CPU"; else PCPUS="0-$((PT - 1))"; fi
mkdir -p "$OUT"
LOG="$OUT/runs.tsv"
echo -e "algo\ttool\tseed\twall_s\tcpu_s\tload1\tqd_score\tcoverage" >"$LOG"
run() {  # tool cpus algo seed cmd...
  local tool="$1" cpus="$2" a="$3" s="$4"; shift 4
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "%e %U %S" -o "$OUT/time_${a}_${tool}_s$s.txt" taskset -c "$cpus" "$@" \
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
    run pyribs "$PCPUS" "$a" "$s" "$VENV/bin/python" "$ANCH/qd_bench_pyribs.py"
    for t in $THREADS; do
      if [ "$t" = 1 ]; then cpus="$CPU"; else cpus="0-$((t - 1))"; fi
      run "frontier_t$t" "$cpus" "$a" "$s" "$FR" qd-bench --threads "$t"
    done
  done
done
python3 - "$LOG" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("\n| algo | Frontier threads | pyribs wall / CPU s | Frontier wall / CPU s | wall ratio | CPU ratio | load (median) |")
print("|---|---|---|---|---|---|---|")
def med(a, tool, col):
    return statistics.median(float(r[col]) for r in rows if r["algo"] == a and r["tool"] == tool)
for a in dict.fromkeys(r["algo"] for r in rows):
    pw, pc = med(a, "pyribs", "wall_s"), med(a, "pyribs", "cpu_s")
    l = statistics.median(float(r["load1"]) for r in rows if r["algo"] == a)
    for tool in dict.fromkeys(r["tool"] for r in rows if r["algo"] == a and r["tool"] != "pyribs"):
        fw, fc = med(a, tool, "wall_s"), med(a, tool, "cpu_s")
        print(f"| {a} | {tool[len('frontier_t'):]} | {pw:.2f} / {pc:.2f} | {fw:.2f} / {fc:.2f} | {pw / fw:.1f}x | {pc / fc:.1f}x | {l:.1f} |")
PYEOF
