public import FrontierCore
public import FrontierStateSearch

/// A greedy-necessary ordering between two landmarks: `before` must hold in the state
/// immediately before `after` first becomes true, in every plan.
public struct LandmarkOrdering: Sendable, Hashable {
  public var before: Int
  public var after: Int
  public init(before: Int, after: Int) {
    self.before = before
    self.after = after
  }
}

/// Fact landmarks of a ground task with greedy-necessary orderings: facts (or, for a
/// *disjunctive* landmark, sets of facts of which one) that every plan makes true at some
/// point.
///
/// Found by backchaining from the goals (Hoffmann, Porteous & Sebastia, "Ordered
/// landmarks in planning", JAIR 2004, with the first-achiever refinement of Richter,
/// Helmert & Westphal, "Landmarks revisited", AAAI 2008): every goal fact is a landmark;
/// for a landmark `L` not true initially, the *first achievers* are the actions adding
/// `L` that are applicable in the delete relaxation without any action that adds `L`.
/// A fact in the preconditions of every first achiever is a landmark ordered
/// greedy-necessarily before `L`; with `disjunctive`, so is a set of 2 to 4 facts of one
/// predicate when every first achiever has one of them as a precondition (and none of
/// them holds initially or is a fact landmark already). Reasonable orderings and the
/// domain-transition-graph lookahead of the paper are not computed.
///
/// Facts are the delete relaxation's (``RelaxedTask``): negated facts used by negative
/// preconditions or goals can be landmarks too.
///
/// - Complexity: one relaxed reachability pass, O(F + P) for F facts and P operator
///   preconditions, per landmark processed; processing stops when `timeLimit` has passed
///   (the landmarks found so far are still landmarks; ``isComplete`` tells).
public struct LandmarkGraph: Sendable {
  /// Facts of landmark `i`: `facts[factStart[i]..<factStart[i+1]]` (relaxed fact ids).
  @usableFromInline let factStart: ContiguousArray<Int32>
  @usableFromInline let facts: ContiguousArray<Int32>
  /// Whether landmark `i` is a goal fact.
  @usableFromInline let isGoal: ContiguousArray<Bool>
  /// Greedy-necessary parents and children of each landmark (CSR).
  @usableFromInline let parentStart: ContiguousArray<Int32>
  @usableFromInline let parents: ContiguousArray<Int32>
  @usableFromInline let childStart: ContiguousArray<Int32>
  @usableFromInline let children: ContiguousArray<Int32>
  /// Landmarks each action achieves (adds one of their facts, conditionally or not), CSR.
  @usableFromInline let achievesStart: ContiguousArray<Int32>
  @usableFromInline let achieves: ContiguousArray<Int32>
  /// The orderings, each once.
  public let orderings: [LandmarkOrdering]
  /// Whether backchaining finished within the time limit.
  public let isComplete: Bool
  /// Relaxed fact names: the task's, then `(not …)` for negated facts.
  public let factNames: [String]
  @usableFromInline let taskFacts: Int
  @usableFromInline let negated: ContiguousArray<Int32>

  /// The number of landmarks.
  @inlinable public var count: Int { isGoal.count }
  /// The facts of landmark `i` (more than one: disjunctive).
  public func facts(of i: Int) -> [Int32] { Array(facts[Int(factStart[i])..<Int(factStart[i + 1])]) }
  /// Landmark `i` as text: `(on a b)` or `(at t1 l) | (at t2 l)`.
  public func name(of i: Int) -> String { facts(of: i).map { factNames[Int($0)] }.joined(separator: " | ") }
  /// Whether landmark `i` is a goal fact.
  public func isGoalLandmark(_ i: Int) -> Bool { isGoal[i] }
  /// Whether landmark `i` holds in `state` (one of its facts does).
  @inlinable
  public func isTrue<S: PlanningState>(_ i: Int, in state: S) -> Bool {
    for k in Int(factStart[i])..<Int(factStart[i + 1]) where state.holds(facts[k], taskFacts: taskFacts, negated: negated) {
      return true
    }
    return false
  }
  /// The landmarks ordered greedy-necessarily before landmark `i`.
  public func parents(of i: Int) -> [Int] { parents[Int(parentStart[i])..<Int(parentStart[i + 1])].map(Int.init) }

