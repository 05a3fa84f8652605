public import FrontierCore
public import FrontierStateSearch

/// Search configurations over the shared state-space engine.
public enum PlannerSearch: String, Sendable, Hashable, CaseIterable {
  /// The default: lazy greedy best-first search with h_FF (unit costs) and preferred
  /// operators, boost 1000: Fast Downward's `lama-first` without the landmark heuristic.
  case satisficing
  /// LAMA's first iteration (Fast Downward's `lama-first`): lazy greedy best-first search
  /// alternating between h_FF and the landmark-count heuristic (both unit-cost), each with a
  /// preferred-operator list, boost 1000 (Richter & Westphal, JAIR 2010).
  case lama
  /// A* with LM-cut; optimal (same as `astar-lmcut`).
  case optimal
  /// Eager greedy best-first search with h_FF and preferred operators (dual queue), as
  /// Fast Downward's `eager_greedy([ff()], preferred=[ff()])`.
  case gbfsFF = "gbfs-ff"
  /// Lazy greedy best-first search with h_FF and preferred operators, as Fast Downward's
  /// `lazy_greedy([ff()], preferred=[ff()])` (action costs kept).
  case lazyGbfsFF = "lazy-gbfs-ff"
  /// A* with LM-cut; optimal.
  case astarLMCut = "astar-lmcut"
  /// A* with h_max; optimal.
  case astarHmax = "astar-hmax"
  /// A* with the blind heuristic (uniform-cost search in effect); optimal.
  case astarBlind = "astar-blind"
  /// Weighted A* with h_FF (weight from the configuration), no reopening; satisficing.
  case wastarFF = "wastar-ff"
  /// Weighted A* with h_add; satisficing.
  case wastarHadd = "wastar-hadd"
  /// Greedy best-first search with h_add, no preferred operators; satisficing.
  case gbfsHadd = "gbfs-hadd"
  /// Greedy best-first search with goal count; satisficing.
  case gbfsGoalCount = "gbfs-goalcount"
  /// Breadth-first search; optimal for unit costs only.
  case bfs

  /// Whether the configuration guarantees optimal plans.
  public var isOptimal: Bool { [.optimal, .astarLMCut, .astarHmax, .astarBlind].contains(self) }
}

/// How to plan.
public struct PlannerConfiguration: Sendable, Hashable {
  public var search: PlannerSearch
  public var weight: Double
  public var options: SearchOptions
  public init(search: PlannerSearch = .satisficing, weight: Double = 2, options: SearchOptions = .init()) {
    self.search = search
    self.weight = weight
    self.options = options
  }
}

/// What planning produced.
public enum PlanOutcome: Sendable, Hashable {
  case solved
  /// No plan exists (relaxed reachability or an exhausted complete search proved it).
  case unsolvable
  case stopped(StopReason)
}

/// A plan (action ids of the ground task) with the search's statistics.
public struct PlanResult: Sendable {
  public var outcome: PlanOutcome
  public var plan: [Int32]?
  public var cost: Int?
  public var statistics: SearchStatistics
  /// The heuristic value of the initial state (nil for breadth-first search).
  public var initialHeuristic: Int?
}

/// Runs a configuration on a ground task, choosing the state representation by size.
public enum Planner {
  public static func solve(_ task: GroundTask, configuration: PlannerConfiguration = .init()) -> PlanResult {
    if task.goalUnreachable {
      return PlanResult(outcome: .unsolvable, plan: nil, cost: nil, statistics: SearchStatistics(), initialHeuristic: nil)
    }
    switch task.wordCount {
    case 1: return run(PlanningProblem<SmallPlanningState>(task), configuration)
    case 2...4: return run(PlanningProblem<MediumPlanningState>(task), configuration)
    default: return run(PlanningProblem<WidePlanningState>(task), configuration)
    }
  }

