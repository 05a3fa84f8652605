public import FrontierCore

/// A problem whose moves are applied to and undone on one mutable state, so depth-first
/// search never copies states — the layout of the fastest IDA* implementations.
///
/// Conforming types get ``SearchProblem/expand(_:into:)`` for free (copy, apply,
/// append), so the same domain also runs under A*, BFS and the others.
public protocol ReversibleSearchProblem<State, Cost>: SearchProblem {
  /// A move, applicable to the state it was generated for.
  associatedtype Move
  /// Candidate moves per state are numbered `0..<moveSlots` (an upper bound).
  var moveSlots: Int { get }
  /// The number of candidate slots worth trying in `state` (at most ``moveSlots``);
  /// slots beyond it are never applicable. Defaults to ``moveSlots``.
  func moveSlotCount(in state: State) -> Int
  /// The move in `slot`, if it applies to `state` and does not undo `previous`.
  func move(_ slot: Int, in state: State, after previous: Move?) -> Move?
  /// The cost of `move` in `state`.
  func cost(of move: Move, in state: State) -> Cost
  /// Applies `move` to `state`.
  func apply(_ move: Move, to state: inout State)
  /// Undoes `move`, which was the last move applied to `state`.
  func undo(_ move: Move, on state: inout State)
}

extension ReversibleSearchProblem {
  @inlinable public func moveSlotCount(in state: State) -> Int { moveSlots }

  @inlinable
  public func expand(_ state: State, into successors: inout Successors<State, Cost>) {
    for slot in 0..<moveSlots {
      guard let m = move(slot, in: state, after: nil) else { continue }
      var s = state
      apply(m, to: &s)
      successors.append(s, cost: cost(of: m, in: state))
    }
  }
}

/// A heuristic that updates its estimate from one move, instead of recomputing it
/// (incremental Manhattan distance, one pattern-database lookup per move, …).
public protocol IncrementalHeuristic<State, Cost>: Heuristic {
  associatedtype Move
  /// The estimate for the state reached from `state` by `move`, knowing that `state`'s
  /// estimate is `estimate`.
  func estimate(after move: Move, from state: State, estimate: Cost) -> Cost
}

/// IDA* (Korf, "Depth-first iterative-deepening: an optimal admissible tree search",
/// AIJ 27, 1985): depth-first searches bounded by `f = g + h`, the bound raised to the
/// smallest `f` that exceeded it. Optimal with an admissible heuristic, memory linear in
/// the solution depth. This version copies states into a successor buffer per depth and
/// prunes the move back to the parent state; problems that conform to
/// ``ReversibleSearchProblem`` with an ``IncrementalHeuristic`` get the in-place overload.
///
/// - Complexity: O(b^d) time in the worst case, O(d·b) memory.
@inlinable
public func idaStar<P: SearchProblem, H: Heuristic>(
  _ problem: P, heuristic: H, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  var engine = _CopyingIDAStar(problem: problem, heuristic: heuristic, limits: options.limits)
  return engine.run()
}

@usableFromInline
internal struct _CopyingIDAStar<P: SearchProblem, H: Heuristic>
where H.State == P.State, H.Cost == P.Cost {
  @usableFromInline let problem: P
  @usableFromInline let heuristic: H
  @usableFromInline var watch: LimitWatch
  @usableFromInline var stats = SearchStatistics()
  @usableFromInline var buffers: [Successors<P.State, P.Cost>] = []
  @usableFromInline var path: [P.State] = []
  @usableFromInline var bound: P.Cost = .zero
  @usableFromInline var nextBound: P.Cost = .infinity
  @usableFromInline var stop: StopReason? = nil
  @usableFromInline var solutionCost: P.Cost = .zero

  @inlinable init(problem: P, heuristic: H, limits: SearchLimits) {
    self.problem = problem
    self.heuristic = heuristic
    self.watch = LimitWatch(limits)
  }

  @inlinable mutating func run() -> SearchResult<P.State, P.Cost> {
    let start = problem.start
    path = [start]
    bound = heuristic.estimate(start)
    while true {
      stats.iterations += 1
      nextBound = .infinity
      if problem.isGoal(start) { return finish(.solved(path: path, cost: .zero)) }
      if dfs(depth: 0, g: .zero) { return finish(.solved(path: path, cost: solutionCost)) }
      if let r = stop { return finish(.stopped(r)) }
      if nextBound == .infinity { return finish(.exhausted) }
      bound = nextBound
    }
  }

  @inlinable func finish(_ o: SearchOutcome<P.State, P.Cost>) -> SearchResult<P.State, P.Cost> {
    var s = stats
    s.duration = watch.elapsed
    s.stored = path.count
    return SearchResult(outcome: o, statistics: s)
  }

  /// Expands `path.last` at `depth`; returns true when a goal was found (path holds it).
  @inlinable mutating func dfs(depth: Int, g: P.Cost) -> Bool {
    if let r = watch.check(expanded: stats.expanded, bytes: 0) {
      stop = r
      return false
    }
    stats.expanded &+= 1
    if buffers.count <= depth { buffers.append(Successors(capacity: 8)) }
    buffers[depth].removeAll()
    let state = path[depth]
    problem.expand(state, into: &buffers[depth])
    let count = buffers[depth].count
    for i in 0..<count {
      let child = buffers[depth].state(at: i)
      if depth > 0 && child == path[depth - 1] { continue }
      stats.generated &+= 1
      let g2 = g + buffers[depth].cost(at: i)
      let f = g2 + heuristic.estimate(child)
      if f > bound {
        if f < nextBound { nextBound = f }
        continue
      }
      path.append(child)
      if problem.isGoal(child) {
        solutionCost = g2
        return true
      }
      if dfs(depth: depth + 1, g: g2) { return true }
      path.removeLast()
      if stop != nil { return false }
    }
    return false
  }
}

