import Foundation
import FrontierCore
import FrontierStateSearch
import PropertyBased
import Testing

// MARK: - Fixtures

/// A 6x4 map: a wall with a gap, trees and a swamp cell.
private let smallMap = """
  type octile
  height 4
  width 6
  map
  ..@...
  .T@.S.
  ......
  G..W..

  """

private let smallScen = """
  version 1
  0\tmaps/small.map\t6\t4\t0\t0\t5\t0\t7.82843
  1\tmaps/small.map\t6\t4\t0\t3\t5\t3\t5.82843
  """

/// The `GridParseError` that `body` throws (nil if it succeeds or throws another error).
private func parseError(_ body: () throws -> Void) -> GridParseError? {
  do {
    try body()
    return nil
  } catch {
    return error as? GridParseError
  }
}

/// A random `width × height` map with each cell blocked with probability `blocked`.
private func randomMap(seed: UInt64, width: Int = 20, height: Int = 20, blocked: Double = 0.25) -> GridMap {
  var rng = Xoshiro256StarStar(seed: seed)
  var open = [Bool](repeating: true, count: width * height)
  for i in open.indices { open[i] = Double.random(in: 0..<1, using: &rng) >= blocked }
  return GridMap(width: width, height: height) { x, y in open[y * width + x] }
}

/// Random passable (start, goal) pairs on `map`.
private func randomQueries(_ map: GridMap, seed: UInt64, count: Int) -> [(GridCell, GridCell)] {
  var rng = Xoshiro256StarStar(seed: seed ^ 0x5EED)
  let open = (0..<map.cellCount).map { GridCell(index: $0) }.filter { map.isPassable($0) }
  guard !open.isEmpty else { return [] }
  return (0..<count).map { _ in (open.randomElement(using: &rng)!, open.randomElement(using: &rng)!) }
}

/// The oracle's "no path" distance. (Not `.infinity`: FrontierCore's `SearchCost`
/// conformance redeclares `Double.infinity` as a getter that calls itself, and it shadows
/// the standard one in every module that imports FrontierCore.)
private let unreachable = Double.greatestFiniteMagnitude

/// The edges of the grid, written from the movement rules directly (not from
/// `GridPathProblem`), for the oracle.
private struct GridEdges {
  var from: [Int] = []
  var to: [Int] = []
  var cost: [Double] = []
  let cells: Int

  init(_ map: GridMap, connectivity: GridConnectivity) {
    cells = map.cellCount
    func open(_ x: Int, _ y: Int) -> Bool { map.isPassable(x: x, y: y) }
    for y in 0..<map.height {
      for x in 0..<map.width where open(x, y) {
        for dy in -1...1 {
          for dx in -1...1 where dx != 0 || dy != 0 {
            let diagonal = dx != 0 && dy != 0
            if diagonal && connectivity == .four { continue }
            guard open(x + dx, y + dy) else { continue }
            if diagonal && !(open(x + dx, y) && open(x, y + dy)) { continue }
            from.append(y * map.width + x)
            to.append((y + dy) * map.width + x + dx)
            cost.append(diagonal ? 2.0.squareRoot() : 1)
          }
        }
      }
    }
  }

  /// Bellman–Ford from `source`: the cost of the cheapest path to every cell
  /// (``unreachable`` where there is none). Edges are symmetric, so these are also the
  /// costs *to* `source`.
  func distances(from source: Int) -> [Double] {
    var d = [Double](repeating: unreachable, count: cells)
    d[source] = 0
    var changed = true
    while changed {
      changed = false
      for e in from.indices where d[from[e]] + cost[e] < d[to[e]] {
        d[to[e]] = d[from[e]] + cost[e]
        changed = true
      }
    }
    return d
  }
}

private func close(_ a: Double?, _ b: Double?) -> Bool {
  switch (a, b) {
  case (nil, nil): true
  case (let x?, let y?): abs(x - y) <= 1e-9 * max(1, abs(x))
  default: false
  }
}

