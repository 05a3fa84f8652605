/// Parses PDDL domains and problems into ``Domain`` and ``Problem``.
///
/// Supported: `:strips`, `:typing` (hierarchies, `either`), `:negative-preconditions`,
/// `:disjunctive-preconditions`, `:equality`, `:existential-preconditions`,
/// `:universal-preconditions`, `:quantified-preconditions`, `:conditional-effects`,
/// `:adl`, `:action-costs`. Numeric fluents beyond action costs, durative actions,
/// derived predicates, preferences and constraints are refused with `.unsupported`.
///
/// A requirement used but not declared is a warning by default (Fast Downward and
/// pyperplan accept such files, and several benchmark domains rely on it) and an error
/// with `strictRequirements`.
public struct PDDLParser: Sendable {
  public var strictRequirements: Bool

  public init(strictRequirements: Bool = false) {
    self.strictRequirements = strictRequirements
  }

  static let supportedRequirements: Set<String> = [
    "strips", "typing", "negative-preconditions", "disjunctive-preconditions", "equality",
    "existential-preconditions", "universal-preconditions", "quantified-preconditions",
    "conditional-effects", "adl", "action-costs",
  ]
  static let unsupportedRequirements: Set<String> = [
    "fluents", "numeric-fluents", "object-fluents", "durative-actions", "duration-inequalities",
    "continuous-effects", "timed-initial-literals", "derived-predicates", "preferences",
    "constraints",
  ]

  /// Expands `adl` and `quantified-preconditions` into the requirements they stand for.
  static func expand(_ requirements: Set<String>) -> Set<String> {
    var r = requirements
    if r.contains("adl") {
      r.formUnion([
        "strips", "typing", "negative-preconditions", "disjunctive-preconditions", "equality",
        "existential-preconditions", "universal-preconditions", "conditional-effects",
      ])
    }
    if r.contains("quantified-preconditions") {
      r.formUnion(["existential-preconditions", "universal-preconditions"])
    }
    return r
  }

  // MARK: Domain

