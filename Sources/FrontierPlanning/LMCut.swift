public import FrontierCore

/// The relaxed task that LM-cut works on: per ground action, one operator with its positive
/// preconditions and unconditional add effects and one per distinct effect condition (the
/// preconditions plus the condition's positive facts, adding what that condition adds),
/// plus an artificial goal operator.
///
/// Facts `0..<n` are the task's; fact `n` is an artificial precondition true in every
/// state (given to operators without preconditions, so every operator has one), fact
/// `n + 1` the artificial goal, added by a zero-cost operator whose preconditions are the
/// goal facts.
///
/// Conditional effects: Fast Downward's `lmcut()` refuses tasks with them. Here the
/// operators of one action share one cost counter (a *cost slot*): h_max charges each
/// operator its slot's remaining cost, and a cut lowers every slot in it once. Applying an
/// action in a relaxed plan applies those of its operators whose conditions hold, so a
/// cut (operators crossing into the goal zone along supporters) still names an action
/// landmark, and the slots partition each action's cost among the landmarks: admissible,
/// as the basic conditional-effects LM-cut of Röger, Pommerening & Helmert (ICAPS 2014),
/// without their context splitting. (The earlier version dropped the conditions, which is
/// also admissible but much weaker: schedule-adl instance-4 needed 34 expansions to FD's 5.)
/// Negative preconditions, conditions and goals are negated facts (``RelaxedFacts``), as
/// in Fast Downward's finite-domain encoding.
public struct LMCutTask: Sendable {
  /// Relaxed facts (the task's, then the negated ones; see ``RelaxedFacts``).
  public let factCount: Int
  @usableFromInline let taskFacts: Int
  @usableFromInline let negated: ContiguousArray<Int32>
  @usableFromInline let opPreStart: ContiguousArray<Int32>
  @usableFromInline let opPre: ContiguousArray<Int32>
  @usableFromInline let opEffStart: ContiguousArray<Int32>
  @usableFromInline let opEff: ContiguousArray<Int32>
  /// The cost slot (action) of each operator; the goal operator has its own slot.
  @usableFromInline let opSlot: ContiguousArray<Int32>
  @usableFromInline let slotBaseCost: ContiguousArray<Int>
  /// The operators of slot `k` are `slotOpsStart[k]..<slotOpsStart[k + 1]` (consecutive).
  @usableFromInline let slotOpsStart: ContiguousArray<Int32>
  /// Operators with fact `f` as a precondition (CSR).
  @usableFromInline let preOfStart: ContiguousArray<Int32>
  @usableFromInline let preOf: ContiguousArray<Int32>
  /// Operators with fact `f` as an effect (CSR).
  @usableFromInline let effOfStart: ContiguousArray<Int32>
  @usableFromInline let effOf: ContiguousArray<Int32>
  /// The artificial precondition and goal facts.
  @usableFromInline let artificialPre: Int32
  @usableFromInline let artificialGoal: Int32
  /// Facts including the two artificial ones.
  @usableFromInline let allFacts: Int

  public var operatorCount: Int { opSlot.count }
  public var slotCount: Int { slotBaseCost.count }

