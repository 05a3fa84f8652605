public import FrontierCore

/// The algorithms ``GridSolver`` runs. Optimal ones: ``aStar``, ``dijkstra``,
/// ``bidirectional`` (and ``breadthFirst`` on 4-connected grids, where steps cost 1).
public enum GridAlgorithm: Sendable, Hashable, CustomStringConvertible {
  /// A* with the octile (8-connected) or Manhattan (4-connected) distance.
  case aStar
  /// Uniform-cost search (Dijkstra's algorithm stopped at the goal).
  case dijkstra
  /// `f = g + w·h` without reopening closed nodes; costs at most `w` times the optimum.
  case weightedAStar(weight: Double)
  /// Greedy best-first search on `h`; not optimal.
  case greedy
  /// Breadth-first search: fewest steps, optimal only with unit costs.
  case breadthFirst
  /// Front-to-end bidirectional A* with the distance to the goal forward and to the start
  /// backward.
  case bidirectional
  /// Beam search of the given width on `g + h`; incomplete, not optimal.
  case beam(width: Int)

  /// The name used on the command line: `a-star`, `dijkstra`, `weighted-a-star`,
  /// `greedy`, `bfs`, `bidirectional`, `beam`.
  public var name: String {
    switch self {
    case .aStar: "a-star"
    case .dijkstra: "dijkstra"
    case .weightedAStar: "weighted-a-star"
    case .greedy: "greedy"
    case .breadthFirst: "bfs"
    case .bidirectional: "bidirectional"
    case .beam: "beam"
    }
  }

  public var description: String {
    switch self {
    case .weightedAStar(let w): "weighted-a-star(w=\(w))"
    case .beam(let width): "beam(width=\(width))"
    default: name
    }
  }

  /// Whether the algorithm returns optimal costs under `connectivity`.
  public func isOptimal(on connectivity: GridConnectivity) -> Bool {
    switch self {
    case .aStar, .dijkstra, .bidirectional: true
    case .breadthFirst: connectivity == .four
    case .weightedAStar(let w): w == 1
    case .greedy, .beam: false
    }
  }
}

/// The result of one grid query.
public struct GridQueryResult: Sendable {
  /// The scenario solved.
  public var scenario: GridScenario
  /// The path cost, or `nil` when no path was found.
  public var cost: Double?
  /// The cells of the path found, start and goal included (0 when none).
  public var pathCellCount: Int
  /// The path, when the solver was asked to keep it.
  public var path: [GridCell]?
  /// Why the search stopped without a path (`nil` when solved or exhausted).
  public var stopReason: StopReason?
  /// Counters and time of the search.
  public var statistics: SearchStatistics

  /// Whether the cost matches the scenario's optimal length within the file's precision
  /// (`nil` when the file gives no optimal length, i.e. 0 for distinct cells).
  public var matchesOptimal: Bool? {
    if scenario.optimalLength == 0 && (scenario.startX != scenario.goalX || scenario.startY != scenario.goalY) {
      return nil
    }
    guard let cost else { return false }
    return scenario.matchesOptimal(cost)
  }
}

/// Solves many queries on one map with one reused ``SearchWorkspace``.
///
/// The workspace's node arena, open list and dense state table are allocated once per
/// solver (O(cells) for the table); each query then resets them in O(1), so a query costs
/// the search itself plus O(path) to return the path. Bidirectional and beam search
/// currently build their own workspaces per query (their generic entry points take no
/// workspace), which adds O(cells) per query for the dense tables.
///
/// ```swift
/// var solver = GridSolver(map: map, algorithm: .aStar)
/// for s in scenarios { print(solver.solve(s).cost ?? .nan) }
/// ```
public struct GridSolver: Sendable {
  /// The map queried.
  public let map: GridMap
  public let connectivity: GridConnectivity
  /// The algorithm used by the next query.
  public var algorithm: GridAlgorithm
  /// Limits and tie-breaking used by the next query. `reopenClosed` is ignored: the
  /// solver's heuristics are consistent, so closed cells are never reopened.
  public var options: SearchOptions
  @usableFromInline internal var _problem: GridPathProblem
  @usableFromInline internal var _workspace: SearchWorkspace<GridPathProblem>

  public init(
    map: GridMap, connectivity: GridConnectivity = .eight, algorithm: GridAlgorithm = .aStar,
    options: SearchOptions = .init()
  ) {
    self.map = map
    self.connectivity = connectivity
    self.algorithm = algorithm
    self.options = options
    let origin = GridCell(0)
    _problem = GridPathProblem(map: map, start: origin, goal: origin, connectivity: connectivity)
    _workspace = SearchWorkspace(
      for: _problem, capacity: Swift.min(map.cellCount, Swift.max(options.initialCapacity, 1 << 12)))
  }