  /// Parses a domain file's text. `file` is used in messages only.
  public func parseDomain(_ text: String, file: String = "domain.pddl") throws(PDDLError) -> Domain {
    let top = try SExpression.read(text, file: file)
    var ctx = Context(file: file)
    guard let first = top.first else {
      throw PDDLError(.syntax, file: file, at: SourceLocation(line: 1, column: 1), "expected '(define (domain NAME) ...)', found an empty file")
    }
    if top.count > 1 {
      throw ctx.error(.syntax, top[1].location, "expected the end of the file after the domain definition, found '\(top[1].text.prefix(40))'")
    }
    let items = try ctx.expectDefine(first, kind: "domain")
    var d = Domain(
      file: file, name: items.name, requirements: [], typeParents: ["object": []], constants: [],
      predicates: [:], functions: [:], actions: [], undeclaredConstants: [], warnings: [])
    var declared: Set<String> = []
    for section in items.sections {
      guard let elems = section.elements, let key = elems.first?.symbol else {
        throw ctx.error(.syntax, section.location, "expected a section such as (:predicates ...) or (:action ...), found '\(section.text.prefix(40))'")
      }
      let rest = Array(elems.dropFirst())
      switch key {
      case ":requirements":
        for r in rest {
          guard let s = r.symbol, s.hasPrefix(":") else {
            throw ctx.error(.syntax, r.location, "expected a requirement like :strips, found '\(r.text.prefix(40))'")
          }
          let name = String(s.dropFirst())
          if Self.unsupportedRequirements.contains(name) {
            throw ctx.error(.unsupported, r.location, "unsupported requirement :\(name) (Frontier plans with classical PDDL: STRIPS, ADL and action costs)")
          }
          guard Self.supportedRequirements.contains(name) else {
            throw ctx.error(.syntax, r.location, "unknown requirement :\(name)")
          }
          declared.insert(name)
        }
        d.requirements = Self.expand(declared)
      case ":types":
        ctx.use("typing", section.location)
        for t in try ctx.typedList(rest, allowVariables: false) {
          if t.name == "object" { continue }
          var parents = d.typeParents[t.name] ?? []
          for p in t.types where !parents.contains(p) && p != t.name { parents.append(p) }
          d.typeParents[t.name] = parents
          for p in t.types where d.typeParents[p] == nil { d.typeParents[p] = p == "object" ? [] : ["object"] }
        }
      case ":constants":
        let list = try ctx.typedList(rest, allowVariables: false)
        try ctx.checkTypes(list, d, section.location)
        d.constants.append(contentsOf: list)
      case ":predicates":
        for p in rest {
          guard let pe = p.elements, let name = pe.first?.symbol else {
            throw ctx.error(.syntax, p.location, "expected a predicate declaration like (on ?x ?y), found '\(p.text.prefix(40))'")
          }
          let params = try ctx.typedList(Array(pe.dropFirst()), allowVariables: true)
          try ctx.checkTypes(params, d, p.location)
          if d.predicates[name] != nil {
            throw ctx.error(.semantic, p.location, "predicate '\(name)' is declared twice")
          }
          d.predicates[name] = Signature(name: name, parameters: params)
        }
      case ":functions":
        var i = 0
        while i < rest.count {
          let f = rest[i]
          i += 1
          if f.symbol == "-" {
            guard i < rest.count, rest[i].symbol == "number" else {
              throw ctx.error(.unsupported, f.location, "unsupported function type '\(i < rest.count ? rest[i].text : "")': only numeric functions for action costs are supported")
            }
            i += 1
            continue
          }
          guard let fe = f.elements, let name = fe.first?.symbol else {
            throw ctx.error(.syntax, f.location, "expected a function declaration like (total-cost), found '\(f.text.prefix(40))'")
          }
          let params = try ctx.typedList(Array(fe.dropFirst()), allowVariables: true)
          try ctx.checkTypes(params, d, f.location)
          d.functions[name] = Signature(name: name, parameters: params)
          ctx.use("action-costs", f.location)
        }
      case ":action":
        d.actions.append(try ctx.action(rest, section.location, domain: d))
      case ":durative-action":
        throw ctx.error(.unsupported, section.location, "unsupported: durative actions (:durative-action) need a temporal planner")
      case ":derived":
        throw ctx.error(.unsupported, section.location, "unsupported: derived predicates (:derived)")
      case ":constraints":
        throw ctx.error(.unsupported, section.location, "unsupported: :constraints")
      default:
        throw ctx.error(.syntax, section.location, "expected :requirements, :types, :constants, :predicates, :functions or :action, found '\(key)'")
      }
    }
    // Duplicate action names.
    var names: Set<String> = []
    for a in d.actions where !names.insert(a.name).inserted {
      throw ctx.error(.semantic, a.location, "action '\(a.name)' is defined twice")
    }
    if !ctx.undeclaredConstants.isEmpty {
      let (firstLoc, list) = (ctx.undeclaredConstantsAt!, ctx.undeclaredConstants)
      d.undeclaredConstants = list
      ctx.warnings.append(PDDLWarning(
        file: file, at: firstLoc,
        "constants used in actions but never declared in :constants: \(list.joined(separator: ", ")) (accepted as objects of type object; Fast Downward rejects this domain)"))
    }
    try ctx.checkRequirements(declared: d.requirements, strict: strictRequirements)
    ctx.warnUndeclaredRequirements(declared: d.requirements)
    d.warnings = ctx.warnings
    return d
  }

  // MARK: Problem

