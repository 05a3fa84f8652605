/// Grounding by relaxed reachability.
///
/// Starting from the initial facts, action variants are instantiated only with bindings
/// whose positive preconditions are reachable in the delete relaxation (negative
/// preconditions on fluents are ignored while exploring, as in the relaxation); their
/// add effects (conditional ones when the condition's positive atoms are reachable) make
/// more facts reachable, until a fixpoint. Static predicates (never changed by any
/// action) are evaluated while grounding and do not appear in the task.

/// A ground atom by ids.
struct FactKey: Hashable {
  var predicate: Int32
  var args: [Int32]
}

/// Sizes and timings of grounding, for reports.
public struct GroundingStatistics: Sendable, Hashable {
  /// Fixpoint rounds of the reachability analysis.
  public var rounds = 0
  /// Reachable fluent facts.
  public var facts = 0
  /// Ground actions.
  public var actions = 0
  /// Static facts (true in the initial state, never changed), removed from the task.
  public var staticFacts = 0
  /// Normalised action variants (one per disjunct of a precondition).
  public var variants = 0
}

public enum Grounder {
  /// Normalises and grounds `task`.
  public static func ground(_ task: PlanningTask) throws(PDDLError) -> GroundTask {
    var g = try GrounderRun(task)
    return try g.run()
  }
}

struct GrounderRun {
  let task: PlanningTask
  var objectIndex: [String: Int32] = [:]
  var predicateNames: [String] = []
  var predicateIndex: [String: Int] = [:]
  var staticPredicates: Set<Int> = []
  var staticFacts: Set<FactKey> = []
  var variants: [NAction] = []
  /// Objects of each variable's types, and membership, per variant.
  var domains: [[[Int32]]] = []
  var members: [[[Bool]]] = []

  // Reachability state.
  var reached: Set<FactKey> = []
  var byPredicate: [[[Int32]]] = []
  /// Per predicate, argument position and object: the positions in `byPredicate` of the
  /// facts with that object there (ascending), so a literal with a bound argument scans
  /// only its matching facts.
  var argIndex: [[[[Int32]]]] = []
  var pending: [FactKey] = []
  var groundActions: [(variant: Int, binding: [Int32])] = []
  var actionSeen: Set<[Int32]> = []
  var effectSeen: Set<[Int32]> = []
  var goalPredicate = -1

  init(_ task: PlanningTask) throws(PDDLError) {
    self.task = task
    for (i, o) in task.objects.enumerated() { objectIndex[o] = Int32(i) }
    for name in task.domain.predicates.keys.sorted() {
      predicateIndex[name] = predicateNames.count
      predicateNames.append(name)
    }
    // Fluent predicates: those some effect changes.
    var fluent: Set<String> = []
    func collect(_ e: Effect) {
      switch e {
      case .add(let a), .delete(let a): fluent.insert(a.predicate)
      case .and(let ps): for p in ps { collect(p) }
      case .when(_, let x), .forall(_, let x): collect(x)
      case .increaseCost: break
      }
    }
    for a in task.domain.actions { collect(a.effect) }
    for (name, i) in predicateIndex where !fluent.contains(name) { staticPredicates.insert(i) }
    byPredicate = Array(repeating: [], count: predicateNames.count + 1)
    argIndex = Array(repeating: [], count: predicateNames.count + 1)
    for a in task.problem.initialAtoms {
      let key = FactKey(predicate: Int32(predicateIndex[a.predicate]!), args: a.arguments.map { objectIndex[$0]! })
      if staticPredicates.contains(Int(key.predicate)) {
        if staticFacts.insert(key).inserted { appendFact(key) }
      } else if reached.insert(key).inserted {
        appendFact(key)
      }
    }
    var norm = Normalizer(
      task: task, objectIndex: objectIndex, predicateIndex: predicateIndex,
      staticPredicates: staticPredicates, staticFacts: staticFacts)
    for (i, a) in task.domain.actions.enumerated() {
      variants += try norm.normalize(a, index: i)
    }
    // The goal: one conjunction is tested directly; otherwise hidden goal actions.
    norm.variableTypes = []
    let goal = try norm.dnf(task.problem.goal, negated: false, env: [:], at: nil)
    if goal.count != 1 || !goal[0].variables.isEmpty || !goal[0].equalities.isEmpty {
      goalPredicate = predicateNames.count
      predicateNames.append("goal-reached")
      let lit = NLiteral(positive: true, predicate: goalPredicate, args: [])
      for c in goal {
        variants.append(NAction(
          schema: -1, name: "reach-goal", parameterCount: 0, variableTypes: norm.variableTypes,
          precondition: c, effects: [NEffect(variables: [], condition: NConjunction(), isAdd: true, atom: lit)],
          cost: NCost(), hidden: true))
      }
      goalConjunction = NConjunction(literals: [lit])
    } else {
      goalConjunction = goal[0]
    }
    for v in variants {
      var d: [[Int32]] = []
      var m: [[Bool]] = []
      for types in v.variableTypes {
        let objs = task.objects(ofAny: types).map { objectIndex[$0]! }
        d.append(objs)
        var mem = [Bool](repeating: false, count: task.objects.count)
        for o in objs { mem[Int(o)] = true }
        m.append(mem)
      }
      domains.append(d)
      members.append(m)
    }
  }

