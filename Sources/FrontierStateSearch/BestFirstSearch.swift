public import FrontierCore

/// The reusable memory of a graph search: node arena, open list, state table, closed
/// flags and the successor buffer.
///
/// Keep one workspace and pass it to many searches on the same kind of problem (for
/// example thousands of queries on one grid map): its storage is reset, not freed, so
/// later searches allocate nothing.
public struct SearchWorkspace<P: SearchProblem> {
  public typealias State = P.State
  public typealias Cost = P.Cost
  @usableFromInline internal var arena: NodeArena<State, Cost>
  @usableFromInline internal var open: BinaryHeap<OpenEntry<Cost>>
  @usableFromInline internal var table: P.Table
  @usableFromInline internal var closed: ContiguousArray<Bool>
  @usableFromInline internal var successors: Successors<State, Cost>

  /// A workspace sized for `problem`.
  @inlinable public init(for problem: P, capacity: Int = 1 << 12) {
    arena = NodeArena(capacity: capacity)
    open = BinaryHeap(minimumCapacity: capacity)
    table = problem.makeStateTable(capacity: capacity)
    closed = []
    closed.reserveCapacity(capacity)
    successors = Successors(capacity: 16)
  }

  @inlinable internal mutating func reset() {
    arena.removeAll()
    open.removeAll()
    table.reset()
    closed.removeAll(keepingCapacity: true)
    successors.removeAll()
  }

  @inlinable internal func finish(
    _ outcome: SearchOutcome<State, Cost>, _ stats: SearchStatistics, _ watch: LimitWatch
  ) -> SearchResult<State, Cost> {
    var s = stats
    s.stored = arena.count
    s.duration = watch.elapsed
    s.peakBytes = bytesUsed
    return SearchResult(outcome: outcome, statistics: s)
  }

  @inlinable internal var bytesUsed: Int {
    arena.bytesUsed + open.capacity * MemoryLayout<OpenEntry<Cost>>.stride + table.bytesUsed
      + closed.capacity
  }

  /// Bytes held and the growth pending, for memory limits.
  @inlinable internal var memoryFootprint: MemoryFootprint {
    arena.memoryFootprint + open.memoryFootprint + table.memoryFootprint
      + .doublingBuffer(count: closed.count, capacity: closed.capacity, stride: 1)
  }
}

extension SearchWorkspace: Sendable where P.State: Sendable, P.Table: Sendable {}