  /// Computes the landmarks of `task` (see the type's documentation).
  public init(_ task: GroundTask, disjunctive: Bool = true, timeLimit: Duration = .seconds(2)) {
    self.init(task, relaxed: RelaxedTask(task), disjunctive: disjunctive, timeLimit: timeLimit)
  }

  public init(_ task: GroundTask, relaxed r: RelaxedTask, disjunctive: Bool = true, timeLimit: Duration = .seconds(2)) {
    let clock = ContinuousClock()
    let deadline = clock.now + timeLimit
    let nf = r.factCount
    let no = r.operatorCount
    let na = r.actionCount
    var names = task.factNames
    for p in r.negated { names.append("(not " + task.factNames[Int(p)] + ")") }
    factNames = names
    taskFacts = r.taskFacts
    negated = r.negated
    // Relaxed initial state.
    var initTrue = [Bool](repeating: false, count: nf)
    for f in task.initialFacts { initTrue[Int(f)] = true }
    for (i, p) in r.negated.enumerated() { initTrue[r.taskFacts + i] = !initTrue[Int(p)] }
    // Operators adding each fact; operators of each action.
    var addLists = [[Int32]](repeating: [], count: nf)
    var actionOps = [[Int32]](repeating: [], count: na)
    for o in 0..<no {
      addLists[Int(r.opEffect[o])].append(Int32(o))
      actionOps[Int(r.opAction[o])].append(Int32(o))
    }
    // Predicate of each relaxed fact (disjunctive landmarks group by it).
    var predicateIds: [String: Int32] = [:]
    var predicate = [Int32](repeating: 0, count: nf)
    for f in 0..<nf {
      let n = names[f]
      let negatedFact = n.hasPrefix("(not ")
      let key = (negatedFact ? "not " : "") + String(n.dropFirst(negatedFact ? 6 : 1).prefix(while: { $0 != " " && $0 != ")" }))
      if let id = predicateIds[key] {
        predicate[f] = id
      } else {
        predicate[f] = Int32(predicateIds.count)
        predicateIds[key] = predicate[f]
      }
    }
    let np = predicateIds.count

    var lmFacts: [[Int32]] = []
    var lmGoal: [Bool] = []
    var factLandmark = [Int32](repeating: -1, count: nf)
    var disjunctiveIndex: [[Int32]: Int32] = [:]
    var edges = Set<LandmarkOrdering>()
    var edgeList: [LandmarkOrdering] = []
    func addEdge(_ a: Int, _ b: Int) {
      let e = LandmarkOrdering(before: a, after: b)
      if a != b && edges.insert(e).inserted { edgeList.append(e) }
    }
    for g in r.goal where factLandmark[Int(g)] < 0 {
      factLandmark[Int(g)] = Int32(lmFacts.count)
      lmFacts.append([g])
      lmGoal.append(true)
    }
    // Scratch, reused for every landmark.
    var reached = [Bool](repeating: false, count: nf)
    var unsatisfied = [Int32](repeating: 0, count: no)
    var excluded = [Bool](repeating: false, count: na)
    var stack: [Int32] = []
    var shared = [Int32](repeating: 0, count: nf)
    var touched: [Int32] = []
    var predCount = [Int32](repeating: 0, count: np)
    var predStamp = [Int32](repeating: -1, count: np)
    var predFacts = [[Int32]](repeating: [], count: np)
    var touchedPreds: [Int32] = []
    var factStamp = [Int32](repeating: -1, count: nf)
    var complete = true
    var next = 0
    while next < lmFacts.count {
      if next & 7 == 0 && clock.now > deadline {
        complete = false
        break
      }
      let lm = next
      let L = lmFacts[lm]
      next += 1
      if L.contains(where: { initTrue[Int($0)] }) { continue }
      // Relaxed reachability without the actions that add L.
      var excludedList: [Int32] = []
      for f in L {
        for o in addLists[Int(f)] where !excluded[Int(r.opAction[Int(o)])] {
          excluded[Int(r.opAction[Int(o)])] = true
          excludedList.append(r.opAction[Int(o)])
        }
      }
      for f in 0..<nf { reached[f] = initTrue[f] }
      stack.removeAll(keepingCapacity: true)
      for f in 0..<nf where initTrue[f] { stack.append(Int32(f)) }
      for o in 0..<no {
        unsatisfied[o] = r.opPreStart[o + 1] - r.opPreStart[o]
        if unsatisfied[o] == 0 && !excluded[Int(r.opAction[o])] {
          let e = Int(r.opEffect[o])
          if !reached[e] {
            reached[e] = true
            stack.append(Int32(e))
          }
        }
      }
      while let f = stack.popLast() {
        for i in Int(r.factOpsStart[Int(f)])..<Int(r.factOpsStart[Int(f) + 1]) {
          let o = Int(r.factOps[i])
          unsatisfied[o] -= 1
          if unsatisfied[o] == 0 && !excluded[Int(r.opAction[o])] {
            let e = Int(r.opEffect[o])
            if !reached[e] {
              reached[e] = true
              stack.append(Int32(e))
            }
          }
        }
      }
      for a in excludedList { excluded[Int(a)] = false }
      // First achievers and their shared preconditions.
      var achievers: Int32 = 0
      for f in L {
        for o in addLists[Int(f)] {
          let pre = r.opPre[Int(r.opPreStart[Int(o)])..<Int(r.opPreStart[Int(o) + 1])]
          if pre.contains(where: { !reached[Int($0)] }) { continue }
          achievers += 1
          for p in pre {
            if shared[Int(p)] == 0 { touched.append(p) }
            shared[Int(p)] += 1
            if disjunctive {
              let q = Int(predicate[Int(p)])
              if predStamp[q] != achievers {
                predStamp[q] = achievers
                if predCount[q] == 0 { touchedPreds.append(Int32(q)) }
                predCount[q] += 1
              }
              if factStamp[Int(p)] != Int32(lm) {
                factStamp[Int(p)] = Int32(lm)
                predFacts[q].append(p)
              }
            }
          }
        }
      }
      if achievers > 0 {
        for p in touched where shared[Int(p)] == achievers {
          var id = Int(factLandmark[Int(p)])
          if id < 0 {
            id = lmFacts.count
            factLandmark[Int(p)] = Int32(id)
            lmFacts.append([p])
            lmGoal.append(false)
          }
          addEdge(id, lm)
        }
        for q in touchedPreds where predCount[Int(q)] == achievers {
          let d = predFacts[Int(q)].sorted()
          guard d.count >= 2 && d.count <= 4 else { continue }
          if d.contains(where: { initTrue[Int($0)] || factLandmark[Int($0)] >= 0 || shared[Int($0)] == achievers }) { continue }
          var id: Int
          if let known = disjunctiveIndex[d] {
            id = Int(known)
          } else {
            id = lmFacts.count
            disjunctiveIndex[d] = Int32(id)
            lmFacts.append(d)
            lmGoal.append(false)
          }
          addEdge(id, lm)
        }
      }
      for p in touched { shared[Int(p)] = 0 }
      touched.removeAll(keepingCapacity: true)
      for q in touchedPreds {
        predCount[Int(q)] = 0
        predStamp[Int(q)] = -1
        predFacts[Int(q)].removeAll(keepingCapacity: true)
      }
      touchedPreds.removeAll(keepingCapacity: true)
    }
    isComplete = complete
    orderings = edgeList
    isGoal = ContiguousArray(lmGoal)
    func csr(_ lists: [[Int32]]) -> (ContiguousArray<Int32>, ContiguousArray<Int32>) {
      var start: ContiguousArray<Int32> = [0]
      var flat: ContiguousArray<Int32> = []
      for l in lists {
        flat.append(contentsOf: l)
        start.append(Int32(flat.count))
      }
      return (start, flat)
    }
    (factStart, facts) = csr(lmFacts)
    var ps = [[Int32]](repeating: [], count: lmFacts.count)
    var cs = [[Int32]](repeating: [], count: lmFacts.count)
    for e in edgeList {
      ps[e.after].append(Int32(e.before))
      cs[e.before].append(Int32(e.after))
    }
    (parentStart, parents) = csr(ps)
    (childStart, children) = csr(cs)
    var factLms = [[Int32]](repeating: [], count: nf)
    for (i, l) in lmFacts.enumerated() { for f in l { factLms[Int(f)].append(Int32(i)) } }
    var ach = [[Int32]](repeating: [], count: na)
    for a in 0..<na {
      var seen = Set<Int32>()
      for o in actionOps[a] {
        for l in factLms[Int(r.opEffect[Int(o)])] where seen.insert(l).inserted { ach[a].append(l) }
      }
    }
    (achievesStart, achieves) = csr(ach)
  }
}

