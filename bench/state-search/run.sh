#!/usr/bin/env bash
# Side-by-side state-space search benchmark: Frontier against plain C anchors
# (ida15.c, grid_astar.c) and, optionally, against SwiftGraph's Dijkstra.
#
# Each repetition runs both tools of a suite back to back, alternating which
# goes first, pinned to one core (taskset -c $PIN_CPU) when taskset works.
# Results: a Markdown table on stdout, one JSON line appended to
# bench/state-search/results/latest.json (the last line is the latest run).
#
# Environment:
#   REPS=3             repetitions per suite
#   SUITES="ida grid"  which suites to run (ida, grid); SWIFTGRAPH=1 adds "sg"
#   FRONTIER=path      Frontier CLI, used as given. By default
#                      <repo>/.build/release/frontier, first brought up to date
#                      with `swift build -c release --product frontier` unless
#                      SKIP_BUILD=1
#   C_ONLY=1           run only the C anchors (no Frontier, no ratio)
#   DATA=dir           shared data (default: <repo>/../shared/data, else
#                      /work/shared/data)
#   IDA_COUNT=100      only the first N Korf instances
#   GRID_MAPS="a b"    map names (without .map) to run; default: all maps
#   GRID_EVERY=1       keep every k-th scenario of each .scen file (k > 1 for
#                      a quicker run; both tools get the same filtered files)
#   SWIFTGRAPH=1       also run swiftgraph/sgbench vs Frontier dijkstra
#   SG_MAP=arena.map   map for that comparison; SG_COUNT=200 scenarios
#   PIN_CPU=1          core to pin to; PIN=0 disables pinning
#   TARGET=0.70        required Frontier/C rate ratio; STRICT=1 makes a ratio
#                      below it fail the script (exit 3)
#   KEEP_TMP=1         keep the temporary folder with the raw outputs
set -euo pipefail

