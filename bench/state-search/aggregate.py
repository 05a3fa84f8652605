#!/usr/bin/env python3
"""Aggregates the raw JSON lines written by run.sh into a Markdown table
(stdout) and one JSON summary line appended to the results file.

Layout of the run directory (written by run.sh):
  ida/c-<rep>.jsonl, ida/frontier-<rep>.jsonl
  grid/c-<rep>.jsonl, grid/frontier-<rep>/<map>.jsonl
  sg/sgbench-<rep>.jsonl, sg/frontier-<rep>.jsonl
  every output file may have a sibling <file>.rc (exit status) and
  <file>.wall (wall-clock seconds of the whole process).

Rates: IDA* nodes/s = total generated / total seconds; grid expansions/s =
total expanded / total seconds, both from the per-instance "seconds" fields,
computed per repetition; the median over repetitions is reported and the
ratio is median(Frontier) / median(C). Standard library only.
"""
import argparse
import datetime
import glob
import json
import os
import statistics
import sys

TOLERANCE_REL = 1e-5
TOLERANCE_ABS = 1e-4


def read_jsonl(path):
    """Returns the JSON objects of a file, skipping lines that are not JSON."""
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows


def read_number(path, default=None):
    try:
        with open(path) as f:
            return float(f.read().strip())
    except (OSError, ValueError):
        return default


def exit_status(path):
    v = read_number(path + ".rc")
    return None if v is None else int(v)


def matches(cost, optimal):
    if cost is None or optimal is None:
        return False
    return abs(float(cost) - float(optimal)) <= TOLERANCE_REL * float(optimal) + TOLERANCE_ABS


def is_record(row):
    """A per-instance line (not a summary line some tool may add)."""
    return not row.get("summary") and "expanded" in row and "seconds" in row


def is_solved(row):
    return row.get("solved", True) is not False and row.get("cost") is not None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_rate(r):
    if r is None:
        return "n/a"
    if r >= 1e6:
        return f"{r / 1e6:.2f} M/s"
    if r >= 1e3:
        return f"{r / 1e3:.2f} k/s"
    return f"{r:.1f} /s"


def fmt_int(n):
    return "n/a" if n is None else f"{n:,}"


def fmt_s(s):
    if s is None:
        return "n/a"
    return f"{s:.3f}" if s >= 0.1 else f"{s:.6f}"


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.3f}"


def target_note(ratio, target, problems):
    if ratio is None:
        return ""
    if problems:
        return " (not valid: checks failed)"
    return " (meets target)" if ratio >= target else " (BELOW TARGET)"


# ------------------------------------------------------------- IDA* suite

def ida_rep(path, expect_count, expect_sum):
    """Figures of one tool in one repetition of the 15-puzzle suite."""
    rows = [r for r in read_jsonl(path) if is_record(r) and "generated" in r]
    rc = exit_status(path)
    generated = sum(int(r["generated"]) for r in rows)
    expanded = sum(int(r.get("expanded", 0)) for r in rows)
    seconds = sum(float(r["seconds"]) for r in rows)
    not_optimal = [r.get("id") for r in rows
                   if not (is_solved(r) and r.get("optimal") is not None
                           and float(r["cost"]) == float(r["optimal"]))]
    cost_sum = sum(float(r["cost"]) for r in rows if is_solved(r))
    problems = []
    if rc not in (None, 0):
        problems.append(f"exit status {rc}")
    if len(rows) != expect_count:
        problems.append(f"{len(rows)} instances, expected {expect_count}")
    if not_optimal:
        problems.append(f"not optimal: {not_optimal[:10]}")
    if expect_sum is not None and cost_sum != expect_sum:
        problems.append(f"cost sum {cost_sum:g}, expected {expect_sum:g}")
    return {
        "instances": len(rows),
        "generated": generated,
        "expanded": expanded,
        "seconds": seconds,
        "wall_seconds": read_number(path + ".wall"),
        "rate": generated / seconds if seconds > 0 else None,
        "cost_sum": cost_sum,
        "not_optimal": len(not_optimal),
        "problems": problems,
    }