/// Scratch and per-node memory of the landmark-count heuristic (raw buffers: a class's
/// `var` arrays would cost an exclusivity check per access).
@usableFromInline
final class LandmarkScratch {
  /// Words of a landmark bitset.
  @usableFromInline let words: Int
  /// Landmarks true in the state evaluated last.
  @usableFromInline let holds: UnsafeMutablePointer<UInt64>
  /// Landmarks still to achieve (not accepted, or required again) in the state evaluated last.
  @usableFromInline let future: UnsafeMutablePointer<UInt64>
  /// Accepted landmarks while a node's set is computed.
  @usableFromInline let fresh: UnsafeMutablePointer<UInt64>
  /// Accepted landmarks of every node, `words` per node id.
  @usableFromInline var store: UnsafeMutablePointer<UInt64>
  @usableFromInline var storeNodes: Int

  @usableFromInline init(landmarks: Int) {
    words = Swift.max(1, (landmarks + 63) / 64)
    holds = .allocate(capacity: words)
    holds.initialize(repeating: 0, count: words)
    future = .allocate(capacity: words)
    future.initialize(repeating: 0, count: words)
    fresh = .allocate(capacity: words)
    fresh.initialize(repeating: 0, count: words)
    storeNodes = 1024
    store = .allocate(capacity: storeNodes * words)
    store.initialize(repeating: 0, count: storeNodes * words)
  }

