public import FrontierCore
public import FrontierStateSearch

/// The delete relaxation of a ground task as unary operators: one per (action, add
/// effect), with the action's preconditions plus the effect's condition, and the action's
/// cost. Negative preconditions, conditions and goals are positive *negated facts* (see
/// ``RelaxedFacts``), added by the actions that delete their fact, as in Fast Downward's
/// finite-domain encoding.
public struct RelaxedTask: Sendable {
  /// Relaxed facts: the task's, then the negated ones.
  public let factCount: Int
  /// The task's facts; relaxed fact `taskFacts + i` is the negation of `negated[i]`.
  @usableFromInline let taskFacts: Int
  @usableFromInline let negated: ContiguousArray<Int32>
  @usableFromInline let opPreStart: ContiguousArray<Int32>
  @usableFromInline let opPre: ContiguousArray<Int32>
  @usableFromInline let opEffect: ContiguousArray<Int32>
  @usableFromInline let opCost: ContiguousArray<Int>
  /// The action each operator comes from.
  @usableFromInline let opAction: ContiguousArray<Int32>
  /// Operators with fact `f` among their preconditions: `factOps[factOpsStart[f]..<factOpsStart[f+1]]`.
  @usableFromInline let factOpsStart: ContiguousArray<Int32>
  @usableFromInline let factOps: ContiguousArray<Int32>
  @usableFromInline let goal: ContiguousArray<Int32>
  @usableFromInline let isGoal: ContiguousArray<Bool>

  public var operatorCount: Int { opEffect.count }
  /// Number of actions of the ground task.
  public let actionCount: Int

  /// - Parameter unitCosts: cost every visible action 1 (hidden goal actions 0), as Fast
  ///   Downward's `adapt_costs(one)` that LAMA's first iteration uses.
  public init(_ task: GroundTask, unitCosts: Bool = false) {
    let rf = RelaxedFacts(task)
    factCount = rf.count
    taskFacts = rf.taskFacts
    negated = ContiguousArray(rf.negated)
    actionCount = task.actionCount
    let costOf: (Int) -> Int = { a in unitCosts ? (task.actionHidden[a] ? 0 : 1) : task.actionCosts[a] }
    var preStart: ContiguousArray<Int32> = [0]
    var pre: ContiguousArray<Int32> = []
    var eff: ContiguousArray<Int32> = []
    var cost: ContiguousArray<Int> = []
    var action: ContiguousArray<Int32> = []
    for a in 0..<task.actionCount {
      let p = rf.preconditions(task, a)
      for f in rf.adds(task, a) {
        pre.append(contentsOf: p)
        preStart.append(Int32(pre.count))
        eff.append(f)
        cost.append(costOf(a))
        action.append(Int32(a))
      }
      for c in rf.conditionalAdds(task, a) {
        pre.append(contentsOf: Array(Set(p + c.condition)).sorted())
        preStart.append(Int32(pre.count))
        eff.append(c.fact)
        cost.append(costOf(a))
        action.append(Int32(a))
      }
    }
    var lists = [[Int32]](repeating: [], count: rf.count)
    for o in 0..<eff.count {
      for i in Int(preStart[o])..<Int(preStart[o + 1]) { lists[Int(pre[i])].append(Int32(o)) }
    }
    var fs: ContiguousArray<Int32> = [0]
    var fo: ContiguousArray<Int32> = []
    for l in lists {
      fo.append(contentsOf: l)
      fs.append(Int32(fo.count))
    }
    opPreStart = preStart
    opPre = pre
    opEffect = eff
    opCost = cost
    opAction = action
    factOpsStart = fs
    factOps = fo
    goal = ContiguousArray(rf.goal)
    var g = ContiguousArray(repeating: false, count: rf.count)
    for f in rf.goal { g[Int(f)] = true }
    isGoal = g
  }
}

/// An open-list entry of the relaxed exploration.
@usableFromInline
struct FactEntry: Comparable {
  @usableFromInline var cost: Int
  @usableFromInline var fact: Int32
  @inlinable init(cost: Int, fact: Int32) {
    self.cost = cost
    self.fact = fact
  }
  @inlinable static func < (a: Self, b: Self) -> Bool { a.cost < b.cost || (a.cost == b.cost && a.fact < b.fact) }
}

