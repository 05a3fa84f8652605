// The state-space algorithms against brute-force oracles on seeded random weighted digraphs.
//
// Property tests draw a 64-bit seed; the graph, its costs, start, goal and heuristics all
// follow from that seed (printed in every failure message), so a failure is reproduced by
// `RandomGraphProblem<Int or Double>.random(seed: …)` with the same arguments.

import FrontierCore
import FrontierStateSearch
import PropertyBased
import Testing

/// Every tie-breaking setting.
let allTieBreakings: [TieBreaking] = TieBreaking.GPreference.allCases.flatMap { g in
  TieBreaking.Order.allCases.map { TieBreaking(g: g, order: $0) }
}

/// The random graphs of the main property tests: 2…80 vertices, out-degree 0…4, costs
/// 0…9 (zero-cost edges and cycles included), start and goal random.
func mainTestGraph<Cost: GraphTestCost>(_ seed: UInt64, _: Cost.Type) -> RandomGraphProblem<Cost> {
  .random(seed: seed, vertices: 2...80, degree: 0...4, maxCost: 9, allowZeroCost: true)
}

/// Checks the statistics of a single-pass graph search (BFS or best-first) against the
/// counting conventions of `SearchStatistics`.
func checkCounters<S, C>(_ r: SearchResult<S, C>, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let s = r.statistics
  check(s.iterations == 1, "\(label): iterations \(s.iterations)", sourceLocation: sourceLocation)
  check(s.stored >= 1, "\(label): nothing stored", sourceLocation: sourceLocation)
  // Every generated successor is new (stored), a duplicate, or an improvement.
  check(
    s.generated >= s.duplicates + s.stored - 1 + s.reopened,
    "\(label): generated < duplicates + stored − 1 + reopened: \(s)", sourceLocation: sourceLocation)
  // Each expansion is of a stored node, once plus once per reopening.
  check(s.expanded <= s.stored + s.reopened, "\(label): expanded > stored + reopened: \(s)", sourceLocation: sourceLocation)
  if case .exhausted = r.outcome {
    check(s.expanded == s.stored + s.reopened, "\(label): exhausted but expanded != stored + reopened: \(s)", sourceLocation: sourceLocation)
  }
  // (peakOpen is sampled after each expansion only, so a search whose root has no new
  // successors reports 0 although the root was on the open list: not checked.)
  check(s.peakOpen <= s.generated + 1, "\(label): peakOpen \(s.peakOpen) > generated + 1", sourceLocation: sourceLocation)
  check(s.peakBytes > 0, "\(label): peakBytes \(s.peakBytes)", sourceLocation: sourceLocation)
}

