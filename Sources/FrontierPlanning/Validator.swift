/// A plan step by names: `(action arg ...)`.
public struct PlanStep: Sendable, Hashable, CustomStringConvertible {
  public var action: String
  public var arguments: [String]
  /// Where the step is in the plan file (nil for plans built in memory).
  public var location: SourceLocation?
  public init(action: String, arguments: [String], location: SourceLocation? = nil) {
    self.action = action
    self.arguments = arguments
    self.location = location
  }
  public var description: String { "(" + ([action] + arguments).joined(separator: " ") + ")" }
}

/// The result of checking a plan on the lifted task.
public struct ValidationReport: Sendable, Hashable {
  /// The plan is executable and reaches the goal.
  public var isValid: Bool
  /// The plan's cost (sum of action costs; the number of steps without action costs).
  public var cost: Int
  /// The first failing step (0-based), if a step failed.
  public var failedStep: Int?
  /// What failed, or "plan valid".
  public var message: String
}

/// Simulates plans on the original (unnormalised) lifted task: checks each action's
/// precondition (with negation, disjunction, quantifiers and equality), applies its
/// effects (conditional and universal ones evaluated in the state before the action;
/// deletes before adds) and finally checks the goal. Independent of grounding, so it
/// checks the grounder too.
public struct PlanValidator: Sendable {
  public let task: PlanningTask

  public init(task: PlanningTask) { self.task = task }

  /// Reads an IPC plan: one `(action arg ...)` per list; `;` comments and any symbols
  /// outside lists (step numbers, timestamps) are ignored.
  public static func parsePlan(_ text: String, file: String = "plan") throws(PDDLError) -> [PlanStep] {
    var steps: [PlanStep] = []
    for e in try SExpression.read(text, file: file) {
      guard let elems = e.elements else { continue }
      guard let name = elems.first?.symbol else {
        throw PDDLError(.syntax, file: file, at: e.location, "expected a plan step like (action arg ...), found '\(e.text.prefix(40))'")
      }
      var args: [String] = []
      for x in elems.dropFirst() {
        guard let s = x.symbol else {
          throw PDDLError(.syntax, file: file, at: x.location, "expected an object name, found '\(x.text.prefix(40))'")
        }
        args.append(s)
      }
      steps.append(PlanStep(action: name, arguments: args, location: e.location))
    }
    return steps
  }

  /// The initial state: every true atom, static ones included.
  public var initialState: Set<GroundAtomName> { Set(task.problem.initialAtoms) }

  /// Checks `plan` from the initial state.
  public func validate(_ plan: [PlanStep]) -> ValidationReport { simulate(plan).report }

  /// Runs `plan` from the initial state: the report and the state reached (after the last
  /// executable step).
  public func simulate(_ plan: [PlanStep]) -> (report: ValidationReport, state: Set<GroundAtomName>) {
    var state = initialState
    var cost = 0
    for (i, step) in plan.enumerated() {
      let at = step.location.map { " (line \($0.line))" } ?? ""
      func fail(_ m: String) -> (report: ValidationReport, state: Set<GroundAtomName>) {
        (ValidationReport(isValid: false, cost: cost, failedStep: i, message: "step \(i + 1)\(at) \(step): \(m)"), state)
      }
      guard let schema = task.domain.action(named: step.action) else { return fail("unknown action '\(step.action)'") }
      guard schema.parameters.count == step.arguments.count else {
        return fail("action '\(schema.name)' takes \(schema.parameters.count) arguments, found \(step.arguments.count)")
      }
      var env: [String: String] = [:]
      for (p, a) in zip(schema.parameters, step.arguments) {
        guard task.objectTypes[a] != nil else { return fail("unknown object '\(a)'") }
        guard task.object(a, isOfAny: p.types) else {
          return fail("object '\(a)' is not of type \(p.types.joined(separator: " or ")) required by \(p.name)")
        }
        env[p.name] = a
      }
      guard holds(schema.precondition, in: state, env) else {
        return fail("precondition not satisfied\(unsatisfied(schema.precondition, state, env).map { ": \($0)" } ?? "")")
      }
      var adds: [GroundAtomName] = []
      var dels: [GroundAtomName] = []
      var stepCost = 0
      var costError: String? = nil
      collect(schema.effect, state, env, &adds, &dels, &stepCost, &costError)
      if let e = costError { return fail(e) }
      for d in dels { state.remove(d) }
      for a in adds { state.insert(a) }
      cost += task.usesActionCosts ? stepCost : 1
    }
    guard holds(task.problem.goal, in: state, [:]) else {
      return (ValidationReport(
        isValid: false, cost: cost, failedStep: nil,
        message: "goal not satisfied after the plan\(unsatisfied(task.problem.goal, state, [:]).map { ": \($0)" } ?? "")"), state)
    }
    return (ValidationReport(isValid: true, cost: cost, failedStep: nil, message: "plan valid"), state)
  }

