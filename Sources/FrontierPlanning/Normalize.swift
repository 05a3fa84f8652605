/// Normalisation: ADL formulas to disjunctive normal form over literals, effects to a flat
/// list of (universally quantified, conditional) add and delete effects.
///
/// Negations are pushed to atoms, `imply` is rewritten, universal quantifiers in
/// conditions are expanded over the typed objects, existential ones become extra
/// (hidden) action parameters, and disjunctions split an action into variants. An
/// argument is encoded as an `Int32`: an object id when `>= 0`, variable `i` as `-(i+1)`.

/// `(predicate args...)` with encoded arguments; `positive == false` is its negation.
struct NLiteral: Hashable {
  var positive: Bool
  var predicate: Int
  var args: [Int32]
}

/// `a = b` (or `a != b`) over encoded arguments.
struct NEquality: Hashable {
  var positive: Bool
  var a: Int32
  var b: Int32
}

/// A conjunction of literals, with the existential variables it introduced.
struct NConjunction: Hashable {
  var literals: [NLiteral] = []
  var equalities: [NEquality] = []
  var variables: [Int] = []

  static func merge(_ x: NConjunction, _ y: NConjunction) -> NConjunction {
    NConjunction(
      literals: x.literals + y.literals, equalities: x.equalities + y.equalities,
      variables: x.variables + y.variables)
  }
}

/// One add or delete effect, for every binding of `variables` that satisfies `condition`.
struct NEffect {
  var variables: [Int]
  var condition: NConjunction
  var isAdd: Bool
  var atom: NLiteral
}

/// The cost term of an action: a constant plus static function terms.
struct NCost {
  var constant: Int = 0
  var terms: [(function: String, args: [Int32])] = []
}

/// One disjunct of a normalised action schema.
struct NAction {
  var schema: Int
  var name: String
  var parameterCount: Int
  /// The types (an `either` list) of every variable: parameters first.
  var variableTypes: [[String]]
  var precondition: NConjunction
  var effects: [NEffect]
  var cost: NCost
  /// Artificial (goal) actions are not printed in plans.
  var hidden: Bool
}

/// The normaliser: owns the variable numbering of the schema being normalised.
struct Normalizer {
  let task: PlanningTask
  let objectIndex: [String: Int32]
  let predicateIndex: [String: Int]
  let staticPredicates: Set<Int>
  let staticFacts: Set<FactKey>
  /// Cap on the number of disjuncts of one formula (ADL can explode).
  let maxDisjuncts = 4096
  var variableTypes: [[String]] = []

  func file() -> String { task.domain.file }

  mutating func fresh(_ types: [String]) -> Int {
    variableTypes.append(types)
    return variableTypes.count - 1
  }

  func encode(_ t: Term, _ env: [String: Int32]) -> Int32 {
    switch t {
    case .variable(let v): return env[v]!
    case .constant(let c): return objectIndex[c]!
    }
  }

  func tooLarge(_ at: SourceLocation?) -> PDDLError {
    PDDLError(
      .unsupported, file: task.domain.file, at: at,
      "formula too large: its disjunctive normal form has more than \(maxDisjuncts) disjuncts (derived predicates would be needed)")
  }

  static func cross(_ a: [NConjunction], _ b: [NConjunction], cap: Int) -> [NConjunction]? {
    if a.count * b.count > cap { return nil }
    var out: [NConjunction] = []
    out.reserveCapacity(a.count * b.count)
    for x in a { for y in b { out.append(.merge(x, y)) } }
    return out
  }