/// Runs every algorithm on `graph` and compares with the oracles. Returns how many nodes A*
/// reopened with the inconsistent heuristic (so the caller can check that the reopening
/// path was exercised at all).
func checkAllAlgorithms<Cost: GraphTestCost>(_ graph: RandomGraphProblem<Cost>, seed: UInt64) -> Int {
  let tag = "seed \(seed) (\(Cost.self), \(graph.vertexCount) vertices, \(graph.start)->\(graph.goal))"
  let fromStart = oracleDistances(graph.adjacency, from: graph.start)
  let toGoal = oracleDistances(graph.reverse, from: graph.goal)
  let optimum = fromStart[graph.goal]
  let steps = oracleSteps(graph.adjacency, from: graph.start)[graph.goal]
  var rng = Xoshiro256StarStar(seed: seed ^ 0x5EED_5EED)
  var reopenings = 0

  checkOptimal(uniformCostSearch(graph), optimum: optimum, in: graph, "\(tag) UCS")
  checkOptimal(bidirectionalSearch(graph), optimum: optimum, in: graph, "\(tag) bidirectional Dijkstra")

  for kind in HeuristicKind.allCases {
    let hf = heuristicValues(kind, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng)
    let hb = heuristicValues(kind, adjacency: graph.reverse, reverse: graph.adjacency, target: graph.start, rng: &rng)
    // The oracle's heuristics are what they claim to be.
    check(isAdmissible(hf, toGoal), "\(tag): test heuristic \(kind) (forward) not admissible")
    check(isAdmissible(hb, fromStart), "\(tag): test heuristic \(kind) (backward) not admissible")
    if kind.isConsistent {
      check(isConsistent(hf, graph.adjacency), "\(tag): test heuristic \(kind) (forward) not consistent")
      check(isConsistent(hb, graph.reverse), "\(tag): test heuristic \(kind) (backward) not consistent")
    }
    let forward = TableHeuristic(values: hf)
    let backward = TableHeuristic(values: hb)

    let a = aStar(graph, heuristic: forward)
    checkOptimal(a, optimum: optimum, in: graph, "\(tag) A* h=\(kind)")
    if kind == .inconsistent { reopenings += a.statistics.reopened }
    if kind.isConsistent && Cost.self == Int.self {
      check(a.statistics.reopened == 0, "\(tag) A* h=\(kind): reopened \(a.statistics.reopened) nodes with a consistent heuristic")
      // Without reopening, A* and bidirectional search stay optimal with consistent
      // heuristics, and weighted A* stays within its bound.
      let noReopen = SearchOptions(reopenClosed: false)
      checkOptimal(
        aStar(graph, heuristic: forward, options: noReopen), optimum: optimum, in: graph,
        "\(tag) A* h=\(kind) reopenClosed=false")
      checkOptimal(
        bidirectionalSearch(graph, forwardHeuristic: forward, backwardHeuristic: backward, options: noReopen),
        optimum: optimum, in: graph, "\(tag) bidirectional h=\(kind) reopenClosed=false")
      let w = weightedAStar(graph, heuristic: forward, weight: 2, options: noReopen)
      if let optimum, let (_, cost) = checkGraphPath(w, in: graph, "\(tag) weighted A* w=2 h=\(kind) reopenClosed=false") {
        check(cost.isAtMost(optimum + optimum), "\(tag) weighted A* w=2 h=\(kind) reopenClosed=false: cost \(cost) > 2 × \(optimum)")
      }
    }
    checkCounters(a, "\(tag) A* h=\(kind)")

    checkOptimal(
      bidirectionalSearch(graph, forwardHeuristic: forward, backwardHeuristic: backward),
      optimum: optimum, in: graph, "\(tag) bidirectional h=\(kind)")

    for w in [1.0, 1.5, 3.0] {
      let r = weightedAStar(graph, heuristic: forward, weight: w)
      guard let optimum else {
        check(r.outcome == .exhausted, "\(tag) weighted A* w=\(w) h=\(kind): expected .exhausted, got \(r.outcome)")
        continue
      }
      if let (_, cost) = checkGraphPath(r, in: graph, "\(tag) weighted A* w=\(w) h=\(kind)") {
        check(
          cost.doubleValue <= w * optimum.doubleValue + 1e-9 * Swift.max(1, optimum.doubleValue),
          "\(tag) weighted A* w=\(w) h=\(kind): cost \(cost) > \(w) × optimum \(optimum)")
      }
    }

    // Greedy best-first search is graph search: complete on finite graphs, not optimal.
    let greedy = greedyBestFirstSearch(graph, heuristic: forward)
    if optimum == nil {
      check(greedy.outcome == .exhausted, "\(tag) greedy h=\(kind): expected .exhausted, got \(greedy.outcome)")
    } else {
      checkGraphPath(greedy, in: graph, "\(tag) greedy h=\(kind)")
    }

    // Narrow beams may fail, but what they return must be a real path.
    for width in [1, 3] {
      let beam = beamSearch(graph, heuristic: forward, width: width)
      if beam.isSolved { checkGraphPath(beam, in: graph, "\(tag) beam width=\(width) h=\(kind)") }
    }
    let greedyBeam = beamSearch(graph, heuristic: forward, width: 2, greedy: true)
    if greedyBeam.isSolved { checkGraphPath(greedyBeam, in: graph, "\(tag) greedy beam h=\(kind)") }
  }

  // BFS: fewest steps.
  let bfs = breadthFirstSearch(graph)
  checkCounters(bfs, "\(tag) BFS")
  if bfs.outcome == .exhausted {
    check(bfs.statistics.expanded == bfs.statistics.stored, "\(tag) BFS exhausted: expanded \(bfs.statistics.expanded) of \(bfs.statistics.stored) stored")
    check(
      bfs.statistics.generated == bfs.statistics.duplicates + bfs.statistics.stored - 1,
      "\(tag) BFS exhausted: generated \(bfs.statistics.generated) != duplicates + stored − 1: \(bfs.statistics)")
  }
  if let steps {
    if let (s, _) = checkGraphPath(bfs, in: graph, "\(tag) BFS") {
      check(s == steps, "\(tag) BFS: \(s) steps, fewest is \(steps)")
    }
  } else {
    check(bfs.outcome == .exhausted, "\(tag) BFS: expected .exhausted, got \(bfs.outcome)")
  }

  // A beam wider than the graph never prunes: it is BFS by layers.
  let wide = beamSearch(graph, heuristic: ZeroHeuristic<Int, Cost>(), width: graph.vertexCount + 1)
  if let steps {
    if let (s, _) = checkGraphPath(wide, in: graph, "\(tag) unpruned beam") {
      check(s == steps, "\(tag) unpruned beam: \(s) steps, fewest is \(steps)")
    }
  } else {
    // `.exhausted` is the right answer; see `beamSearchWithoutPruningReportsExhausted` for
    // the current `.stopped(.incomplete)`.
    check(!wide.isSolved, "\(tag) unpruned beam solved an unsolvable problem")
  }
  return reopenings
}