  /// Parses a problem file's text against `domain`.
  public func parseProblem(_ text: String, file: String = "problem.pddl", domain: Domain) throws(PDDLError) -> Problem {
    let top = try SExpression.read(text, file: file)
    var ctx = Context(file: file)
    guard let first = top.first else {
      throw PDDLError(.syntax, file: file, at: SourceLocation(line: 1, column: 1), "expected '(define (problem NAME) ...)', found an empty file")
    }
    if top.count > 1 {
      throw ctx.error(.syntax, top[1].location, "expected the end of the file after the problem definition, found '\(top[1].text.prefix(40))'")
    }
    let items = try ctx.expectDefine(first, kind: "problem")
    var p = Problem(
      file: file, name: items.name, domainName: "", objects: [], initialAtoms: [], functionValues: [:],
      goal: .truth, minimizesTotalCost: false, warnings: [])
    var sawGoal = false
    var initSection: SExpression? = nil
    var goalSection: SExpression? = nil
    for section in items.sections {
      guard let elems = section.elements, let key = elems.first?.symbol else {
        throw ctx.error(.syntax, section.location, "expected a section such as (:objects ...) or (:init ...), found '\(section.text.prefix(40))'")
      }
      let rest = Array(elems.dropFirst())
      switch key {
      case ":domain":
        guard rest.count == 1, let n = rest[0].symbol else {
          throw ctx.error(.syntax, section.location, "expected (:domain NAME)")
        }
        if n != domain.name {
          throw ctx.error(.semantic, rest[0].location, "problem is for domain '\(n)' but the domain given is '\(domain.name)'")
        }
        p.domainName = n
      case ":requirements":
        for r in rest {
          if let s = r.symbol, Self.unsupportedRequirements.contains(String(s.dropFirst())) {
            throw ctx.error(.unsupported, r.location, "unsupported requirement \(s)")
          }
        }
      case ":objects":
        let list = try ctx.typedList(rest, allowVariables: false)
        try ctx.checkTypes(list, domain, section.location)
        p.objects.append(contentsOf: list)
      case ":init": initSection = section
      case ":goal":
        guard rest.count == 1 else {
          throw ctx.error(.syntax, section.location, "expected exactly one goal formula in (:goal ...), found \(rest.count)")
        }
        goalSection = rest[0]
        sawGoal = true
      case ":metric":
        guard rest.count == 2, rest[0].symbol == "minimize", rest[1].head == "total-cost" else {
          throw ctx.error(.unsupported, section.location, "unsupported metric '\(section.text.prefix(60))': only (:metric minimize (total-cost)) is supported")
        }
        p.minimizesTotalCost = true
      default:
        throw ctx.error(.syntax, section.location, "expected :domain, :objects, :init, :goal or :metric, found '\(key)'")
      }
    }
    guard sawGoal, let goal = goalSection else {
      throw ctx.error(.syntax, first.location, "expected a (:goal ...) section in problem '\(p.name)'")
    }
    // Known names: domain constants (declared and undeclared) and problem objects.
    var known: [String: [String]] = [:]
    for c in domain.constants { known[c.name, default: []].append(contentsOf: c.types) }
    for o in p.objects { known[o.name, default: []].append(contentsOf: o.types) }
    for c in domain.undeclaredConstants where known[c] == nil { known[c] = ["object"] }
    ctx.knownObjects = known
    if let initSection {
      for fact in initSection.elements!.dropFirst() {
        guard let fe = fact.elements, let head = fe.first?.symbol else {
          throw ctx.error(.syntax, fact.location, "expected an initial fact like (on a b), found '\(fact.text.prefix(40))'")
        }
        if head == "=" {
          guard fe.count == 3, let fterm = fe[1].elements, let fname = fterm.first?.symbol, let vtext = fe[2].symbol else {
            throw ctx.error(.syntax, fact.location, "expected (= (function object ...) number)")
          }
          guard let sig = domain.functions[fname] else {
            throw ctx.error(.undeclaredFunction, fterm.first!.location, "undeclared function '\(fname)'")
          }
          let args = try ctx.groundArguments(Array(fterm.dropFirst()), arity: sig.arity, what: "function '\(fname)'", at: fe[1].location)
          guard let v = Self.integer(vtext) else {
            throw ctx.error(.unsupported, fe[2].location, "expected a non-negative integer value for (\(fname)), found '\(vtext)' (only integer action costs are supported)")
          }
          p.functionValues[GroundAtomName(fname, args)] = v
        } else if head == "not" {
          continue  // closed world: negative initial facts say nothing new
        } else if head == "at" && fe.count == 3 && fe[1].symbol.flatMap(Double.init) != nil {
          throw ctx.error(.unsupported, fact.location, "unsupported: timed initial literals")
        } else {
          guard let sig = domain.predicates[head] else {
            throw ctx.error(.undeclaredPredicate, fe[0].location, "undeclared predicate '\(head)'")
          }
          let args = try ctx.groundArguments(Array(fe.dropFirst()), arity: sig.arity, what: "predicate '\(head)'", at: fact.location)
          p.initialAtoms.append(GroundAtomName(head, args))
        }
      }
    }
    ctx.predicates = domain.predicates
    ctx.inGoal = true
    p.goal = try ctx.condition(goal, scope: [:])
    try ctx.checkRequirements(declared: domain.requirements, strict: strictRequirements)
    // Requirements the domain already warned about are not repeated.
    var alreadyWarned = domain.requirements
    for w in domain.warnings {
      for (r, _) in ctx.used where w.message.hasPrefix("requirement :\(r) ") { alreadyWarned.insert(r) }
    }
    ctx.warnUndeclaredRequirements(declared: alreadyWarned)
    p.warnings = ctx.warnings
    return p
  }