  public init(_ task: GroundTask) {
    let rf = RelaxedFacts(task)
    let n = rf.count
    factCount = n
    taskFacts = rf.taskFacts
    negated = ContiguousArray(rf.negated)
    allFacts = n + 2
    artificialPre = Int32(n)
    artificialGoal = Int32(n + 1)
    var preStart: ContiguousArray<Int32> = [0], pre: ContiguousArray<Int32> = []
    var effStart: ContiguousArray<Int32> = [0], eff: ContiguousArray<Int32> = []
    var slot: ContiguousArray<Int32> = []
    var slotCost: ContiguousArray<Int> = []
    var slotStart: ContiguousArray<Int32> = [0]
    func addOperator(_ p: [Int32], _ e: [Int32]) {
      pre.append(contentsOf: p.isEmpty ? [Int32(n)] : p)
      preStart.append(Int32(pre.count))
      eff.append(contentsOf: e)
      effStart.append(Int32(eff.count))
      slot.append(Int32(slotCost.count))
    }
    func closeSlot(_ c: Int) {
      slotCost.append(c)
      slotStart.append(Int32(slot.count))
    }
    for a in 0..<task.actionCount {
      let p = rf.preconditions(task, a)
      let pSet = Set(p)
      var e = Set(rf.adds(task, a))
      // Conditional adds grouped by their condition beyond the preconditions.
      var byCondition: [[Int32]: Set<Int32>] = [:]
      for c in rf.conditionalAdds(task, a) {
        let extra = Array(Set(c.condition).subtracting(pSet)).sorted()
        if extra.isEmpty { e.insert(c.fact) } else { byCondition[extra, default: []].insert(c.fact) }
      }
      let before = slot.count
      if !e.isEmpty { addOperator(p, e.sorted()) }
      for extra in byCondition.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        let adds = byCondition[extra]!.subtracting(e)
        if adds.isEmpty { continue }
        addOperator((p + extra).sorted(), adds.sorted())
      }
      if slot.count > before { closeSlot(task.actionCosts[a]) }
    }
    addOperator(rf.goal, [Int32(n + 1)])
    closeSlot(0)
    func index(_ start: ContiguousArray<Int32>, _ flat: ContiguousArray<Int32>) -> (ContiguousArray<Int32>, ContiguousArray<Int32>) {
      var lists = [[Int32]](repeating: [], count: n + 2)
      for o in 0..<(start.count - 1) {
        for i in Int(start[o])..<Int(start[o + 1]) { lists[Int(flat[i])].append(Int32(o)) }
      }
      var s: ContiguousArray<Int32> = [0], f: ContiguousArray<Int32> = []
      for l in lists {
        f.append(contentsOf: l)
        s.append(Int32(f.count))
      }
      return (s, f)
    }
    opPreStart = preStart; opPre = pre
    opEffStart = effStart; opEff = eff
    opSlot = slot
    slotBaseCost = slotCost
    slotOpsStart = slotStart
    (preOfStart, preOf) = index(preStart, pre)
    (effOfStart, effOf) = index(effStart, eff)
  }
}

/// An h_max queue entry of LM-cut: by cost, then last in first out (as Fast Downward's
/// bucket queue, which decides the supporter among equally costly preconditions).
@usableFromInline
struct LMCutEntry: Comparable {
  @usableFromInline var cost: Int
  @usableFromInline var order: Int
  @usableFromInline var fact: Int32
  @inlinable init(cost: Int, order: Int, fact: Int32) {
    self.cost = cost
    self.order = order
    self.fact = fact
  }
  @inlinable static func < (a: Self, b: Self) -> Bool { a.cost < b.cost || (a.cost == b.cost && a.order > b.order) }
  @inlinable static func == (a: Self, b: Self) -> Bool { a.cost == b.cost && a.order == b.order }
}

