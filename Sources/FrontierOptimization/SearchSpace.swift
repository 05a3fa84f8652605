/// A value taken by one parameter of a search space.
///
/// Categorical choices may be strings, numbers or booleans (Optuna's convention); numeric
/// parameters hold `.float` or `.int`.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
  case float(Double)
  case int(Int)
  case string(String)
  case bool(Bool)

  /// The value as a `Double` when it is numeric (`.float`, `.int`), else `nil`.
  @inlinable public var doubleValue: Double? {
    switch self {
    case .float(let x): return x
    case .int(let i): return Double(i)
    case .string, .bool: return nil
    }
  }

  public var description: String {
    switch self {
    case .float(let x): return "\(x)"
    case .int(let i): return "\(i)"
    case .string(let s): return s
    case .bool(let b): return b ? "true" : "false"
    }
  }
}

/// One point of a search space: parameter name to value. Only the parameters that are active
/// for this point (see ``SearchSpace/isActive(_:in:)``) are present.
public typealias Parameters = [String: ParameterValue]

/// The distribution of one parameter.
///
/// Every distribution has an *internal representation* as a `Double` that samplers work in
/// (Optuna's convention): floats and integers are their own value (`log` distributions stay in
/// the original scale; a sampler that wants the log scale takes `log` of it), categoricals are
/// the index of the choice, fixed values are 0.
public enum Distribution: Sendable, Hashable {
  /// A real in `[low, high]`; `log` samples uniformly in `log` space (needs `low > 0`);
  /// `step` rounds to `low + k * step` (not together with `log`).
  case float(low: Double, high: Double, log: Bool = false, step: Double? = nil)
  /// An integer in `[low, high]` (inclusive), spaced by `step`; `log` needs `low >= 1`, `step == 1`.
  case int(low: Int, high: Int, log: Bool = false, step: Int = 1)
  /// One of the listed choices (at least one, no duplicates).
  case categorical([ParameterValue])
  /// Always this value (kept in the record, never searched).
  case fixed(ParameterValue)

  /// Checks the distribution's own invariants.
  /// - Throws: ``SearchSpaceError`` naming the reason.
  public func validate(name: String) throws(SearchSpaceError) {
    switch self {
    case .float(let low, let high, let log, let step):
      guard low.isFinite, high.isFinite else { throw .init(parameter: name, reason: "bounds must be finite") }
      guard low <= high else { throw .init(parameter: name, reason: "empty range: low \(low) > high \(high)") }
      if log {
        guard low > 0 else {
          throw .init(parameter: name, reason: "log range must be positive, got low \(low)")
        }
        guard step == nil else { throw .init(parameter: name, reason: "step cannot be combined with log") }
      }
      if let step {
        guard step > 0, step.isFinite else { throw .init(parameter: name, reason: "step must be positive") }
      }
    case .int(let low, let high, let log, let step):
      guard low <= high else { throw .init(parameter: name, reason: "empty range: low \(low) > high \(high)") }
      guard step >= 1 else { throw .init(parameter: name, reason: "step must be at least 1") }
      if log {
        guard low >= 1 else {
          throw .init(parameter: name, reason: "log range must be positive, got low \(low)")
        }
        guard step == 1 else { throw .init(parameter: name, reason: "step cannot be combined with log") }
      }
    case .categorical(let choices):
      guard !choices.isEmpty else { throw .init(parameter: name, reason: "no choices") }
      guard Set(choices).count == choices.count else {
        throw .init(parameter: name, reason: "duplicate choices")
      }
    case .fixed:
      break
    }
  }

  /// Whether `value` lies in the distribution (right type, in range, on the step grid).
  public func contains(_ value: ParameterValue) -> Bool {
    switch (self, value) {
    case (.float(let low, let high, _, let step), .float(let x)):
      guard x >= low, x <= high else { return false }
      if let step {
        let k = ((x - low) / step).rounded()
        return Swift.abs(low + k * step - x) <= 1e-9 * Swift.max(1, Swift.abs(x))
      }
      return true
    case (.int(let low, let high, _, let step), .int(let i)):
      return i >= low && i <= high && (i - low) % step == 0
    case (.categorical(let choices), _):
      return choices.contains(value)
    case (.fixed(let v), _):
      return v == value
    default:
      return false
    }
  }

  /// The internal representation of `value` (see the type's documentation).
  public func internalValue(of value: ParameterValue) -> Double? {
    switch (self, value) {
    case (.float, .float(let x)): return x
    case (.int, .int(let i)): return Double(i)
    case (.categorical(let choices), _): return choices.firstIndex(of: value).map(Double.init)
    case (.fixed(let v), _): return v == value ? 0 : nil
    default: return nil
    }
  }

  /// The value whose internal representation is `x`, snapped to the distribution: clamped
  /// to the range, rounded to the step, to an integer, or to the nearest choice index.
  public func value(fromInternal x: Double) -> ParameterValue {
    switch self {
    case .float(let low, let high, _, let step):
      var v = Swift.min(Swift.max(x.isNaN ? low : x, low), high)
      if let step {
        let k = ((v - low) / step).rounded()
        v = Swift.min(low + k * step, high)
        if v > high { v -= step }
      }
      return .float(v)
    case .int(let low, let high, _, let step):
      let clamped = Swift.min(Swift.max(x.isNaN ? Double(low) : x, Double(low)), Double(high))
      let k = ((clamped - Double(low)) / Double(step)).rounded()
      var i = low + Int(k) * step
      if i > high { i -= step }
      return .int(i)
    case .categorical(let choices):
      let i = Int(Swift.min(Swift.max(x.isNaN ? 0 : x.rounded(), 0), Double(choices.count - 1)))
      return choices[i]
    case .fixed(let v):
      return v
    }
  }