  /// Parses a domain and a problem and binds them.
  public func parseTask(domain domainText: String, domainFile: String = "domain.pddl",
                        problem problemText: String, problemFile: String = "problem.pddl") throws(PDDLError) -> PlanningTask {
    let d = try parseDomain(domainText, file: domainFile)
    let p = try parseProblem(problemText, file: problemFile, domain: d)
    return PlanningTask(domain: d, problem: p)
  }

  static func integer(_ s: String) -> Int? {
    if let v = Int(s), v >= 0 { return v }
    if let d = Double(s), d >= 0, d == d.rounded(), d < 1e15 { return Int(d) }
    return nil
  }
}

/// Parsing state for one file.
struct Context {
  let file: String
  var warnings: [PDDLWarning] = []
  /// First use of each requirement.
  var used: [(String, SourceLocation)] = []
  var undeclaredConstants: [String] = []
  var undeclaredConstantsAt: SourceLocation? = nil
  var predicates: [String: Signature] = [:]
  var functions: [String: Signature] = [:]
  var constants: Set<String> = []
  /// Problem objects (when parsing a problem); nil in a domain.
  var knownObjects: [String: [String]]? = nil
  var inGoal = false

  init(file: String) { self.file = file }

  func error(_ kind: PDDLError.Kind, _ at: SourceLocation, _ message: String) -> PDDLError {
    PDDLError(kind, file: file, at: at, message)
  }

  mutating func use(_ requirement: String, _ at: SourceLocation) {
    if !used.contains(where: { $0.0 == requirement }) { used.append((requirement, at)) }
  }

  func checkRequirements(declared: Set<String>, strict: Bool) throws(PDDLError) {
    guard strict else { return }
    for (r, loc) in used where r != "strips" && !declared.contains(r) {
      throw error(.undeclaredRequirement, loc, "requirement :\(r) is used here but not declared in (:requirements ...)")
    }
  }

  /// Reports undeclared requirements as warnings (non-strict mode).
  mutating func warnUndeclaredRequirements(declared: Set<String>) {
    for (r, loc) in used where r != "strips" && !declared.contains(r) {
      warnings.append(PDDLWarning(file: file, at: loc, "requirement :\(r) is used here but not declared in (:requirements ...); accepted"))
    }
  }

  /// `(define (KIND NAME) sections...)`.
  func expectDefine(_ e: SExpression, kind: String) throws(PDDLError) -> (name: String, sections: [SExpression]) {
    guard let elems = e.elements, elems.first?.symbol == "define" else {
      throw error(.syntax, e.location, "expected '(define (\(kind) NAME) ...)', found '\(e.text.prefix(40))'")
    }
    guard elems.count >= 2, let header = elems[1].elements, header.count == 2, header[0].symbol == kind,
      let name = header[1].symbol
    else {
      let at = elems.count >= 2 ? elems[1].location : e.location
      throw error(.syntax, at, "expected '(\(kind) NAME)' after 'define'\(elems.count >= 2 ? ", found '\(elems[1].text.prefix(40))'" : "")")
    }
    return (name, Array(elems.dropFirst(2)))
  }

