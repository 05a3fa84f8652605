#!/usr/bin/env bash
# Times the 7-8 additive pattern databases of the 15-puzzle in release mode.
#
#   bench/pdb/run.sh [build|load|korf100|all]   (default: all)
#
# Writes a throwaway package to $SCRATCH (default /tmp/frontier-pdb-bench) that depends on
# this checkout by path, builds it with -c release, and runs it:
#   build    builds the 7-tile and the 8-tile database, one process each under
#            /usr/bin/time -v (wall time, peak RSS), and saves them to $PDB_CACHE
#            (default /work/pdb-cache) as pdb-4x4-<tiles>.bin;
#   load     times PatternDatabase.load of both files (warm page cache);
#   korf100  runs IDA* with the 7-8 sum over Korf's 100 instances and prints totals.
# Nothing here is part of the package; the scratch package is not committed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCRATCH="${SCRATCH:-/tmp/frontier-pdb-bench}"
PDB_CACHE="${PDB_CACHE:-/work/pdb-cache}"
KORF100="${KORF100:-$ROOT/../shared/data/sliding-tile/korf100.txt}"
MODE="${1:-all}"

mkdir -p "$SCRATCH/Sources/pdbbench" "$PDB_CACHE"
cat > "$SCRATCH/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
  name: "pdbbench",
  dependencies: [.package(path: "$ROOT")],
  targets: [
    .executableTarget(
      name: "pdbbench",
      dependencies: [
        .product(name: "FrontierStateSearch", package: "$(basename "$ROOT")"),
        .product(name: "FrontierCore", package: "$(basename "$ROOT")"),
      ])
  ],
  swiftLanguageModes: [.v6]
)
SWIFT
cat > "$SCRATCH/Sources/pdbbench/main.swift" <<'SWIFT'
#if canImport(Glibc)
import Glibc
#endif
import FrontierCore
import FrontierStateSearch

func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
func fmt(_ x: Double, _ digits: Int = 3) -> String {
  var p = 1.0
  for _ in 0..<digits { p *= 10 }
  let v = (x * p).rounded() / p
  return "\(v)"
}

let args = CommandLine.arguments
let puzzle = try SlidingTilePuzzle(tiles: Array(0..<16))
let clock = ContinuousClock()

switch args[1] {
case "build":
  // build TILES DIR [ROWS COLUMNS]
  let tiles = args[2].split(separator: ",").map { Int($0)! }
  let dir = args[3]
  let rows = args.count > 5 ? Int(args[4])! : 4
  let columns = args.count > 5 ? Int(args[5])! : 4
  let t0 = clock.now
  let db = try PatternDatabase(rows: rows, columns: columns, tiles: tiles) { p in
    print("  depth \(p.depth): \(p.statesAtDepth) states, \(p.entriesFilled)/\(p.entryCount) entries, \(fmt(seconds(clock.now - t0), 1)) s")
  }
  let built = seconds(clock.now - t0)
  let path = AdditivePatternDatabases.cachePath(for: tiles, rows: rows, columns: columns, in: dir)
  let t1 = clock.now
  try db.save(to: path)
  let saved = seconds(clock.now - t1)
  let hist = db.valueHistogram()
  var sum = 0
  for (v, c) in hist.enumerated() { sum += v * c }
  print("pattern \(tiles): \(db.entryCount) entries, built in \(fmt(built)) s, saved in \(fmt(saved)) s to \(path)")
  print("  max value \(hist.count - 1), mean value \(fmt(Double(sum) / Double(db.entryCount), 3))")

case "load":
  let dir = args[2]
  for tiles in AdditivePatternDatabases.korfFelner78Partition {
    let path = AdditivePatternDatabases.cachePath(for: tiles, rows: 4, columns: 4, in: dir)
    var best = Double.greatestFiniteMagnitude  // not .infinity: FrontierCore shadows it (recursion)
    for _ in 0..<3 {
      let t0 = clock.now
      let db = try PatternDatabase.load(from: path, rows: 4, columns: 4, tiles: tiles)
      best = min(best, seconds(clock.now - t0))
      precondition(db.entryCount > 0)
    }
    print("load \(path): best of 3 \(fmt(best)) s")
  }

case "korf100":
  let dir = args[2]
  let file = args[3]
  let t0 = clock.now
  let h = try AdditivePatternDatabases.korfFelner78(for: puzzle, cacheDirectory: dir) { e in
    if case .building = e { return }
    print("  \(e)")
  }
  print("heuristic ready in \(fmt(seconds(clock.now - t0))) s")
  guard let f = fopen(file, "r") else { fatalError("cannot open \(file)") }
  var lines: [String] = []
  var buf = [CChar](repeating: 0, count: 4096)
  while fgets(&buf, 4096, f) != nil {
    lines.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }
  fclose(f)
  var solved = 0, optimal = 0, generated = 0, expanded = 0, h0sum = 0
  var total = 0.0
  for line in lines {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    if fields.isEmpty || fields[0].hasPrefix("#") { continue }
    let nums = fields.map { Int($0)! }
    let p = try SlidingTilePuzzle(rows: 4, columns: 4, tiles: Array(nums[2..<18]))
    h0sum += h.estimate(p.start)
    let r = idaStar(p, heuristic: h)
    if r.isSolved { solved += 1 }
    if r.cost == nums[1] { optimal += 1 }
    generated += r.statistics.generated
    expanded += r.statistics.expanded
    total += r.statistics.seconds
    print("\(nums[0]) cost \(r.cost ?? -1) optimal \(nums[1]) h0 \(h.estimate(p.start)) generated \(r.statistics.generated) seconds \(fmt(r.statistics.seconds, 4))")
  }
  print("korf100: solved \(solved), optimal \(optimal), generated \(generated) (mean \(generated / 100)), expanded \(expanded), search seconds \(fmt(total)), mean h0 \(fmt(Double(h0sum) / 100, 2))")

default:
  fatalError("unknown mode \(args[1])")
}
SWIFT

cd "$SCRATCH"
swift build -c release 2>&1 | grep -E "error|warning: unre|Compiling|Build" || true
BIN="$SCRATCH/.build/release/pdbbench"
if [[ "$MODE" == build || "$MODE" == all ]]; then
  for tiles in 1,2,3,4,5,6,7 8,9,10,11,12,13,14,15; do
    /usr/bin/time -v "$BIN" build "$tiles" "$PDB_CACHE" 2> "$SCRATCH/time-$tiles.txt"
    grep -E "Elapsed|Maximum resident|User time|System time" "$SCRATCH/time-$tiles.txt"
  done
  ls -l "$PDB_CACHE"
fi
if [[ "$MODE" == load || "$MODE" == all ]]; then
  "$BIN" load "$PDB_CACHE"
fi
if [[ "$MODE" == korf100 || "$MODE" == all ]]; then
  /usr/bin/time -v "$BIN" korf100 "$PDB_CACHE" "$KORF100" 2> "$SCRATCH/time-korf100.txt"
  grep -E "Elapsed|Maximum resident" "$SCRATCH/time-korf100.txt"
fi