  static func run<S: PlanningState>(_ p: PlanningProblem<S>, _ c: PlannerConfiguration) -> PlanResult {
    let task = p.task
    let o = c.options
    var hInit: Int? = nil
    let result: SearchResult<S, Int>
    var preferredOptions = PreferredSearchOptions(limits: o.limits, initialCapacity: o.initialCapacity)
    switch c.search {
    case .satisficing:
      let h = FFHeuristic<S>(task, unitCosts: true)
      hInit = h.estimate(p.start)
      result = lazyGreedySearch(p, heuristic: h, options: preferredOptions)
    case .lama:
      let ff = FFHeuristic<S>(task, unitCosts: true)
      let lm = LandmarkCountHeuristic<S>(task)
      hInit = ff.estimate(p.start)
      result = lazyGreedySearch(p, heuristics: LamaHeuristics(ff: ff, landmarks: lm), options: preferredOptions)
    case .lazyGbfsFF:
      let h = FFHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = lazyGreedySearch(p, heuristic: h, options: preferredOptions)
    case .gbfsFF:
      let h = FFHeuristic<S>(task)
      hInit = h.estimate(p.start)
      preferredOptions.boost = 0
      result = eagerGreedySearch(p, heuristic: h, options: preferredOptions)
    case .optimal, .astarLMCut:
      let h = LMCutHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = aStar(p, heuristic: h, options: o)
    case .astarBlind:
      let h = BlindHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = aStar(p, heuristic: h, options: o)
    case .astarHmax:
      let h = MaxHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = aStar(p, heuristic: h, options: o)
    case .gbfsHadd:
      let h = AdditiveHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = greedyBestFirstSearch(p, heuristic: h, options: o)
    case .gbfsGoalCount:
      let h = GoalCountHeuristic<S>(task)
      hInit = h.estimate(p.start)
      result = greedyBestFirstSearch(p, heuristic: h, options: o)
    case .wastarHadd:
      let h = AdditiveHeuristic<S>(task)
      hInit = h.estimate(p.start)
      var wo = o
      wo.reopenClosed = false
      result = weightedAStar(p, heuristic: h, weight: c.weight, options: wo)
    case .wastarFF:
      let h = FFHeuristic<S>(task)
      hInit = h.estimate(p.start)
      var wo = o
      wo.reopenClosed = false
      result = weightedAStar(p, heuristic: h, weight: c.weight, options: wo)
    case .bfs:
      result = breadthFirstSearch(p, options: o)
    }
    switch result.outcome {
    case .solved(let path, _):
      guard let plan = p.plan(along: path) else {
        preconditionFailure("plan extraction failed: a step of the path has no action")
      }
      return PlanResult(outcome: .solved, plan: plan, cost: task.cost(of: plan), statistics: result.statistics, initialHeuristic: hInit)
    case .exhausted:
      return PlanResult(outcome: .unsolvable, plan: nil, cost: nil, statistics: result.statistics, initialHeuristic: hInit)
    case .stopped(let r):
      return PlanResult(outcome: .stopped(r), plan: nil, cost: nil, statistics: result.statistics, initialHeuristic: hInit)
    }
  }

  /// Heuristic values of the initial state: (h_max, h_add, h_FF, goal count, blind, LM-cut).
  public static func initialHeuristics(_ task: GroundTask) -> (hmax: Int, hadd: Int, hff: Int, goalCount: Int, blind: Int, lmcut: Int) {
    func go<S: PlanningState>(_ p: PlanningProblem<S>) -> (Int, Int, Int, Int, Int, Int) {
      (MaxHeuristic<S>(task).estimate(p.start), AdditiveHeuristic<S>(task).estimate(p.start),
       FFHeuristic<S>(task).estimate(p.start),
       GoalCountHeuristic<S>(task).estimate(p.start), BlindHeuristic<S>(task).estimate(p.start),
       LMCutHeuristic<S>(task).estimate(p.start))
    }
    switch task.wordCount {
    case 1: return go(PlanningProblem<SmallPlanningState>(task))
    case 2...4: return go(PlanningProblem<MediumPlanningState>(task))
    default: return go(PlanningProblem<WidePlanningState>(task))
    }
  }
}