@Suite("Algorithms on random graphs", .shrinking(false))
struct RandomGraphAlgorithmTests {
  @Test("UCS, A*, bidirectional, weighted A*, greedy, beam and BFS against the oracles (Int costs)")
  func integerCosts() async {
    var reopenings = 0
    var solvable = 0
    var unsolvable = 0
    await propertyCheck(count: 60, input: Gen.uint64()) { seed in
      let graph = mainTestGraph(seed, Int.self)
      reopenings += checkAllAlgorithms(graph, seed: seed)
      if oracleDistances(graph.adjacency, from: graph.start)[graph.goal] == nil { unsolvable += 1 } else { solvable += 1 }
    }
    // The random graphs exercise both outcomes and the reopening code.
    #expect(solvable > 0)
    #expect(unsolvable > 0)
    #expect(reopenings > 0)
  }

  @Test("UCS, A*, bidirectional, weighted A*, greedy, beam and BFS against the oracles (Double costs)")
  func doubleCosts() async {
    var reopenings = 0
    await propertyCheck(count: 40, input: Gen.uint64()) { seed in
      reopenings += checkAllAlgorithms(mainTestGraph(seed, Double.self), seed: seed)
    }
    #expect(reopenings > 0)
  }

  @Test("Dense strongly connected graphs: every pair, every heuristic, bidirectional and A* agree with the oracle")
  func denseGraphs() async {
    await propertyCheck(count: 15, input: Gen.uint64()) { seed in
      // Larger out-degree and no dead ends: longer searches, more meetings in the middle.
      let graph = RandomGraphProblem<Int>.random(
        seed: seed, vertices: 40...60, degree: 3...6, maxCost: 20, allowZeroCost: true)
      _ = checkAllAlgorithms(graph, seed: seed)
    }
  }

  @Test("Tie-breaking settings do not change optimal costs")
  func tieBreaking() async {
    await propertyCheck(count: 25, input: Gen.uint64()) { seed in
      let graph = mainTestGraph(seed, Int.self)
      let optimum = oracleDistances(graph.adjacency, from: graph.start)[graph.goal]
      var rng = Xoshiro256StarStar(seed: seed)
      for kind in [HeuristicKind.zero, .landmarks, .inconsistent] {
        let hf = TableHeuristic(
          values: heuristicValues(kind, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng))
        let hb = TableHeuristic(
          values: heuristicValues(kind, adjacency: graph.reverse, reverse: graph.adjacency, target: graph.start, rng: &rng))
        for tie in allTieBreakings {
          let options = SearchOptions(tieBreaking: tie)
          let tag = "seed \(seed) h=\(kind) tie=\(tie.g)/\(tie.order)"
          checkOptimal(aStar(graph, heuristic: hf, options: options), optimum: optimum, in: graph, "\(tag) A*")
          checkOptimal(uniformCostSearch(graph, options: options), optimum: optimum, in: graph, "\(tag) UCS")
          checkOptimal(
            bidirectionalSearch(graph, forwardHeuristic: hf, backwardHeuristic: hb, options: options),
            optimum: optimum, in: graph, "\(tag) bidirectional")
        }
      }
    }
  }

