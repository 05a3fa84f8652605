/// A problem with input given to a vector index: a vector, a query, a filter expression or a
/// file. Says what and where (`file`, `line`, `column` when they apply).
///
/// Match on the code: `catch let e as VectorSearchError where e.code == .malformedFilter`.
public struct VectorSearchError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Code: String, Sendable, Hashable {
    case dimensionMismatch, nonFiniteComponent, zeroVector, invalidK, invalidArgument
    case unknownAttribute, malformedFilter, malformedFile, corruptIndex, io
  }

  public var code: Code
  public var message: String
  public var file: String?
  public var line: Int?
  public var column: Int?

  public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
    self.code = code
    self.message = message
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    var loc = ""
    if let f = file { loc = f }
    if let l = line { loc += (loc.isEmpty ? "line " : ":") + "\(l)" }
    if let c = column { loc += (loc.isEmpty ? "column " : ":") + "\(c)" }
    return loc.isEmpty ? "error: \(message)" : "\(loc): error: \(message)"
  }
}

/// Matches an error against a ``VectorSearchError/Code``: `catch VectorSearchError.Code.zeroVector`.
public func ~= (code: VectorSearchError.Code, error: any Error) -> Bool {
  (error as? VectorSearchError)?.code == code
}