/// The cost of `path` recomputed from the movement rules; nil if a step is illegal.
private func pathCost(_ path: [GridCell], on map: GridMap, connectivity: GridConnectivity) -> Double? {
  var total = 0.0
  for (a, b) in zip(path, path.dropFirst()) {
    let (ax, ay) = map.coordinates(of: a)
    let (bx, by) = map.coordinates(of: b)
    let dx = bx - ax, dy = by - ay
    guard abs(dx) <= 1, abs(dy) <= 1, (dx, dy) != (0, 0), map.isPassable(b) else { return nil }
    if dx != 0 && dy != 0 {
      guard connectivity == .eight, map.isPassable(x: bx, y: ay), map.isPassable(x: ax, y: by) else { return nil }
      total += 2.0.squareRoot()
    } else {
      total += 1
    }
  }
  return total
}

// MARK: - Parsing

@Suite struct GridParsingTests {
  @Test func parsesMapAndTerrain() throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    #expect(map.width == 6 && map.height == 4)
    #expect(map.isPassable(x: 0, y: 0))
    #expect(!map.isPassable(x: 2, y: 0))  // '@'
    #expect(!map.isPassable(x: 1, y: 1))  // 'T'
    #expect(map.isPassable(x: 4, y: 1))  // 'S' swamp
    #expect(map.isPassable(x: 0, y: 3))  // 'G'
    #expect(!map.isPassable(x: 3, y: 3))  // 'W' water is blocked
    #expect(!map.isPassable(x: -1, y: 0) && !map.isPassable(x: 6, y: 0))
    #expect(map.terrain(x: 3, y: 3) == "W")
    #expect(map.passableCount == 24 - 4)
    #expect(map.cell(x: 4, y: 2) == GridCell(16))
    #expect(map.coordinates(of: GridCell(16)) == (4, 2))
    // Round trip, CRLF line ends, bytes.
    #expect(try GridMap.parse(map.movingAIText, file: "rt") == map)
    let crlf = smallMap.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(try GridMap.parse(crlf, file: "crlf") == map)
    #expect(try GridMap.parse(utf8: Array(smallMap.utf8), file: "bytes") == map)
  }

  @Test func wrongHeader() {
    // The parsers use typed throws.
    let typed: () throws(GridParseError) -> GridMap = { () throws(GridParseError) in
      try GridMap.parse("", file: "e.map")
    }
    #expect(throws: GridParseError.self) { try typed() }
    let e = parseError { _ = try GridMap.parse("type octile\nheigth 512\nwidth 512\nmap\n", file: "a.map") }
    #expect(e?.file == "a.map")
    #expect(e?.line == 2)
    #expect(e?.message == "expected 'height N', found 'heigth 512'")
    #expect(e?.description == "a.map:2: expected 'height N', found 'heigth 512'")

    let t = parseError { _ = try GridMap.parse("type square\nheight 1\nwidth 1\nmap\n.\n", file: "t.map") }
    #expect(t?.line == 1)
    #expect(t?.message == "expected 'type octile', found 'type square'")

    let w = parseError { _ = try GridMap.parse("type octile\nheight 2\nwidth x\nmap\n", file: "w.map") }
    #expect(w?.line == 3)
    #expect(w?.message == "expected 'width N', found 'width x'")

    let m = parseError { _ = try GridMap.parse("type octile\nheight 1\nwidth 1\nmapp\n.\n", file: "m.map") }
    #expect(m?.line == 4)
    #expect(m?.message == "expected 'map', found 'mapp'")

    let empty = parseError { _ = try GridMap.parse("", file: "e.map") }
    #expect(empty?.line == 1)
    #expect(empty?.message == "expected 'type octile', found end of file")
  }

  @Test func wrongRowWidth() {
    let text = "type octile\nheight 3\nwidth 4\nmap\n....\n...\n....\n"
    let e = parseError { _ = try GridMap.parse(text, file: "r.map") }
    #expect(e?.file == "r.map")
    #expect(e?.line == 6)
    #expect(e?.column == nil)
    #expect(e?.message == "row 1 has 3 characters, expected 4")
    let long = parseError { _ = try GridMap.parse("type octile\nheight 1\nwidth 2\nmap\n...\n", file: "l.map") }
    #expect(long?.line == 5)
    #expect(long?.message == "row 0 has 3 characters, expected 2")
  }

  @Test func tooFewAndTooManyRows() {
    let e = parseError { _ = try GridMap.parse("type octile\nheight 3\nwidth 2\nmap\n..\n..\n", file: "f.map") }
    #expect(e?.file == "f.map")
    #expect(e?.line == 7)
    #expect(e?.message == "expected 3 rows, found 2")
    let more = parseError {
      _ = try GridMap.parse("type octile\nheight 1\nwidth 2\nmap\n..\n..\n\n", file: "g.map")
    }
    #expect(more?.line == 6)
    #expect(more?.message == "expected 1 rows, found more: '..'")
  }

  @Test func badCharacter() {
    let e = parseError { _ = try GridMap.parse("type octile\nheight 2\nwidth 3\nmap\n...\n.x.\n", file: "c.map") }
    #expect(e?.file == "c.map")
    #expect(e?.line == 6)
    #expect(e?.column == 2)
    #expect(
      e?.message
        == "unexpected character 'x' at (1, 1); expected '.', 'G', 'S' (passable) or '@', 'O', 'T', 'W' (blocked)")
    #expect(e?.description.hasPrefix("c.map:6:2: unexpected character 'x'") == true)
  }

  @Test func parsesScenarios() throws {
    let s = try ScenarioFile.parse(smallScen, file: "small.scen")
    #expect(s.count == 2)
    #expect(s[0].bucket == 0 && s[0].mapName == "maps/small.map")
    #expect(s[0].mapWidth == 6 && s[0].mapHeight == 4)
    #expect((s[0].startX, s[0].startY, s[0].goalX, s[0].goalY) == (0, 0, 5, 0))
    #expect(s[0].optimalLength == 7.82843)
    #expect(s[1].line == 3 && s[1].index == 1)
    // Spaces instead of tabs, version 1.0, trailing blank lines.
    let spaced = try ScenarioFile.parse("version 1.0\n3 m.map 6 4 1 2 3 2 2.5\n\n", file: "sp.scen")
    #expect(spaced.count == 1 && spaced[0].bucket == 3 && spaced[0].goalX == 3 && spaced[0].optimalLength == 2.5)
    let map = try GridMap.parse(smallMap, file: "small.map")
    let set = try GridScenarioSet(map: map, scenarios: s, scenarioFile: "small.scen")
    #expect(set.scenarios.count == 2)
  }

  @Test func wrongScenarioVersion() {
    let e = parseError { _ = try ScenarioFile.parse("version 2\n", file: "v.scen") }
    #expect(e?.file == "v.scen")
    #expect(e?.line == 1)
    #expect(e?.message == "expected 'version 1', found 'version 2'")
  }

  @Test func wrongFieldCount() {
    let e = parseError {
      _ = try ScenarioFile.parse("version 1\n0\tm.map\t6\t4\t0\t0\t5\t0\t7\n0\tm.map\t6\t4\t0\t0\t5\n", file: "n.scen")
    }
    #expect(e?.file == "n.scen")
    #expect(e?.line == 3)
    #expect(
      e?.message
        == "expected 9 fields (bucket, map, map width, map height, start x, start y, goal x, goal y, optimal length), found 7"
    )
  }

  @Test func nonNumericField() {
    let e = parseError { _ = try ScenarioFile.parse("version 1\n0\tm.map\t6\t4\tab\t0\t5\t0\t7\n", file: "x.scen") }
    #expect(e?.file == "x.scen")
    #expect(e?.line == 2)
    #expect(e?.column == 13)
    #expect(e?.message == "expected an integer for field 5 (start x), found 'ab'")
    let d = parseError { _ = try ScenarioFile.parse("version 1\n0\tm.map\t6\t4\t1\t0\t5\t0\tlong\n", file: "y.scen") }
    #expect(d?.line == 2)
    #expect(d?.message == "expected a non-negative number for field 9 (optimal length), found 'long'")
  }

  @Test func scenarioOutsideMap() throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    let s = try ScenarioFile.parse("version 1\n0\tm\t6\t4\t0\t0\t1\t0\t1\n0\tm\t6\t4\t600\t3\t0\t0\t1\n", file: "o.scen")
    let e = parseError { _ = try GridScenarioSet(map: map, scenarios: s, scenarioFile: "o.scen") }
    #expect(e?.file == "o.scen")
    #expect(e?.line == 3)
    #expect(e?.message == "start (600, 3) is outside the 6x4 map")
    #expect(e?.description == "o.scen:3: start (600, 3) is outside the 6x4 map")
    let neg = GridScenario(mapWidth: 6, mapHeight: 4, startX: 0, startY: 0, goalX: 1, goalY: -1, line: 9)
    let g = parseError { try neg.validate(on: map, file: "o.scen") }
    #expect(g?.line == 9)
    #expect(g?.message == "goal (1, -1) is outside the 6x4 map")
  }

  @Test func blockedStartOrGoal() throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    let s = try ScenarioFile.parse(
      "version 1\n0\tm\t6\t4\t0\t0\t1\t0\t1\n0\tm\t6\t4\t0\t0\t2\t0\t1\n", file: "b.scen")
    let e = parseError { _ = try GridScenarioSet(map: map, scenarios: s, scenarioFile: "b.scen") }
    #expect(e?.file == "b.scen")
    #expect(e?.line == 3)
    #expect(e?.message == "goal (2, 0) is a blocked cell '@'")
    let t = GridScenario(mapWidth: 6, mapHeight: 4, startX: 1, startY: 1, goalX: 0, goalY: 0)
    let te = parseError { try t.validate(on: map, file: "b.scen", line: 8) }
    #expect(te?.line == 8)
    #expect(te?.message == "start (1, 1) is a blocked cell 'T'")
  }

  @Test func scenarioForAnotherMapSize() throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    let s = try ScenarioFile.parse("version 1\n0\tm\t512\t512\t0\t0\t1\t0\t1\n", file: "s.scen")
    let e = parseError { _ = try GridScenarioSet(map: map, scenarios: s, scenarioFile: "s.scen") }
    #expect(e?.line == 2)
    #expect(e?.message == "scenario is for a 512x512 map, but the map is 6x4")
  }
}

