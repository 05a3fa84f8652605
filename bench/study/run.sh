#!/usr/bin/env bash
# Study-driver overhead, Frontier vs Optuna, same machine, same run: process CPU time per
# trial of a study with an in-memory storage, a uniform random sampler and Branin as the
# objective (define-by-run with two suggest calls, and Frontier's ask/tell with an explicit
# space), median of 5 runs, for 200 and 1000 trials.
#
#   bench/study/run.sh
# Env: PY (python with optuna; default: a throwaway venv in /tmp/venv-study-optuna).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PY="${PY:-/tmp/venv-study-optuna/bin/python}"
if [ ! -x "$PY" ]; then   # throwaway virtual environment with the anchor from PyPI
  python3 -m venv "$(dirname "$(dirname "$PY")")" && "$PY" -m pip install -q optuna
fi
(cd "$here" && swift build -c release 2>&1 | tail -n 1)
for n in 200 1000; do
  "$here/.build/release/StudyBench" "$n" dbr
  "$here/.build/release/StudyBench" "$n" space
  "$PY" "$here/optuna_bench.py" "$n"
done