def ida_suite(d, reps, expect_count, expect_sum, frontier):
    out = {"metric": "generated nodes per second (total generated / total seconds)"}
    tools = [("c", "C ida15")] + ([("frontier", "Frontier ida-star")] if frontier else [])
    for key, _ in tools:
        per = [ida_rep(os.path.join(d, f"{key}-{r}.jsonl"), expect_count, expect_sum)
               for r in range(1, reps + 1)]
        out[key] = {
            "reps": per,
            "median_rate": median([p["rate"] for p in per]),
            "median_seconds": median([p["seconds"] for p in per]),
            "generated": per[0]["generated"] if per else None,
            "problems": sorted({x for p in per for x in p["problems"]}),
        }
    if frontier and out["c"]["median_rate"] and out["frontier"]["median_rate"]:
        out["ratio"] = out["frontier"]["median_rate"] / out["c"]["median_rate"]
        c_gen = {p["generated"] for p in out["c"]["reps"]}
        f_gen = {p["generated"] for p in out["frontier"]["reps"]}
        out["same_generated_count"] = c_gen == f_gen
    else:
        out["ratio"] = None
    out["tools"] = tools
    return out


# ------------------------------------------------------------- grid suite

def grid_rows_c(path):
    """C output: one file, rows carry their map name."""
    by_map = {}
    for r in read_jsonl(path):
        if is_record(r):
            by_map.setdefault(r.get("map", "?"), []).append(r)
    return by_map


def grid_rows_frontier(folder):
    """Frontier output: one file per map (<map>.jsonl)."""
    by_map = {}
    for f in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        name = os.path.basename(f)[: -len(".jsonl")]
        by_map[name] = [r for r in read_jsonl(f) if is_record(r)]
    return by_map


def grid_rep(by_map, rcs, wall):
    expanded = generated = 0
    seconds = 0.0
    count = mismatches = 0
    per_map = {}
    for name, rows in sorted(by_map.items()):
        m_exp = m_gen = m_n = m_bad = 0
        m_sec = 0.0
        for r in rows:
            opt = r.get("optimal")
            if opt is None or float(opt) == 0:
                continue  # unknown optimum: skipped by both tools
            m_n += 1
            m_exp += int(r["expanded"])
            m_gen += int(r.get("generated", 0))
            m_sec += float(r["seconds"])
            if not (is_solved(r) and matches(r["cost"], opt)):
                m_bad += 1
        per_map[name] = {"scenarios": m_n, "expanded": m_exp, "generated": m_gen,
                         "seconds": m_sec, "mismatches": m_bad}
        expanded += m_exp
        generated += m_gen
        seconds += m_sec
        count += m_n
        mismatches += m_bad
    problems = [f"exit status {rc} ({what})" for what, rc in rcs if rc not in (None, 0)]
    if mismatches:
        problems.append(f"{mismatches} mismatches")
    return {
        "scenarios": count,
        "expanded": expanded,
        "generated": generated,
        "seconds": seconds,
        "wall_seconds": wall,
        "rate": expanded / seconds if seconds > 0 else None,
        "mismatches": mismatches,
        "per_map": per_map,
        "problems": problems,
    }


def grid_suite(d, reps, frontier):
    out = {"metric": "expansions per second (total expanded / total seconds)"}
    per_c, per_f = [], []
    for r in range(1, reps + 1):
        p = os.path.join(d, f"c-{r}.jsonl")
        per_c.append(grid_rep(grid_rows_c(p), [("grid_astar", exit_status(p))],
                              read_number(p + ".wall")))
        if frontier:
            folder = os.path.join(d, f"frontier-{r}")
            rcs = [(os.path.basename(f)[:-3], exit_status(f[:-3]))
                   for f in sorted(glob.glob(os.path.join(folder, "*.jsonl.rc")))]
            walls = [read_number(f) for f in glob.glob(os.path.join(folder, "*.wall"))]
            per_f.append(grid_rep(grid_rows_frontier(folder), rcs,
                                  sum(w for w in walls if w is not None) if walls else None))
    tools = [("c", "C grid_astar", per_c)]
    if frontier:
        tools.append(("frontier", "Frontier a-star", per_f))
    for key, _, per in tools:
        out[key] = {
            "reps": [{k: v for k, v in p.items() if k != "per_map"} for p in per],
            "median_rate": median([p["rate"] for p in per]),
            "median_seconds": median([p["seconds"] for p in per]),
            "expanded": per[0]["expanded"] if per else None,
            "scenarios": per[0]["scenarios"] if per else None,
            "mismatches": max((p["mismatches"] for p in per), default=0),
            "problems": sorted({x for p in per for x in p["problems"]}),
            # per-map rates over all repetitions together
            "per_map": merge_per_map([p["per_map"] for p in per]),
        }
    if frontier:
        if out["c"]["scenarios"] != out["frontier"]["scenarios"]:
            out["frontier"]["problems"].append(
                f"{out['frontier']['scenarios']} scenarios, C ran {out['c']['scenarios']}")
        if out["c"]["median_rate"] and out["frontier"]["median_rate"]:
            out["ratio"] = out["frontier"]["median_rate"] / out["c"]["median_rate"]
        else:
            out["ratio"] = None
    else:
        out["ratio"] = None
    out["tools"] = [(k, label) for k, label, _ in tools]
    return out