  /// The DNF of `c` (negated when `negated`) under `env`. `[]` is false; `[empty]` is true.
  mutating func dnf(_ c: Condition, negated: Bool, env: [String: Int32], at: SourceLocation?) throws(PDDLError) -> [NConjunction] {
    switch c {
    case .atom(let a):
      guard let p = predicateIndex[a.predicate] else { return [] }
      let args = a.arguments.map { encode($0, env) }
      if staticPredicates.contains(p) && args.allSatisfy({ $0 >= 0 }) {
        let holds = staticFacts.contains(FactKey(predicate: Int32(p), args: args))
        return holds != negated ? [NConjunction()] : []
      }
      return [NConjunction(literals: [NLiteral(positive: !negated, predicate: p, args: args)])]
    case .equal(let x, let y):
      let a = encode(x, env)
      let b = encode(y, env)
      if a >= 0 && b >= 0 { return (a == b) != negated ? [NConjunction()] : [] }
      if a == b { return negated ? [] : [NConjunction()] }
      return [NConjunction(equalities: [NEquality(positive: !negated, a: a, b: b)])]
    case .not(let inner):
      return try dnf(inner, negated: !negated, env: env, at: at)
    case .and(let parts), .or(let parts):
      var isAnd = true
      if case .or = c { isAnd = false }
      if isAnd != negated {
        var acc: [NConjunction] = [NConjunction()]
        for p in parts {
          let d = try dnf(p, negated: negated, env: env, at: at)
          guard let next = Self.cross(acc, d, cap: maxDisjuncts) else { throw tooLarge(at) }
          acc = next
          if acc.isEmpty { return [] }
        }
        return acc
      } else {
        var acc: [NConjunction] = []
        for p in parts {
          acc += try dnf(p, negated: negated, env: env, at: at)
          if acc.count > maxDisjuncts { throw tooLarge(at) }
        }
        return acc
      }
    case .imply(let a, let b):
      return try dnf(.or([.not(a), b]), negated: negated, env: env, at: at)
    case .exists(let vars, let body), .forall(let vars, let body):
      var isExists = true
      if case .forall = c { isExists = false }
      if isExists != negated {
        // An existential: fresh variables, lifted into the enclosing action.
        var inner = env
        var fresh: [Int] = []
        for v in vars {
          let i = self.fresh(v.types)
          inner[v.name] = -Int32(i) - 1
          fresh.append(i)
        }
        var out = try dnf(body, negated: negated, env: inner, at: at)
        for k in out.indices { out[k].variables += fresh }
        return out
      } else {
        // A universal: a conjunction over the objects of the types.
        var acc: [NConjunction] = [NConjunction()]
        var bindings: [[String: Int32]] = [env]
        for v in vars {
          var next: [[String: Int32]] = []
          for o in task.objects(ofAny: v.types) {
            for b in bindings {
              var e = b
              e[v.name] = objectIndex[o]!
              next.append(e)
            }
          }
          bindings = next
        }
        for e in bindings {
          let d = try dnf(body, negated: negated, env: e, at: at)
          guard let next = Self.cross(acc, d, cap: maxDisjuncts) else { throw tooLarge(at) }
          acc = next
          if acc.isEmpty { return [] }
        }
        return acc
      }
    }
  }

  /// Flattens an effect. `vars` and `condition` come from enclosing `forall`/`when`.
  mutating func effects(_ e: Effect, env: [String: Int32], vars: [Int], condition: [NConjunction],
                        into out: inout [NEffect], cost: inout NCost, at: SourceLocation) throws(PDDLError) {
    switch e {
    case .add(let a), .delete(let a):
      var isAdd = true
      if case .delete = e { isAdd = false }
      guard let p = predicateIndex[a.predicate] else { return }
      let lit = NLiteral(positive: true, predicate: p, args: a.arguments.map { encode($0, env) })
      for c in condition {
        out.append(NEffect(variables: vars + c.variables, condition: c, isAdd: isAdd, atom: lit))
      }
    case .and(let parts):
      for p in parts { try effects(p, env: env, vars: vars, condition: condition, into: &out, cost: &cost, at: at) }
    case .when(let c, let inner):
      let d = try dnf(c, negated: false, env: env, at: at)
      guard let merged = Self.cross(condition, d, cap: maxDisjuncts) else { throw tooLarge(at) }
      if merged.isEmpty { return }
      try effects(inner, env: env, vars: vars, condition: merged, into: &out, cost: &cost, at: at)
    case .forall(let qs, let inner):
      var e2 = env
      var v2 = vars
      for q in qs {
        let i = fresh(q.types)
        e2[q.name] = -Int32(i) - 1
        v2.append(i)
      }
      try effects(inner, env: e2, vars: v2, condition: condition, into: &out, cost: &cost, at: at)
    case .increaseCost(let c):
      switch c {
      case .constant(let v): cost.constant += v
      case .function(let f, let args): cost.terms.append((f, args.map { encode($0, env) }))
      }
    }
  }

  /// The variants of one schema (one per disjunct of its precondition).
  mutating func normalize(_ schema: ActionSchema, index: Int) throws(PDDLError) -> [NAction] {
    variableTypes = schema.parameters.map(\.types)
    var env: [String: Int32] = [:]
    for (i, p) in schema.parameters.enumerated() { env[p.name] = -Int32(i) - 1 }
    let pre = try dnf(schema.precondition, negated: false, env: env, at: schema.location)
    var effs: [NEffect] = []
    var cost = NCost()
    try effects(schema.effect, env: env, vars: [], condition: [NConjunction()], into: &effs, cost: &cost, at: schema.location)
    return pre.map {
      NAction(
        schema: index, name: schema.name, parameterCount: schema.parameters.count,
        variableTypes: variableTypes, precondition: $0, effects: effs, cost: cost, hidden: false)
    }
  }
}