  @Test("IDA* (copying) finds optimal costs on small cyclic graphs with positive Int costs")
  func idaStarIntegerCosts() async {
    await propertyCheck(count: 60, input: Gen.uint64()) { seed in
      let graph = RandomGraphProblem<Int>.random(
        seed: seed, vertices: 3...12, degree: 1...3, maxCost: 9, allowZeroCost: false)
      checkIDAStar(graph, seed: seed)
    }
  }

  @Test("IDA* (copying) finds optimal costs on small cyclic graphs with positive Double costs")
  func idaStarDoubleCosts() async {
    await propertyCheck(count: 30, input: Gen.uint64()) { seed in
      let graph = RandomGraphProblem<Double>.random(
        seed: seed, vertices: 3...10, degree: 1...3, maxCost: 9, allowZeroCost: false)
      checkIDAStar(graph, seed: seed)
    }
  }
}

/// IDA* with every heuristic on a small graph with positive costs. On a cyclic graph IDA*
/// (a tree search) never proves that an unreachable goal is unreachable, so those cases
/// only check that a limit stops it.
func checkIDAStar<Cost: GraphTestCost>(_ graph: RandomGraphProblem<Cost>, seed: UInt64) {
  let tag = "seed \(seed) (\(Cost.self), \(graph.vertexCount) vertices, \(graph.start)->\(graph.goal))"
  let optimum = oracleDistances(graph.adjacency, from: graph.start)[graph.goal]
  var rng = Xoshiro256StarStar(seed: seed ^ 0x1DA)
  for kind in HeuristicKind.allCases {
    let h = TableHeuristic(
      values: heuristicValues(kind, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng))
    let limits = SearchLimits(maxExpansions: optimum == nil ? 2_000 : 3_000_000)
    let r = idaStar(graph, heuristic: h, options: SearchOptions(limits: limits))
    if optimum == nil {
      switch r.outcome {
      case .exhausted, .stopped(.expansionLimit): break
      default: Issue.record("\(tag) IDA* h=\(kind): unreachable goal gave \(r.outcome)")
      }
    } else {
      checkOptimal(r, optimum: optimum, in: graph, "\(tag) IDA* h=\(kind)")
      check(r.statistics.iterations >= 1, "\(tag) IDA* h=\(kind): no iteration counted")
    }
  }
}

@Suite("Algorithm edge cases, limits and determinism", .shrinking(false))
struct AlgorithmEdgeCaseTests {
  /// A graph whose goal has no incoming edge (and is not the start).
  static func unreachableGoalGraph(seed: UInt64) -> RandomGraphProblem<Int> {
    let g = RandomGraphProblem<Int>.random(
      seed: seed, vertices: 10...40, degree: 1...4, maxCost: 9, allowZeroCost: true, allowStartIsGoal: false)
    let adjacency = g.adjacency.map { $0.filter { $0.to != g.goal } }
    return RandomGraphProblem(adjacency: adjacency, start: g.start, goal: g.goal)
  }

