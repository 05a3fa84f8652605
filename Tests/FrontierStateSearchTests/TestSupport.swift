// Shared helpers for the algorithm and sliding-tile tests: seeded random weighted digraphs
// as a `SearchProblem`, brute-force oracles (Dijkstra by linear scan, BFS) that share no
// code with the library, heuristics built from the oracles, and path checkers.
//
// Everything here is deliberately simple and independent of the code under test: the
// oracles use plain arrays, no heap and no state table.

import FrontierCore
import FrontierStateSearch
import Testing

// MARK: - Recording failures cheaply

/// Records an issue only when `condition` is false. Cheaper than `#expect` in loops that
/// run many thousand times in a debug build.
func check(
  _ condition: Bool, _ message: @autoclosure () -> String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if !condition { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
}

// MARK: - Cost types used in the random graphs

/// The two cost types the graph tests run with (`Int` and `Double`) and what the tests need
/// from them beyond `SearchCost`.
protocol GraphTestCost: SearchCost, CustomStringConvertible {
  /// A random step cost in `0...maxCost` (or `1...maxCost` / `(0, maxCost]` when zero is not
  /// allowed).
  static func randomStep(maxCost: Int, allowZero: Bool, using rng: inout Xoshiro256StarStar) -> Self
  /// A finite estimate for dead ends, larger than any path cost in the test graphs.
  static var deadEndEstimate: Self { get }
  /// `self · num / den`, rounded down for integers.
  func fraction(_ num: Int, _ den: Int) -> Self
  /// A uniformly random value in `0...self`.
  func randomFraction(using rng: inout Xoshiro256StarStar) -> Self
  /// Equality up to floating-point rounding (exact for integers).
  func isClose(to other: Self) -> Bool
  /// `self <= other` up to floating-point rounding (exact for integers).
  func isAtMost(_ other: Self) -> Bool
}

extension Int: GraphTestCost {
  static func randomStep(maxCost: Int, allowZero: Bool, using rng: inout Xoshiro256StarStar) -> Int {
    Int.random(in: (allowZero ? 0 : 1)...maxCost, using: &rng)
  }
  static var deadEndEstimate: Int { 1_000_000 }
  func fraction(_ num: Int, _ den: Int) -> Int { self * num / den }
  func randomFraction(using rng: inout Xoshiro256StarStar) -> Int { Int.random(in: 0...self, using: &rng) }
  func isClose(to other: Int) -> Bool { self == other }
  func isAtMost(_ other: Int) -> Bool { self <= other }
}

extension Double: GraphTestCost {
  static func randomStep(maxCost: Int, allowZero: Bool, using rng: inout Xoshiro256StarStar) -> Double {
    if allowZero && Int.random(in: 0..<8, using: &rng) == 0 { return 0 }
    return Double.random(in: 0.01...Double(maxCost), using: &rng)
  }
  static var deadEndEstimate: Double { 1e9 }
  func fraction(_ num: Int, _ den: Int) -> Double { self * Double(num) / Double(den) }
  func randomFraction(using rng: inout Xoshiro256StarStar) -> Double {
    self * Double.random(in: 0...1, using: &rng)
  }
  func isClose(to other: Double) -> Bool {
    Swift.abs(self - other) <= 1e-9 * Swift.max(1, Swift.abs(self), Swift.abs(other))
  }
  func isAtMost(_ other: Double) -> Bool { self <= other || isClose(to: other) }
}

// MARK: - Random weighted digraphs

struct GraphEdge<Cost: Sendable>: Sendable {
  var to: Int
  var cost: Cost
}

/// A weighted directed graph over vertices `0..<n` as a search problem, with the reverse
/// adjacency for bidirectional search. No parallel edges (so a path's cost is determined by
/// its vertices); self-loops may occur.
struct RandomGraphProblem<Cost: GraphTestCost>: BidirectionalSearchProblem, Sendable {
  typealias State = Int
  var adjacency: [[GraphEdge<Cost>]]
  var reverse: [[GraphEdge<Cost>]]
  var start: Int
  var goal: Int

  init(adjacency: [[GraphEdge<Cost>]], start: Int, goal: Int) {
    self.adjacency = adjacency
    var rev = [[GraphEdge<Cost>]](repeating: [], count: adjacency.count)
    for (u, edges) in adjacency.enumerated() {
      for e in edges { rev[e.to].append(GraphEdge(to: u, cost: e.cost)) }
    }
    self.reverse = rev
    self.start = start
    self.goal = goal
  }

  var vertexCount: Int { adjacency.count }
  var edgeCount: Int { adjacency.reduce(0) { $0 + $1.count } }

  func isGoal(_ state: Int) -> Bool { state == goal }
  func expand(_ state: Int, into successors: inout Successors<Int, Cost>) {
    for e in adjacency[state] { successors.append(e.to, cost: e.cost) }
  }
  func expandBackward(_ state: Int, into predecessors: inout Successors<Int, Cost>) {
    for e in reverse[state] { predecessors.append(e.to, cost: e.cost) }
  }

  /// The cost of the edge `u -> v`, if there is one.
  func edgeCost(_ u: Int, _ v: Int) -> Cost? {
    for e in adjacency[u] where e.to == v { return e.cost }
    return nil
  }

  func with(start: Int, goal: Int) -> Self {
    var p = self
    p.start = start
    p.goal = goal
    return p
  }

  /// A seeded random graph: `vertices` vertices, out-degrees in `degree`, step costs from
  /// ``GraphTestCost/randomStep(maxCost:allowZero:using:)``; start and goal are random
  /// (possibly equal when `allowStartIsGoal`).
  static func random(
    seed: UInt64, vertices: ClosedRange<Int>, degree: ClosedRange<Int>, maxCost: Int,
    allowZeroCost: Bool, selfLoops: Bool = true, allowStartIsGoal: Bool = true
  ) -> Self {
    var rng = Xoshiro256StarStar(seed: seed)
    let n = Int.random(in: vertices, using: &rng)
    var adjacency = [[GraphEdge<Cost>]](repeating: [], count: n)
    for u in 0..<n {
      let d = Int.random(in: degree, using: &rng)
      var targets: Set<Int> = []
      for _ in 0..<d {
        let v = Int.random(in: 0..<n, using: &rng)
        if v == u && !selfLoops { continue }
        if targets.insert(v).inserted {
          adjacency[u].append(
            GraphEdge(to: v, cost: Cost.randomStep(maxCost: maxCost, allowZero: allowZeroCost, using: &rng)))
        }
      }
    }
    let start = Int.random(in: 0..<n, using: &rng)
    var goal = Int.random(in: 0..<n, using: &rng)
    if !allowStartIsGoal && n > 1 { while goal == start { goal = Int.random(in: 0..<n, using: &rng) } }
    return Self(adjacency: adjacency, start: start, goal: goal)
  }
}

// MARK: - Oracles

/// Shortest-path distances from `source` (nil: unreachable), by Dijkstra's algorithm with a
/// linear scan for the minimum (O(V²), no heap). Costs must be non-negative.
func oracleDistances<Cost: GraphTestCost>(_ adjacency: [[GraphEdge<Cost>]], from source: Int) -> [Cost?] {
  let n = adjacency.count
  var dist = [Cost?](repeating: nil, count: n)
  var done = [Bool](repeating: false, count: n)
  dist[source] = .zero
  while true {
    var u = -1
    for v in 0..<n where !done[v] {
      if let dv = dist[v], u < 0 || dv < dist[u]! { u = v }
    }
    if u < 0 { break }
    done[u] = true
    let du = dist[u]!
    for e in adjacency[u] {
      let nd = du + e.cost
      if let old = dist[e.to], !(nd < old) { continue }
      dist[e.to] = nd
    }
  }
  return dist
}

/// Fewest-edges distances from `source` (nil: unreachable), by plain breadth-first search.
func oracleSteps<Cost>(_ adjacency: [[GraphEdge<Cost>]], from source: Int) -> [Int?] {
  var steps = [Int?](repeating: nil, count: adjacency.count)
  steps[source] = 0
  var queue = [source]
  var head = 0
  while head < queue.count {
    let u = queue[head]
    head += 1
    for e in adjacency[u] where steps[e.to] == nil {
      steps[e.to] = steps[u]! + 1
      queue.append(e.to)
    }
  }
  return steps
}

// MARK: - Heuristics from the oracle

/// A heuristic given as a table indexed by vertex.
struct TableHeuristic<Cost: SearchCost>: Heuristic, Sendable {
  var values: [Cost]
  func estimate(_ state: Int) -> Cost { values[state] }
}

enum HeuristicKind: String, CaseIterable, Sendable, CustomStringConvertible {
  /// h = 0.
  case zero
  /// Half the true distance (rounded down): consistent.
  case half
  /// The true distance: consistent (perfect).
  case exact
  /// ALT lower bounds from three random landmarks, `d(L, t) − d(L, v)`: consistent.
  case landmarks
  /// A random value between 0 and the true distance at each vertex: admissible, and in
  /// general inconsistent.
  case inconsistent

  var isConsistent: Bool { self != .inconsistent }
  var description: String { rawValue }
}

/// Heuristic values estimating the distance from each vertex to `target` in the graph
/// `adjacency` (whose reverse is `reverse`). For a backward search toward the start, pass
/// the reversed graph and the start.
func heuristicValues<Cost: GraphTestCost>(
  _ kind: HeuristicKind, adjacency: [[GraphEdge<Cost>]], reverse: [[GraphEdge<Cost>]], target: Int,
  rng: inout Xoshiro256StarStar
) -> [Cost] {
  let n = adjacency.count
  let hStar = oracleDistances(reverse, from: target)
  switch kind {
  case .zero:
    return [Cost](repeating: .zero, count: n)
  case .half:
    return hStar.map { $0?.fraction(1, 2) ?? Cost.deadEndEstimate }
  case .exact:
    return hStar.map { $0 ?? Cost.deadEndEstimate }
  case .landmarks:
    var h = [Cost](repeating: .zero, count: n)
    for _ in 0..<3 {
      let landmark = Int.random(in: 0..<n, using: &rng)
      let fromL = oracleDistances(adjacency, from: landmark)
      guard let toTarget = fromL[target] else { continue }
      for v in 0..<n {
        if let toV = fromL[v], toV < toTarget {
          let bound = toTarget - toV
          if bound > h[v] { h[v] = bound }
        }
      }
    }
    return h
  case .inconsistent:
    return hStar.map { d in
      if let d { return d.randomFraction(using: &rng) }
      return Bool.random(using: &rng) ? .zero : Cost.deadEndEstimate
    }
  }
}

/// Whether `h` never overestimates the true distances `hStar`.
func isAdmissible<Cost: GraphTestCost>(_ h: [Cost], _ hStar: [Cost?]) -> Bool {
  zip(h, hStar).allSatisfy { hv, d in d.map { hv.isAtMost($0) } ?? true }
}

/// Whether `h(u) <= c(u, v) + h(v)` on every edge of `adjacency`.
func isConsistent<Cost: GraphTestCost>(_ h: [Cost], _ adjacency: [[GraphEdge<Cost>]]) -> Bool {
  for (u, edges) in adjacency.enumerated() {
    for e in edges where !h[u].isAtMost(e.cost + h[e.to]) { return false }
  }
  return true
}

// MARK: - Checking results

/// Checks that `result` solved `graph` with a valid path (starts at the start, ends at the
/// goal, consecutive vertices joined by edges, reported cost = sum of the edge costs) and
/// returns that path's number of steps and cost; records issues and returns nil otherwise.
@discardableResult
func checkGraphPath<Cost: GraphTestCost>(
  _ result: SearchResult<Int, Cost>, in graph: RandomGraphProblem<Cost>, _ label: String,
  sourceLocation: SourceLocation = #_sourceLocation
) -> (steps: Int, cost: Cost)? {
  guard case .solved(let path, let cost) = result.outcome else {
    Issue.record("\(label): expected a solution, got \(result.outcome)", sourceLocation: sourceLocation)
    return nil
  }
  guard let first = path.first, let last = path.last else {
    Issue.record("\(label): empty path", sourceLocation: sourceLocation)
    return nil
  }
  check(first == graph.start, "\(label): path starts at \(first), not at the start \(graph.start)", sourceLocation: sourceLocation)
  check(last == graph.goal, "\(label): path ends at \(last), not at the goal \(graph.goal)", sourceLocation: sourceLocation)
  var sum = Cost.zero
  for i in 1..<path.count {
    guard let c = graph.edgeCost(path[i - 1], path[i]) else {
      Issue.record("\(label): no edge \(path[i - 1]) -> \(path[i]) in path \(path)", sourceLocation: sourceLocation)
      return nil
    }
    sum += c
  }
  check(sum.isClose(to: cost), "\(label): reported cost \(cost) but the edges sum to \(sum)", sourceLocation: sourceLocation)
  return (path.count - 1, sum)
}

/// Checks that an optimal algorithm's `result` matches the oracle's optimum (nil when the
/// goal is unreachable, in which case the outcome must be `.exhausted`).
func checkOptimal<Cost: GraphTestCost>(
  _ result: SearchResult<Int, Cost>, optimum: Cost?, in graph: RandomGraphProblem<Cost>,
  _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let optimum else {
    if case .exhausted = result.outcome { return }
    Issue.record("\(label): goal unreachable, expected .exhausted, got \(result.outcome)", sourceLocation: sourceLocation)
    return
  }
  guard let (_, cost) = checkGraphPath(result, in: graph, label, sourceLocation: sourceLocation) else { return }
  check(
    cost.isClose(to: optimum), "\(label): cost \(cost), optimum \(optimum)", sourceLocation: sourceLocation)
}

/// The statistics with the wall-clock fields cleared, for determinism comparisons.
func withoutTiming(_ s: SearchStatistics) -> SearchStatistics {
  var s = s
  s.duration = .zero
  return s
}

// MARK: - Problems for limit tests

/// An endless state space over `Int` (forward: `s -> s+1, s+2` on the non-negative numbers;
/// backward from the goal −1: `s -> s−1, s−2`) whose goal is never reached from the start:
/// every search must be stopped by a limit. States grow linearly with depth, so no search
/// overflows before a limit stops it.
struct EndlessTree: BidirectionalSearchProblem, Sendable {
  typealias State = Int
  var start: Int { 0 }
  var goal: Int { -1 }
  func isGoal(_ s: Int) -> Bool { s == -1 }
  func expand(_ s: Int, into successors: inout Successors<Int, Int>) {
    successors.append(s + 1, cost: 1)
    successors.append(s + 2, cost: 1)
  }
  func expandBackward(_ s: Int, into predecessors: inout Successors<Int, Int>) {
    predecessors.append(s - 1, cost: 1)
    predecessors.append(s - 2, cost: 1)
  }
}

// MARK: - Sliding-tile oracle

/// Sliding-tile boards as 4-bit nibbles in a `UInt64` (cell `c` in bits `4c..<4c+4`),
/// independent of the library's `TileBoard`.
enum NibbleBoard {
  static func pack(_ tiles: [Int]) -> UInt64 {
    var key: UInt64 = 0
    for (c, t) in tiles.enumerated() { key |= UInt64(t) << (4 * UInt64(c)) }
    return key
  }

  static func unpack(_ key: UInt64, count: Int) -> [Int] {
    (0..<count).map { Int((key >> (4 * UInt64($0))) & 0xF) }
  }

  static func tile(_ key: UInt64, at cell: Int) -> Int { Int((key >> (4 * UInt64(cell))) & 0xF) }

  /// The boards one slide away from `key` on a `rows × columns` board.
  static func neighbours(_ key: UInt64, rows: Int, columns: Int) -> [UInt64] {
    var blank = 0
    while tile(key, at: blank) != 0 { blank += 1 }
    let r = blank / columns
    let c = blank % columns
    var out: [UInt64] = []
    for (dr, dc) in [(-1, 0), (0, -1), (0, 1), (1, 0)] {
      let nr = r + dr
      let nc = c + dc
      guard nr >= 0, nr < rows, nc >= 0, nc < columns else { continue }
      let cell = nr * columns + nc
      let t = UInt64(tile(key, at: cell))
      var k = key & ~(0xF << (4 * UInt64(cell)))
      k |= t << (4 * UInt64(blank))
      out.append(k)
    }
    return out
  }
}

/// Distances to the goal (blank on cell 0, tile i on cell i) of every board reachable from
/// it, by breadth-first search over ``NibbleBoard`` keys. (Written without per-state
/// allocations: the 3x3 table has 181,440 entries and this runs in a debug build.)
func slidingTileDistances(rows: Int, columns: Int) -> [UInt64: UInt8] {
  let n = rows * columns
  let goal = NibbleBoard.pack(Array(0..<n))
  var dist: [UInt64: UInt8] = [goal: 0]
  dist.reserveCapacity(n <= 9 ? 200_000 : 1 << 16)
  // Frontier entries: the board and its blank cell.
  var frontier: [(key: UInt64, blank: Int)] = [(goal, 0)]
  var next: [(key: UInt64, blank: Int)] = []
  var depth: UInt8 = 0
  while !frontier.isEmpty {
    depth += 1
    next.removeAll(keepingCapacity: true)
    for (key, blank) in frontier {
      let r = blank / columns
      let c = blank % columns
      for slot in 0..<4 {
        let cell: Int
        switch slot {
        case 0: if r == 0 { continue }; cell = blank - columns
        case 1: if c == 0 { continue }; cell = blank - 1
        case 2: if c == columns - 1 { continue }; cell = blank + 1
        default: if r == rows - 1 { continue }; cell = blank + columns
        }
        let shift = UInt64(4 * cell)
        let tile = (key >> shift) & 0xF
        let k = (key & ~(0xF << shift)) | (tile << UInt64(4 * blank))
        if dist[k] == nil {
          dist[k] = depth
          next.append((k, cell))
        }
      }
    }
    swap(&frontier, &next)
  }
  return dist
}

/// Oracle tables, computed once per process.
enum SlidingTileOracle {
  static let twoByThree = slidingTileDistances(rows: 2, columns: 3)
  static let threeByTwo = slidingTileDistances(rows: 3, columns: 2)
  static let twoByFour = slidingTileDistances(rows: 2, columns: 4)
  static let threeByThree = slidingTileDistances(rows: 3, columns: 3)

  static func table(rows: Int, columns: Int) -> [UInt64: UInt8] {
    switch (rows, columns) {
    case (2, 3): twoByThree
    case (3, 2): threeByTwo
    case (2, 4): twoByFour
    case (3, 3): threeByThree
    default: fatalError("no oracle table for \(rows)x\(columns)")
    }
  }
}

/// The board reached from the goal by `length` random slides (never undoing the previous
/// one), as tiles in row-major order.
func randomWalkTiles(rows: Int, columns: Int, length: Int, rng: inout Xoshiro256StarStar) -> [Int] {
  var key = NibbleBoard.pack(Array(0..<(rows * columns)))
  var previous: UInt64? = nil
  for _ in 0..<length {
    let options = NibbleBoard.neighbours(key, rows: rows, columns: columns).filter { $0 != previous }
    let next = options[Int.random(in: 0..<options.count, using: &rng)]
    previous = key
    key = next
  }
  return NibbleBoard.unpack(key, count: rows * columns)
}