# The whole script is one function, read completely before it starts, so that
# editing or checking out this file during a long run cannot derail the run.
main() {
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

REPS=${REPS:-3}
SUITES=${SUITES:-ida grid}
if [[ "${SWIFTGRAPH:-0}" == 1 && " $SUITES " != *" sg "* ]]; then SUITES="$SUITES sg"; fi
C_ONLY=${C_ONLY:-0}
IDA_COUNT=${IDA_COUNT:-100}
GRID_EVERY=${GRID_EVERY:-1}
SG_MAP=${SG_MAP:-arena.map}
SG_COUNT=${SG_COUNT:-200}
TARGET=${TARGET:-0.70}
RESULTS=${RESULTS:-$HERE/results/latest.json}

if [[ -z "${DATA:-}" ]]; then
    if [[ -d "$ROOT/../shared/data" ]]; then DATA=$(cd "$ROOT/../shared/data" && pwd)
    else DATA=/work/shared/data; fi
fi
KORF=$DATA/sliding-tile/korf100.txt
MAPS=$DATA/movingai/maps
SCENS=$DATA/movingai/scen

log() { echo "[run.sh] $*" >&2; }
die() { echo "[run.sh] error: $*" >&2; exit 2; }

[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer"
[[ "$IDA_COUNT" =~ ^[1-9][0-9]*$ ]] || die "IDA_COUNT must be a positive integer"
[[ "$GRID_EVERY" =~ ^[1-9][0-9]*$ ]] || die "GRID_EVERY must be a positive integer"
[[ "$SG_COUNT" =~ ^[1-9][0-9]*$ ]] || die "SG_COUNT must be a positive integer"
[[ -f "$KORF" ]] || die "missing $KORF (set DATA)"
command -v python3 >/dev/null || die "python3 is needed"
command -v gcc >/dev/null || die "gcc is needed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/state-search-bench.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then log "raw outputs kept in $TMP"
else trap 'rm -rf "$TMP"' EXIT; fi

# ---------------------------------------------------------------- pinning
PIN_CMD=()
PINNED="no"
if [[ "${PIN:-1}" != 0 ]] && command -v taskset >/dev/null; then
    cpu=${PIN_CPU:-1}
    if taskset -c "$cpu" true 2>/dev/null; then
        PIN_CMD=(taskset -c "$cpu"); PINNED="cpu $cpu"
    elif taskset -c 0 true 2>/dev/null; then
        PIN_CMD=(taskset -c 0); PINNED="cpu 0"
    fi
fi
log "pinning: $PINNED"

# ------------------------------------------------------------------ build
log "building the C anchors"
gcc -O3 -march=native -Wall -o "$TMP/ida15" "$HERE/ida15.c"
gcc -O3 -march=native -Wall -o "$TMP/grid_astar" "$HERE/grid_astar.c" -lm

FRONTIER_LABEL=""
if [[ "$C_ONLY" != 1 ]]; then
    # An explicit FRONTIER is used as it is; the default one is (re)built, a
    # no-op when it is up to date, so the run measures the current sources.
    if [[ -n "${FRONTIER:-}" ]]; then SKIP_BUILD=1; fi
    FRONTIER=${FRONTIER:-$ROOT/.build/release/frontier}
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        log "building Frontier (swift build -c release --product frontier)"
        (cd "$ROOT" && swift build -c release --product frontier >&2) \
            || die "Frontier build failed (SKIP_BUILD=1 to use an existing binary, C_ONLY=1 for the anchors only)"
    fi
    [[ -x "$FRONTIER" ]] || die "no Frontier binary at $FRONTIER (set FRONTIER, or C_ONLY=1)"
    FRONTIER_LABEL=$FRONTIER
fi

SGBENCH=""
if [[ " $SUITES " == *" sg "* ]]; then
    [[ "$C_ONLY" != 1 ]] || die "the SwiftGraph comparison needs Frontier (unset C_ONLY)"
    log "building swiftgraph/sgbench"
    (cd "$HERE/swiftgraph/sgbench" && swift build -c release --scratch-path .build-sgbench >&2) \
        || die "sgbench build failed"
    SGBENCH=$HERE/swiftgraph/sgbench/.build-sgbench/release/sgbench
fi

# ---------------------------------------------------------------- helpers
now() { date +%s.%N; }

# timed OUT CMD...: runs CMD pinned, stdout to OUT, stderr to OUT.err, exit
# status to OUT.rc and wall-clock seconds to OUT.wall. Never fails.
timed() {
    local out=$1; shift
    local t0 t1 rc=0
    t0=$(now)
    "${PIN_CMD[@]}" "$@" >"$out" 2>"$out.err" || rc=$?
    t1=$(now)
    echo "$rc" >"$out.rc"
    python3 -c "print(f'{$t1 - $t0:.6f}')" >"$out.wall"
    if [[ $rc != 0 ]]; then
        log "warning: exit status $rc from: $*"
        tail -n 5 "$out.err" >&2 || true
    fi
}

# ------------------------------------------------------------ inputs
# The same (possibly reduced) inputs go to both tools.
mkdir -p "$TMP/in"
awk -v n="$IDA_COUNT" '/^[[:space:]]*(#|$)/ { print; next } { if (++k <= n) print }' \
    "$KORF" >"$TMP/in/korf.txt"
ida_instances=$(grep -cvE '^[[:space:]]*(#|$)' "$TMP/in/korf.txt")
# every solution must be optimal, so the costs must add up to the optimal column
IDA_EXPECT_SUM=$(awk '!/^[[:space:]]*(#|$)/ { s += $2 } END { print s + 0 }' "$TMP/in/korf.txt")
if [[ "$ida_instances" == 100 && "$IDA_EXPECT_SUM" != 5305 ]]; then
    die "the 100 Korf instances should have optimal lengths summing to 5305, not $IDA_EXPECT_SUM"
fi

if [[ " $SUITES " == *" grid "* ]]; then
    mkdir -p "$TMP/in/maps" "$TMP/in/scen"
    if [[ -n "${GRID_MAPS:-}" ]]; then
        names=$GRID_MAPS
    else
        names=$(cd "$MAPS" && ls -1 *.map | sed 's/\.map$//')
    fi
    for m in $names; do
        m=${m%.map}
        [[ -f "$MAPS/$m.map" && -f "$SCENS/$m.map.scen" ]] || die "no map/scen for $m"
        ln -s "$MAPS/$m.map" "$TMP/in/maps/$m.map"
        if [[ "$GRID_EVERY" == 1 ]]; then
            ln -s "$SCENS/$m.map.scen" "$TMP/in/scen/$m.map.scen"
        else
            awk -v k="$GRID_EVERY" '/^version/ { print; next } { if (i++ % k == 0) print }' \
                "$SCENS/$m.map.scen" >"$TMP/in/scen/$m.map.scen"
        fi
    done
fi

if [[ " $SUITES " == *" sg "* ]]; then
    [[ -f "$MAPS/$SG_MAP" ]] || die "no map $SG_MAP"
    # first SG_COUNT scenarios with a known optimum, for both tools
    awk -v n="$SG_COUNT" -F'\t' '/^version/ { print; next } $9 != 0 { if (++k <= n) print }' \
        "$SCENS/$SG_MAP.scen" >"$TMP/in/sg.scen"
    # the map may have fewer
    SG_COUNT=$(grep -vc '^version' "$TMP/in/sg.scen" || true)
    [[ "$SG_COUNT" -gt 0 ]] || die "no scenarios with a known optimum in $SG_MAP.scen"
fi

# ------------------------------------------------------------------ runs
run_ida() {
    local rep=$1 tool=$2
    mkdir -p "$TMP/ida"
    case $tool in
    c) log "ida rep $rep: C ida15"
       timed "$TMP/ida/c-$rep.jsonl" "$TMP/ida15" "$TMP/in/korf.txt" ;;
    frontier) log "ida rep $rep: Frontier"
       timed "$TMP/ida/frontier-$rep.jsonl" "$FRONTIER" solve sliding-tile \
           --instances "$TMP/in/korf.txt" --algorithm ida-star --heuristic manhattan --json ;;
    esac
}