  /// Makes room for node ids below `nodes` (doubling).
  @usableFromInline func reserve(nodes: Int) {
    if nodes <= storeNodes { return }
    var n = storeNodes
    while n < nodes { n *= 2 }
    let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: n * words)
    bigger.moveInitialize(from: store, count: storeNodes * words)
    (bigger + storeNodes * words).initialize(repeating: 0, count: (n - storeNodes) * words)
    store.deallocate()
    store = bigger
    storeNodes = n
  }

  deinit {
    holds.deallocate()
    future.deallocate()
    fresh.deallocate()
    store.deallocate()
  }
}

/// LAMA's landmark-count heuristic (Richter & Westphal, "The LAMA planner: guiding
/// cost-based anytime planning with landmarks", JAIR 2010) over a ``LandmarkGraph``,
/// with its preferred operators.
///
/// A landmark is *accepted* once it has been true in a state whose greedy-necessary
/// parents were all accepted before; acceptance depends on the path, so the accepted set
/// is kept per search node (``evaluate(_:node:parent:)``): a node's set is its parent's
/// plus the landmarks true in it whose parents the parent had accepted (in the initial
/// state: the landmarks true there). A state reached again by another path keeps the
/// intersection (``reachedAgain(_:node:parent:)``). An accepted landmark is *required
/// again* if false and either a goal or ordered greedy-necessarily before a landmark not
/// accepted. The value is the number of landmarks not accepted plus those required again
/// (Fast Downward's `landmark_sum` with unit costs); it is 0 exactly on goal states (a
/// goal state scores 0 even if some landmark was never accepted on its path, since
/// orderings hold only for first achievement; a non-goal state has a false goal
/// landmark, which counts). Inadmissible.
///
/// Preferred operators: the actions that add a fact of a landmark still to achieve (not
/// accepted or required again).
///
/// ``estimate(_:)`` (the plain ``Heuristic`` interface, without a path) uses a
/// state-based approximation: a landmark counts as accepted if it is true in the state or
/// a landmark ordered after it is.
///
/// - Complexity: O(Λ + F_Λ + E) per evaluation for Λ landmarks, F_Λ facts in them and E
///   orderings; `⌈Λ/64⌉` words of memory per node.
public struct LandmarkCountHeuristic<S: PlanningState>: PreferredOperatorHeuristic {
  public let graph: LandmarkGraph
  @usableFromInline let taskFacts: Int
  @usableFromInline let negated: ContiguousArray<Int32>
  @usableFromInline let scratch: LandmarkScratch