// MARK: - Moves and heuristics

@Suite struct GridSearchTests {
  @Test func noCornerCutting() throws {
    // From (0,0) the diagonal to (1,1) passes the blocked (1,0): not allowed. The
    // diagonal from (0,1) to (1,2) passes (1,1) and (0,2), both open: allowed.
    let map = try GridMap.parse("type octile\nheight 3\nwidth 3\nmap\n.@.\n...\n...\n", file: "c.map")
    let p = GridPathProblem(map: map, start: map.cell(x: 0, y: 0), goal: map.cell(x: 1, y: 1))
    var succ = Successors<GridCell, Double>()
    p.expand(map.cell(x: 0, y: 0), into: &succ)
    #expect(succ.count == 1)
    #expect(succ.state(at: 0) == map.cell(x: 0, y: 1) && succ.cost(at: 0) == 1)
    let r = aStar(p, heuristic: OctileDistance(toGoalOf: p))
    #expect(r.cost == 2)  // down, then right: not √2
    #expect(r.path == [map.cell(x: 0, y: 0), map.cell(x: 0, y: 1), map.cell(x: 1, y: 1)])

    // Around the wall from (0,0) to (2,0): both diagonals next to (1,0) would cut its
    // corners, so the path is down, right, right, up (cost 4), not the 2√2 of two diagonals.
    let q = p.with(start: map.cell(x: 0, y: 0), goal: map.cell(x: 2, y: 0))
    let r2 = aStar(q, heuristic: OctileDistance(toGoalOf: q))
    #expect(r2.cost == 4)
    #expect(pathCost(r2.path ?? [], on: map, connectivity: .eight) == r2.cost)

    // All eight moves from the centre of an open 3x3 map.
    let open = GridMap(width: 3, height: 3) { _, _ in true }
    var all = Successors<GridCell, Double>()
    GridPathProblem(map: open, start: GridCell(4), goal: GridCell(0)).expand(GridCell(4), into: &all)
    #expect(all.count == 8)
    #expect((0..<8).filter { all.cost(at: $0) == 1 }.count == 4)
    #expect((0..<8).filter { all.cost(at: $0) == 2.0.squareRoot() }.count == 4)
    var four = Successors<GridCell, Double>()
    GridPathProblem(map: open, start: GridCell(4), goal: GridCell(0), connectivity: .four)
      .expand(GridCell(4), into: &four)
    #expect(four.count == 4)
  }

