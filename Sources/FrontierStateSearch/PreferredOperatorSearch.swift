public import FrontierCore

/// A problem whose successors come from labelled transitions (actions, moves), so that a
/// search can name a transition without building its successor state.
///
/// Lazy (deferred-evaluation) search stores `(parent, label)` pairs in its open list and
/// builds the successor only when the pair is popped; preferred-operator searches ask a
/// ``PreferredOperatorHeuristic`` whether a label is preferred.
public protocol LabeledSearchProblem<State, Cost>: SearchProblem {
  /// Appends the labels of the transitions applicable in `state`.
  func applicableLabels(_ state: State, into labels: inout ContiguousArray<Int32>)
  /// The successor of `state` through `label` (applicable there) and the step cost.
  func successor(of state: State, through label: Int32) -> (state: State, cost: Cost)
}

/// A heuristic that also names *preferred operators* (helpful actions, Hoffmann & Nebel
/// 2001): labels of the evaluated state's transitions that look like progress.
public protocol PreferredOperatorHeuristic<State, Cost>: Heuristic {
  /// Estimates `state` and remembers its preferred labels for ``isPreferred(_:)``.
  func estimateWithPreferred(_ state: State) -> Cost
  /// Whether `label` is preferred in the state given to the last
  /// ``estimateWithPreferred(_:)`` call.
  func isPreferred(_ label: Int32) -> Bool
}

/// Options of the preferred-operator greedy searches.
public struct PreferredSearchOptions: Sendable, Hashable {
  /// Limits on expansions, time and memory.
  public var limits: SearchLimits
  /// Whether preferred successors go to a second open list that alternates with the
  /// regular one.
  public var usePreferred: Bool
  /// How many extra turns the preferred list gets whenever the best heuristic value so far
  /// improves (Richter & Helmert 2009). Fast Downward's defaults: 1000 for
  /// `lazy_greedy`, 0 for `eager_greedy`.
  public var boost: Int
  /// Initial capacity of the node arena and tables.
  public var initialCapacity: Int

  @inlinable
  public init(limits: SearchLimits = .none, usePreferred: Bool = true, boost: Int = 1000, initialCapacity: Int = 1 << 12) {
    self.limits = limits
    self.usePreferred = usePreferred
    self.boost = boost
    self.initialCapacity = initialCapacity
  }
}

/// An entry of a greedy open list: key, then insertion order (FIFO among equal keys, as
/// Fast Downward's bucket lists), then a payload of two ids.
@frozen
public struct GreedyEntry<Cost: SearchCost>: Comparable, Sendable {
  public var key: Cost
  public var order: Int64
  public var node: Int32
  public var label: Int32
  @inlinable @inline(__always)
  public init(key: Cost, order: Int64, node: Int32, label: Int32) {
    self.key = key
    self.order = order
    self.node = node
    self.label = label
  }
  @inlinable @inline(__always)
  public static func < (a: Self, b: Self) -> Bool { a.key < b.key || (a.key == b.key && a.order < b.order) }
  @inlinable @inline(__always)
  public static func == (a: Self, b: Self) -> Bool { a.key == b.key && a.order == b.order }
}

/// Two open lists, the regular one and the preferred one, popped in alternation: the
/// non-empty list with the lower priority counter goes next and its counter increases;
/// boosting lowers the preferred list's counter (Fast Downward's alternation open list).
public struct AlternatingOpenLists<Cost: SearchCost> {
  @usableFromInline var regular: BinaryHeap<GreedyEntry<Cost>>
  @usableFromInline var preferred: BinaryHeap<GreedyEntry<Cost>>
  @usableFromInline var regularPriority = 0
  @usableFromInline var preferredPriority = 0
  @usableFromInline var order: Int64 = 0

  @inlinable public init(capacity: Int) {
    regular = BinaryHeap(minimumCapacity: capacity)
    preferred = BinaryHeap(minimumCapacity: capacity)
  }

  /// Entries in both lists.
  @inlinable public var count: Int { regular.count + preferred.count }