  /// Whether a sampler should work in log space for this distribution.
  @inlinable public var isLog: Bool {
    switch self {
    case .float(_, _, let log, _), .int(_, _, let log, _): return log
    default: return false
    }
  }

  /// Number of distinct values for finite distributions (ints, stepped floats, categoricals,
  /// fixed), `nil` for continuous floats.
  public var cardinality: Int? {
    switch self {
    case .float(let low, let high, _, let step):
      guard let step else { return low == high ? 1 : nil }
      return Int(((high - low) / step + 1e-9).rounded(.down)) + 1
    case .int(let low, let high, _, let step): return (high - low) / step + 1
    case .categorical(let c): return c.count
    case .fixed: return 1
    }
  }
}

/// A condition that makes a parameter exist only for some values of another (a conditional
/// sub-space): the parameter is active when `parameter` is active and its value is one of
/// `values`.
public struct ParameterCondition: Sendable, Hashable {
  public var parameter: String
  public var values: [ParameterValue]
  public init(parameter: String, equals values: [ParameterValue]) {
    self.parameter = parameter
    self.values = values
  }
  public init(parameter: String, equals value: ParameterValue) {
    self.init(parameter: parameter, equals: [value])
  }
}

/// One named, distributed, optionally conditional parameter.
public struct ParameterSpec: Sendable, Hashable {
  public var name: String
  public var distribution: Distribution
  public var condition: ParameterCondition?
  public init(_ name: String, _ distribution: Distribution, when condition: ParameterCondition? = nil) {
    self.name = name
    self.distribution = distribution
    self.condition = condition
  }
}

/// Why a search space or one of its parameters is invalid.
public struct SearchSpaceError: Error, Sendable, Hashable, CustomStringConvertible {
  public var parameter: String
  public var reason: String
  public init(parameter: String, reason: String) {
    self.parameter = parameter
    self.reason = reason
  }
  public var description: String { "parameter '\(parameter)': \(reason)" }
}

/// A symbolic search space (PyGlove's idea, Optuna's distributions): an ordered list of
/// parameters in which every condition refers to an earlier parameter, so a point can be
/// built front to back and a parameter is active exactly when its condition holds.
///
/// Declare one in Swift, load one from JSON or YAML (`SearchSpaceFile`), or let
/// define-by-run trials infer one from `suggest` calls.
public struct SearchSpace: Sendable, Hashable {
  public private(set) var parameters: [ParameterSpec]
  @usableFromInline internal var indexByName: [String: Int]

  /// Builds and validates a space.
  /// - Throws: ``SearchSpaceError`` on an invalid distribution, a duplicate name, or a
  ///   condition on an unknown (or later) parameter.
  public init(_ parameters: [ParameterSpec]) throws(SearchSpaceError) {
    self.parameters = []
    self.indexByName = [:]
    for p in parameters { try append(p) }
  }

  /// The empty space (define-by-run studies grow it).
  public init() {
    parameters = []
    indexByName = [:]
  }

  /// Appends a parameter, validating it against the ones already present.
  public mutating func append(_ p: ParameterSpec) throws(SearchSpaceError) {
    try p.distribution.validate(name: p.name)
    guard indexByName[p.name] == nil else { throw .init(parameter: p.name, reason: "duplicate name") }
    if let c = p.condition {
      guard let parent = indexByName[c.parameter] else {
        throw .init(parameter: p.name, reason: "condition on unknown parameter '\(c.parameter)'")
      }
      for v in c.values where !parameters[parent].distribution.contains(v) {
        throw .init(parameter: p.name, reason: "condition value \(v) is not a value of '\(c.parameter)'")
      }
    }
    indexByName[p.name] = parameters.count
    parameters.append(p)
  }

  public var count: Int { parameters.count }
  public subscript(name: String) -> ParameterSpec? { indexByName[name].map { parameters[$0] } }
  public func index(of name: String) -> Int? { indexByName[name] }

  /// Whether `p` is active given the (partial, front-to-back) assignment `point`.
  public func isActive(_ p: ParameterSpec, in point: Parameters) -> Bool {
    guard let c = p.condition else { return true }
    guard let v = point[c.parameter] else { return false }
    return c.values.contains(v)
  }

  /// Whether `point` is a valid point: every active parameter present and in its
  /// distribution, no inactive or unknown parameter present.
  public func contains(_ point: Parameters) -> Bool {
    var seen = 0
    for p in parameters {
      if isActive(p, in: point) {
        guard let v = point[p.name], p.distribution.contains(v) else { return false }
        seen += 1
      } else if point[p.name] != nil {
        return false
      }
    }
    return seen == point.count
  }

  /// Builds a point front to back, asking `choose` for each active parameter.
  @inlinable
  public func makePoint(_ choose: (ParameterSpec) throws -> ParameterValue) rethrows -> Parameters {
    var point = Parameters(minimumCapacity: parameters.count)
    for p in parameters where isActive(p, in: point) {
      point[p.name] = try choose(p)
    }
    return point
  }
}
