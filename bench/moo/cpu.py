#!/usr/bin/env python3
"""Run a command; write its process CPU seconds (user + sys, from rusage) to a file.
Usage: cpu.py OUTFILE -- cmd args..."""
import resource
import subprocess
import sys

out, cmd = sys.argv[1], sys.argv[3:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
rc = subprocess.call(cmd)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as fh:
    fh.write(f"{(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime):.4f}\n")
sys.exit(rc)