/// The priority queue of the relaxed exploration: buckets by cost, **last in, first out**
/// within a bucket, turning into a binary heap (ties by fact id) once a cost of at least
/// 100 exceeds the number of pushes since the last `removeAll` (large action costs).
///
/// The order matters only for ties: the first operator to reach a fact at its final cost
/// becomes its best supporter, and h_FF's relaxed plan follows the supporters. This is the
/// order Fast Downward's adaptive bucket queue pops in (its `BucketQueue` pops the back of a
/// bucket), which its `add()`/`ff()` use; with a cost-then-fact-id heap instead, Frontier's
/// h_FF of IPC transport instance-4 was 49 where FD's is 47 (unit costs), and the preferred
/// operators differed accordingly.
@usableFromInline
struct RelaxedQueue {
  @usableFromInline var buckets: [ContiguousArray<Int32>] = []
  @usableFromInline var current = 0
  @usableFromInline var count = 0
  @usableFromInline var pushes = 0
  @usableFromInline var heapMode = false
  @usableFromInline var heap = BinaryHeap<FactEntry>()

  @usableFromInline init() {}

  @inlinable var isEmpty: Bool { count == 0 }

  @inlinable mutating func removeAll() {
    if heapMode {
      heap.removeAll()
      heapMode = false
    } else if count > 0 {
      for k in current..<buckets.count { buckets[k].removeAll(keepingCapacity: true) }
    }
    current = 0
    count = 0
    pushes = 0
  }

  @inlinable mutating func push(_ cost: Int, _ fact: Int32) {
    count += 1
    pushes += 1
    if heapMode {
      heap.push(FactEntry(cost: cost, fact: fact))
      return
    }
    if cost >= buckets.count {
      if cost >= 100 && cost > pushes {
        // Too sparse for buckets: move everything into the heap.
        heapMode = true
        for k in current..<buckets.count {
          for f in buckets[k] { heap.push(FactEntry(cost: k, fact: f)) }
          buckets[k].removeAll(keepingCapacity: true)
        }
        heap.push(FactEntry(cost: cost, fact: fact))
        return
      }
      buckets.append(contentsOf: repeatElement([], count: cost + 1 - buckets.count))
    } else if cost < current {
      current = cost
    }
    buckets[cost].append(fact)
  }

  @inlinable mutating func pop() -> FactEntry? {
    if count == 0 { return nil }
    count -= 1
    if heapMode { return heap.popMin() }
    while buckets[current].isEmpty { current += 1 }
    let f = buckets[current].removeLast()
    return FactEntry(cost: current, fact: f)
  }
}

/// Scratch memory of the relaxed exploration, reused across evaluations.
///
/// Per-fact and per-operator arrays are raw buffers behind `let` pointers: a class's `var`
/// arrays cost a dynamic exclusivity check per access (measured: ~70% of h_FF time). The
/// growable lists are moved out into locals for the duration of an evaluation.
@usableFromInline
final class RelaxationScratch {
  @usableFromInline let factCost: UnsafeMutablePointer<Int>
  @usableFromInline let closed: UnsafeMutablePointer<Bool>
  @usableFromInline let unsatisfied: UnsafeMutablePointer<Int32>
  @usableFromInline let accumulated: UnsafeMutablePointer<Int>
  /// The operator that first reached each fact at its final cost (for h_FF).
  @usableFromInline let achiever: UnsafeMutablePointer<Int32>
  /// h_FF: facts already visited by the relaxed-plan extraction, actions in the plan.
  @usableFromInline let factMarked: UnsafeMutablePointer<Bool>
  @usableFromInline let actionMarked: UnsafeMutablePointer<Bool>
  /// h_FF: whether each action is preferred in the last evaluated state.
  @usableFromInline let actionPreferred: UnsafeMutablePointer<Bool>
  @usableFromInline var queue = RelaxedQueue()
  @usableFromInline var markedActions: ContiguousArray<Int32> = []
  @usableFromInline var stack: ContiguousArray<Int32> = []
  /// h_FF: the preferred operators of the last evaluated state.
  @usableFromInline var preferred: ContiguousArray<Int32> = []
  let factCount: Int
  let operatorCount: Int
  let actionCount: Int

  @usableFromInline init(_ r: RelaxedTask) {
    factCount = r.factCount
    operatorCount = r.operatorCount
    actionCount = r.actionCount
    func make<T>(_ n: Int, _ v: T) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, n))
      p.initialize(repeating: v, count: Swift.max(1, n))
      return p
    }
    factCost = make(r.factCount, Int.infinity)
    closed = make(r.factCount, false)
    achiever = make(r.factCount, -1)
    factMarked = make(r.factCount, false)
    unsatisfied = make(r.operatorCount, 0)
    accumulated = make(r.operatorCount, 0)
    actionMarked = make(r.actionCount, false)
    actionPreferred = make(r.actionCount, false)
  }

  deinit {
    factCost.deallocate()
    closed.deallocate()
    achiever.deallocate()
    factMarked.deallocate()
    unsatisfied.deallocate()
    accumulated.deallocate()
    actionMarked.deallocate()
    actionPreferred.deallocate()
  }
}

