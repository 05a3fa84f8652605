#!/usr/bin/env python3
"""Run the anchor script moo_bench_pymoo.py unchanged and add to its --out JSON the process
CPU seconds of the same span it times as wall_s (`cpu_s`), so both tools' loops are
compared on CPU time. Usage: pymoo_cpu.py ANCHOR.py [anchor args...]"""
import json
import runpy
import sys
import time

marks = []
real_perf_counter = time.perf_counter


def perf_counter():
    # Only the anchor's main() (t0 and the end of minimize) is recorded.
    if sys._getframe(1).f_code.co_name == "main":
        marks.append(time.process_time())
    return real_perf_counter()


time.perf_counter = perf_counter
anchor, args = sys.argv[1], sys.argv[2:]
sys.argv = [anchor] + args
runpy.run_path(anchor, run_name="__main__")
if "--out" in args and len(marks) >= 2:
    out = args[args.index("--out") + 1]
    with open(out) as fh:
        d = json.load(fh)
    d["cpu_s"] = round(marks[1] - marks[0], 4)
    with open(out, "w") as fh:
        json.dump(d, fh, indent=2)