  /// Inserts into the regular list, and into the preferred list too if `isPreferred`.
  @inlinable @inline(__always)
  public mutating func push(key: Cost, node: Int32, label: Int32, isPreferred: Bool) {
    order &+= 1
    let e = GreedyEntry(key: key, order: order, node: node, label: label)
    regular.push(e)
    if isPreferred { preferred.push(e) }
  }

  /// Pops from the list whose turn it is.
  @inlinable @inline(__always)
  public mutating func pop() -> GreedyEntry<Cost>? {
    let usePreferred: Bool
    if preferred.isEmpty {
      usePreferred = false
    } else if regular.isEmpty {
      usePreferred = true
    } else {
      usePreferred = preferredPriority < regularPriority
    }
    if usePreferred {
      preferredPriority &+= 1
      return preferred.popMin()
    }
    regularPriority &+= 1
    return regular.popMin()
  }

  /// Gives the preferred list `amount` extra turns.
  @inlinable public mutating func boost(_ amount: Int) { preferredPriority &-= amount }

  @inlinable var bytesUsed: Int { (regular.capacity + preferred.capacity) * MemoryLayout<GreedyEntry<Cost>>.stride }
  /// Bytes held and the growth pending, for memory limits.
  @inlinable public var memoryFootprint: MemoryFootprint { regular.memoryFootprint + preferred.memoryFootprint }
}

extension AlternatingOpenLists: Sendable where Cost: Sendable {}

/// A fixed list of heuristics that a search evaluates together on each state, for
/// searches that alternate between one open list per heuristic (Röger & Helmert, "The
/// more, the merrier: combining heuristic estimators for satisficing planning",
/// ICAPS 2010), as LAMA alternates between h_FF and its landmark heuristic.
///
/// The search tells the list which node it evaluates and from which parent node and
/// transition it came, so that a *path-dependent* heuristic (LAMA's landmark count, whose
/// accepted landmarks depend on the path) can keep per-node information indexed by node
/// id. Node ids are dense: the start is 0 and every new state gets the next id.
public protocol PreferredHeuristicList<State, Cost> {
  associatedtype State
  associatedtype Cost: SearchCost
  /// The number of heuristics (at least 1).
  var count: Int { get }
  /// Evaluates every heuristic on `state`, the new node `node` reached from node `parent`
  /// through `label` (both -1 for the start), writing heuristic `i`'s value to
  /// `values[i]` (`values.count == count`). With `preferred`, also records the preferred
  /// labels for ``isPreferred(_:)``. An infinite value marks a dead end.
  func evaluate(_ state: State, node: Int32, parent: Int32, label: Int32, preferred: Bool,
                into values: inout ContiguousArray<Cost>)
  /// `state`, already node `node`, is reached again from `parent` through `label`.
  func reachedAgain(_ state: State, node: Int32, parent: Int32, label: Int32)
  /// Whether `label` is preferred by any heuristic in the state evaluated last.
  func isPreferred(_ label: Int32) -> Bool
  /// The memory the heuristics keep per search node (held and growth pending) when the
  /// search has `nodes` nodes; memory fixed before the search need not be counted. The
  /// default is none.
  func memoryFootprint(nodes: Int) -> MemoryFootprint
}

extension PreferredHeuristicList {
  @inlinable public func memoryFootprint(nodes: Int) -> MemoryFootprint { .zero }
}

/// One ``PreferredOperatorHeuristic`` as a list of one, ignoring node ids.
public struct SingleHeuristicList<H: PreferredOperatorHeuristic>: PreferredHeuristicList {
  public typealias State = H.State
  public typealias Cost = H.Cost
  public let heuristic: H
  @inlinable public init(_ heuristic: H) { self.heuristic = heuristic }
  @inlinable public var count: Int { 1 }
  @inlinable @inline(__always)
  public func evaluate(_ state: State, node: Int32, parent: Int32, label: Int32, preferred: Bool,
                       into values: inout ContiguousArray<Cost>) {
    values[0] = preferred ? heuristic.estimateWithPreferred(state) : heuristic.estimate(state)
  }
  @inlinable @inline(__always)
  public func reachedAgain(_ state: State, node: Int32, parent: Int32, label: Int32) {}
  @inlinable @inline(__always)
  public func isPreferred(_ label: Int32) -> Bool { heuristic.isPreferred(label) }
}

