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
    "frontier-lama": ("frontier", "lama"),  # h_FF + landmark alternation (from 2026-11-27 on)
    "fd-lama-first": ("fd-alias", ["--alias", "lama-first"]),
    "fd-eager-ff-pref": ("fd", ["--search", "eager_greedy([ff()], preferred=[ff()])"]),
    "pyperplan-gbfs-hff": ("pyperplan", ["-s", "gbf", "-H", "hff"]),
    "frontier-optimal": ("frontier", "optimal"),
    "fd-astar-lmcut": ("fd", ["--search", "astar(lmcut())"]),
}


def round_robin(ts, ipc_first=False):
    """Instance 1 of every domain, then instance 2, ...: a run stopped part-way still covers every domain.
    ipc_first: all IPC rounds before the LLM+P ones (whose optimal runs mostly time out)."""
    if ipc_first:
        return round_robin([t for t in ts if t[0].startswith("ipc/")]) + round_robin([t for t in ts if not t[0].startswith("ipc/")])
    by, order = {}, []
    for t in ts:
        if t[0] not in by:
            by[t[0]] = []
            order.append(t[0])
        by[t[0]].append(t)
    out = []
    for i in range(max(len(v) for v in by.values())):
        out += [by[d][i] for d in order if i < len(by[d])]
    return out


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
    """Runs cmd in its own process group; CPU time of the children. The wall-clock timeout is only
    a safety net (the limits are CPU time): on a machine shared with other jobs a process may get a
    small share of its core, so it is generous, and on expiry the whole group (FD's driver and its
    translate/search children) is killed and the row is marked."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=WALL_FACTOR * limit + 60)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        out, code = (out or "") + "\nwall-clock timeout", -9
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, code, cpu, time.monotonic() - t0


WALL_FACTOR = 30


def validate(val, domain, problem, plan):
    if not os.path.exists(plan) or os.path.getsize(plan) == 0:
        return ""
    try:
        r = subprocess.run([val, domain, problem, plan], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout"
    if "Plan valid" in r.stdout:
        return "valid"
    if "Error in type-checking" in r.stdout + r.stderr:
        return "VAL type-check error"  # VAL rejects the task itself (LLM+P tyreworld's undeclared constants)
    return "INVALID"


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
    ap.add_argument("--order", choices=["domain", "round-robin", "round-robin-ipc-first"], default="domain")
    ap.add_argument("--resume", action="store_true", help="skip (task, planner) pairs already in --out")
    ap.add_argument("--only", default="", help="comma-separated domain/task pairs, e.g. ipc/tpp/instance-5")
    ap.add_argument("--skip-after", type=int, default=0,
                    help="cut-off: once a planner has failed K consecutive tasks of a domain (in instance order), "
                         "record its remaining tasks of that domain as unsolved ('skipped') without running them")
    a = ap.parse_args()
    # search_s/total_s: the planner's own search and total time (FD: its search component's
    # "Search time"/"Total time"); ground_s/facts/actions: Frontier's grounding (parse included) or
    # FD's translator (CPU time, SAS+ facts = values of the finite-domain variables, operators).
    fields = ["domain", "task", "planner", "solved", "cost", "expanded", "cpu", "wall", "valid", "note",
              "search_s", "total_s", "ground_s", "facts", "actions", "variables", "search_cpu", "ground_cpu", "total_cpu"]
    done = set()
    rows_before = {}
    if a.resume and os.path.exists(a.out):
        for r in csv.DictReader(open(a.out)):
            done.add((r["domain"], r["task"], r["planner"]))
            rows_before[(r["domain"], r["task"], r["planner"])] = r["solved"] == "1"
    fails = {}  # (domain, planner) -> consecutive failures so far, in instance order
    only = set(x for x in a.only.split(",") if x)
    new = not os.path.exists(a.out)
    if not new:  # append in the file's own column layout (older files lack the *_cpu columns)
        with open(a.out) as fh:
            fields = next(csv.reader(fh))
    f = open(a.out, "a", newline="")
    w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
    if new:
        w.writeheader()
    lim = a.limit
    ts = tasks(a.per_llmp, a.per_ipc)
    if a.order.startswith("round-robin"):
        ts = round_robin(ts, ipc_first=a.order == "round-robin-ipc-first")
    for dom_name, task, domain, problem in ts:
        if only and dom_name + "/" + task not in only:
            continue
        for name in a.planners.split(","):
            dkey = (dom_name, name)  # not `key`: the Frontier branch below loops over a `key`
            if (dom_name, task, name) in done:
                fails[dkey] = 0 if rows_before[(dom_name, task, name)] else fails.get(dkey, 0) + 1
                continue
            if a.skip_after and fails.get(dkey, 0) >= a.skip_after:
                row = {"domain": dom_name, "task": task, "planner": name, "solved": 0, "cost": "", "expanded": "",
                       "cpu": "", "wall": "", "valid": "",
                       "note": "skipped: %d consecutive failures in this domain" % a.skip_after}
                w.writerow(row)
                f.flush()
                print(dom_name, task, name, "skipped", flush=True)
                continue
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
                # *_seconds: wall clock; *_cpu_seconds: CPU time (frontier builds from 2026-11-27 on)
                for key, col in [("search_seconds", "search_s"), ("total_seconds", "total_s"),
                                 ("grounding_seconds", "ground_s"), ("facts", "facts"), ("actions", "actions"),
                                 ("search_cpu_seconds", "search_cpu"), ("grounding_cpu_seconds", "ground_cpu"),
                                 ("total_cpu_seconds", "total_cpu")]:
                    x = re.search(r'"%s":([0-9.eE+-]+)' % key, out)
                    if x:
                        row[col] = x.group(1)
                if m:
                    row["solved"] = 1
                    row["cost"] = re.search(r'"cost":(\d+)', out).group(1)
                    row["expanded"] = re.search(r'"expanded":(\d+)', out).group(1)
                elif "error" in out.lower():
                    row["note"] = out.strip().splitlines()[-1][:120]
                else:
                    x = re.search(r'"outcome":"([^"]*)"', out)
                    if x:
                        row["note"] = x.group(1)
                    elif code in (-9, -24) and cpu >= lim - 1:
                        # prlimit --cpu: SIGXCPU / SIGKILL at the CPU-time limit.
                        row["note"] = "out of time (CPU limit, signal %d)" % -code
                    else:
                        row["note"] = "killed (code %d)" % code
            elif kind in ("fd", "fd-alias"):
                pre, post = (arg, []) if kind == "fd-alias" else ([], arg)
                out, code, cpu, wall = run([a.python, a.fd] + pre + ["--overall-time-limit", "%ds" % lim,
                                            "--overall-memory-limit", "%dM" % a.memory_mb, "--plan-file", plan,
                                            d, p] + post, work, lim)
                m = re.search(r"Plan cost: (\d+)", out)
                for pat, col in [(r"Translator variables: (\d+)", "variables"), (r"Translator facts: (\d+)", "facts"),
                                 (r"Translator operators: (\d+)", "actions"), (r"\] Search time: ([0-9.]+)s", "search_s"),
                                 (r"\] Total time: ([0-9.]+)s", "total_s"),
                                 (r"Done! \[([0-9.]+)s CPU[^\n]*\n(?:.*\n)?translate exit code", "ground_s")]:
                    x = re.search(pat, out)
                    if x:
                        row[col] = x.group(1)
                if m and os.path.exists(plan):
                    row["solved"] = 1
                    row["cost"] = m.group(1)
                    e = re.findall(r"Expanded (\d+) state\(s\)\.", out)
                    row["expanded"] = e[-1] if e else ""
                elif code != 0:
                    row["note"] = {12: "exit 12 (search unsolved, incomplete)", 22: "exit 22 (out of memory)",
                                   23: "exit 23 (out of time)", -9: "killed"}.get(code, "exit %d" % code)
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
            if "wall-clock timeout" in out[-40:]:
                row["note"] = "wall-clock timeout (%.0f s CPU used)" % cpu
            row["cpu"] = "%.3f" % cpu
            row["wall"] = "%.3f" % wall
            row["valid"] = validate(a.validate, d, p, plan) if row["solved"] else ""
            fails[dkey] = 0 if row["solved"] else fails.get(dkey, 0) + 1
            w.writerow(row)
            f.flush()
            shutil.rmtree(work, ignore_errors=True)
            print(dom_name, task, name, row["solved"], row["cost"], row["cpu"], row["valid"], row["note"], flush=True)


if __name__ == "__main__":
    main()
