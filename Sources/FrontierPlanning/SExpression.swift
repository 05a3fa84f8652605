/// A PDDL file read as nested lists of symbols, each with its position.
///
/// The lexer lower-cases symbols (PDDL is case-insensitive), skips `;` comments and
/// whitespace, and recognises `(`, `)` and symbols (anything else up to a delimiter:
/// names, `?variables`, numbers, `:keywords`, `-`, `=`).
public indirect enum SExpression: Sendable, Hashable {
  case symbol(String, SourceLocation)
  case list([SExpression], SourceLocation)

  public var location: SourceLocation {
    switch self {
    case .symbol(_, let l), .list(_, let l): return l
    }
  }

  /// The symbol text, if this is a symbol.
  public var symbol: String? {
    if case .symbol(let s, _) = self { return s }
    return nil
  }

  /// The elements, if this is a list.
  public var elements: [SExpression]? {
    if case .list(let e, _) = self { return e }
    return nil
  }

  /// The head symbol of a list (`and` in `(and ...)`), if any.
  public var head: String? { elements?.first?.symbol }

  /// A readable rendering (for messages).
  public var text: String {
    switch self {
    case .symbol(let s, _): return s
    case .list(let e, _): return "(" + e.map(\.text).joined(separator: " ") + ")"
    }
  }

  /// Reads every top-level expression in `text`.
  public static func read(_ text: String, file: String) throws(PDDLError) -> [SExpression] {
    var reader = Reader(bytes: Array(text.utf8), file: file)
    return try reader.readAll()
  }
}

struct Reader {
  let bytes: [UInt8]
  let file: String
  var i = 0
  var line = 1
  var lineStart = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  var here: SourceLocation { SourceLocation(line: line, column: i - lineStart + 1) }

  mutating func skipSpace() {
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\n") {
        i += 1
        line += 1
        lineStart = i
      } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == 0x0C {
        i += 1
      } else if b == UInt8(ascii: ";") {
        while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
      } else {
        return
      }
    }
  }

  static func isDelimiter(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t")
      || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: ";") || b == 0x0C
  }

  mutating func readAll() throws(PDDLError) -> [SExpression] {
    var out: [SExpression] = []
    // Stack of open lists: their start location and elements.
    var stack: [(SourceLocation, [SExpression])] = []
    while true {
      skipSpace()
      if i >= bytes.count { break }
      let loc = here
      let b = bytes[i]
      if b == UInt8(ascii: "(") {
        i += 1
        stack.append((loc, []))
      } else if b == UInt8(ascii: ")") {
        i += 1
        guard let (start, elems) = stack.popLast() else {
          throw PDDLError(.syntax, file: file, at: loc, "unexpected ')': no list is open here")
        }
        let e = SExpression.list(elems, start)
        if stack.isEmpty { out.append(e) } else { stack[stack.count - 1].1.append(e) }
      } else {
        let s = i
        while i < bytes.count && !Reader.isDelimiter(bytes[i]) { i += 1 }
        var sym = String(decoding: bytes[s..<i], as: UTF8.self)
        if sym.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
          sym = sym.lowercased()
        }
        let e = SExpression.symbol(sym, loc)
        if stack.isEmpty { out.append(e) } else { stack[stack.count - 1].1.append(e) }
      }
    }
    if let (start, _) = stack.last {
      throw PDDLError(
        .syntax, file: file, at: here,
        "expected ')' to close the list opened at \(start.line):\(start.column), found the end of the file")
    }
    return out
  }
}