  /// `a b - t c - (either u v) d` (names or `?variables`).
  func typedList(_ items: [SExpression], allowVariables: Bool) throws(PDDLError) -> [TypedName] {
    var out: [TypedName] = []
    var pending: [String] = []
    var i = 0
    while i < items.count {
      let it = items[i]
      if it.symbol == "-" {
        guard i + 1 < items.count else {
          throw error(.syntax, it.location, "expected a type after '-'")
        }
        let t = items[i + 1]
        var types: [String]
        if let s = t.symbol {
          types = [s]
        } else if let te = t.elements, te.first?.symbol == "either", te.count >= 2 {
          types = []
          for x in te.dropFirst() {
            guard let s = x.symbol else { throw error(.syntax, x.location, "expected a type name in (either ...)") }
            types.append(s)
          }
        } else {
          throw error(.syntax, t.location, "expected a type name or (either ...) after '-', found '\(t.text.prefix(40))'")
        }
        if pending.isEmpty { throw error(.syntax, it.location, "expected names before '- \(t.text)'") }
        for n in pending { out.append(TypedName(n, types: types)) }
        pending.removeAll()
        i += 2
        continue
      }
      guard let s = it.symbol else {
        throw error(.syntax, it.location, "expected a \(allowVariables ? "?variable" : "name"), found '\(it.text.prefix(40))'")
      }
      if allowVariables != s.hasPrefix("?") {
        throw error(.syntax, it.location, allowVariables ? "expected a ?variable, found '\(s)'" : "expected a name, found the variable '\(s)'")
      }
      pending.append(s)
      i += 1
    }
    for n in pending { out.append(TypedName(n)) }
    return out
  }

  mutating func checkTypes(_ list: [TypedName], _ d: Domain, _ at: SourceLocation) throws(PDDLError) {
    for t in list {
      if t.types != ["object"] { use("typing", at) }
      for ty in t.types where d.typeParents[ty] == nil {
        throw error(.undeclaredType, at, "undeclared type '\(ty)' (of '\(t.name)')")
      }
    }
  }

  mutating func action(_ rest: [SExpression], _ at: SourceLocation, domain d: Domain) throws(PDDLError) -> ActionSchema {
    guard let name = rest.first?.symbol else {
      throw error(.syntax, at, "expected an action name after :action")
    }
    predicates = d.predicates
    functions = d.functions
    constants = Set(d.constants.map(\.name))
    var params: [TypedName] = []
    var pre: Condition = .truth
    var eff: Effect = .and([])
    var i = 1
    while i < rest.count {
      guard let key = rest[i].symbol, key.hasPrefix(":") else {
        throw error(.syntax, rest[i].location, "expected :parameters, :precondition or :effect in action '\(name)', found '\(rest[i].text.prefix(40))'")
      }
      guard i + 1 < rest.count else {
        throw error(.syntax, rest[i].location, "expected a value after \(key) in action '\(name)'")
      }
      let v = rest[i + 1]
      switch key {
      case ":parameters":
        guard let pe = v.elements else { throw error(.syntax, v.location, "expected a parameter list (?x - type ...)") }
        params = try typedList(pe, allowVariables: true)
        try checkTypes(params, d, v.location)
      case ":precondition":
        var scope: [String: [String]] = [:]
        for p in params { scope[p.name] = p.types }
        if v.elements?.isEmpty == true { pre = .truth } else { pre = try condition(v, scope: scope) }
      case ":effect":
        var scope: [String: [String]] = [:]
        for p in params { scope[p.name] = p.types }
        if v.elements?.isEmpty == true { eff = .and([]) } else { eff = try effect(v, scope: scope, d) }
      default:
        throw error(.syntax, rest[i].location, "expected :parameters, :precondition or :effect in action '\(name)', found '\(key)'")
      }
      i += 2
    }
    return ActionSchema(name: name, parameters: params, precondition: pre, effect: eff, location: at)
  }