/// Scratch memory of LM-cut, reused across evaluations (raw buffers; see
/// ``RelaxationScratch`` for why not arrays in a class).
@usableFromInline
final class LMCutScratch {
  /// h_max of each fact (`Int.max`: unreached).
  @usableFromInline let hmax: UnsafeMutablePointer<Int>
  /// Round stamps: the fact is in the goal zone / was reached before it in round `r`.
  @usableFromInline let goalZone: UnsafeMutablePointer<Int32>
  @usableFromInline let beforeGoal: UnsafeMutablePointer<Int32>
  /// Per cost slot (action): remaining cost, and the round it was last cut in.
  @usableFromInline let cost: UnsafeMutablePointer<Int>
  @usableFromInline let slotCut: UnsafeMutablePointer<Int32>
  /// Per operator: unsatisfied preconditions, h_max supporter and its cost.
  @usableFromInline let unsatisfied: UnsafeMutablePointer<Int32>
  @usableFromInline let supporter: UnsafeMutablePointer<Int32>
  @usableFromInline let supporterCost: UnsafeMutablePointer<Int>
  @usableFromInline var heap: BinaryHeap<LMCutEntry>
  @usableFromInline var stack: ContiguousArray<Int32> = []
  /// Goal-zone marking frames: a fact and the next of its achievers to visit.
  @usableFromInline var frames: ContiguousArray<(fact: Int32, next: Int32)> = []
  @usableFromInline var cut: ContiguousArray<Int32> = []
  /// The relaxed facts holding in the evaluated state (collected once, used every round).
  @usableFromInline var stateFacts: ContiguousArray<Int32> = []
  @usableFromInline var round: Int32 = 0
  @usableFromInline var pushes = 0

  @usableFromInline init(_ t: LMCutTask) {
    func make<T>(_ n: Int, _ v: T) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, n))
      p.initialize(repeating: v, count: Swift.max(1, n))
      return p
    }
    hmax = make(t.allFacts, Int.max)
    goalZone = make(t.allFacts, 0)
    beforeGoal = make(t.allFacts, 0)
    cost = make(t.slotCount, 0)
    slotCut = make(t.slotCount, 0)
    unsatisfied = make(t.operatorCount, 0)
    supporter = make(t.operatorCount, -1)
    supporterCost = make(t.operatorCount, 0)
    heap = BinaryHeap(minimumCapacity: t.allFacts)
  }

  deinit {
    hmax.deallocate()
    goalZone.deallocate()
    beforeGoal.deallocate()
    cost.deallocate()
    slotCut.deallocate()
    unsatisfied.deallocate()
    supporter.deallocate()
    supporterCost.deallocate()
  }
}

extension LMCutTask {
  /// Marks the goal zone of this round: the artificial goal and, recursively, the
  /// supporters of zero-cost operators adding a goal-zone fact. A zero-cost operator's
  /// supporter is first re-chosen among its equally costly preconditions, preferring one
  /// that no zero-cost operator adds (the zone's border), then one already in the zone:
  /// Fast Downward's default `border_detection` and `goal_zone_detection` tie-breaking.
  @inlinable
  func markGoalZone(round: Int32, scratch s: LMCutScratch) {
    var frames = s.frames
    s.frames = []
    defer { s.frames = frames }
    frames.removeAll(keepingCapacity: true)
    s.goalZone[Int(artificialGoal)] = round
    frames.append((artificialGoal, effOfStart[Int(artificialGoal)]))
    while let top = frames.last {
      let f = Int(top.fact)
      if top.next == effOfStart[f + 1] {
        frames.removeLast()
        continue
      }
      frames[frames.count - 1].next += 1
      let o = Int(effOf[Int(top.next)])
      if s.cost[Int(opSlot[o])] != 0 || s.supporter[o] < 0 { continue }
      let c = s.supporterCost[o]
      for i in Int(opPreStart[o])..<Int(opPreStart[o + 1]) {
        let p = Int(opPre[i])
        if s.hmax[p] != c { continue }
        var zeroCostAchiever = false
        for j in Int(effOfStart[p])..<Int(effOfStart[p + 1]) where s.cost[Int(opSlot[Int(effOf[j])])] == 0 {
          zeroCostAchiever = true
          break
        }
        if !zeroCostAchiever || s.goalZone[p] == round {
          s.supporter[o] = Int32(p)
          break
        }
      }
      let sub = s.supporter[o]
      if s.goalZone[Int(sub)] != round {
        s.goalZone[Int(sub)] = round
        frames.append((sub, effOfStart[Int(sub)]))
      }
    }
  }