def merge_per_map(list_of_maps):
    merged = {}
    for pm in list_of_maps:
        for name, v in pm.items():
            m = merged.setdefault(name, {"scenarios": v["scenarios"], "expanded": 0, "seconds": 0.0,
                                         "mismatches": 0})
            m["expanded"] += v["expanded"]
            m["seconds"] += v["seconds"]
            m["mismatches"] = max(m["mismatches"], v["mismatches"])
    for m in merged.values():
        m["rate"] = m["expanded"] / m["seconds"] if m["seconds"] > 0 else None
    return merged


# ------------------------------------------------------- SwiftGraph suite

def sg_suite(d, reps, count):
    out = {"metric": "total seconds of the per-scenario searches over the first N scenarios",
           "count": count}
    sg_tot, fr_tot, builds, problems = [], [], [], set()
    for r in range(1, reps + 1):
        p = os.path.join(d, f"sgbench-{r}.jsonl")
        rows = read_jsonl(p)
        summary = next((x for x in rows if x.get("summary")), None)
        scen = [x for x in rows if not x.get("summary") and "seconds" in x]
        if exit_status(p) not in (None, 0):
            problems.add(f"sgbench exit status {exit_status(p)}")
        if summary:
            sg_tot.append(float(summary["seconds_total"]))
            builds.append(float(summary["graph_build_seconds"]))
        else:
            problems.add("sgbench printed no summary")
        bad = sum(1 for x in scen if not matches(x.get("cost"), x.get("optimal")))
        if bad:
            problems.add(f"sgbench: {bad} mismatches")

        p = os.path.join(d, f"frontier-{r}.jsonl")
        rows = [x for x in read_jsonl(p) if "seconds" in x
                and x.get("optimal") is not None and float(x["optimal"]) != 0][:count]
        if exit_status(p) not in (None, 0):
            problems.add(f"frontier exit status {exit_status(p)}")
        if len(rows) < count:
            problems.add(f"frontier printed {len(rows)} scenarios, expected {count}")
        bad = sum(1 for x in rows if not (is_solved(x) and matches(x["cost"], x["optimal"])))
        if bad:
            problems.add(f"frontier dijkstra: {bad} mismatches")
        fr_tot.append(sum(float(x["seconds"]) for x in rows))
    out["sgbench_seconds"] = sg_tot
    out["sgbench_graph_build_seconds"] = builds
    out["frontier_seconds"] = fr_tot
    out["sgbench_median_seconds"] = median(sg_tot)
    out["frontier_median_seconds"] = median(fr_tot)
    if out["sgbench_median_seconds"] and out["frontier_median_seconds"]:
        out["speedup_frontier_over_swiftgraph"] = (
            out["sgbench_median_seconds"] / out["frontier_median_seconds"])
    else:
        out["speedup_frontier_over_swiftgraph"] = None
    out["problems"] = sorted(problems)
    return out


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--suites", default="ida grid")
    ap.add_argument("--frontier", default="")
    ap.add_argument("--ida-count", type=int, default=100)
    ap.add_argument("--ida-expect-sum", type=float, default=None)
    ap.add_argument("--sg-count", type=int, default=200)
    ap.add_argument("--sg-map", default="arena.map")
    ap.add_argument("--target", type=float, default=0.70)
    ap.add_argument("--results", required=True)
    ap.add_argument("--meta", default="{}", help="extra JSON merged into the summary")
    a = ap.parse_args()

    suites = a.suites.split()
    frontier = bool(a.frontier)
    summary = {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "reps": a.reps,
        "frontier": a.frontier or None,
        "target_ratio": a.target,
    }
    summary.update(json.loads(a.meta))
    ok = True
    below_target = False
    lines = []

    def check(problems):
        nonlocal ok
        if problems:
            ok = False
        return "; ".join(problems) if problems else "ok"

    if "ida" in suites:
        s = ida_suite(os.path.join(a.dir, "ida"), a.reps, a.ida_count, a.ida_expect_sum, frontier)
        summary["ida"] = {k: v for k, v in s.items() if k != "tools"}
        lines.append(f"### 15-puzzle IDA* + Manhattan, Korf's first {a.ida_count} instances "
                     f"({a.reps} reps, median)")
        lines.append("")
        lines.append("| tool | generated | expanded | seconds | nodes/s | checks |")
        lines.append("|---|---:|---:|---:|---:|---|")
        for key, label in s["tools"]:
            t = s[key]
            first = t["reps"][0] if t["reps"] else {}
            lines.append(f"| {label} | {fmt_int(first.get('generated'))} | "
                         f"{fmt_int(first.get('expanded'))} | {fmt_s(t['median_seconds'])} | "
                         f"{fmt_rate(t['median_rate'])} | {check(t['problems'])} |")
        if frontier:
            r = s["ratio"]
            note = target_note(r, a.target, s["c"]["problems"] + s["frontier"]["problems"])
            if r is not None and r < a.target:
                below_target = True
            same = s.get("same_generated_count")
            lines.append(f"| **Frontier / C** | {'same count' if same else 'counts differ'} | | | "
                         f"**{fmt_ratio(r)}**{note} | target ≥ {a.target:.2f} |")
        lines.append("")

    if "grid" in suites:
        s = grid_suite(os.path.join(a.dir, "grid"), a.reps, frontier)
        summary["grid"] = {k: v for k, v in s.items() if k != "tools"}
        lines.append(f"### Grid A* (octile, MovingAI maps) ({a.reps} reps, median)")
        lines.append("")
        lines.append("| tool | scenarios | expanded | seconds | expansions/s | mismatches | checks |")
        lines.append("|---|---:|---:|---:|---:|---:|---|")
        for key, label in s["tools"]:
            t = s[key]
            lines.append(f"| {label} | {fmt_int(t['scenarios'])} | {fmt_int(t['expanded'])} | "
                         f"{fmt_s(t['median_seconds'])} | {fmt_rate(t['median_rate'])} | "
                         f"{t['mismatches']} | {check(t['problems'])} |")
        if frontier:
            r = s["ratio"]
            note = target_note(r, a.target, s["c"]["problems"] + s["frontier"]["problems"])
            if r is not None and r < a.target:
                below_target = True
            lines.append(f"| **Frontier / C** | | | | **{fmt_ratio(r)}**{note} | | "
                         f"target ≥ {a.target:.2f} |")
        lines.append("")
        lines.append("Per map (all repetitions pooled):")
        lines.append("")
        head = "| map | scenarios | C expansions/s |"
        rule = "|---|---:|---:|"
        if frontier:
            head += " Frontier expansions/s | ratio |"
            rule += "---:|---:|"
        lines.append(head)
        lines.append(rule)
        for name, m in sorted(s["c"]["per_map"].items()):
            row = f"| {name} | {m['scenarios']} | {fmt_rate(m['rate'])} |"
            if frontier:
                f = s["frontier"]["per_map"].get(name)
                fr = f["rate"] if f else None
                ratio = fr / m["rate"] if fr and m["rate"] else None
                row += f" {fmt_rate(fr)} | {fmt_ratio(ratio)} |"
            lines.append(row)
        lines.append("")

    if "sg" in suites:
        s = sg_suite(os.path.join(a.dir, "sg"), a.reps, a.sg_count)
        summary["swiftgraph"] = s
        lines.append(f"### Dijkstra on {a.sg_map}, first {a.sg_count} scenarios "
                     f"({a.reps} reps, median)")
        lines.append("")
        lines.append("| tool | seconds | checks |")
        lines.append("|---|---:|---|")
        build = median(s["sgbench_graph_build_seconds"])
        lines.append(f"| SwiftGraph 4.0.0 dijkstra (all distances; graph build "
                     f"{fmt_s(build)} s not included) | {fmt_s(s['sgbench_median_seconds'])} | |")
        lines.append(f"| Frontier dijkstra | {fmt_s(s['frontier_median_seconds'])} | |")
        sp = s["speedup_frontier_over_swiftgraph"]
        lines.append(f"| **SwiftGraph / Frontier** | **{fmt_ratio(sp)}** | "
                     f"{check(s['problems'])} |")
        lines.append("")

    summary["ok"] = ok
    summary["below_target"] = below_target
    print("\n".join(lines))
    os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
    with open(a.results, "a") as f:
        f.write(json.dumps(summary, sort_keys=True) + "\n")
    print(f"Summary appended to {a.results}")
    if not ok:
        print("FAILED: see the checks column", file=sys.stderr)
        sys.exit(1)
    if below_target:
        sys.exit(3)
    sys.exit(0)


if __name__ == "__main__":
    main()