run_grid() {
    local rep=$1 tool=$2
    mkdir -p "$TMP/grid"
    case $tool in
    c) log "grid rep $rep: C grid_astar --all"
       timed "$TMP/grid/c-$rep.jsonl" "$TMP/grid_astar" --all "$TMP/in/maps" "$TMP/in/scen" ;;
    frontier) log "grid rep $rep: Frontier a-star"
       mkdir -p "$TMP/grid/frontier-$rep"
       local map name
       for map in "$TMP"/in/maps/*.map; do
           name=$(basename "$map")
           timed "$TMP/grid/frontier-$rep/$name.jsonl" "$FRONTIER" solve grid \
               --map "$map" --scen "$TMP/in/scen/$name.scen" --algorithm a-star --json
       done ;;
    esac
}

run_sg() {
    local rep=$1 tool=$2
    mkdir -p "$TMP/sg"
    case $tool in
    c) log "sg rep $rep: SwiftGraph dijkstra"
       timed "$TMP/sg/sgbench-$rep.jsonl" "$SGBENCH" --count "$SG_COUNT" \
           "$MAPS/$SG_MAP" "$TMP/in/sg.scen" ;;
    frontier) log "sg rep $rep: Frontier dijkstra"
       timed "$TMP/sg/frontier-$rep.jsonl" "$FRONTIER" solve grid \
           --map "$MAPS/$SG_MAP" --scen "$TMP/in/sg.scen" --algorithm dijkstra --json ;;
    esac
}

for suite in $SUITES; do
    case $suite in ida|grid|sg) ;; *) die "unknown suite '$suite'" ;; esac
    for ((rep = 1; rep <= REPS; rep++)); do
        if [[ "$C_ONLY" == 1 ]]; then
            "run_$suite" "$rep" c
        elif ((rep % 2 == 1)); then
            "run_$suite" "$rep" c; "run_$suite" "$rep" frontier
        else
            "run_$suite" "$rep" frontier; "run_$suite" "$rep" c
        fi
    done
done

# ------------------------------------------------------------- summary
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)
meta=$(python3 -c 'import json,sys; print(json.dumps({"commit": sys.argv[1], "cpu": sys.argv[2],
    "pinned": sys.argv[3], "suites": sys.argv[4].split(), "grid_every": int(sys.argv[5]),
    "grid_maps": sys.argv[6].split() or "all", "data": sys.argv[7]}))' \
    "$commit" "$cpu" "$PINNED" "$SUITES" "$GRID_EVERY" "${GRID_MAPS:-}" "$DATA")

echo "## State-space search: Frontier vs C anchors"
echo
echo "commit $commit, $cpu, pinned: $PINNED, $REPS repetitions"
echo
rc=0
python3 "$HERE/aggregate.py" --dir "$TMP" --reps "$REPS" --suites "$SUITES" \
    --frontier "$FRONTIER_LABEL" --ida-count "$ida_instances" \
    --ida-expect-sum "$IDA_EXPECT_SUM" \
    --sg-count "$SG_COUNT" --sg-map "$SG_MAP" --target "$TARGET" \
    --results "$RESULTS" --meta "$meta" || rc=$?
if [[ $rc == 3 && "${STRICT:-0}" != 1 ]]; then rc=0; fi
exit $rc
}

main "$@"