  mutating func term(_ e: SExpression, scope: [String: [String]]) throws(PDDLError) -> Term {
    guard let s = e.symbol else {
      throw error(.syntax, e.location, "expected a ?variable or an object name, found '\(e.text.prefix(40))'")
    }
    if s.hasPrefix("?") {
      guard scope[s] != nil else { throw error(.undeclaredObject, e.location, "undeclared variable '\(s)'") }
      return .variable(s)
    }
    if let known = knownObjects {
      guard known[s] != nil else { throw error(.undeclaredObject, e.location, "undeclared object or constant '\(s)'") }
    } else if !constants.contains(s) && !undeclaredConstants.contains(s) {
      undeclaredConstants.append(s)
      if undeclaredConstantsAt == nil { undeclaredConstantsAt = e.location }
    }
    return .constant(s)
  }

  mutating func atom(_ elems: [SExpression], _ at: SourceLocation, scope: [String: [String]]) throws(PDDLError) -> AtomExpression {
    let name = elems[0].symbol!
    guard let sig = predicates[name] else {
      throw error(.undeclaredPredicate, elems[0].location, "undeclared predicate '\(name)'")
    }
    if elems.count - 1 != sig.arity {
      throw error(.arity, at, "predicate '\(name)' takes \(sig.arity) argument\(sig.arity == 1 ? "" : "s"), found \(elems.count - 1) in '\(SExpression.list(elems, at).text.prefix(60))'")
    }
    var args: [Term] = []
    for e in elems.dropFirst() { args.append(try term(e, scope: scope)) }
    return AtomExpression(predicate: name, arguments: args, location: at)
  }

  mutating func quantified(_ elems: [SExpression], _ at: SourceLocation, scope: [String: [String]], what: String) throws(PDDLError) -> ([TypedName], [String: [String]]) {
    guard elems.count == 3, let ve = elems[1].elements else {
      throw error(.syntax, at, "expected (\(what) (?x - type ...) formula)")
    }
    let vars = try typedList(ve, allowVariables: true)
    var inner = scope
    for v in vars { inner[v.name] = v.types }
    return (vars, inner)
  }

  mutating func condition(_ e: SExpression, scope: [String: [String]]) throws(PDDLError) -> Condition {
    guard let elems = e.elements, let head = elems.first?.symbol else {
      throw error(.syntax, e.location, "expected a formula like (and ...) or (predicate ...), found '\(e.text.prefix(40))'")
    }
    let at = e.location
    switch head {
    case "and":
      var parts: [Condition] = []
      for x in elems.dropFirst() { parts.append(try condition(x, scope: scope)) }
      return .and(parts)
    case "or":
      use("disjunctive-preconditions", at)
      var parts: [Condition] = []
      for x in elems.dropFirst() { parts.append(try condition(x, scope: scope)) }
      return .or(parts)
    case "not":
      guard elems.count == 2 else { throw error(.syntax, at, "expected (not formula)") }
      let inner = try condition(elems[1], scope: scope)
      if case .atom = inner { use("negative-preconditions", at) } else if case .equal = inner {} else {
        use("disjunctive-preconditions", at)
      }
      return .not(inner)
    case "imply":
      use("disjunctive-preconditions", at)
      guard elems.count == 3 else { throw error(.syntax, at, "expected (imply antecedent consequent)") }
      return .imply(try condition(elems[1], scope: scope), try condition(elems[2], scope: scope))
    case "exists":
      use("existential-preconditions", at)
      let (vars, inner) = try quantified(elems, at, scope: scope, what: "exists")
      return .exists(vars, try condition(elems[2], scope: inner))
    case "forall":
      use("universal-preconditions", at)
      let (vars, inner) = try quantified(elems, at, scope: scope, what: "forall")
      return .forall(vars, try condition(elems[2], scope: inner))
    case "=":
      guard elems.count == 3 else { throw error(.syntax, at, "expected (= term term)") }
      if elems[1].elements != nil || elems[2].elements != nil {
        throw error(.unsupported, at, "unsupported: numeric comparison '\(e.text.prefix(60))' (numeric fluents beyond action costs)")
      }
      use("equality", at)
      return .equal(try term(elems[1], scope: scope), try term(elems[2], scope: scope))
    case "<", ">", "<=", ">=":
      throw error(.unsupported, at, "unsupported: numeric comparison '\(e.text.prefix(60))' (numeric fluents beyond action costs)")
    default:
      return .atom(try atom(elems, at, scope: scope))
    }
  }