  func value(_ t: Term, _ env: [String: String]) -> String {
    switch t {
    case .variable(let v): return env[v] ?? v
    case .constant(let c): return c
    }
  }

  func ground(_ a: AtomExpression, _ env: [String: String]) -> GroundAtomName {
    GroundAtomName(a.predicate, a.arguments.map { value($0, env) })
  }

  /// All bindings of `vars` over their typed objects, extending `env`.
  func bindings(_ vars: [TypedName], _ env: [String: String]) -> [[String: String]] {
    var out = [env]
    for v in vars {
      var next: [[String: String]] = []
      for o in task.objects(ofAny: v.types) {
        for b in out {
          var e = b
          e[v.name] = o
          next.append(e)
        }
      }
      out = next
    }
    return out
  }

  /// Whether `c` holds in `state` under `env`.
  public func holds(_ c: Condition, in state: Set<GroundAtomName>, _ env: [String: String]) -> Bool {
    switch c {
    case .atom(let a): return state.contains(ground(a, env))
    case .equal(let x, let y): return value(x, env) == value(y, env)
    case .not(let x): return !holds(x, in: state, env)
    case .and(let xs): return xs.allSatisfy { holds($0, in: state, env) }
    case .or(let xs): return xs.contains { holds($0, in: state, env) }
    case .imply(let a, let b): return !holds(a, in: state, env) || holds(b, in: state, env)
    case .exists(let vs, let x): return bindings(vs, env).contains { holds(x, in: state, $0) }
    case .forall(let vs, let x): return bindings(vs, env).allSatisfy { holds(x, in: state, $0) }
    }
  }

  /// A short explanation: the first top-level conjunct that fails.
  func unsatisfied(_ c: Condition, _ state: Set<GroundAtomName>, _ env: [String: String]) -> String? {
    switch c {
    case .and(let xs):
      for x in xs where !holds(x, in: state, env) { return unsatisfied(x, state, env) }
      return nil
    case .atom(let a): return "\(ground(a, env)) is false"
    case .not(.atom(let a)): return "\(ground(a, env)) is true"
    default: return nil
    }
  }

  func collect(_ e: Effect, _ state: Set<GroundAtomName>, _ env: [String: String],
               _ adds: inout [GroundAtomName], _ dels: inout [GroundAtomName], _ cost: inout Int, _ error: inout String?) {
    switch e {
    case .add(let a): adds.append(ground(a, env))
    case .delete(let a): dels.append(ground(a, env))
    case .and(let xs): for x in xs { collect(x, state, env, &adds, &dels, &cost, &error) }
    case .when(let c, let x):
      if holds(c, in: state, env) { collect(x, state, env, &adds, &dels, &cost, &error) }
    case .forall(let vs, let x):
      for b in bindings(vs, env) { collect(x, state, b, &adds, &dels, &cost, &error) }
    case .increaseCost(let c):
      switch c {
      case .constant(let v): cost += v
      case .function(let f, let args):
        let key = GroundAtomName(f, args.map { value($0, env) })
        if let v = task.problem.functionValues[key] { cost += v } else if task.usesActionCosts {
          error = "the cost \(key) has no value in :init"
        }
      }
    }
  }
}
