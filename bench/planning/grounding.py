"""Grounding next to Fast Downward's translator on the largest tasks of every domain.

For each domain, the --per-domain largest problem files (by size in bytes, a proxy that is then
checked against the translator's task size) are grounded by

  * Frontier: `frontier plan --time-limit 0.001 --json` (the search stops at once; the JSON
    carries grounding_seconds = parse + normalize + ground, facts, actions), and
  * Fast Downward: `fast-downward.py --translate` (the translator alone; its log gives the
    variables, SAS+ facts, operators and its own CPU time, "Done! [X CPU").

Both are run one at a time, CPU-time limited with prlimit. Writes a CSV (appended) and prints a
Markdown table. Note the sizes are not the same quantity: Frontier's facts are the reachable,
non-static ground atoms; FD's facts are the values of its finite-domain variables (mutex groups
merged, plus "none of those" values), so FD's count can be lower or higher. Operators/actions
are comparable: both are the relaxed-reachable ground actions (FD also prunes some irrelevant ones).

  python bench/planning/grounding.py --frontier .build/release/frontier --fd .../fast-downward.py \
      --python venv/bin/python --out bench/planning/grounding.csv
"""
import argparse
import csv
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench import DATA, run, tasks  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frontier", required=True)
    ap.add_argument("--fd", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--per-domain", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--memory-mb", type=int, default=2048)
    ap.add_argument("--out", required=True)
    ap.add_argument("--table-only", action="store_true")
    a = ap.parse_args()
    fields = ["domain", "task", "bytes", "frontier_ground_s", "frontier_cpu", "frontier_facts", "frontier_actions",
              "fd_translate_s", "fd_cpu", "fd_variables", "fd_facts", "fd_operators", "fd_task_size", "note"]
    if not a.table_only:
        by_domain = {}
        for t in tasks(20, 1000):
            by_domain.setdefault(t[0], []).append(t)
        new = not os.path.exists(a.out)
        f = open(a.out, "a", newline="")
        w = csv.DictWriter(f, fieldnames=fields)
        if new:
            w.writeheader()
        for dom_name in sorted(by_domain):
            big = sorted(by_domain[dom_name], key=lambda t: os.path.getsize(t[3]), reverse=True)[:a.per_domain]
            for _, task, domain, problem in big:
                work = tempfile.mkdtemp(prefix="ground-bench-")
                d = shutil.copy(domain, os.path.join(work, "domain.pddl"))
                p = shutil.copy(problem, os.path.join(work, "problem.pddl"))
                row = {"domain": dom_name, "task": task, "bytes": os.path.getsize(problem), "note": ""}
                cap = ["prlimit", "--cpu=%d" % int(a.limit), "--as=%d" % (a.memory_mb * 1048576)]
                out, code, cpu, _ = run(cap + [a.frontier, "plan", d, p, "--time-limit", "0.001", "--json"], work, a.limit)
                row["frontier_cpu"] = "%.3f" % cpu
                for key, col in [("grounding_seconds", "frontier_ground_s"), ("facts", "frontier_facts"),
                                 ("actions", "frontier_actions")]:
                    x = re.search(r'"%s":([0-9.eE+-]+)' % key, out)
                    row[col] = x.group(1) if x else ""
                if not row["frontier_facts"]:
                    row["note"] += "frontier: " + (out.strip().splitlines() or ["exit %d" % code])[-1][:80] + " "
                out, code, cpu, _ = run([a.python, a.fd, "--translate", "--overall-time-limit", "%ds" % a.limit,
                                         "--overall-memory-limit", "%dM" % a.memory_mb, d, p], work, a.limit)
                row["fd_cpu"] = "%.3f" % cpu
                for pat, col in [(r"Translator variables: (\d+)", "fd_variables"), (r"Translator facts: (\d+)", "fd_facts"),
                                 (r"Translator operators: (\d+)", "fd_operators"),
                                 (r"Translator task size: (\d+)", "fd_task_size"),
                                 (r"Done! \[([0-9.]+)s CPU[^\n]*\n(?:.*\n)?translate exit code", "fd_translate_s")]:
                    x = re.search(pat, out)
                    row[col] = x.group(1) if x else ""
                if not row["fd_operators"]:
                    row["note"] += "fd: exit %d" % code
                w.writerow(row)
                f.flush()
                shutil.rmtree(work, ignore_errors=True)
                print(row, file=sys.stderr, flush=True)
    table(a.out)


def table(path):
    rows = list(csv.DictReader(open(path)))
    print("| domain | task | Frontier process CPU s | Frontier grounding s (wall) | FD translator CPU s | Frontier facts "
          "| FD facts (variables) | Frontier actions | FD operators | actions / operators |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for r in rows:
        ra = ""
        if r["frontier_actions"] and r["fd_operators"] and int(r["fd_operators"]) > 0:
            ra = "%.2f" % (int(r["frontier_actions"]) / int(r["fd_operators"]))
        if r["frontier_facts"] and r["fd_translate_s"] and float(r["frontier_cpu"]) > 0:
            ratios.append(float(r["fd_translate_s"]) / float(r["frontier_cpu"]))
        print("| %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s |%s" % (
            r["domain"], r["task"], fmt(r["frontier_cpu"]), fmt(r["frontier_ground_s"]), fmt(r["fd_translate_s"]),
            r["frontier_facts"] or "–", r["fd_facts"] or "–", r["fd_variables"] or "–", r["frontier_actions"] or "–",
            r["fd_operators"] or "–", ra or "–", (" " + r["note"].strip()) if r["note"].strip() else ""))
    if ratios:
        import statistics
        print("\nFD translator CPU time / Frontier whole-process CPU time (parse, ground, start the search): "
              "median %.1fx (min %.1fx, max %.1fx) over %d tasks" % (statistics.median(ratios), min(ratios),
                                                                      max(ratios), len(ratios)))


def fmt(s):
    return "%.3f" % float(s) if s else "–"


if __name__ == "__main__":
    main()