  mutating func effect(_ e: SExpression, scope: [String: [String]], _ d: Domain) throws(PDDLError) -> Effect {
    guard let elems = e.elements, let head = elems.first?.symbol else {
      throw error(.syntax, e.location, "expected an effect like (and ...), (not (p ...)) or (p ...), found '\(e.text.prefix(40))'")
    }
    let at = e.location
    switch head {
    case "and":
      var parts: [Effect] = []
      for x in elems.dropFirst() { parts.append(try effect(x, scope: scope, d)) }
      return .and(parts)
    case "not":
      guard elems.count == 2, let inner = elems[1].elements, let h = inner.first?.symbol,
        !["and", "or", "not", "when", "forall"].contains(h)
      else { throw error(.syntax, at, "expected (not (predicate ...)) in an effect") }
      return .delete(try atom(inner, elems[1].location, scope: scope))
    case "when":
      use("conditional-effects", at)
      guard elems.count == 3 else { throw error(.syntax, at, "expected (when condition effect)") }
      let c = try condition(elems[1], scope: scope)
      let x = try effect(elems[2], scope: scope, d)
      return .when(c, x)
    case "forall":
      use("conditional-effects", at)
      let (vars, inner) = try quantified(elems, at, scope: scope, what: "forall")
      return .forall(vars, try effect(elems[2], scope: inner, d))
    case "increase":
      guard elems.count == 3, let target = elems[1].elements, target.first?.symbol == "total-cost", target.count == 1 else {
        throw error(.unsupported, at, "unsupported effect '\(e.text.prefix(60))': only (increase (total-cost) ...) is supported (numeric fluents beyond action costs)")
      }
      use("action-costs", at)
      if functions["total-cost"] == nil {
        throw error(.undeclaredFunction, elems[1].location, "undeclared function 'total-cost' (declare it in (:functions (total-cost) - number))")
      }
      if let s = elems[2].symbol {
        guard let v = PDDLParser.integer(s) else {
          throw error(.unsupported, elems[2].location, "expected a non-negative integer cost, found '\(s)'")
        }
        return .increaseCost(.constant(v))
      }
      guard let fe = elems[2].elements, let fname = fe.first?.symbol else {
        throw error(.syntax, elems[2].location, "expected a number or (function ?x ...) as the cost")
      }
      guard let sig = functions[fname] else {
        throw error(.undeclaredFunction, fe[0].location, "undeclared function '\(fname)'")
      }
      if fe.count - 1 != sig.arity {
        throw error(.arity, elems[2].location, "function '\(fname)' takes \(sig.arity) argument\(sig.arity == 1 ? "" : "s"), found \(fe.count - 1)")
      }
      var args: [Term] = []
      for x in fe.dropFirst() { args.append(try term(x, scope: scope)) }
      return .increaseCost(.function(fname, args))
    case "decrease", "assign", "scale-up", "scale-down":
      throw error(.unsupported, at, "unsupported effect '\(head)': numeric fluents beyond action costs")
    default:
      return .add(try atom(elems, at, scope: scope))
    }
  }

  mutating func groundArguments(_ items: [SExpression], arity: Int, what: String, at: SourceLocation) throws(PDDLError) -> [String] {
    if items.count != arity {
      throw error(.arity, at, "\(what) takes \(arity) argument\(arity == 1 ? "" : "s"), found \(items.count)")
    }
    var out: [String] = []
    for x in items {
      guard let s = x.symbol, !s.hasPrefix("?") else {
        throw error(.syntax, x.location, "expected an object name, found '\(x.text.prefix(40))'")
      }
      if let known = knownObjects, known[s] == nil {
        throw error(.undeclaredObject, x.location, "undeclared object '\(s)'")
      }
      out.append(s)
    }
    return out
  }
}