/// `2k` open lists for `k` heuristics: list `i < k` holds every entry keyed by heuristic
/// `i`, list `k + i` only the preferred ones keyed by heuristic `i`. The non-empty list
/// with the lowest priority counter is popped next (ties: the lowest index) and its
/// counter increases; boosting lowers the counters of the preferred lists (Fast
/// Downward's alternation open list, lists in the order its `lazy_greedy` builds them).
/// With `k = 1` this is ``AlternatingOpenLists``.
public struct AlternationOpenLists<Cost: SearchCost> {
  @usableFromInline var lists: [BinaryHeap<GreedyEntry<Cost>>]
  @usableFromInline var priorities: ContiguousArray<Int>
  @usableFromInline let k: Int
  @usableFromInline var order: Int64 = 0
  @usableFromInline var entries = 0
  /// Entries over all lists.
  @inlinable public var count: Int { entries }

  @inlinable public init(heuristics: Int, capacity: Int) {
    precondition(heuristics >= 1, "at least one heuristic")
    k = heuristics
    lists = (0..<(2 * heuristics)).map { _ in BinaryHeap(minimumCapacity: capacity) }
    priorities = ContiguousArray(repeating: 0, count: 2 * heuristics)
  }

  /// Inserts `(node, label)` into every regular list, keyed by `keys[i]`, and into every
  /// preferred list too if `isPreferred`. One insertion order is shared by all lists.
  @inlinable @inline(__always)
  public mutating func push(keys: ContiguousArray<Cost>, node: Int32, label: Int32, isPreferred: Bool) {
    order &+= 1
    for i in 0..<k {
      let e = GreedyEntry(key: keys[i], order: order, node: node, label: label)
      lists[i].push(e)
      if isPreferred { lists[k + i].push(e) }
    }
    entries &+= isPreferred ? 2 * k : k
  }

  /// Pops from the list whose turn it is.
  @inlinable @inline(__always)
  public mutating func pop() -> GreedyEntry<Cost>? {
    var best = -1
    for i in 0..<lists.count where !lists[i].isEmpty {
      if best < 0 || priorities[i] < priorities[best] { best = i }
    }
    if best < 0 { return nil }
    priorities[best] &+= 1
    entries &-= 1
    return lists[best].popMin()
  }

  /// Gives every preferred list `amount` extra turns.
  @inlinable public mutating func boost(_ amount: Int) {
    for i in k..<(2 * k) { priorities[i] &-= amount }
  }

  @inlinable var bytesUsed: Int {
    lists.reduce(0) { $0 + $1.capacity } * MemoryLayout<GreedyEntry<Cost>>.stride
  }
  /// Bytes held and the growth pending, for memory limits.
  @inlinable public var memoryFootprint: MemoryFootprint {
    lists.reduce(MemoryFootprint.zero) { $0 + $1.memoryFootprint }
  }
}

extension AlternationOpenLists: Sendable where Cost: Sendable {}

/// Greedy best-first search with deferred evaluation and preferred operators (Richter &
/// Helmert, "Preferred operators and deferred evaluation in satisficing planning",
/// ICAPS 2009), as Fast Downward's `lazy_greedy([h], preferred=[h])`.
///
/// The single-heuristic case of ``lazyGreedySearch(_:heuristics:options:)``.
@inlinable
public func lazyGreedySearch<P: LabeledSearchProblem, H: PreferredOperatorHeuristic>(
  _ problem: P, heuristic: H, options: PreferredSearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  lazyGreedySearch(problem, heuristics: SingleHeuristicList(heuristic), options: options)
}