  var goalConjunction = NConjunction()

  /// Appends a reached or static fact to `byPredicate` and `argIndex`.
  mutating func appendFact(_ k: FactKey) {
    let p = Int(k.predicate)
    if p >= byPredicate.count {
      byPredicate.append(contentsOf: Array(repeating: [], count: p + 1 - byPredicate.count))
      argIndex.append(contentsOf: Array(repeating: [], count: p + 1 - argIndex.count))
    }
    let position = Int32(byPredicate[p].count)
    byPredicate[p].append(k.args)
    if argIndex[p].count < k.args.count {
      argIndex[p] = Array(repeating: Array(repeating: [], count: task.objects.count), count: k.args.count)
    }
    for (j, o) in k.args.enumerated() { argIndex[p][j][Int(o)].append(position) }
  }

  /// Positive literals, static ones first (they filter cheaply).
  static func orderedPositives(_ conj: NConjunction, _ statics: Set<Int>) -> [NLiteral] {
    let pos = conj.literals.filter { $0.positive }
    return pos.filter { statics.contains($0.predicate) } + pos.filter { !statics.contains($0.predicate) }
  }

  func fluentCount(_ positives: [NLiteral]) -> Int {
    positives.reduce(0) { $0 + (staticPredicates.contains($1.predicate) ? 0 : 1) }
  }

  /// Per predicate: facts before `previousMark` are old, up to `currentMark` known.
  var previousMark: [Int] = []
  var currentMark: [Int] = []

  func holdsStatic(_ l: NLiteral, _ b: [Int32]) -> Bool {
    let args = l.args.map { $0 >= 0 ? $0 : b[Int(-$0 - 1)] }
    return staticFacts.contains(FactKey(predicate: Int32(l.predicate), args: args)) == l.positive
  }

  func resolve(_ a: Int32, _ b: [Int32]) -> Int32 { a >= 0 ? a : b[Int(-a - 1)] }

  /// Enumerates bindings of `vars` (unbound in `binding`, marked -1) such that every
  /// positive literal of `conj` is a static or reached fact (`relaxed`: negative fluent
  /// literals ignored), static negative literals and equalities hold.
  /// Semi-naive evaluation: with `delta >= 0`, the `delta`-th positive fluent literal
  /// matches only facts new in the last round, earlier fluent literals only older facts,
  /// later ones any fact; so each binding is produced in exactly one round. `delta == -1`
  /// matches every fact.
  func enumerate(_ conj: NConjunction, variant v: Int, vars: [Int], binding: inout [Int32],
                 delta: Int = -1, emit: (inout [Int32]) -> Void) {
    let positives = Self.orderedPositives(conj, staticPredicates)
    let staticCount = positives.count - fluentCount(positives)
    // Join order: in a semi-naive round the literal restricted to the new facts (few) goes
    // first, so the others are reached with bound arguments and scan only their index
    // entries; otherwise static literals first. Which facts each literal may match depends
    // on its place among the fluent literals of `positives`, not on the join order.
    var order = Array(positives.indices)
    if delta >= 0 && staticCount + delta < positives.count {
      order.remove(at: staticCount + delta)
      order.insert(staticCount + delta, at: 0)
    }
    func rec(_ step: Int, _ binding: inout [Int32]) {
      if step == order.count {
        bindRest(0, &binding)
        return
      }
      let i = order[step]
      let lit = positives[i]
      let k = lit.args.count
      var newly: [Int] = []
      newly.reserveCapacity(k)
      let facts = byPredicate[lit.predicate]
      var range = 0..<facts.count
      if delta >= 0 && !staticPredicates.contains(lit.predicate) {
        let fluentIndex = i - staticCount
        let p = lit.predicate
        if fluentIndex < delta {
          range = 0..<previousMark[p]
        } else if fluentIndex == delta {
          range = previousMark[p]..<currentMark[p]
        } else {
          range = 0..<currentMark[p]
        }
      }
      func visit(_ args: [Int32], _ binding: inout [Int32]) {
        var ok = true
        for j in 0..<k {
          let a = lit.args[j]
          if a >= 0 {
            if a != args[j] { ok = false; break }
          } else {
            let vi = Int(-a - 1)
            let cur = binding[vi]
            if cur >= 0 {
              if cur != args[j] { ok = false; break }
            } else if members[v][vi][Int(args[j])] {
              binding[vi] = args[j]
              newly.append(vi)
            } else {
              ok = false
              break
            }
          }
        }
        if ok { rec(step + 1, &binding) }
        for vi in newly { binding[vi] = -1 }
        newly.removeAll(keepingCapacity: true)
      }
      // The bound argument with the fewest facts, if any.
      var best: [Int32]? = nil
      let index = argIndex[lit.predicate]
      if index.count == k {
        for j in 0..<k {
          let a = lit.args[j]
          let o = a >= 0 ? a : binding[Int(-a - 1)]
          if o >= 0 {
            let l = index[j][Int(o)]
            if best == nil || l.count < best!.count { best = l }
          }
        }
      }
      if let candidates = best {
        if candidates.count >= range.count {
          for args in facts[range] { visit(args, &binding) }
        } else {
          for fi in candidates {
            let f = Int(fi)
            if f >= range.upperBound { break }
            if f >= range.lowerBound { visit(facts[f], &binding) }
          }
        }
      } else {
        for args in facts[range] { visit(args, &binding) }
      }
    }
    func bindRest(_ j: Int, _ binding: inout [Int32]) {
      if j == vars.count {
        for e in conj.equalities where (resolve(e.a, binding) == resolve(e.b, binding)) != e.positive { return }
        for l in conj.literals where !l.positive && staticPredicates.contains(l.predicate) {
          if !holdsStatic(l, binding) { return }
        }
        emit(&binding)
        return
      }
      let vi = vars[j]
      if binding[vi] >= 0 {
        bindRest(j + 1, &binding)
        return
      }
      for o in domains[v][vi] {
        binding[vi] = o
        bindRest(j + 1, &binding)
      }
      binding[vi] = -1
    }
    rec(0, &binding)
  }