extension RelaxedTask {
  /// Generalised Dijkstra (Knuth 1977; Bonet & Geffner 2001) over the unary operators:
  /// the cost of a fact is 0 if true in `s`, else the least cost of an operator adding
  /// it, where an operator costs its own cost plus the sum (`maximum == false`, h_add)
  /// or the maximum (h_max) of its preconditions' costs. Returns the aggregate over the
  /// goal facts, or `Int.infinity` if some goal fact is unreachable.
  @inlinable
  func explore<S: PlanningState>(_ s: S, maximum: Bool, scratch: RelaxationScratch) -> Int {
    let inf = Int.infinity
    let n = factCount
    scratch.factCost.update(repeating: inf, count: n)
    scratch.closed.update(repeating: false, count: n)
    scratch.achiever.update(repeating: -1, count: n)
    for o in 0..<operatorCount {
      scratch.unsatisfied[o] = opPreStart[o + 1] - opPreStart[o]
      scratch.accumulated[o] = 0
    }
    var heap = scratch.queue
    scratch.queue = RelaxedQueue()
    defer { scratch.queue = heap }
    heap.removeAll()
    // Operators without preconditions first, then the state's facts (as Fast Downward).
    for o in 0..<operatorCount where scratch.unsatisfied[o] == 0 {
      let f = Int(opEffect[o])
      if opCost[o] < scratch.factCost[f] {
        scratch.factCost[f] = opCost[o]
        scratch.achiever[f] = Int32(o)
        heap.push(opCost[o], Int32(f))
      }
    }
    for f in 0..<n where s.holds(Int32(f), taskFacts: taskFacts, negated: negated) && scratch.factCost[f] > 0 {
      scratch.factCost[f] = 0
      scratch.achiever[f] = -1
      heap.push(0, Int32(f))
    }
    var goalsLeft = 0
    for g in goal where !s.holds(g, taskFacts: taskFacts, negated: negated) { goalsLeft += 1 }
    while goalsLeft > 0, let e = heap.pop() {
      let f = Int(e.fact)
      if scratch.closed[f] || e.cost > scratch.factCost[f] { continue }
      scratch.closed[f] = true
      if isGoal[f] && !s.holds(e.fact, taskFacts: taskFacts, negated: negated) { goalsLeft -= 1 }
      let c = e.cost
      for i in Int(factOpsStart[f])..<Int(factOpsStart[f + 1]) {
        let o = Int(factOps[i])
        if maximum {
          if c > scratch.accumulated[o] { scratch.accumulated[o] = c }
        } else {
          scratch.accumulated[o] += c
        }
        scratch.unsatisfied[o] -= 1
        if scratch.unsatisfied[o] == 0 {
          let q = Int(opEffect[o])
          let v = scratch.accumulated[o] + opCost[o]
          if v < scratch.factCost[q] {
            scratch.factCost[q] = v
            scratch.achiever[q] = Int32(o)
            heap.push(v, Int32(q))
          }
        }
      }
    }
    var h = 0
    for g in goal {
      let c = scratch.factCost[Int(g)]
      if c >= inf { return inf }
      if maximum { h = Swift.max(h, c) } else { h += c }
    }
    return h
  }
}

extension RelaxedTask {
  /// h_FF (Hoffmann & Nebel, "The FF planning system", JAIR 2001) with h_add best
  /// supporters (as Fast Downward's `ff()`): explores like h_add, then extracts a relaxed
  /// plan backwards from the goal, each fact supported by the operator that first
  /// reached it at its final h_add cost (ties: the first such operator, in id order of
  /// processing). The value is the summed cost of the distinct actions in the relaxed
  /// plan. Preferred operators: relaxed-plan actions whose supporter's preconditions
  /// all hold in `s`.
  @inlinable
  func relaxedPlan<S: PlanningState>(_ s: S, scratch: RelaxationScratch) -> Int {
    let hadd = explore(s, maximum: false, scratch: scratch)
    var preferred = scratch.preferred
    var marked = scratch.markedActions
    var stack = scratch.stack
    scratch.preferred = []
    scratch.markedActions = []
    scratch.stack = []
    defer {
      scratch.preferred = preferred
      scratch.markedActions = marked
      scratch.stack = stack
    }
    for a in preferred { scratch.actionPreferred[Int(a)] = false }
    preferred.removeAll(keepingCapacity: true)
    if hadd >= Int.infinity { return Int.infinity }
    for a in marked { scratch.actionMarked[Int(a)] = false }
    marked.removeAll(keepingCapacity: true)
    scratch.factMarked.update(repeating: false, count: factCount)
    stack.removeAll(keepingCapacity: true)
    for g in goal where !s.holds(g, taskFacts: taskFacts, negated: negated) && !scratch.factMarked[Int(g)] {
      scratch.factMarked[Int(g)] = true
      stack.append(g)
    }
    var h = 0
    while let f = stack.popLast() {
      let o = Int(scratch.achiever[Int(f)])
      if o < 0 { continue }
      let a = Int(opAction[o])
      if !scratch.actionMarked[a] {
        scratch.actionMarked[a] = true
        marked.append(Int32(a))
        h += opCost[o]
      }
      var applicable = true
      for i in Int(opPreStart[o])..<Int(opPreStart[o + 1]) {
        let p = opPre[i]
        if s.holds(p, taskFacts: taskFacts, negated: negated) { continue }
        applicable = false
        if !scratch.factMarked[Int(p)] {
          scratch.factMarked[Int(p)] = true
          stack.append(p)
        }
      }
      if applicable && !scratch.actionPreferred[a] {
        scratch.actionPreferred[a] = true
        preferred.append(Int32(a))
      }
    }
    return h
  }
}