/// Greedy best-first search with deferred evaluation, preferred operators and alternation
/// between several heuristics (Richter & Helmert 2009; Röger & Helmert 2010), as Fast
/// Downward's `lazy_greedy([h1, …, hk], preferred=[h1, …, hk])`; with h_FF and the
/// landmark-count heuristic this is LAMA's first iteration (Richter & Westphal, JAIR 2010).
///
/// The open lists (``AlternationOpenLists``) hold `(parent, label)` pairs keyed by the
/// *parent's* heuristic values; a successor is built and evaluated only when its pair is
/// popped. Pairs whose label is preferred in the parent (by any heuristic) also go to the
/// preferred lists, which get `boost` extra turns whenever some heuristic's best value so
/// far improves. A state is a dead end if some heuristic is infinite on it. The goal test
/// happens when a state is popped; closed states are not reopened.
///
/// - Complexity: O(k G log G) heap work for G generated pairs and k heuristics; one
///   evaluation of the list per distinct state popped.
@inlinable
public func lazyGreedySearch<P: LabeledSearchProblem, L: PreferredHeuristicList>(
  _ problem: P, heuristics: L, options: PreferredSearchOptions = .init()
) -> SearchResult<P.State, P.Cost> where L.State == P.State, L.Cost == P.Cost {
  var arena = NodeArena<P.State, P.Cost>(capacity: options.initialCapacity)
  var table = problem.makeStateTable(capacity: options.initialCapacity)
  let k = heuristics.count
  var open = AlternationOpenLists<P.Cost>(heuristics: k, capacity: options.initialCapacity)
  var labels = ContiguousArray<Int32>()
  labels.reserveCapacity(64)
  var values = ContiguousArray<P.Cost>(repeating: .zero, count: k)
  var best = ContiguousArray<P.Cost>(repeating: .infinity, count: k)
  var stats = SearchStatistics()
  stats.iterations = 1
  var watch = LimitWatch(options.limits)
  func finish(_ o: SearchOutcome<P.State, P.Cost>) -> SearchResult<P.State, P.Cost> {
    var s = stats
    s.stored = arena.count
    s.duration = watch.elapsed
    s.peakBytes = arena.bytesUsed + table.bytesUsed + open.bytesUsed
    return SearchResult(outcome: o, statistics: s)
  }
  // The state being opened, its g, parent and the label leading to it.
  var state = problem.start
  var g = P.Cost.zero
  var parent: Int32 = -1
  var label: Int32 = -1
  while true {
    let id = Int32(truncatingIfNeeded: arena.count)
    let existing = table.findOrInsert(state, node: id)
    if existing < 0 {
      heuristics.evaluate(state, node: id, parent: parent, label: label, preferred: options.usePreferred, into: &values)
      let h = values[0]
      var deadEnd = false
      for i in 0..<k where values[i] >= P.Cost.infinity { deadEnd = true }
      let node = arena.append(state, g: g, h: h, parent: parent)
      if !deadEnd {
        if problem.isGoal(state) { return finish(.solved(path: arena.path(to: node), cost: g)) }
        if let reason = watch.check(
          expanded: stats.expanded,
          memory: arena.memoryFootprint + table.memoryFootprint + open.memoryFootprint
            + heuristics.memoryFootprint(nodes: arena.count))
        {
          return finish(.stopped(reason))
        }
        var progress = false
        for i in 0..<k where values[i] < best[i] {
          best[i] = values[i]
          progress = true
        }
        if progress && options.usePreferred { open.boost(options.boost) }
        stats.expanded &+= 1
        labels.removeAll(keepingCapacity: true)
        problem.applicableLabels(state, into: &labels)
        stats.generated &+= labels.count
        for l in labels {
          open.push(keys: values, node: node, label: l, isPreferred: options.usePreferred && heuristics.isPreferred(l))
        }
        if open.count > stats.peakOpen { stats.peakOpen = open.count }
      }
    } else {
      stats.duplicates &+= 1
      if parent >= 0 { heuristics.reachedAgain(state, node: existing, parent: parent, label: label) }
    }
    // Fetch the next pair.
    guard let e = open.pop() else { return finish(.exhausted) }
    let p = arena.state(e.node)
    let next = problem.successor(of: p, through: e.label)
    state = next.state
    g = arena.g(e.node) + next.cost
    parent = e.node
    label = e.label
  }
}