  @Test func solvesSmallScenarios() throws {
    let set = try GridScenarioSet.parse(
      map: smallMap, mapFile: "small.map", scenarios: smallScen, scenarioFile: "small.scen")
    for algorithm in [GridAlgorithm.aStar, .dijkstra] {
      let results = GridBenchmark.solveAll(map: set.map, scenarios: set.scenarios, algorithm: algorithm)
      #expect(results.allSatisfy { $0.matchesOptimal == true }, "\(algorithm)")
    }
    for algorithm in [GridAlgorithm.weightedAStar(weight: 2), .greedy, .breadthFirst, .beam(width: 8)] {
      let results = GridBenchmark.solveAll(
        map: set.map, scenarios: set.scenarios, algorithm: algorithm, keepPaths: true)
      for r in results {
        let cost = try #require(r.cost, "\(algorithm)")
        #expect(cost >= r.scenario.optimalLength - 1e-4)
        #expect(close(pathCost(r.path ?? [], on: set.map, connectivity: .eight), cost))
      }
    }
  }

  @Test func fourConnected() throws {
    try checkFourConnected([.aStar, .dijkstra, .breadthFirst])
  }

  private func checkFourConnected(_ algorithms: [GridAlgorithm]) throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    let edges = GridEdges(map, connectivity: .four)
    var solver = GridSolver(map: map, connectivity: .four)
    for s in 0..<map.cellCount where map.isPassable(GridCell(index: s)) {
      let d = edges.distances(from: s)
      for g in 0..<map.cellCount where map.isPassable(GridCell(index: g)) {
        let expected: Double? = d[g] < unreachable ? d[g] : nil
        for algorithm in algorithms {
          solver.algorithm = algorithm
          let r = solver.solve(start: GridCell(index: s), goal: GridCell(index: g))
          #expect(close(r.cost, expected), "\(algorithm) \(s)->\(g)")
          if let path = r.path {
            #expect(close(pathCost(path, on: map, connectivity: .four), r.cost))
          }
        }
      }
    }
    // The corner from (0,0) to (1,1) of an open map takes two unit steps.
    let open = GridMap(width: 2, height: 2) { _, _ in true }
    var s4 = GridSolver(map: open, connectivity: .four)
    #expect(s4.solve(start: GridCell(0), goal: GridCell(3)).cost == 2)
  }

  @Test func cellDecodingMatchesDivision() {
    for width in [1, 2, 3, 7, 49, 64, 511, 512, 1000] {
      let map = GridMap(width: width, height: 3) { _, _ in true }
      for i in 0..<map.cellCount {
        let (x, y) = (i % width, i / width)
        let h = OctileDistance(to: GridCell(0), on: map).estimate(GridCell(index: i))
        let lo = Double(min(x, y))
        #expect(abs(h - (Double(max(x, y)) - lo + 2.0.squareRoot() * lo)) < 1e-12)
        #expect(ManhattanGridDistance(to: GridCell(0), on: map).estimate(GridCell(index: i)) == Double(x + y))
      }
    }
  }

  @Test func octileIsAdmissibleAndConsistent() async {
    await propertyCheck(count: 12, input: Gen.uint64()) { seed in
      let map = randomMap(seed: seed, width: 12, height: 12, blocked: 0.3)
      let edges = GridEdges(map, connectivity: .eight)
      let edges4 = GridEdges(map, connectivity: .four)
      let targets = randomQueries(map, seed: seed, count: 4).map(\.1)
      for t in targets {
        let d = edges.distances(from: t.denseIndex)
        let d4 = edges4.distances(from: t.denseIndex)
        let octile = OctileDistance(to: t, on: map)
        let manhattan = ManhattanGridDistance(to: t, on: map)
        let p = GridPathProblem(map: map, start: t, goal: t)
        let p4 = GridPathProblem(map: map, start: t, goal: t, connectivity: .four)
        var succ = Successors<GridCell, Double>()
        for s in 0..<map.cellCount where map.isPassable(GridCell(index: s)) {
          let cell = GridCell(index: s)
          let h = octile.estimate(cell)
          #expect(h <= d[s] + 1e-9, "octile overestimates at \(cell)")
          #expect(manhattan.estimate(cell) <= d4[s] + 1e-9)
          succ.removeAll()
          p.expand(cell, into: &succ)
          for i in 0..<succ.count {
            #expect(h <= succ.cost(at: i) + octile.estimate(succ.state(at: i)) + 1e-9, "octile inconsistent")
          }
          succ.removeAll()
          p4.expand(cell, into: &succ)
          for i in 0..<succ.count {
            #expect(manhattan.estimate(cell) <= succ.cost(at: i) + manhattan.estimate(succ.state(at: i)))
          }
        }
        #expect(octile.estimate(t) == 0)
      }
    }
  }

  @Test func optimalAlgorithmsAgreeWithOracle() async {
    await propertyCheck(count: 8, input: Gen.uint64()) { seed in
      checkAgainstOracle([.aStar, .dijkstra], seed: seed)
    }
  }

  @Test func bidirectionalAgreesWithOracle() async throws {
    await propertyCheck(count: 8, input: Gen.uint64()) { seed in
      checkAgainstOracle([.bidirectional], seed: seed)
    }
    try checkFourConnected([.bidirectional])
    let set = try GridScenarioSet.parse(
      map: smallMap, mapFile: "small.map", scenarios: smallScen, scenarioFile: "small.scen")
    let results = GridBenchmark.solveAll(map: set.map, scenarios: set.scenarios, algorithm: .bidirectional)
    #expect(results.allSatisfy { $0.matchesOptimal == true })
  }

  /// A* cost == Dijkstra cost == ... == Bellman–Ford cost on a random 20x20 map with 25%
  /// obstacles, for 25 random queries; paths are legal and cost what they claim.
  private func checkAgainstOracle(_ algorithms: [GridAlgorithm], seed: UInt64) {
    let map = randomMap(seed: seed, width: 20, height: 20, blocked: 0.25)
    let edges = GridEdges(map, connectivity: .eight)
    var solvers = algorithms.map { GridSolver(map: map, algorithm: $0) }
    for (s, g) in randomQueries(map, seed: seed, count: 25) {
      let d = edges.distances(from: s.denseIndex)
      let expected: Double? = d[g.denseIndex] < unreachable ? d[g.denseIndex] : nil
      for k in solvers.indices {
        let r = solvers[k].solve(start: s, goal: g)
        #expect(close(r.cost, expected), "\(solvers[k].algorithm) \(s)->\(g) seed \(seed)")
        if let path = r.path {
          #expect(path.first == s && path.last == g)
          #expect(close(pathCost(path, on: map, connectivity: .eight), r.cost))
        } else {
          #expect(r.outcome == .exhausted)
        }
      }
    }
  }

  @Test func problemCopiesShareTheMap() throws {
    let map = try GridMap.parse(smallMap, file: "small.map")
    let p = GridPathProblem(map: map, start: GridCell(0), goal: GridCell(5))
    let q = p.with(start: GridCell(18), goal: GridCell(23))
    #expect(q.map == map && q.start == GridCell(18) && q.goal == GridCell(23) && p.start == GridCell(0))
    #expect(p.makeStateTable(capacity: 1).size == map.cellCount)
    var solver = GridSolver(map: map)
    #expect(solver.solve(start: GridCell(0), goal: GridCell(0)).cost == 0)
    // Unreachable: (0,0) is walled off from nothing here, so wall off a map instead.
    let split = try GridMap.parse("type octile\nheight 2\nwidth 3\nmap\n.@.\n.@.\n", file: "s.map")
    var s2 = GridSolver(map: split)
    #expect(s2.solve(start: GridCell(0), goal: GridCell(2)).outcome == .exhausted)
  }
}

