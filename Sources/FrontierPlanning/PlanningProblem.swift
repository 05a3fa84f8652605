public import FrontierCore
public import FrontierStateSearch

/// A ground task as a ``SearchProblem``: every state-space algorithm of
/// `FrontierStateSearch` (A*, greedy best-first, breadth-first, …) runs on it.
///
/// Successors come from a precondition-indexed generator: each action is filed under one
/// of its positive preconditions (the one whose list is shortest when it is filed), and
/// expanding a state visits only the lists of its true facts, then checks the remaining
/// preconditions. Actions without positive preconditions are checked always.
public struct PlanningProblem<S: PlanningState>: LabeledSearchProblem, Sendable {
  public typealias State = S
  public typealias Cost = Int
  public typealias Table = S.Table

  public let task: GroundTask
  public let start: S
  @usableFromInline let words: Int
  @usableFromInline let bucketStart: ContiguousArray<Int32>
  @usableFromInline let bucket: ContiguousArray<Int32>
  @usableFromInline let unconditioned: ContiguousArray<Int32>
  @usableFromInline let goal: ContiguousArray<Int32>
  @usableFromInline let goalNegative: ContiguousArray<Int32>

  /// Wraps `task`; its facts must fit in `S` (see ``PlanningState/maxWords``).
  public init(_ task: GroundTask) {
    precondition(task.wordCount <= S.maxWords, "the task has \(task.factCount) facts, too many for \(S.self)")
    self.task = task
    words = task.wordCount
    start = S(wordCount: task.wordCount, facts: task.initialFacts)
    goal = ContiguousArray(task.goal)
    goalNegative = ContiguousArray(task.goalNegative)
    var lists = [[Int32]](repeating: [], count: task.factCount)
    var free: ContiguousArray<Int32> = []
    for a in 0..<task.actionCount {
      let pre = task.pre[Int(task.preStart[a])..<Int(task.preStart[a + 1])]
      if let best = pre.min(by: { lists[Int($0)].count < lists[Int($1)].count }) {
        lists[Int(best)].append(Int32(a))
      } else {
        free.append(Int32(a))
      }
    }
    var starts: ContiguousArray<Int32> = [0]
    var flat: ContiguousArray<Int32> = []
    for l in lists {
      flat.append(contentsOf: l)
      starts.append(Int32(flat.count))
    }
    bucketStart = starts
    bucket = flat
    unconditioned = free
  }

  @inlinable public func makeStateTable(capacity: Int) -> S.Table { S.makeTable(capacity: capacity) }

  @inlinable public func isGoal(_ s: S) -> Bool {
    for f in goal where !s.contains(f) { return false }
    for f in goalNegative where s.contains(f) { return false }
    return true
  }

  /// Whether action `a` is applicable in `s`.
  @inlinable @inline(__always)
  public func isApplicable(_ a: Int, in s: S) -> Bool {
    let t = task
    for i in Int(t.preStart[a])..<Int(t.preStart[a + 1]) where !s.contains(t.pre[i]) { return false }
    for i in Int(t.preNegStart[a])..<Int(t.preNegStart[a + 1]) where s.contains(t.preNeg[i]) { return false }
    return true
  }

  @inlinable @inline(__always)
  func fires(_ e: Int, in s: S) -> Bool {
    let t = task
    for i in Int(t.condPosStart[e])..<Int(t.condPosStart[e + 1]) where !s.contains(t.condPos[i]) { return false }
    for i in Int(t.condNegStart[e])..<Int(t.condNegStart[e + 1]) where s.contains(t.condNeg[i]) { return false }
    return true
  }

  /// The state after applying action `a` (assumed applicable) in `s`.
  @inlinable
  public func apply(_ a: Int, to s: S) -> S {
    let t = task
    var n = s
    for i in Int(t.delStart[a])..<Int(t.delStart[a + 1]) { n.remove(t.del[i]) }
    let c0 = Int(t.condStart[a])
    let c1 = Int(t.condStart[a + 1])
    if c0 < c1 {
      for e in c0..<c1 where !t.condIsAdd[e] && fires(e, in: s) { n.remove(t.condFact[e]) }
      for e in c0..<c1 where t.condIsAdd[e] && fires(e, in: s) { n.insert(t.condFact[e]) }
    }
    for i in Int(t.addStart[a])..<Int(t.addStart[a + 1]) { n.insert(t.add[i]) }
    n.finishUpdate()
    return n
  }

  /// Calls `body` with every action applicable in `s`.
  @inlinable
  public func forEachApplicable(_ s: S, _ body: (Int) -> Void) {
    for a in unconditioned where isApplicable(Int(a), in: s) { body(Int(a)) }
    for w in 0..<words {
      var bits = s.word(w)
      while bits != 0 {
        let f = w &* 64 &+ bits.trailingZeroBitCount
        bits &= bits &- 1
        for i in Int(bucketStart[f])..<Int(bucketStart[f &+ 1]) {
          let a = Int(bucket[i])
          if isApplicable(a, in: s) { body(a) }
        }
      }
    }
  }

  @inlinable
  public func expand(_ s: S, into successors: inout Successors<S, Int>) {
    let costs = task.actionCosts
    forEachApplicable(s) { a in
      successors.append(apply(a, to: s), cost: costs[a])
    }
  }

  /// Appends the actions applicable in `s` (labels are action ids).
  @inlinable
  public func applicableLabels(_ s: S, into labels: inout ContiguousArray<Int32>) {
    forEachApplicable(s) { labels.append(Int32(truncatingIfNeeded: $0)) }
  }

  /// The state after action `label` and its cost.
  @inlinable
  public func successor(of s: S, through label: Int32) -> (state: S, cost: Int) {
    (apply(Int(label), to: s), task.actionCosts[Int(label)])
  }

  /// The actions applicable in `s`, in increasing id order.
  public func applicableActions(_ s: S) -> [Int32] {
    var out: [Int32] = []
    forEachApplicable(s) { out.append(Int32($0)) }
    return out.sorted()
  }

  /// Maps a path of states back to actions: for each step, the cheapest action (lowest id
  /// among equals) that leads from one state to the next. `nil` if a step has none.
  public func plan(along path: [S]) -> [Int32]? {
    var plan: [Int32] = []
    for k in 0..<max(0, path.count - 1) {
      var best: Int32 = -1
      for a in applicableActions(path[k]) where apply(Int(a), to: path[k]) == path[k + 1] {
        if best < 0 || task.actionCosts[Int(a)] < task.actionCosts[Int(best)] { best = a }
      }
      if best < 0 { return nil }
      plan.append(best)
    }
    return plan
  }
}