/// IDA* on one mutable state: moves are applied and undone, the heuristic is updated
/// incrementally, and nothing is allocated or copied per node. This is the layout of
/// Korf's original implementation and of fast C solvers; with the sliding-tile domain and
/// incremental Manhattan distance it is the engine of `frontier solve sliding-tile`.
///
/// The heuristic must be zero at goal states (every admissible heuristic is): the goal
/// test runs only where `h = 0`, as in Korf's implementation.
///
/// Counting: `generated` counts children after the inverse of the previous move is
/// excluded, `expanded` counts nodes whose children were generated; a goal is not
/// expanded. The search stops at the first goal of the final iteration.
///
/// - Complexity: O(b^d) time in the worst case, O(d) memory.
@inlinable
public func idaStar<P: ReversibleSearchProblem, H: IncrementalHeuristic>(
  _ problem: P, heuristic: H, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost>
where H.State == P.State, H.Cost == P.Cost, H.Move == P.Move {
  var engine = _InPlaceIDAStar(problem: problem, heuristic: heuristic, limits: options.limits)
  return engine.run()
}

@usableFromInline
internal struct _InPlaceIDAStar<P: ReversibleSearchProblem, H: IncrementalHeuristic>
where H.State == P.State, H.Cost == P.Cost, H.Move == P.Move {
  @usableFromInline let problem: P
  @usableFromInline let heuristic: H
  @usableFromInline let slots: Int
  @usableFromInline var watch: LimitWatch
  @usableFromInline var state: P.State
  @usableFromInline var moves: [P.Move] = []
  @usableFromInline var expanded = 0
  @usableFromInline var generated = 0
  @usableFromInline var iterations = 0
  @usableFromInline var bound: P.Cost = .zero
  @usableFromInline var nextBound: P.Cost = .infinity
  @usableFromInline var stop: StopReason? = nil
  @usableFromInline var solutionCost: P.Cost = .zero

  @inlinable init(problem: P, heuristic: H, limits: SearchLimits) {
    self.problem = problem
    self.heuristic = heuristic
    self.slots = problem.moveSlots
    self.watch = LimitWatch(limits)
    self.state = problem.start
    moves.reserveCapacity(256)
  }

  @inlinable mutating func run() -> SearchResult<P.State, P.Cost> {
    let h0 = heuristic.estimate(state)
    bound = h0
    if problem.isGoal(state) {
      iterations = 1
      return finish(.solved(path: [state], cost: .zero))
    }
    while true {
      iterations += 1
      nextBound = .infinity
      if dfs(g: .zero, h: h0, previous: nil) {
        moves.reverse()  // moves were collected while unwinding, goal first
        return finish(.solved(path: replay(), cost: solutionCost))
      }
      if let r = stop { return finish(.stopped(r)) }
      if nextBound == .infinity { return finish(.exhausted) }
      bound = nextBound
    }
  }

  @inlinable func replay() -> [P.State] {
    var s = problem.start
    var out = [s]
    out.reserveCapacity(moves.count + 1)
    for m in moves {
      problem.apply(m, to: &s)
      out.append(s)
    }
    return out
  }

  @inlinable func finish(_ o: SearchOutcome<P.State, P.Cost>) -> SearchResult<P.State, P.Cost> {
    var s = SearchStatistics()
    s.expanded = expanded
    s.generated = generated
    s.iterations = iterations
    s.duration = watch.elapsed
    s.stored = moves.count + 1
    return SearchResult(outcome: o, statistics: s)
  }

  @inlinable mutating func dfs(g: P.Cost, h: P.Cost, previous: P.Move?) -> Bool {
    if let r = watch.check(expanded: expanded, bytes: 0) {
      stop = r
      return false
    }
    expanded &+= 1
    var children = 0
    defer { generated &+= children }
    for slot in 0..<problem.moveSlotCount(in: state) {
      guard let m = problem.move(slot, in: state, after: previous) else { continue }
      children &+= 1
      let g2 = g.addingUnchecked(problem.cost(of: m, in: state))
      let h2 = heuristic.estimate(after: m, from: state, estimate: h)
      let f = g2.addingUnchecked(h2)
      if f > bound {
        if f < nextBound { nextBound = f }
        continue
      }
      problem.apply(m, to: &state)
      if h2 == .zero && problem.isGoal(state) {
        solutionCost = g2
        moves.append(m)
        return true
      }
      if dfs(g: g2, h: h2, previous: m) {
        moves.append(m)
        return true
      }
      problem.undo(m, on: &state)
      if stop != nil { return false }
    }
    return false
  }
}