  public init(_ task: GroundTask, graph: LandmarkGraph) {
    self.graph = graph
    let rf = RelaxedFacts(task)
    taskFacts = rf.taskFacts
    negated = ContiguousArray(rf.negated)
    scratch = LandmarkScratch(landmarks: graph.count)
  }

  /// Computes the landmarks of `task` first (see ``LandmarkGraph``).
  public init(_ task: GroundTask, disjunctive: Bool = true, timeLimit: Duration = .seconds(2)) {
    self.init(task, graph: LandmarkGraph(task, disjunctive: disjunctive, timeLimit: timeLimit))
  }

  @inlinable @inline(__always)
  static func bit(_ p: UnsafeMutablePointer<UInt64>, _ i: Int) -> Bool { p[i &>> 6] & (1 &<< UInt64(i & 63)) != 0 }
  @inlinable @inline(__always)
  static func set(_ p: UnsafeMutablePointer<UInt64>, _ i: Int) { p[i &>> 6] |= 1 &<< UInt64(i & 63) }

  /// Fills `scratch.holds`; returns whether every goal landmark holds (a goal state).
  @inlinable
  func computeHolds(_ s: S) -> Bool {
    let g = graph
    let holds = scratch.holds
    holds.update(repeating: 0, count: scratch.words)
    var goal = true
    for l in 0..<g.count {
      var t = false
      for i in Int(g.factStart[l])..<Int(g.factStart[l &+ 1]) where s.holds(g.facts[i], taskFacts: taskFacts, negated: negated) {
        t = true
        break
      }
      if t { Self.set(holds, l) } else if g.isGoal[l] { goal = false }
    }
    return goal
  }

  /// Writes to `scratch.fresh` the accepted set after reaching the state of
  /// `scratch.holds` from a node whose accepted set is `parent`.
  @inlinable
  func progress(from parent: UnsafeMutablePointer<UInt64>) {
    let g = graph
    let fresh = scratch.fresh
    fresh.update(from: parent, count: scratch.words)
    for l in 0..<g.count where Self.bit(scratch.holds, l) && !Self.bit(parent, l) {
      var ready = true
      for i in Int(g.parentStart[l])..<Int(g.parentStart[l &+ 1]) where !Self.bit(parent, Int(g.parents[i])) {
        ready = false
        break
      }
      if ready { Self.set(fresh, l) }
    }
  }

  /// Counts the landmarks not in `accepted` plus those required again, filling
  /// `scratch.future` with them.
  @inlinable
  func count(accepted: UnsafeMutablePointer<UInt64>) -> Int {
    let g = graph
    let future = scratch.future
    future.update(repeating: 0, count: scratch.words)
    var h = 0
    for l in 0..<g.count {
      var needed = !Self.bit(accepted, l)
      if !needed && !Self.bit(scratch.holds, l) {
        if g.isGoal[l] {
          needed = true
        } else {
          for i in Int(g.childStart[l])..<Int(g.childStart[l &+ 1]) where !Self.bit(accepted, Int(g.children[i])) {
            needed = true
            break
          }
        }
      }
      if needed {
        Self.set(future, l)
        h &+= 1
      }
    }
    return h
  }