  mutating func run() throws(PDDLError) -> GroundTask {
    var stats = GroundingStatistics()
    stats.variants = variants.count
    stats.staticFacts = staticFacts.count
    var pendingSet: Set<FactKey> = []
    previousMark = Array(repeating: 0, count: byPredicate.count)
    currentMark = byPredicate.map(\.count)
    let fluentPositives = variants.map { fluentCount(Self.orderedPositives($0.precondition, staticPredicates)) }
    while true {
      stats.rounds += 1
      let firstRound = stats.rounds == 1
      let oldActions = groundActions.count
      // New ground actions: bindings that use at least one fact new since the last round.
      for v in variants.indices {
        let va = variants[v]
        let m = fluentPositives[v]
        if m == 0 && !firstRound { continue }
        let vars = Array(0..<va.parameterCount) + va.precondition.variables
        var found: [[Int32]] = []
        for d in (m == 0 ? -1..<0 : 0..<m) {
          var binding = [Int32](repeating: -1, count: va.variableTypes.count)
          enumerate(va.precondition, variant: v, vars: vars, binding: &binding, delta: firstRound ? -1 : d) { b in
            var key = [Int32(v)]
            key.append(contentsOf: vars.map { b[$0] })
            found.append(key)
          }
          if firstRound { break }
        }
        for key in found where actionSeen.insert(key).inserted {
          var b = [Int32](repeating: -1, count: va.variableTypes.count)
          for (i, vi) in vars.enumerated() { b[vi] = key[i + 1] }
          groundActions.append((v, b))
        }
      }
      // Add effects: all of them for new actions; for older ones only conditional effects
      // whose condition uses a fact new since the last round.
      for (ai, ga) in groundActions.enumerated() {
        let isNew = ai >= oldActions
        let va = variants[ga.variant]
        for e in va.effects where e.isAdd {
          let m = fluentCount(Self.orderedPositives(e.condition, staticPredicates))
          if !isNew && m == 0 { continue }
          var adds: [FactKey] = []
          for d in (isNew ? -1..<0 : 0..<m) {
            var b = ga.binding
            enumerate(e.condition, variant: ga.variant, vars: e.variables, binding: &b, delta: d) { bb in
              adds.append(FactKey(predicate: Int32(e.atom.predicate), args: e.atom.args.map { resolve($0, bb) }))
            }
          }
          for k in adds where !reached.contains(k) && pendingSet.insert(k).inserted {
            pending.append(k)
          }
        }
      }
      let changed = !pending.isEmpty || groundActions.count > oldActions
      for k in pending where reached.insert(k).inserted {
        appendFact(k)
      }
      pending.removeAll()
      pendingSet.removeAll()
      previousMark = currentMark
      currentMark = byPredicate.map(\.count)
      if !changed { break }
    }
    return try build(stats)
  }

