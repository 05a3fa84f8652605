/// A position in a PDDL file (1-based line and column; column counts bytes).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  public var description: String { "\(line):\(column)" }
}

/// A problem with a PDDL domain, problem or plan: where it is and what was expected.
///
/// Printed as `file:line:column: error: message`, the form compilers use, so editors can
/// jump to it.
public struct PDDLError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong, for programs that react to the kind of error.
  public enum Kind: String, Sendable, Hashable {
    /// Malformed text: unbalanced parentheses, a missing keyword, a wrong token.
    case syntax
    case undeclaredPredicate = "undeclared-predicate"
    case undeclaredType = "undeclared-type"
    case undeclaredObject = "undeclared-object"
    case undeclaredFunction = "undeclared-function"
    case undeclaredAction = "undeclared-action"
    case arity
    /// A requirement used but not declared (an error only in strict mode).
    case undeclaredRequirement = "undeclared-requirement"
    /// A requirement or construct Frontier does not support (numeric fluents, durative actions).
    case unsupported
    /// Well-formed but meaningless input: duplicate names, a problem for another domain.
    case semantic
  }

  public var kind: Kind
  public var file: String
  public var location: SourceLocation?
  public var message: String

  public init(_ kind: Kind, file: String, at location: SourceLocation?, _ message: String) {
    self.kind = kind
    self.file = file
    self.location = location
    self.message = message
  }

  public var line: Int? { location?.line }
  public var column: Int? { location?.column }

  public var description: String {
    var s = file
    if let l = location { s += ":\(l.line):\(l.column)" }
    return s + ": error: " + message
  }
}

/// Something accepted that deserves attention (an undeclared requirement, constants a
/// domain uses without declaring them).
public struct PDDLWarning: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var location: SourceLocation?
  public var message: String

  public init(file: String, at location: SourceLocation?, _ message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  public var description: String {
    var s = file
    if let l = location { s += ":\(l.line):\(l.column)" }
    return s + ": warning: " + message
  }
}