/// h_FF with preferred operators (see ``RelaxedTask/relaxedPlan(_:scratch:)``).
///
/// - Complexity: one h_add exploration, O((F + P) log F) for F facts and P operator
///   preconditions, plus a linear relaxed-plan extraction.
public struct FFHeuristic<S: PlanningState>: PreferredOperatorHeuristic {
  public let relaxed: RelaxedTask
  @usableFromInline let scratch: RelaxationScratch
  /// - Parameter unitCosts: evaluate as if every action cost 1 (LAMA's first iteration).
  public init(_ task: GroundTask, unitCosts: Bool = false) {
    relaxed = RelaxedTask(task, unitCosts: unitCosts)
    scratch = RelaxationScratch(relaxed)
  }
  @inlinable public func estimate(_ state: S) -> Int { relaxed.relaxedPlan(state, scratch: scratch) }
  /// Same as ``estimate(_:)``: h_FF always records the preferred operators.
  @inlinable public func estimateWithPreferred(_ state: S) -> Int { relaxed.relaxedPlan(state, scratch: scratch) }
  /// Whether action `label` is preferred in the state evaluated last (O(1)).
  @inlinable public func isPreferred(_ label: Int32) -> Bool { scratch.actionPreferred[Int(label)] }
  /// The preferred operators (action ids) of the state evaluated last.
  public var lastPreferredOperators: [Int32] { Array(scratch.preferred) }
}

/// h_add (Bonet & Geffner, "Planning as heuristic search", AIJ 2001): the sum of the
/// relaxed costs of the goal facts, each fact costed by its cheapest achiever plus the
/// sum of that achiever's preconditions' costs. Informative, not admissible.
public struct AdditiveHeuristic<S: PlanningState>: Heuristic {
  public let relaxed: RelaxedTask
  @usableFromInline let scratch: RelaxationScratch
  public init(_ task: GroundTask) {
    relaxed = RelaxedTask(task)
    scratch = RelaxationScratch(relaxed)
  }
  @inlinable public func estimate(_ state: S) -> Int { relaxed.explore(state, maximum: false, scratch: scratch) }
}

/// h_max (Bonet & Geffner 2001): like h_add with maximum in place of sum; admissible.
public struct MaxHeuristic<S: PlanningState>: Heuristic {
  public let relaxed: RelaxedTask
  @usableFromInline let scratch: RelaxationScratch
  public init(_ task: GroundTask) {
    relaxed = RelaxedTask(task)
    scratch = RelaxationScratch(relaxed)
  }
  @inlinable public func estimate(_ state: S) -> Int { relaxed.explore(state, maximum: true, scratch: scratch) }
}

/// The number of goal facts not yet satisfied (not admissible with action costs).
public struct GoalCountHeuristic<S: PlanningState>: Heuristic, Sendable {
  @usableFromInline let goal: ContiguousArray<Int32>
  @usableFromInline let goalNegative: ContiguousArray<Int32>
  public init(_ task: GroundTask) {
    goal = ContiguousArray(task.goal)
    goalNegative = ContiguousArray(task.goalNegative)
  }
  @inlinable public func estimate(_ s: S) -> Int {
    var n = 0
    for f in goal where !s.contains(f) { n += 1 }
    for f in goalNegative where s.contains(f) { n += 1 }
    return n
  }
}

/// Blind: 0 in goal states, otherwise the cheapest action cost (as Fast Downward's).
public struct BlindHeuristic<S: PlanningState>: Heuristic, Sendable {
  @usableFromInline let goal: GoalCountHeuristic<S>
  @usableFromInline let minimumCost: Int
  public init(_ task: GroundTask) {
    goal = GoalCountHeuristic(task)
    minimumCost = task.actionCosts.min() ?? 0
  }
  @inlinable public func estimate(_ s: S) -> Int { goal.estimate(s) == 0 ? 0 : minimumCost }
}