  /// Builds the ground task from the fixpoint.
  func build(_ statsIn: GroundingStatistics) throws(PDDLError) -> GroundTask {
    var stats = statsIn
    // Fact ids in a deterministic order: by predicate name, then arguments.
    let sortedFacts = reached.sorted {
      if $0.predicate != $1.predicate { return predicateNames[Int($0.predicate)] < predicateNames[Int($1.predicate)] }
      return $0.args.lexicographicallyPrecedes($1.args)
    }
    var factId: [FactKey: Int32] = [:]
    var factNames: [String] = []
    for (i, f) in sortedFacts.enumerated() {
      factId[f] = Int32(i)
      factNames.append("(" + ([predicateNames[Int(f.predicate)]] + f.args.map { task.objects[Int($0)] }).joined(separator: " ") + ")")
    }
    var builder = GroundTaskBuilder(factNames: factNames)
    func key(_ l: NLiteral, _ b: [Int32]) -> FactKey {
      FactKey(predicate: Int32(l.predicate), args: l.args.map { resolve($0, b) })
    }
    for ga in groundActions {
      let va = variants[ga.variant]
      let b = ga.binding
      var pre: [Int32] = []
      var preNeg: [Int32] = []
      for l in va.precondition.literals where !staticPredicates.contains(l.predicate) {
        let k = key(l, b)
        if l.positive {
          pre.append(factId[k]!)
        } else if let id = factId[k] {
          preNeg.append(id)
        }
      }
      var adds: [Int32] = []
      var dels: [Int32] = []
      var conditional: [GroundTaskBuilder.ConditionalEffect] = []
      for e in va.effects {
        var bb = b
        var instances: [(pos: [Int32], neg: [Int32], fact: Int32)] = []
        enumerate(e.condition, variant: ga.variant, vars: e.variables, binding: &bb) { x in
          guard let f = factId[key(e.atom, x)] else { return }  // deleting an unreachable fact
          var pos: [Int32] = []
          var neg: [Int32] = []
          for l in e.condition.literals where !staticPredicates.contains(l.predicate) {
            let k = key(l, x)
            if l.positive {
              pos.append(factId[k]!)
            } else if let id = factId[k] {
              neg.append(id)
            }
          }
          instances.append((pos, neg, f))
        }
        for inst in instances {
          // A condition already implied by the precondition is dropped.
          let pos = inst.pos.filter { !pre.contains($0) }
          let neg = inst.neg.filter { !preNeg.contains($0) }
          if pos.contains(where: { preNeg.contains($0) }) || neg.contains(where: { pre.contains($0) }) { continue }
          if pos.isEmpty && neg.isEmpty {
            if e.isAdd { adds.append(inst.fact) } else { dels.append(inst.fact) }
          } else {
            conditional.append(.init(positive: pos, negative: neg, fact: inst.fact, isAdd: e.isAdd))
          }
        }
      }
      var cost = va.cost.constant
      for t in va.cost.terms {
        let args = t.args.map { task.objects[Int(resolve($0, b))] }
        let name = GroundAtomName(t.function, args)
        guard let v = task.problem.functionValues[name] else {
          throw PDDLError(
            .semantic, file: task.problem.file, at: nil,
            "the cost of action \(va.name) uses \(name), which has no value in :init")
        }
        cost += v
      }
      if !task.usesActionCosts { cost = 1 }
      if va.hidden { cost = 0 }
      let args = (0..<va.parameterCount).map { task.objects[Int(b[$0])] }
      builder.addAction(
        name: va.name, arguments: args, hidden: va.hidden, cost: cost, pre: pre, preNeg: preNeg,
        add: adds, del: dels, conditional: conditional)
    }
    // Initial state and goal.
    var initial: [Int32] = []
    for a in task.problem.initialAtoms {
      let k = FactKey(predicate: Int32(predicateIndex[a.predicate]!), args: a.arguments.map { objectIndex[$0]! })
      if let id = factId[k] { initial.append(id) }
    }
    var goalPos: [Int32] = []
    var goalNeg: [Int32] = []
    var unreachable = false
    for l in goalConjunction.literals {
      let k = key(l, [])
      if l.positive {
        if let id = factId[k] { goalPos.append(id) } else { unreachable = true }
      } else if let id = factId[k] {
        goalNeg.append(id)
      }
    }
    stats.facts = factNames.count
    stats.actions = builder.actionCount
    return builder.finish(
      initial: initial, goal: goalPos, goalNegative: goalNeg, goalUnreachable: unreachable,
      unitCost: !task.usesActionCosts, statistics: stats)
  }
}