  /// Solves one query from `start` to `goal`.
  public mutating func solve(start: GridCell, goal: GridCell) -> SearchResult<GridCell, Double> {
    let p = _problem.with(start: start, goal: goal)
    switch connectivity {
    case .eight:
      return _run(p, OctileDistance(to: goal, on: map), OctileDistance(to: start, on: map))
    case .four:
      return _run(p, ManhattanGridDistance(to: goal, on: map), ManhattanGridDistance(to: start, on: map))
    }
  }

  /// Solves `scenario`, which must be valid on the map (see ``GridScenario/validate(on:file:line:)``).
  public mutating func solve(_ scenario: GridScenario, keepPath: Bool = false) -> GridQueryResult {
    let r = solve(start: scenario.start(on: map), goal: scenario.goal(on: map))
    var stop: StopReason? = nil
    if case .stopped(let reason) = r.outcome { stop = reason }
    let path = r.path
    return GridQueryResult(
      scenario: scenario, cost: r.cost, pathCellCount: path?.count ?? 0, path: keepPath ? path : nil,
      stopReason: stop, statistics: r.statistics)
  }

  @inlinable
  internal mutating func _run<H: Heuristic>(_ p: GridPathProblem, _ toGoal: H, _ toStart: H)
    -> SearchResult<GridCell, Double>
  where H.State == GridCell, H.Cost == Double {
    // The grid heuristics are consistent, so no search here needs to reopen a closed cell
    // for optimality (Hart, Nilsson & Raphael 1968; for weighted A*, Likhachev, Gordon &
    // Thrun, NIPS 2003). A cheaper path to a closed cell can still appear, by the width of
    // a rounding error, when equal-cost paths add 1 and √2 in different orders; reopening
    // chased those: 978,260 of A*'s 2,039,982 expansions on combat2.map.
    var o = options
    o.reopenClosed = false
    switch algorithm {
    case .aStar:
      return bestFirstSearch(p, heuristic: toGoal, rule: AStarPriority(), options: o, workspace: &_workspace)
    case .dijkstra:
      return bestFirstSearch(
        p, heuristic: ZeroHeuristic<GridCell, Double>(), rule: UniformCostPriority(), options: o,
        workspace: &_workspace)
    case .weightedAStar(let w):
      return bestFirstSearch(
        p, heuristic: toGoal, rule: WeightedAStarPriority(weight: w), options: o, workspace: &_workspace)
    case .greedy:
      return bestFirstSearch(p, heuristic: toGoal, rule: GreedyPriority(), options: o, workspace: &_workspace)
    case .breadthFirst:
      return breadthFirstSearch(p, options: o, workspace: &_workspace)
    case .bidirectional:
      return bidirectionalSearch(p, forwardHeuristic: toGoal, backwardHeuristic: toStart, options: o)
    case .beam(let width):
      return beamSearch(p, heuristic: toGoal, width: width, options: o)
    }
  }
}

/// Totals over many grid queries.
public struct GridBenchmarkSummary: Sendable, Hashable {
  public var queries = 0
  public var solved = 0
  /// Queries with a known optimal length whose cost differs from it (or that found no path).
  public var mismatches = 0
  public var expanded = 0
  public var generated = 0
  /// Sum of the searches' own times.
  public var seconds = 0.0

  public init() {}

  /// Expansions per second of search time.
  public var expansionsPerSecond: Double { seconds > 0 ? Double(expanded) / seconds : 0 }

  public mutating func add(_ r: GridQueryResult) {
    queries += 1
    if r.cost != nil { solved += 1 }
    if r.matchesOptimal == false { mismatches += 1 }
    expanded += r.statistics.expanded
    generated += r.statistics.generated
    seconds += r.statistics.seconds
  }
}

/// Batch solving of MovingAI scenarios.
public enum GridBenchmark {
  /// Solves every scenario on `map` in order with one reused workspace.
  ///
  /// The scenarios must be valid on the map (build a ``GridScenarioSet`` to check them).
  public static func solveAll(
    map: GridMap, scenarios: [GridScenario], algorithm: GridAlgorithm = .aStar,
    connectivity: GridConnectivity = .eight, options: SearchOptions = .init(), keepPaths: Bool = false
  ) -> [GridQueryResult] {
    var solver = GridSolver(map: map, connectivity: connectivity, algorithm: algorithm, options: options)
    var out: [GridQueryResult] = []
    out.reserveCapacity(scenarios.count)
    for s in scenarios { out.append(solver.solve(s, keepPath: keepPaths)) }
    return out
  }

  /// Totals of `results`.
  public static func summarize(_ results: some Sequence<GridQueryResult>) -> GridBenchmarkSummary {
    var s = GridBenchmarkSummary()
    for r in results { s.add(r) }
    return s
  }
}