  @Test("Unreachable goal: BFS, UCS, A*, weighted A*, greedy and bidirectional report .exhausted")
  func unreachableGoal() {
    for seed in UInt64(1)...20 {
      let graph = Self.unreachableGoalGraph(seed: seed)
      var rng = Xoshiro256StarStar(seed: seed)
      #expect(breadthFirstSearch(graph).outcome == .exhausted, "seed \(seed)")
      #expect(uniformCostSearch(graph).outcome == .exhausted, "seed \(seed)")
      #expect(bidirectionalSearch(graph).outcome == .exhausted, "seed \(seed)")
      for kind in HeuristicKind.allCases {
        let h = TableHeuristic(
          values: heuristicValues(kind, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng))
        let hb = TableHeuristic(
          values: heuristicValues(kind, adjacency: graph.reverse, reverse: graph.adjacency, target: graph.start, rng: &rng))
        #expect(aStar(graph, heuristic: h).outcome == .exhausted, "seed \(seed) h=\(kind)")
        #expect(weightedAStar(graph, heuristic: h, weight: 2).outcome == .exhausted, "seed \(seed) h=\(kind)")
        #expect(greedyBestFirstSearch(graph, heuristic: h).outcome == .exhausted, "seed \(seed) h=\(kind)")
        #expect(
          bidirectionalSearch(graph, forwardHeuristic: h, backwardHeuristic: hb).outcome == .exhausted,
          "seed \(seed) h=\(kind)")
      }
    }
  }

  @Test("Unreachable goal in a finite acyclic space: IDA* reports .exhausted")
  func idaStarExhaustsDAG() {
    for seed in UInt64(1)...20 {
      // Edges only go from lower to higher vertex numbers; the goal 0 has no incoming edge.
      var rng = Xoshiro256StarStar(seed: seed)
      let n = 12
      var adjacency = [[GraphEdge<Int>]](repeating: [], count: n)
      for u in 0..<n - 1 {
        for v in Set((0..<3).map { _ in Int.random(in: (u + 1)..<n, using: &rng) }) {
          adjacency[u].append(GraphEdge(to: v, cost: Int.random(in: 1...5, using: &rng)))
        }
      }
      let graph = RandomGraphProblem(adjacency: adjacency, start: 1, goal: 0)
      let r = idaStar(graph, heuristic: ZeroHeuristic<Int, Int>())
      #expect(r.outcome == .exhausted, "seed \(seed)")
      // Reachable goal in the same DAG: optimal.
      let reachable = graph.with(start: 1, goal: n - 1)
      let optimum = oracleDistances(adjacency, from: 1)[n - 1]
      checkOptimal(idaStar(reachable, heuristic: ZeroHeuristic<Int, Int>()), optimum: optimum, in: reachable, "seed \(seed) IDA* DAG")
    }
  }

  @Test("A beam that never pruned and found no goal searched everything: .exhausted")
  func beamSearchWithoutPruningReportsExhausted() {
    // Bug: beamSearch returns .stopped(.incomplete) whenever the last layer is empty,
    // even when no candidate was ever pruned (then the search was complete).
    let graph = Self.unreachableGoalGraph(seed: 7)
    let r = beamSearch(graph, heuristic: ZeroHeuristic<Int, Int>(), width: graph.vertexCount + 1)
    #expect(r.outcome == .exhausted)
    // A beam that did prune may legitimately give up.
    let narrow = beamSearch(graph, heuristic: ZeroHeuristic<Int, Int>(), width: 1)
    #expect(narrow.outcome == .stopped(.incomplete) || narrow.outcome == .exhausted)
  }

  @Test("beamSearch accepts an unbounded width (Int.max)")
  func beamSearchUnboundedWidth() async {
    // Bug: beamSearch reserves `width * 8` candidates, which overflows (a trap) for
    // widths above Int.max / 8, e.g. `.max` meaning "never prune".
    await #expect(processExitsWith: .success) {
      let adjacency: [[GraphEdge<Int>]] = [[GraphEdge(to: 1, cost: 1)], [GraphEdge(to: 2, cost: 1)], []]
      let graph = RandomGraphProblem(adjacency: adjacency, start: 0, goal: 2)
      let r = beamSearch(graph, heuristic: ZeroHeuristic<Int, Int>(), width: .max)
      precondition(r.cost == 2)
    }
  }

  @Test("Start is the goal: every algorithm returns the one-state path at cost 0")
  func startIsGoal() {
    let g = RandomGraphProblem<Int>.random(seed: 3, vertices: 10...10, degree: 2...3, maxCost: 5, allowZeroCost: false)
    let graph = g.with(start: 4, goal: 4)
    let h = ZeroHeuristic<Int, Int>()
    let results: [(String, SearchResult<Int, Int>)] = [
      ("BFS", breadthFirstSearch(graph)),
      ("UCS", uniformCostSearch(graph)),
      ("A*", aStar(graph, heuristic: h)),
      ("weighted A*", weightedAStar(graph, heuristic: h, weight: 2)),
      ("greedy", greedyBestFirstSearch(graph, heuristic: h)),
      ("beam", beamSearch(graph, heuristic: h, width: 2)),
      ("IDA*", idaStar(graph, heuristic: h)),
      ("bidirectional", bidirectionalSearch(graph)),
    ]
    for (name, r) in results {
      #expect(r.outcome == .solved(path: [4], cost: 0), "\(name)")
      #expect(r.statistics.expanded == 0, "\(name)")
    }
  }

  static let limitedAlgorithms = ["BFS", "UCS", "A*", "weighted A*", "greedy", "beam", "IDA*", "bidirectional"]

  static func run(_ name: String, options: SearchOptions) -> SearchResult<Int, Int> {
    let p = EndlessTree()
    let h = ZeroHeuristic<Int, Int>()
    switch name {
    case "BFS": return breadthFirstSearch(p, options: options)
    case "UCS": return uniformCostSearch(p, options: options)
    case "A*": return aStar(p, heuristic: h, options: options)
    case "weighted A*": return weightedAStar(p, heuristic: h, weight: 2, options: options)
    case "greedy": return greedyBestFirstSearch(p, heuristic: h, options: options)
    case "beam": return beamSearch(p, heuristic: h, width: 1000, options: options)
    case "IDA*": return idaStar(p, heuristic: h, options: options)
    case "bidirectional": return bidirectionalSearch(p, options: options)
    default: fatalError(name)
    }
  }

  @Test("maxExpansions = 10 stops with .expansionLimit after exactly 10 expansions", arguments: limitedAlgorithms)
  func expansionLimit(algorithm: String) {
    let r = Self.run(algorithm, options: SearchOptions(limits: SearchLimits(maxExpansions: 10)))
    #expect(r.outcome == .stopped(.expansionLimit))
    #expect(r.statistics.expanded == 10)
  }

  @Test("A zero time budget stops with .timeLimit at the first clock check", arguments: limitedAlgorithms)
  func zeroTimeLimit(algorithm: String) {
    let r = Self.run(algorithm, options: SearchOptions(limits: SearchLimits(maxDuration: .zero, checkInterval: 8)))
    #expect(r.outcome == .stopped(.timeLimit))
    #expect(r.statistics.expanded <= 8)
  }

  @Test("A tiny time budget eventually stops an endless search with .timeLimit", arguments: limitedAlgorithms)
  func tinyTimeLimit(algorithm: String) {
    let r = Self.run(
      algorithm, options: SearchOptions(limits: SearchLimits(maxDuration: .milliseconds(5), checkInterval: 64)))
    #expect(r.outcome == .stopped(.timeLimit))
    #expect(r.statistics.expanded > 0)
  }

  @Test(
    "A memory budget smaller than the workspace stops with .memoryLimit",
    arguments: limitedAlgorithms.filter { $0 != "IDA*" })
  func memoryLimit(algorithm: String) {
    let r = Self.run(algorithm, options: SearchOptions(limits: SearchLimits(maxMemoryBytes: 1, checkInterval: 4)))
    #expect(r.outcome == .stopped(.memoryLimit))
  }

  @Test("Two runs give identical outcomes and statistics (except wall-clock time)")
  func determinism() async {
    await propertyCheck(count: 10, input: Gen.uint64()) { seed in
      let graph = mainTestGraph(seed, Int.self)
      var rng = Xoshiro256StarStar(seed: seed)
      let h = TableHeuristic(
        values: heuristicValues(.inconsistent, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng))
      let hb = TableHeuristic(
        values: heuristicValues(.landmarks, adjacency: graph.reverse, reverse: graph.adjacency, target: graph.start, rng: &rng))
      let runs: [(String, () -> SearchResult<Int, Int>)] = [
        ("BFS", { breadthFirstSearch(graph) }),
        ("UCS", { uniformCostSearch(graph) }),
        ("A*", { aStar(graph, heuristic: h) }),
        ("weighted A*", { weightedAStar(graph, heuristic: h, weight: 2) }),
        ("greedy", { greedyBestFirstSearch(graph, heuristic: h) }),
        ("beam", { beamSearch(graph, heuristic: h, width: 3) }),
        ("bidirectional", { bidirectionalSearch(graph, forwardHeuristic: h, backwardHeuristic: hb) }),
        ("IDA*", {
          idaStar(graph, heuristic: h, options: SearchOptions(limits: SearchLimits(maxExpansions: 5_000)))
        }),
      ]
      for (name, run) in runs {
        let a = run()
        let b = run()
        check(a.outcome == b.outcome, "seed \(seed) \(name): outcomes differ: \(a.outcome) vs \(b.outcome)")
        check(
          withoutTiming(a.statistics) == withoutTiming(b.statistics),
          "seed \(seed) \(name): statistics differ: \(a.statistics) vs \(b.statistics)")
      }
    }
  }

  @Test("A reused workspace gives the same results as fresh searches")
  func workspaceReuse() {
    let graph = RandomGraphProblem<Int>.random(
      seed: 11, vertices: 60...60, degree: 1...4, maxCost: 9, allowZeroCost: true)
    var ws = SearchWorkspace(for: graph, capacity: 4)
    var rng = Xoshiro256StarStar(seed: 11)
    for _ in 0..<20 {
      let p = graph.with(start: Int.random(in: 0..<60, using: &rng), goal: Int.random(in: 0..<60, using: &rng))
      let h = TableHeuristic(
        values: heuristicValues(.half, adjacency: p.adjacency, reverse: p.reverse, target: p.goal, rng: &rng))
      let fresh = aStar(p, heuristic: h)
      let reused = bestFirstSearch(p, heuristic: h, rule: AStarPriority(), workspace: &ws)
      #expect(fresh.outcome == reused.outcome)
      #expect(fresh.statistics.expanded == reused.statistics.expanded)
      #expect(fresh.statistics.generated == reused.statistics.generated)
      #expect(fresh.statistics.stored == reused.statistics.stored)
      let freshBFS = breadthFirstSearch(p)
      let reusedBFS = breadthFirstSearch(p, workspace: &ws)
      #expect(freshBFS.outcome == reusedBFS.outcome)
      #expect(freshBFS.statistics.expanded == reusedBFS.statistics.expanded)
    }
  }

  @Test("Copying IDA* counts iterations, expansions and generations as documented")
  func idaStarCounting() {
    // A directed chain 0 -> 1 -> … -> k with unit costs and h = 0: the bound runs 0, 1, …, k;
    // iteration with bound b < k expands depths 0…b and generates one child at each; the
    // last expands depths 0…k−1 and finds the goal when it is generated.
    let k = 6
    let adjacency = (0...k).map { v in v < k ? [GraphEdge(to: v + 1, cost: 1)] : [] }
    let graph = RandomGraphProblem(adjacency: adjacency, start: 0, goal: k)
    let r = idaStar(graph, heuristic: ZeroHeuristic<Int, Int>())
    #expect(r.outcome == .solved(path: Array(0...k), cost: k))
    #expect(r.statistics.iterations == k + 1)
    let expected = k * (k + 1) / 2 + k
    #expect(r.statistics.expanded == expected)
    #expect(r.statistics.generated == expected)
  }

  @Test("The open-list entry orders by f, then the g preference, then insertion order")
  func openEntryOrdering() {
    let larger = TieBreaking(g: .preferLarger, order: .lifo)
    let a = OpenEntry<Int>.make(priority: 10, g: 7, node: 1, tie: larger)
    let b = OpenEntry<Int>.make(priority: 10, g: 3, node: 2, tie: larger)
    let c = OpenEntry<Int>.make(priority: 9, g: 0, node: 3, tie: larger)
    #expect(c < a && c < b)
    #expect(a < b)  // larger g first
    let smaller = TieBreaking(g: .preferSmaller, order: .fifo)
    #expect(OpenEntry<Int>.make(priority: 10, g: 3, node: 2, tie: smaller) < .make(priority: 10, g: 7, node: 1, tie: smaller))
    let lifo = TieBreaking(g: .none, order: .lifo)
    #expect(OpenEntry<Int>.make(priority: 5, g: 1, node: 9, tie: lifo) < .make(priority: 5, g: 2, node: 4, tie: lifo))
    let fifo = TieBreaking(g: .none, order: .fifo)
    #expect(OpenEntry<Int>.make(priority: 5, g: 1, node: 4, tie: fifo) < .make(priority: 5, g: 2, node: 9, tie: fifo))
  }

  @Test("Weighted A* tolerates an 'infinite' Int heuristic (dead ends) with a large weight")
  func weightedAStarWithInfiniteHeuristic() async {
    // Bug: Int.scaled(by:) converts Double(Int.infinity) * weight back to Int, which traps
    // once weight ≥ 4 (Double(Int.max / 4) * 4 == 2^63). A heuristic that returns
    // `.infinity` for dead ends is natural with SearchCost.infinity.
    await #expect(processExitsWith: .success) {
      let adjacency: [[GraphEdge<Int>]] = [[GraphEdge(to: 1, cost: 1), GraphEdge(to: 2, cost: 1)], [], []]
      let graph = RandomGraphProblem(adjacency: adjacency, start: 0, goal: 2)
      let h = TableHeuristic<Int>(values: [1, .infinity, 0])
      let r = weightedAStar(graph, heuristic: h, weight: 5)
      precondition(r.cost == 1)
    }
  }
}

