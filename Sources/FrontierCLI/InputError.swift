/// A problem with user input: names the file, the line (and column when known) and what
/// was expected. Printed as `file:line:column: error: message` and exits non-zero.
public struct InputError: Error, CustomStringConvertible, Sendable {
  public var file: String
  public var line: Int?
  public var column: Int?
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    var loc = file
    if let l = line { loc += ":\(l)" }
    if let c = column { loc += ":\(c)" }
    return "\(loc): error: \(message)"
  }
}
