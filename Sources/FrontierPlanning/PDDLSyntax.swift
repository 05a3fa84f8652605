/// The lifted PDDL task as written: domain and problem, names lower-cased.

/// A term: a `?variable` or a constant/object name.
public enum Term: Sendable, Hashable, CustomStringConvertible {
  case variable(String)
  case constant(String)

  public var description: String {
    switch self {
    case .variable(let v): return v
    case .constant(let c): return c
    }
  }
}

/// A name with its type; `types` has several entries for `(either t1 t2 ...)`.
public struct TypedName: Sendable, Hashable {
  public var name: String
  public var types: [String]
  public init(_ name: String, types: [String] = ["object"]) {
    self.name = name
    self.types = types
  }
}

/// `(predicate term ...)` as written.
public struct AtomExpression: Sendable, Hashable, CustomStringConvertible {
  public var predicate: String
  public var arguments: [Term]
  public var location: SourceLocation
  public init(predicate: String, arguments: [Term], location: SourceLocation) {
    self.predicate = predicate
    self.arguments = arguments
    self.location = location
  }
  public var description: String {
    "(" + ([predicate] + arguments.map(\.description)).joined(separator: " ") + ")"
  }
}

/// A ground atom by names, e.g. `(on a b)`.
public struct GroundAtomName: Sendable, Hashable, CustomStringConvertible {
  public var predicate: String
  public var arguments: [String]
  public init(_ predicate: String, _ arguments: [String]) {
    self.predicate = predicate
    self.arguments = arguments
  }
  public var description: String { "(" + ([predicate] + arguments).joined(separator: " ") + ")" }
}

/// A precondition or goal formula (ADL).
public indirect enum Condition: Sendable, Hashable {
  case atom(AtomExpression)
  case equal(Term, Term)
  case not(Condition)
  case and([Condition])
  case or([Condition])
  case imply(Condition, Condition)
  case exists([TypedName], Condition)
  case forall([TypedName], Condition)

  /// The empty conjunction.
  public static var truth: Condition { .and([]) }
}

/// The amount an action adds to `total-cost`.
public enum CostExpression: Sendable, Hashable {
  case constant(Int)
  /// A static function of terms, e.g. `(distance ?from ?to)`.
  case function(String, [Term])
}

/// An action effect (ADL: conditional and universal effects, action costs).
public indirect enum Effect: Sendable, Hashable {
  case add(AtomExpression)
  case delete(AtomExpression)
  case and([Effect])
  case when(Condition, Effect)
  case forall([TypedName], Effect)
  case increaseCost(CostExpression)
}

/// A lifted action.
public struct ActionSchema: Sendable, Hashable {
  public var name: String
  public var parameters: [TypedName]
  public var precondition: Condition
  public var effect: Effect
  public var location: SourceLocation
}

/// A predicate or function declaration.
public struct Signature: Sendable, Hashable {
  public var name: String
  public var parameters: [TypedName]
  public var arity: Int { parameters.count }
}

/// A parsed PDDL domain.
public struct Domain: Sendable {
  public var file: String
  public var name: String
  /// Declared requirements, without the colon, expanded (`adl` brings its parts).
  public var requirements: Set<String>
  /// Each declared type and its parent types (`object` has none).
  public var typeParents: [String: [String]]
  public var constants: [TypedName]
  public var predicates: [String: Signature]
  public var functions: [String: Signature]
  public var actions: [ActionSchema]
  /// Names used as constants in action bodies but never declared (accepted with a warning).
  public var undeclaredConstants: [String]
  public var warnings: [PDDLWarning]

  /// The action schema named `name`.
  public func action(named name: String) -> ActionSchema? { actions.first { $0.name == name } }

  /// Whether `type` is `ancestor` or one of its descendants.
  public func isSubtype(_ type: String, of ancestor: String) -> Bool {
    if type == ancestor || ancestor == "object" { return true }
    var seen: Set<String> = [type]
    var stack = [type]
    while let t = stack.popLast() {
      for p in typeParents[t] ?? [] where !seen.contains(p) {
        if p == ancestor { return true }
        seen.insert(p)
        stack.append(p)
      }
    }
    return false
  }
}

/// A parsed PDDL problem.
public struct Problem: Sendable {
  public var file: String
  public var name: String
  public var domainName: String
  public var objects: [TypedName]
  public var initialAtoms: [GroundAtomName]
  /// Values of numeric functions in `:init` (static: only action costs are numeric).
  public var functionValues: [GroundAtomName: Int]
  public var goal: Condition
  /// `(:metric minimize (total-cost))` present: action costs count; otherwise unit cost.
  public var minimizesTotalCost: Bool
  public var warnings: [PDDLWarning]
}

/// A domain and problem together, with the typed universe of objects.
public struct PlanningTask: Sendable {
  public var domain: Domain
  public var problem: Problem
  /// Every object and constant, in declaration order (domain constants first).
  public var objects: [String]
  /// The declared types of each object.
  public var objectTypes: [String: [String]]

  public init(domain: Domain, problem: Problem) {
    self.domain = domain
    self.problem = problem
    var objects: [String] = []
    var types: [String: [String]] = [:]
    for o in domain.constants + problem.objects {
      if types[o.name] == nil { objects.append(o.name) }
      types[o.name, default: []].append(contentsOf: o.types)
    }
    // Constants a domain uses without declaring them (tyreworld) are objects of type object.
    for c in domain.undeclaredConstants where types[c] == nil {
      objects.append(c)
      types[c] = ["object"]
    }
    self.objects = objects
    self.objectTypes = types
  }

  /// Whether `object` belongs to any of `types` (an `either` list).
  public func object(_ object: String, isOfAny types: [String]) -> Bool {
    guard let own = objectTypes[object] else { return false }
    for t in types {
      for o in own where domain.isSubtype(o, of: t) { return true }
    }
    return false
  }

  /// The objects of any of `types`, in declaration order.
  public func objects(ofAny types: [String]) -> [String] {
    objects.filter { object($0, isOfAny: types) }
  }

  /// Whether action costs count (`:metric minimize (total-cost)`).
  public var usesActionCosts: Bool { problem.minimizesTotalCost }
}