  /// The path-dependent value of `state`, new search node `node` reached from node
  /// `parent` (-1 for the initial state); records the node's accepted landmarks and the
  /// preferred operators. Node ids must be dense (0, 1, 2, … as the search creates them).
  @inlinable
  public func evaluate(_ state: S, node: Int32, parent: Int32) -> Int {
    let isGoalState = computeHolds(state)
    let w = scratch.words
    scratch.reserve(nodes: Int(node) + 1)
    let mine = scratch.store + Int(node) * w
    if parent < 0 {
      mine.update(from: scratch.holds, count: w)
    } else {
      progress(from: scratch.store + Int(parent) * w)
      mine.update(from: scratch.fresh, count: w)
    }
    let h = count(accepted: mine)
    return isGoalState ? 0 : h
  }

  /// The memory of the accepted-landmark sets (one bitset per node) when the search has
  /// `nodes` nodes: held, and the doubling pending once `nodes` nears the store's size.
  public func memoryFootprint(nodes: Int) -> MemoryFootprint {
    .doublingBuffer(count: nodes, capacity: scratch.storeNodes, stride: scratch.words * 8)
  }

  /// `state`, already node `node`, is reached again from `parent`: the node keeps the
  /// landmarks accepted on both paths.
  @inlinable
  public func reachedAgain(_ state: S, node: Int32, parent: Int32) {
    _ = computeHolds(state)
    let w = scratch.words
    progress(from: scratch.store + Int(parent) * w)
    let mine = scratch.store + Int(node) * w
    for i in 0..<w { mine[i] &= scratch.fresh[i] }
  }

  /// The state-based approximation (no path): accepted = true in `state`, or ordered
  /// before a landmark true in `state`.
  @inlinable
  public func estimate(_ state: S) -> Int {
    let isGoalState = computeHolds(state)
    let g = graph
    let fresh = scratch.fresh
    fresh.update(from: scratch.holds, count: scratch.words)
    for l in 0..<g.count where !Self.bit(scratch.holds, l) {
      for i in Int(g.childStart[l])..<Int(g.childStart[l &+ 1]) where Self.bit(scratch.holds, Int(g.children[i])) {
        Self.set(fresh, l)
        break
      }
    }
    let h = count(accepted: fresh)
    return isGoalState ? 0 : h
  }

  @inlinable public func estimateWithPreferred(_ state: S) -> Int { estimate(state) }

  /// Whether action `label` adds a fact of a landmark still to achieve in the state
  /// evaluated last (O(landmarks the action achieves)).
  @inlinable
  public func isPreferred(_ label: Int32) -> Bool {
    let g = graph
    let a = Int(label)
    for i in Int(g.achievesStart[a])..<Int(g.achievesStart[a &+ 1]) where Self.bit(scratch.future, Int(g.achieves[i])) {
      return true
    }
    return false
  }
}

/// LAMA's first-iteration heuristics for ``lazyGreedySearch(_:heuristics:options:)``:
/// h_FF (unit costs) and the path-dependent landmark count, in that order; an action is
/// preferred if either prefers it.
public struct LamaHeuristics<S: PlanningState>: PreferredHeuristicList {
  public typealias State = S
  public typealias Cost = Int
  public let ff: FFHeuristic<S>
  public let landmarks: LandmarkCountHeuristic<S>
  public init(ff: FFHeuristic<S>, landmarks: LandmarkCountHeuristic<S>) {
    self.ff = ff
    self.landmarks = landmarks
  }
  @inlinable public var count: Int { 2 }
  @inlinable
  public func evaluate(_ state: S, node: Int32, parent: Int32, label: Int32, preferred: Bool,
                       into values: inout ContiguousArray<Int>) {
    values[0] = ff.estimate(state)
    values[1] = landmarks.evaluate(state, node: node, parent: parent)
  }
  @inlinable
  public func reachedAgain(_ state: S, node: Int32, parent: Int32, label: Int32) {
    landmarks.reachedAgain(state, node: node, parent: parent)
  }
  @inlinable
  public func isPreferred(_ label: Int32) -> Bool { ff.isPreferred(label) || landmarks.isPreferred(label) }
  public func memoryFootprint(nodes: Int) -> MemoryFootprint { landmarks.memoryFootprint(nodes: nodes) }
}
