import Benchmark
import FrontierCore
import FrontierStateSearch

// Hot paths of the state-space engine, with time and malloc counts. The claim we keep as a
// contract: steady-state expansion allocates nothing per node. IDA* allocates a constant
// number of times per search whatever the node count; A* with a reused workspace
// allocates only the solution path.

/// Korf #18 (55 moves, 23.7 M generated) and #19 (46 moves, 1.3 M generated).
let korf18 = [6, 0, 14, 12, 1, 15, 9, 10, 11, 4, 7, 2, 8, 3, 5, 13]
let korf19 = [7, 11, 8, 3, 14, 0, 6, 15, 1, 4, 13, 9, 5, 12, 2, 10]

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
    maxDuration: .seconds(5), maxIterations: 20)

  for (name, tiles) in [("korf19", korf19), ("korf18", korf18)] {
    let puzzle = try! SlidingTilePuzzle(tiles: tiles)
    let h = ManhattanDistance(puzzle)
    Benchmark(
      "IDA* Manhattan 15-puzzle \(name)",
      configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal,
                  .custom("generated", polarity: .prefersLarger, useScalingFactor: false)],
        maxDuration: .seconds(10), maxIterations: 5)
    ) { benchmark in
      let r = idaStar(puzzle, heuristic: h)
      blackHole(r)
      benchmark.measurement(.custom("generated"), r.statistics.generated)
    }
  }

  // A* on the 8-puzzle with one workspace reused across searches: after the first
  // search has grown the arena, heap and table, later searches allocate only the path.
  let eight = try! SlidingTilePuzzle(tiles: [8, 6, 7, 2, 5, 4, 3, 0, 1])  // 27 moves to Korf's goal
  let eightH = ManhattanDistance(eight)
  Benchmark(
    "A* Manhattan 8-puzzle (27 moves), reused workspace",
    configuration: .init(
      metrics: [.wallClock, .mallocCountTotal, .retainCount,
                .custom("expanded", polarity: .prefersLarger, useScalingFactor: false)],
      maxDuration: .seconds(5), maxIterations: 50)
  ) { benchmark in
    var ws = SearchWorkspace(for: eight, capacity: 1 << 16)
    _ = bestFirstSearch(eight, heuristic: eightH, rule: AStarPriority(), workspace: &ws)
    benchmark.startMeasurement()
    let r = bestFirstSearch(eight, heuristic: eightH, rule: AStarPriority(), workspace: &ws)
    benchmark.stopMeasurement()
    blackHole(r)
    benchmark.measurement(.custom("expanded"), r.statistics.expanded)
  }
}