@Suite("State tables inside the algorithms", .shrinking(false))
struct TableEquivalenceTests {
  /// A vertex usable with the dense and packed tables.
  struct Vertex: DenseState, PackedState, Sendable {
    var id: Int
    var denseIndex: Int { id }
    var packedKey: UInt64 { UInt64(id) &* 0x0123_4567_89AB_CDEF }  // odd multiplier: a bijection
  }

  struct DenseGraph: SearchProblem, Sendable {
    typealias State = Vertex
    typealias Table = DenseStateTable<Vertex>
    var base: RandomGraphProblem<Int>
    var start: Vertex { Vertex(id: base.start) }
    func isGoal(_ s: Vertex) -> Bool { base.isGoal(s.id) }
    func expand(_ s: Vertex, into successors: inout Successors<Vertex, Int>) {
      for e in base.adjacency[s.id] { successors.append(Vertex(id: e.to), cost: e.cost) }
    }
    func makeStateTable(capacity: Int) -> DenseStateTable<Vertex> { DenseStateTable(size: base.vertexCount) }
  }

  struct PackedGraph: SearchProblem, Sendable {
    typealias State = Vertex
    typealias Table = PackedStateTable<Vertex>
    var base: RandomGraphProblem<Int>
    var start: Vertex { Vertex(id: base.start) }
    func isGoal(_ s: Vertex) -> Bool { base.isGoal(s.id) }
    func expand(_ s: Vertex, into successors: inout Successors<Vertex, Int>) {
      for e in base.adjacency[s.id] { successors.append(Vertex(id: e.to), cost: e.cost) }
    }
    func makeStateTable(capacity: Int) -> PackedStateTable<Vertex> { PackedStateTable(capacity: capacity) }
  }

