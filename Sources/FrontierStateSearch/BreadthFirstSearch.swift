public import FrontierCore

/// Breadth-first search (Moore 1959): finds a path with the fewest steps. Step costs are
/// summed along the path found but do not guide the search; with unit costs the path is
/// optimal.
///
/// The node arena doubles as the FIFO queue (nodes are expanded in the order they were
/// stored), and the goal test happens at generation, so BFS stores nothing beyond the
/// nodes themselves.
///
/// - Complexity: O(V + E) time and O(V) memory for V reachable states and E edges.
@inlinable
public func breadthFirstSearch<P: SearchProblem>(
  _ problem: P, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> {
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  return breadthFirstSearch(problem, options: options, workspace: &ws)
}

/// Breadth-first search reusing `workspace`.
@inlinable
public func breadthFirstSearch<P: SearchProblem>(
  _ problem: P, options: SearchOptions = .init(), workspace: inout SearchWorkspace<P>
) -> SearchResult<P.State, P.Cost> {
  workspace.reset()
  var stats = SearchStatistics()
  stats.iterations = 1
  var watch = LimitWatch(options.limits)
  let start = problem.start
  let root = workspace.arena.append(start, g: .zero, h: .zero, parent: -1)
  _ = workspace.table.findOrInsert(start, node: root)
  if problem.isGoal(start) {
    return workspace.finish(.solved(path: [start], cost: .zero), stats, watch)
  }
  var head = 0
  while head < workspace.arena.count {
    let n = Int32(truncatingIfNeeded: head)
    head += 1
    if let reason = watch.check(expanded: stats.expanded, memory: workspace.memoryFootprint) {
      return workspace.finish(.stopped(reason), stats, watch)
    }
    let state = workspace.arena.state(n)
    let g = workspace.arena.g(n)
    stats.expanded &+= 1
    workspace.successors.removeAll()
    problem.expand(state, into: &workspace.successors)
    let count = workspace.successors.count
    stats.generated &+= count
    for i in 0..<count {
      let s = workspace.successors.state(at: i)
      let next = Int32(truncatingIfNeeded: workspace.arena.count)
      if workspace.table.findOrInsert(s, node: next) >= 0 {
        stats.duplicates &+= 1
        continue
      }
      let id = workspace.arena.append(s, g: g + workspace.successors.cost(at: i), h: .zero, parent: n)
      if problem.isGoal(s) {
        return workspace.finish(
          .solved(path: workspace.arena.path(to: id), cost: workspace.arena.g(id)), stats, watch)
      }
    }
    let open = workspace.arena.count - head
    if open > stats.peakOpen { stats.peakOpen = open }
  }
  return workspace.finish(.exhausted, stats, watch)
}

/// Beam search (Lowerre 1976; Bisiani 1987): breadth-first by layers, keeping only the
/// `width` best nodes of each layer by `g + h` (or `h` alone with `greedy: true`).
/// Incomplete and not optimal, but its memory is bounded by `width` × depth.
///
/// States already seen in any earlier layer are discarded. If a layer becomes empty
/// before a goal is found the outcome is `.stopped(.incomplete)` (a wider beam may
/// succeed); ties keep the earlier-generated node, so results are deterministic.
///
/// - Complexity: O(d · w · b · log(w · b)) for depth d, width w, branching b.
@inlinable
public func beamSearch<P: SearchProblem, H: Heuristic>(
  _ problem: P, heuristic: H, width: Int, greedy: Bool = false, options: SearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  precondition(width > 0, "beam width must be positive")
  var ws = SearchWorkspace(for: problem, capacity: options.initialCapacity)
  var stats = SearchStatistics()
  var watch = LimitWatch(options.limits)
  let start = problem.start
  let root = ws.arena.append(start, g: .zero, h: heuristic.estimate(start), parent: -1)
  _ = ws.table.findOrInsert(start, node: root)
  var layer: [Int32] = [root]
  var candidates: [(key: P.Cost, id: Int32)] = []
  candidates.reserveCapacity(Swift.min(width, 1 << 16) * 8)
  var pruned = false
  while !layer.isEmpty {
    stats.iterations += 1
    candidates.removeAll(keepingCapacity: true)
    for n in layer {
      let state = ws.arena.state(n)
      if problem.isGoal(state) {
        return ws.finish(.solved(path: ws.arena.path(to: n), cost: ws.arena.g(n)), stats, watch)
      }
      if let reason = watch.check(expanded: stats.expanded, memory: ws.memoryFootprint) {
        return ws.finish(.stopped(reason), stats, watch)
      }
      stats.expanded += 1
      let g = ws.arena.g(n)
      ws.successors.removeAll()
      problem.expand(state, into: &ws.successors)
      stats.generated += ws.successors.count
      for i in 0..<ws.successors.count {
        let s = ws.successors.state(at: i)
        let next = Int32(truncatingIfNeeded: ws.arena.count)
        if ws.table.findOrInsert(s, node: next) >= 0 {
          stats.duplicates += 1
          continue
        }
        let g2 = g + ws.successors.cost(at: i)
        let h = heuristic.estimate(s)
        let id = ws.arena.append(s, g: g2, h: h, parent: n)
        candidates.append((greedy ? h : g2 + h, id))
      }
    }
    if candidates.count > width {
      pruned = true
      candidates.sort { $0.key < $1.key || ($0.key == $1.key && $0.id < $1.id) }
      candidates.removeSubrange(width...)
    }
    layer = candidates.map(\.id)
    stats.peakOpen = Swift.max(stats.peakOpen, layer.count)
  }
  // Nothing pruned: the whole reachable space was searched.
  return ws.finish(pruned ? .stopped(.incomplete) : .exhausted, stats, watch)
}
