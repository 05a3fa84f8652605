public import FrontierCore

/// Front-to-end bidirectional search (Pohl 1971): a forward search from the start guided
/// by `forwardHeuristic` (estimates to the goal) and a backward search from the goal
/// guided by `backwardHeuristic` (estimates to the start), expanding from the side with
/// the smaller open list.
///
/// Stopping rule: with μ the cheapest start–goal path found so far (where the two
/// searches met), the search stops when μ ≤ max(fmin_F, fmin_B, gmin_F + gmin_B), the
/// standard lower bound on any undiscovered path for admissible heuristics (Holte, Felner,
/// Sharon & Sturtevant, "Bidirectional search that is guaranteed to meet in the middle",
/// AAAI 2016, §2). With zero heuristics this is bidirectional Dijkstra's
/// `top_F + top_B ≥ μ`. The result is optimal for admissible heuristics and non-negative
/// costs.
///
/// - Complexity: O(E log V) for E generated and V stored states, on both sides.
@inlinable
public func bidirectionalSearch<
  P: BidirectionalSearchProblem, HF: Heuristic, HB: Heuristic
>(
  _ problem: P, forwardHeuristic: HF, backwardHeuristic: HB, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost>
where HF.State == P.State, HF.Cost == P.Cost, HB.State == P.State, HB.Cost == P.Cost {
  var fw = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  var bw = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  var gHeaps = (BinaryHeap<OpenEntry<P.Cost>>(), BinaryHeap<OpenEntry<P.Cost>>())
  var stats = SearchStatistics()
  stats.iterations = 1
  var watch = LimitWatch(options.limits)
  let tie = options.tieBreaking
  let start = problem.start
  let goal = problem.goal

  // Roots.
  let hs = forwardHeuristic.estimate(start)
  _ = fw.table.findOrInsert(start, node: fw.arena.append(start, g: .zero, h: hs, parent: -1))
  fw.closed.append(false)
  fw.open.push(.make(priority: hs, g: .zero, node: 0, tie: tie))
  gHeaps.0.push(OpenEntry(primary: .zero, secondary: .zero, order: 0, node: 0))
  let hg = backwardHeuristic.estimate(goal)
  _ = bw.table.findOrInsert(goal, node: bw.arena.append(goal, g: .zero, h: hg, parent: -1))
  bw.closed.append(false)
  bw.open.push(.make(priority: hg, g: .zero, node: 0, tie: tie))
  gHeaps.1.push(OpenEntry(primary: .zero, secondary: .zero, order: 0, node: 0))

  var mu: P.Cost = .infinity
  var meetF: Int32 = -1
  var meetB: Int32 = -1
  if start == goal { mu = .zero; meetF = 0; meetB = 0 }

  @inline(__always) func clean(_ heap: inout BinaryHeap<OpenEntry<P.Cost>>, _ closed: ContiguousArray<Bool>) {
    while let top = heap.min, closed[Int(top.node)] { _ = heap.popMin() }
  }

  while true {
    clean(&fw.open, fw.closed)
    clean(&bw.open, bw.closed)
    clean(&gHeaps.0, fw.closed)
    clean(&gHeaps.1, bw.closed)
    guard let fTop = fw.open.min, let bTop = bw.open.min,
      let gF = gHeaps.0.min, let gB = gHeaps.1.min
    else { break }
    let lowerBound = Swift.max(fTop.primary, bTop.primary, gF.primary + gB.primary)
    if mu <= lowerBound { break }
    if let reason = watch.check(
      expanded: stats.expanded,
      memory: fw.memoryFootprint + bw.memoryFootprint + gHeaps.0.memoryFootprint + gHeaps.1.memoryFootprint) {
      var s = stats
      s.stored = fw.arena.count + bw.arena.count
      s.duration = watch.elapsed
      return SearchResult(outcome: .stopped(reason), statistics: s)
    }
    let forward = fw.open.count <= bw.open.count
    if forward {
      _expandSide(
        problem, forwardHeuristic, forward: true, tie: tie, reopen: options.reopenClosed,
        side: &fw, gHeap: &gHeaps.0, other: bw, stats: &stats, mu: &mu, meetF: &meetF, meetB: &meetB)
    } else {
      _expandSide(
        problem, backwardHeuristic, forward: false, tie: tie, reopen: options.reopenClosed,
        side: &bw, gHeap: &gHeaps.1, other: fw, stats: &stats, mu: &mu, meetF: &meetB, meetB: &meetF)
    }
    stats.peakOpen = Swift.max(stats.peakOpen, fw.open.count + bw.open.count)
  }
  stats.stored = fw.arena.count + bw.arena.count
  stats.duration = watch.elapsed
  stats.peakBytes = fw.bytesUsed + bw.bytesUsed
  guard meetF >= 0 else { return SearchResult(outcome: .exhausted, statistics: stats) }
  var path = fw.arena.path(to: meetF)
  var n = bw.arena.parent(meetB)
  while n >= 0 {
    path.append(bw.arena.state(n))
    n = bw.arena.parent(n)
  }
  return SearchResult(outcome: .solved(path: path, cost: mu), statistics: stats)
}

/// Bidirectional uniform-cost search (bidirectional Dijkstra): ``bidirectionalSearch(_:forwardHeuristic:backwardHeuristic:options:)``
/// with zero heuristics.
@inlinable
public func bidirectionalSearch<P: BidirectionalSearchProblem>(
  _ problem: P, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> {
  bidirectionalSearch(
    problem, forwardHeuristic: ZeroHeuristic<P.State, P.Cost>(),
    backwardHeuristic: ZeroHeuristic<P.State, P.Cost>(), options: options)
}

@inlinable
internal func _expandSide<P: BidirectionalSearchProblem, H: Heuristic>(
  _ problem: P, _ heuristic: H, forward: Bool, tie: TieBreaking, reopen: Bool,
  side: inout SearchWorkspace<P>, gHeap: inout BinaryHeap<OpenEntry<P.Cost>>,
  other: SearchWorkspace<P>, stats: inout SearchStatistics, mu: inout P.Cost,
  meetF: inout Int32, meetB: inout Int32
) where H.State == P.State, H.Cost == P.Cost {
  guard let entry = side.open.popMin() else { return }
  let n = entry.node
  side.closed[Int(n)] = true
  let state = side.arena.state(n)
  let g = side.arena.g(n)
  stats.expanded &+= 1
  side.successors.removeAll()
  if forward {
    problem.expand(state, into: &side.successors)
  } else {
    problem.expandBackward(state, into: &side.successors)
  }
  let count = side.successors.count
  stats.generated &+= count
  for i in 0..<count {
    let s = side.successors.state(at: i)
    let g2 = g + side.successors.cost(at: i)
    let next = Int32(truncatingIfNeeded: side.arena.count)
    let existing = side.table.findOrInsert(s, node: next)
    let id: Int32
    if existing < 0 {
      let h = heuristic.estimate(s)
      id = side.arena.append(s, g: g2, h: h, parent: n)
      side.closed.append(false)
      side.open.push(.make(priority: g2 + h, g: g2, node: id, tie: tie))
    } else if g2 < side.arena.g(existing) {
      id = existing
      if side.closed[Int(id)] {
        if !reopen {
          stats.duplicates &+= 1
          continue
        }
        stats.reopened &+= 1
        side.closed[Int(id)] = false
      }
      side.arena.improve(id, g: g2, parent: n)
      side.open.push(.make(priority: g2 + side.arena.h(id), g: g2, node: id, tie: tie))
    } else {
      stats.duplicates &+= 1
      continue
    }
    gHeap.push(OpenEntry(primary: g2, secondary: .zero, order: id, node: id))
    let o = other.table.lookup(s)
    if o >= 0 {
      let total = g2 + other.arena.g(o)
      if total < mu {
        mu = total
        meetF = id
        meetB = o
      }
    }
  }
}