// MARK: - MovingAI benchmark data

/// `../shared/data/movingai` beside the repository (as CI lays it out), else /work/shared.
private let movingAI: String = {
  let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/movingai").path
  return FileManager.default.fileExists(atPath: beside) ? beside : "/work/shared/data/movingai"
}()

@Test(
  .enabled(
    if: FileManager.default.fileExists(atPath: "\(movingAI)/maps/arena.map"),
    "skipped: \(movingAI)/maps/arena.map not found"))
func arenaMatchesPublishedOptima() throws {
  let mapText = try String(contentsOfFile: "\(movingAI)/maps/arena.map", encoding: .utf8)
  let scenText = try String(contentsOfFile: "\(movingAI)/scen/arena.map.scen", encoding: .utf8)
  let set = try GridScenarioSet.parse(
    map: mapText, mapFile: "arena.map", scenarios: scenText, scenarioFile: "arena.map.scen")
  let scenarios = Array(set.scenarios.prefix(200))
  let results = GridBenchmark.solveAll(map: set.map, scenarios: scenarios, algorithm: .aStar)
  for r in results {
    let cost = try #require(r.cost, "scenario line \(r.scenario.line) unsolved")
    let optimal = r.scenario.optimalLength
    #expect(abs(cost - optimal) <= 1e-5 * optimal + 1e-4, "arena.map.scen:\(r.scenario.line): \(cost) vs \(optimal)")
  }
  #expect(GridBenchmark.summarize(results).mismatches == 0)
}