  /// Lowers fact `f` to `c` if cheaper and queues it.
  @inlinable @inline(__always)
  func enqueue(_ f: Int32, _ c: Int, _ s: LMCutScratch, _ heap: inout BinaryHeap<LMCutEntry>) {
    if c < s.hmax[Int(f)] {
      s.hmax[Int(f)] = c
      s.pushes &+= 1
      heap.push(LMCutEntry(cost: c, order: s.pushes, fact: f))
    }
  }

  /// The LM-cut value of `state` (Helmert & Domshlak, "Landmarks, critical paths and
  /// abstractions: what's the difference anyway?", ICAPS 2009); `Int.infinity` if the
  /// goal is relaxed-unreachable.
  ///
  /// Each round computes h_max with each operator's *supporter* (a precondition of
  /// maximal h_max), marks the goal zone (facts from which the goal is reached through
  /// zero-cost operators along supporters), finds the cut (operators, reached from the
  /// state without entering the goal zone, with an effect in it), adds the cut's least
  /// remaining cost to h and subtracts it from every cut operator. h_max is then updated
  /// incrementally from the cut's effects (costs only fall), as in Fast Downward.
  ///
  /// - Complexity: O(R·(F + O) log F) for R rounds, F facts and O operator
  ///   preconditions; typically far less, since later rounds are incremental.
  @inlinable
  func evaluate<S: PlanningState>(_ state: S, scratch s: LMCutScratch) -> Int {
    var heap = s.heap
    s.heap = BinaryHeap()
    var stack = s.stack
    s.stack = []
    var cut = s.cut
    s.cut = []
    var stateFacts = s.stateFacts
    s.stateFacts = []
    defer {
      s.heap = heap
      s.stack = stack
      s.cut = cut
      s.stateFacts = stateFacts
    }
    stateFacts.removeAll(keepingCapacity: true)
    for f in 0..<factCount where state.holds(Int32(f), taskFacts: taskFacts, negated: negated) {
      stateFacts.append(Int32(f))
    }
    // First h_max exploration.
    let ops = operatorCount
    for k in 0..<slotCount { s.cost[k] = slotBaseCost[k] }
    for o in 0..<ops {
      s.unsatisfied[o] = opPreStart[o + 1] - opPreStart[o]
      s.supporter[o] = -1
    }
    s.hmax.update(repeating: Int.max, count: allFacts)
    heap.removeAll()
    for f in stateFacts { enqueue(f, 0, s, &heap) }
    enqueue(artificialPre, 0, s, &heap)
    while let e = heap.popMin() {
      let f = Int(e.fact)
      if e.cost > s.hmax[f] { continue }
      for i in Int(preOfStart[f])..<Int(preOfStart[f + 1]) {
        let o = Int(preOf[i])
        s.unsatisfied[o] -= 1
        if s.unsatisfied[o] == 0 {
          s.supporter[o] = e.fact
          s.supporterCost[o] = e.cost
          let c = e.cost + s.cost[Int(opSlot[o])]
          for j in Int(opEffStart[o])..<Int(opEffStart[o + 1]) { enqueue(opEff[j], c, s, &heap) }
        }
      }
    }
    if s.hmax[Int(artificialGoal)] == Int.max { return Int.infinity }

    var h = 0
    while s.hmax[Int(artificialGoal)] != 0 {
      s.round &+= 1
      if s.round == Int32.max {
        s.goalZone.update(repeating: 0, count: allFacts)
        s.beforeGoal.update(repeating: 0, count: allFacts)
        s.slotCut.update(repeating: 0, count: slotCount)
        s.round = 1
      }
      let round = s.round
      // Goal zone: backwards from the goal through zero-cost operators' supporters,
      // depth first.
      markGoalZone(round: round, scratch: s)
      // The cut: forward from the state along supporters, stopping at the goal zone.
      cut.removeAll(keepingCapacity: true)
      stack.removeAll(keepingCapacity: true)
      s.beforeGoal[Int(artificialPre)] = round
      stack.append(artificialPre)
      for f in stateFacts {
        s.beforeGoal[Int(f)] = round
        stack.append(f)
      }
      while let f = stack.popLast() {
        for i in Int(preOfStart[Int(f)])..<Int(preOfStart[Int(f) + 1]) {
          let o = Int(preOf[i])
          if s.supporter[o] != f { continue }
          let e0 = Int(opEffStart[o]), e1 = Int(opEffStart[o + 1])
          var entersGoalZone = false
          for j in e0..<e1 where s.goalZone[Int(opEff[j])] == round {
            entersGoalZone = true
            break
          }
          if entersGoalZone {
            cut.append(Int32(o))
          } else {
            for j in e0..<e1 where s.beforeGoal[Int(opEff[j])] != round {
              s.beforeGoal[Int(opEff[j])] = round
              stack.append(opEff[j])
            }
          }
        }
      }
      var cutCost = Int.max
      for o in cut where s.cost[Int(opSlot[Int(o)])] < cutCost { cutCost = s.cost[Int(opSlot[Int(o)])] }
      precondition(cutCost > 0 && cutCost < Int.max, "LM-cut: empty or zero-cost cut")
      h += cutCost
      // Each cut slot loses the cut's cost once, however many of its operators are in
      // the cut; then incremental h_max: only the operators of those slots got cheaper.
      heap.removeAll()
      for o in cut {
        let k = Int(opSlot[Int(o)])
        if s.slotCut[k] == round { continue }
        s.slotCut[k] = round
        s.cost[k] -= cutCost
        for q in Int(slotOpsStart[k])..<Int(slotOpsStart[k + 1]) where s.supporter[q] >= 0 && s.unsatisfied[q] == 0 {
          let c = s.supporterCost[q] + s.cost[k]
          for j in Int(opEffStart[q])..<Int(opEffStart[q + 1]) { enqueue(opEff[j], c, s, &heap) }
        }
      }
      while let e = heap.popMin() {
        let f = Int(e.fact)
        if e.cost > s.hmax[f] { continue }
        for i in Int(preOfStart[f])..<Int(preOfStart[f + 1]) {
          let o = Int(preOf[i])
          if s.supporter[o] != e.fact || s.supporterCost[o] <= e.cost { continue }
          // The supporter got cheaper: pick the costliest precondition again (the old
          // supporter wins ties, then the first in precondition order).
          let old = s.supporterCost[o]
          var best = e.fact
          var bestCost = e.cost
          for j in Int(opPreStart[o])..<Int(opPreStart[o + 1]) where s.hmax[Int(opPre[j])] > bestCost {
            best = opPre[j]
            bestCost = s.hmax[Int(best)]
          }
          s.supporter[o] = best
          s.supporterCost[o] = bestCost
          if bestCost != old {
            let c = bestCost + s.cost[Int(opSlot[o])]
            for j in Int(opEffStart[o])..<Int(opEffStart[o + 1]) { enqueue(opEff[j], c, s, &heap) }
          }
        }
      }
    }
    return h
  }
}

/// LM-cut (Helmert & Domshlak, ICAPS 2009): an admissible heuristic that repeatedly finds
/// a disjunctive action landmark (a cut in the justification graph of h_max), adds its
/// cheapest cost and discounts its actions. Dominates h_max; the configuration `optimal`
/// is A* with it. Conditional effects are relaxed as described in ``LMCutTask``.
///
/// - Complexity: see ``LMCutTask/evaluate(_:scratch:)``; memory O(facts + operators).
public struct LMCutHeuristic<S: PlanningState>: Heuristic {
  public let relaxed: LMCutTask
  @usableFromInline let scratch: LMCutScratch
  public init(_ task: GroundTask) {
    relaxed = LMCutTask(task)
    scratch = LMCutScratch(relaxed)
  }
  @inlinable public func estimate(_ state: S) -> Int { relaxed.evaluate(state, scratch: scratch) }
}