/// Generic best-first graph search: A*, weighted A*, greedy best-first and uniform-cost
/// search are this one loop with a different ``PriorityRule``.
///
/// Duplicate states are detected through the problem's state table; a state reached by a
/// cheaper path is updated and pushed again (lazy deletion: stale open-list entries are
/// skipped when popped). The goal test happens at expansion, so with an admissible
/// heuristic and ``SearchOptions/reopenClosed`` the returned path is optimal.
///
/// - Complexity: O(E log V) heap work for E generated and V distinct states.
@inlinable
public func bestFirstSearch<P: SearchProblem, H: Heuristic, R: PriorityRule>(
  _ problem: P, heuristic: H, rule: R, options: SearchOptions = .init(),
  workspace: inout SearchWorkspace<P>
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  workspace.reset()
  var stats = SearchStatistics()
  stats.iterations = 1
  stats.peakOpen = 1
  var watch = LimitWatch(options.limits)
  let tie = options.tieBreaking
  let start = problem.start
  let h0 = heuristic.estimate(start)
  let root = workspace.arena.append(start, g: .zero, h: h0, parent: -1)
  _ = workspace.table.findOrInsert(start, node: root)
  workspace.closed.append(false)
  workspace.open.push(.make(priority: rule.priority(g: .zero, h: h0), g: .zero, node: root, tie: tie))

  while let entry = workspace.open.popMin() {
    let n = entry.node
    if workspace.closed[Int(n)] { continue }
    workspace.closed[Int(n)] = true
    let state = workspace.arena.state(n)
    let g = workspace.arena.g(n)
    if problem.isGoal(state) {
      return workspace.finish(.solved(path: workspace.arena.path(to: n), cost: g), stats, watch)
    }
    if let reason = watch.check(expanded: stats.expanded, memory: workspace.memoryFootprint) {
      return workspace.finish(.stopped(reason), stats, watch)
    }
    stats.expanded &+= 1
    workspace.successors.removeAll()
    problem.expand(state, into: &workspace.successors)
    let count = workspace.successors.count
    stats.generated &+= count
    for i in 0..<count {
      let s = workspace.successors.state(at: i)
      let g2 = g + workspace.successors.cost(at: i)
      let next = Int32(truncatingIfNeeded: workspace.arena.count)
      let existing = workspace.table.findOrInsert(s, node: next)
      if existing < 0 {
        let h = heuristic.estimate(s)
        let id = workspace.arena.append(s, g: g2, h: h, parent: n)
        workspace.closed.append(false)
        workspace.open.push(.make(priority: rule.priority(g: g2, h: h), g: g2, node: id, tie: tie))
      } else if g2 < workspace.arena.g(existing) {
        let wasClosed = workspace.closed[Int(existing)]
        if wasClosed && !options.reopenClosed {
          stats.duplicates &+= 1
          continue
        }
        if wasClosed {
          stats.reopened &+= 1
          workspace.closed[Int(existing)] = false
        }
        workspace.arena.improve(existing, g: g2, parent: n)
        let h = workspace.arena.h(existing)
        workspace.open.push(
          .make(priority: rule.priority(g: g2, h: h), g: g2, node: existing, tie: tie))
      } else {
        stats.duplicates &+= 1
      }
    }
    if workspace.open.count > stats.peakOpen { stats.peakOpen = workspace.open.count }
  }
  return workspace.finish(.exhausted, stats, watch)
}

/// A* search (Hart, Nilsson & Raphael, "A formal basis for the heuristic determination
/// of minimum cost paths", IEEE TSSC 1968): expands nodes in order of `f = g + h`.
/// Optimal with an admissible heuristic (reopening closed nodes when it is inconsistent).
///
/// ```swift
/// let result = aStar(puzzle, heuristic: ManhattanDistance(puzzle))
/// ```
/// - Complexity: O(E log V) for E generated and V distinct states; with a consistent
///   heuristic no state is expanded twice.
@inlinable
public func aStar<P: SearchProblem, H: Heuristic>(
  _ problem: P, heuristic: H, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  return bestFirstSearch(problem, heuristic: heuristic, rule: AStarPriority(), options: options, workspace: &ws)
}

/// Weighted A* (Pohl, "Heuristic search viewed as path finding in a graph", AIJ 1970):
/// `f = g + w·h`. With an admissible heuristic the solution costs at most `w` times the
/// optimum.
@inlinable
public func weightedAStar<P: SearchProblem, H: Heuristic>(
  _ problem: P, heuristic: H, weight: Double, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  return bestFirstSearch(
    problem, heuristic: heuristic, rule: WeightedAStarPriority(weight: weight), options: options,
    workspace: &ws)
}

/// Greedy best-first search (Doran & Michie 1966): expands the node with the smallest `h`.
/// Fast, not optimal; closed nodes are not reopened.
@inlinable
public func greedyBestFirstSearch<P: SearchProblem, H: Heuristic>(
  _ problem: P, heuristic: H, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  var o = options
  o.reopenClosed = false
  return bestFirstSearch(problem, heuristic: heuristic, rule: GreedyPriority(), options: o, workspace: &ws)
}

/// Uniform-cost search, i.e. Dijkstra's algorithm (Dijkstra 1959) from the start state,
/// stopping at the first goal expanded. Optimal for non-negative step costs.
@inlinable
public func uniformCostSearch<P: SearchProblem>(
  _ problem: P, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> {
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  return bestFirstSearch(
    problem, heuristic: ZeroHeuristic<P.State, P.Cost>(), rule: UniformCostPriority(),
    options: options, workspace: &ws)
}