/// Eager greedy best-first search with preferred operators in a second, alternating
/// open list (Fast Downward's `eager_greedy([h], preferred=[h])`; Richter & Helmert 2009).
///
/// Successors are evaluated when generated; a successor reached through a label that is
/// preferred in its parent also enters the preferred list. The preferred labels of a
/// state are computed when it is expanded (one more evaluation per expansion, as Fast
/// Downward does). Duplicates are detected at generation; closed states are not reopened.
///
/// - Complexity: O(E log V) heap work for E generated and V distinct states.
@inlinable
public func eagerGreedySearch<P: LabeledSearchProblem, H: PreferredOperatorHeuristic>(
  _ problem: P, heuristic: H, options: PreferredSearchOptions = .init(boost: 0)
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  var arena = NodeArena<P.State, P.Cost>(capacity: options.initialCapacity)
  var table = problem.makeStateTable(capacity: options.initialCapacity)
  var open = AlternatingOpenLists<P.Cost>(capacity: options.initialCapacity)
  var closed = ContiguousArray<Bool>()
  var labels = ContiguousArray<Int32>()
  labels.reserveCapacity(64)
  var preferredFlags = ContiguousArray<Bool>()
  preferredFlags.reserveCapacity(64)
  var stats = SearchStatistics()
  stats.iterations = 1
  var watch = LimitWatch(options.limits)
  func finish(_ o: SearchOutcome<P.State, P.Cost>) -> SearchResult<P.State, P.Cost> {
    var s = stats
    s.stored = arena.count
    s.duration = watch.elapsed
    s.peakBytes = arena.bytesUsed + table.bytesUsed + open.bytesUsed + closed.capacity
    return SearchResult(outcome: o, statistics: s)
  }
  let start = problem.start
  let h0 = heuristic.estimate(start)
  let root = arena.append(start, g: .zero, h: h0, parent: -1)
  _ = table.findOrInsert(start, node: root)
  closed.append(false)
  if h0 >= P.Cost.infinity { return finish(.exhausted) }
  var best = h0
  open.push(key: h0, node: root, label: -1, isPreferred: false)
  while let e = open.pop() {
    let n = e.node
    if closed[Int(n)] { continue }
    closed[Int(n)] = true
    let state = arena.state(n)
    let g = arena.g(n)
    if problem.isGoal(state) { return finish(.solved(path: arena.path(to: n), cost: g)) }
    if let reason = watch.check(
      expanded: stats.expanded,
      memory: arena.memoryFootprint + table.memoryFootprint + open.memoryFootprint
        + .doublingBuffer(count: closed.count, capacity: closed.capacity, stride: 1))
    {
      return finish(.stopped(reason))
    }
    stats.expanded &+= 1
    // Recompute the preferred labels of the expanded state.
    if options.usePreferred { _ = heuristic.estimateWithPreferred(state) }
    labels.removeAll(keepingCapacity: true)
    problem.applicableLabels(state, into: &labels)
    stats.generated &+= labels.count
    // Read the preferences before evaluating a successor overwrites them.
    preferredFlags.removeAll(keepingCapacity: true)
    for l in labels { preferredFlags.append(options.usePreferred && heuristic.isPreferred(l)) }
    for (k, l) in labels.enumerated() {
      let isPreferred = preferredFlags[k]
      let next = problem.successor(of: state, through: l)
      let g2 = g + next.cost
      let id = Int32(truncatingIfNeeded: arena.count)
      let existing = table.findOrInsert(next.state, node: id)
      if existing >= 0 {
        stats.duplicates &+= 1
        // No reopening; keep the cheaper parent for the path (as Fast Downward does).
        if g2 < arena.g(existing) { arena.improve(existing, g: g2, parent: n) }
        continue
      }
      let h = heuristic.estimate(next.state)
      _ = arena.append(next.state, g: g2, h: h, parent: n)
      closed.append(h >= P.Cost.infinity)
      if h >= P.Cost.infinity { continue }
      open.push(key: h, node: id, label: l, isPreferred: isPreferred)
      if h < best {
        best = h
        if options.usePreferred { open.boost(options.boost) }
      }
    }
    if open.count > stats.peakOpen { stats.peakOpen = open.count }
  }
  return finish(.exhausted)
}
