"""Frontier's planner next to Fast Downward and pyperplan, one task and one planner at a time.

Run through run.sh (it makes the throwaway venv). Writes one CSV row per (task, planner) to
--out as it goes, then `--table` turns the CSV into the Markdown tables of BENCHMARKS.md.
Time is the CPU time (user + system) of the planner process and its children.
"""
import argparse
import csv
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

DATA = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "pddl"))
LLMP = ["barman", "blocksworld", "floortile", "grippers", "storage", "termes", "tyreworld"]

PLANNERS = {
    # name: (kind, argument)
    "frontier-satisficing": ("frontier", "satisficing"),
    "fd-lama-first": ("fd-alias", ["--alias", "lama-first"]),
    "fd-eager-ff-pref": ("fd", ["--search", "eager_greedy([ff()], preferred=[ff()])"]),
    "pyperplan-gbfs-hff": ("pyperplan", ["-s", "gbf", "-H", "hff"]),
    "frontier-optimal": ("frontier", "optimal"),
    "fd-astar-lmcut": ("fd", ["--search", "astar(lmcut())"]),
}


def tasks(per_llmp, per_ipc):
    out = []
    for d in LLMP:
        for i in range(1, per_llmp + 1):
            p = os.path.join(DATA, "llmp", d, "p%02d.pddl" % i)
            if os.path.exists(p):
                out.append(("llmp/" + d, "p%02d" % i, os.path.join(DATA, "llmp", d, "domain.pddl"), p))
    ipc = os.path.join(DATA, "ipc")
    for d in sorted(os.listdir(ipc)):
        for i in range(1, per_ipc + 1):
            p = os.path.join(ipc, d, "instances", "instance-%d.pddl" % i)
            dom = os.path.join(ipc, d, "domains", "domain-%d.pddl" % i)
            if not os.path.exists(dom):
                dom = os.path.join(ipc, d, "domain.pddl")
            if os.path.exists(p):
                out.append(("ipc/" + d, "instance-%d" % i, dom, p))
    return out


def run(cmd, cwd, limit):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=8 * limit + 30)
        out, code = r.stdout + r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:
        out, code = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), -9
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, code, cpu, time.monotonic() - t0


def validate(val, domain, problem, plan):
    if not os.path.exists(plan) or os.path.getsize(plan) == 0:
        return ""
    try:
        r = subprocess.run([val, domain, problem, plan], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "valid" if "Plan valid" in r.stdout else "INVALID"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frontier", required=True)
    ap.add_argument("--fd", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--pyperplan", required=True)
    ap.add_argument("--validate", required=True)
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--memory-mb", type=int, default=2048)
    ap.add_argument("--per-llmp", type=int, default=20)
    ap.add_argument("--per-ipc", type=int, default=1000)
    ap.add_argument("--planners", default=",".join(PLANNERS))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    fields = ["domain", "task", "planner", "solved", "cost", "expanded", "cpu", "wall", "valid", "note"]
    new = not os.path.exists(a.out)
    f = open(a.out, "a", newline="")
    w = csv.DictWriter(f, fieldnames=fields)
    if new:
        w.writeheader()
    lim = a.limit
    for dom_name, task, domain, problem in tasks(a.per_llmp, a.per_ipc):
        for name in a.planners.split(","):
            kind, arg = PLANNERS[name]
            work = tempfile.mkdtemp(prefix="plan-bench-")
            d = shutil.copy(domain, os.path.join(work, "domain.pddl"))
            p = shutil.copy(problem, os.path.join(work, "problem.pddl"))
            plan = os.path.join(work, "plan.txt")
            row = {"domain": dom_name, "task": task, "planner": name, "solved": 0, "cost": "", "expanded": "", "note": ""}
            # CPU-time limits for everyone (Fast Downward's driver sets RLIMIT_CPU itself); the
            # machine is shared, so wall-clock limits would measure the neighbours.
            cap = ["prlimit", "--cpu=%d" % int(lim), "--as=%d" % (a.memory_mb * 1048576)]
            if kind == "frontier":
                out, code, cpu, wall = run(cap + [a.frontier, "plan", d, p, "--search", arg,
                                            "--memory-limit", str(a.memory_mb), "--plan-file", plan, "--json"], work, lim)
                m = re.search(r'"solved":true', out)
                if m:
                    row["solved"] = 1
                    row["cost"] = re.search(r'"cost":(\d+)', out).group(1)
                    row["expanded"] = re.search(r'"expanded":(\d+)', out).group(1)
                elif "error" in out.lower():
                    row["note"] = out.strip().splitlines()[-1][:120]
            elif kind in ("fd", "fd-alias"):
                pre, post = (arg, []) if kind == "fd-alias" else ([], arg)
                out, code, cpu, wall = run([a.python, a.fd] + pre + ["--overall-time-limit", "%ds" % lim,
                                            "--overall-memory-limit", "%dM" % a.memory_mb, "--plan-file", plan,
                                            d, p] + post, work, lim)
                m = re.search(r"Plan cost: (\d+)", out)
                if m and os.path.exists(plan):
                    row["solved"] = 1
                    row["cost"] = m.group(1)
                    e = re.findall(r"Expanded (\d+) state\(s\)\.", out)
                    row["expanded"] = e[-1] if e else ""
                elif code not in (0, 12, 23, 22, -9):
                    row["note"] = "exit %d" % code
            else:
                out, code, cpu, wall = run(cap + [a.pyperplan] + arg + [d, p], work, lim)
                soln = p + ".soln"
                if os.path.exists(soln) and code == 0:
                    shutil.move(soln, plan)
                    row["solved"] = 1
                    with open(plan) as fh:
                        row["cost"] = str(sum(1 for line in fh if line.strip().startswith("(")))
                elif code not in (-9, -24, 137, 152):
                    lines = [l for l in out.strip().splitlines() if l.strip()]
                    row["note"] = (lines[-1] if lines else "exit %d" % code)[:120]
            if row["solved"] and cpu > lim + 1:
                row["solved"] = 0  # over the limit
            row["cpu"] = "%.3f" % cpu
            row["wall"] = "%.3f" % wall
            row["valid"] = validate(a.validate, d, p, plan) if row["solved"] else ""
            w.writerow(row)
            f.flush()
            shutil.rmtree(work, ignore_errors=True)
            print(dom_name, task, name, row["solved"], row["cost"], row["cpu"], row["valid"], row["note"], flush=True)


if __name__ == "__main__":
    main()