  struct VertexHeuristic: Heuristic, Sendable {
    var table: TableHeuristic<Int>
    func estimate(_ s: Vertex) -> Int { table.estimate(s.id) }
  }

  static func same(_ a: SearchResult<Int, Int>, _ b: SearchResult<Vertex, Int>) -> Bool {
    let mapped: SearchOutcome<Int, Int>
    switch b.outcome {
    case .solved(let path, let cost): mapped = .solved(path: path.map(\.id), cost: cost)
    case .exhausted: mapped = .exhausted
    case .stopped(let r): mapped = .stopped(r)
    }
    var sa = withoutTiming(a.statistics)
    var sb = withoutTiming(b.statistics)
    sa.peakBytes = 0
    sb.peakBytes = 0
    return a.outcome == mapped && sa == sb
  }

  @Test("A*, BFS and UCS behave identically with the hashed, dense and packed tables")
  func tablesAreInterchangeable() async {
    await propertyCheck(count: 20, input: Gen.uint64()) { seed in
      let graph = mainTestGraph(seed, Int.self)
      var rng = Xoshiro256StarStar(seed: seed)
      let h = TableHeuristic(
        values: heuristicValues(.inconsistent, adjacency: graph.adjacency, reverse: graph.reverse, target: graph.goal, rng: &rng))
      let dense = DenseGraph(base: graph)
      let packed = PackedGraph(base: graph)
      // A tiny initial capacity makes the packed table grow during the search.
      let small = SearchOptions(initialCapacity: 1)
      let a = aStar(graph, heuristic: h, options: small)
      check(Self.same(a, aStar(dense, heuristic: VertexHeuristic(table: h), options: small)), "seed \(seed): A* dense")
      check(Self.same(a, aStar(packed, heuristic: VertexHeuristic(table: h), options: small)), "seed \(seed): A* packed")
      let b = breadthFirstSearch(graph, options: small)
      check(Self.same(b, breadthFirstSearch(dense, options: small)), "seed \(seed): BFS dense")
      check(Self.same(b, breadthFirstSearch(packed, options: small)), "seed \(seed): BFS packed")
      let u = uniformCostSearch(graph, options: small)
      check(Self.same(u, uniformCostSearch(dense, options: small)), "seed \(seed): UCS dense")
      check(Self.same(u, uniformCostSearch(packed, options: small)), "seed \(seed): UCS packed")
    }
  }
}
