/// A predicate over the integer attributes of each vector, parsed from a small expression
/// language and compiled to a flat postfix program evaluated without allocation.
///
/// Grammar (whitespace is free; attribute names are identifiers `[A-Za-z_][A-Za-z0-9_]*`):
///
///     expr       := and ( '||' and )*
///     and        := unary ( '&&' unary )*
///     unary      := '!' unary | '(' expr ')' | comparison
///     comparison := NAME ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) INT
///                 | NAME 'in' '{' INT ( ',' INT )* '}'
///
/// Examples: `cat == 3`, `pos in {1, 2}`, `value >= 10 && value < 5000`,
/// `!(cat == 3 || cat == 7)`. Integers are decimal with an optional sign.
public struct VectorFilter: Sendable, Hashable, CustomStringConvertible {
  /// The expression as written.
  public let source: String
  @usableFromInline internal let program: ContiguousArray<FilterInstruction>
  @usableFromInline internal let setValues: ContiguousArray<Int64>
  /// Deepest operand stack the program needs (≤ 64).
  @usableFromInline internal let depth: Int

  /// Parses `source` against the attribute names of an index.
  /// - Throws: ``VectorSearchError`` with code `.malformedFilter` (column and what was
  ///   expected) or `.unknownAttribute` (the known names listed).
  public init(_ source: String, attributes: [String]) throws {
    var p = FilterParser(source: source, attributes: attributes)
    try p.parseAll()
    self.source = source
    self.program = p.program
    self.setValues = p.setValues
    self.depth = p.maxDepth
  }

  public var description: String { source }

  /// Whether a row of attributes (one value per attribute, in index order) passes.
  @inlinable
  public func matches(_ row: UnsafePointer<Int32>) -> Bool {
    var stack: UInt64 = 0  // bit 0 is the top
    for ins in program {
      switch ins.op {
      case .range:
        let v = Int64(row[Int(ins.column)])
        stack = (stack << 1) | ((v >= ins.a && v <= ins.b) ? 1 : 0)
      case .member:
        let v = Int64(row[Int(ins.column)])
        var hit: UInt64 = 0
        var i = Int(ins.a)
        let end = Int(ins.b)
        while i < end {
          if setValues[i] == v { hit = 1; break }
          i &+= 1
        }
        stack = (stack << 1) | hit
      case .not:
        stack ^= 1
      case .and:
        let t = stack & 1
        stack >>= 1
        stack = (stack & ~1) | (stack & t)
      case .or:
        let t = stack & 1
        stack >>= 1
        stack |= t
      }
    }
    return stack & 1 == 1
  }

  /// Whether an attribute row given as an array passes (convenience for tests).
  public func matches(_ row: [Int32]) -> Bool {
    row.withUnsafeBufferPointer { matches($0.baseAddress!) }
  }
}

@usableFromInline internal struct FilterInstruction: Sendable, Hashable {
  @usableFromInline enum Op: UInt8, Sendable, Hashable { case range, member, not, and, or }
  @usableFromInline var op: Op
  @usableFromInline var column: Int32
  /// `range`: inclusive bounds; `member`: the slice `a..<b` of `setValues`.
  @usableFromInline var a: Int64
  @usableFromInline var b: Int64

  init(_ op: Op, column: Int32 = 0, a: Int64 = 0, b: Int64 = 0) {
    self.op = op
    self.column = column
    self.a = a
    self.b = b
  }
}

/// Recursive-descent parser producing postfix code.
internal struct FilterParser {
  let chars: [Character]
  let attributes: [String]
  var pos = 0
  var program: ContiguousArray<FilterInstruction> = []
  var setValues: ContiguousArray<Int64> = []
  var curDepth = 0
  var maxDepth = 0
  var nesting = 0

  init(source: String, attributes: [String]) {
    self.chars = Array(source)
    self.attributes = attributes
  }

  mutating func parseAll() throws(VectorSearchError) {
    skipSpace()
    if pos >= chars.count { throw error("expected a filter expression, found the end of the input") }
    try parseOr()
    skipSpace()
    if pos < chars.count {
      throw error("expected '&&', '||' or the end of the expression, found \(found())")
    }
    if maxDepth > 64 { throw error("expression too deeply nested (operand depth \(maxDepth) > 64)") }
  }

  // MARK: grammar

  mutating func parseOr() throws(VectorSearchError) {
    try parseAnd()
    while true {
      skipSpace()
      guard peek("||") else { return }
      pos += 2
      try parseAnd()
      emit(.init(.or), delta: -1)
    }
  }

  mutating func parseAnd() throws(VectorSearchError) {
    try parseUnary()
    while true {
      skipSpace()
      guard peek("&&") else { return }
      pos += 2
      try parseUnary()
      emit(.init(.and), delta: -1)
    }
  }

  mutating func parseUnary() throws(VectorSearchError) {
    skipSpace()
    guard pos < chars.count else {
      throw error("expected a comparison, '!' or '(', found the end of the input")
    }
    let c = chars[pos]
    if c == "!" && !peek("!=") {
      pos += 1
      try parseUnary()
      emit(.init(.not), delta: 0)
      return
    }
    if c == "(" {
      let open = pos
      pos += 1
      nesting += 1
      if nesting > 32 { throw error("parentheses nested deeper than 32") }
      try parseOr()
      skipSpace()
      guard pos < chars.count, chars[pos] == ")" else {
        throw error("expected ')' to close the '(' at column \(open + 1), found \(found())")
      }
      pos += 1
      nesting -= 1
      return
    }
    try parseComparison()
  }

  mutating func parseComparison() throws(VectorSearchError) {
    let nameStart = pos
    guard pos < chars.count, isIdentStart(chars[pos]) else {
      throw error("expected an attribute name, '!' or '(', found \(found())")
    }
    while pos < chars.count, isIdentPart(chars[pos]) { pos += 1 }
    let name = String(chars[nameStart..<pos])
    guard let col = attributes.firstIndex(of: name) else {
      let known = attributes.isEmpty ? "the index has no attributes" : "known attributes: " + attributes.joined(separator: ", ")
      throw VectorSearchError(
        .unknownAttribute, "unknown attribute '\(name)' at column \(nameStart + 1); \(known)",
        column: nameStart + 1)
    }
    let column = Int32(col)
    skipSpace()
    let opStart = pos
    if peekWord("in") {
      pos += 2
      skipSpace()
      guard pos < chars.count, chars[pos] == "{" else { throw error("expected '{' after 'in', found \(found())") }
      pos += 1
      let start = setValues.count
      while true {
        skipSpace()
        setValues.append(try parseInt())
        skipSpace()
        guard pos < chars.count else { throw error("expected ',' or '}' in the set, found the end of the input") }
        if chars[pos] == "," { pos += 1; continue }
        if chars[pos] == "}" { pos += 1; break }
        throw error("expected ',' or '}' in the set, found \(found())")
      }
      emit(.init(.member, column: column, a: Int64(start), b: Int64(setValues.count)), delta: 1)
      return
    }
    let ops = ["==", "!=", "<=", ">=", "<", ">"]
    guard let op = ops.first(where: { peek($0) }) else {
      pos = opStart
      throw error("expected a comparison operator (==, !=, <, <=, >, >=, in) after '\(name)', found \(found())")
    }
    pos += op.count
    skipSpace()
    let v = try parseInt()
    let lo = Int64.min, hi = Int64.max
    switch op {
    case "==": emit(.init(.range, column: column, a: v, b: v), delta: 1)
    case "!=":
      emit(.init(.range, column: column, a: v, b: v), delta: 1)
      emit(.init(.not), delta: 0)
    case "<":
      emit(v == lo ? .init(.range, column: column, a: 1, b: 0) : .init(.range, column: column, a: lo, b: v - 1), delta: 1)
    case "<=": emit(.init(.range, column: column, a: lo, b: v), delta: 1)
    case ">":
      emit(v == hi ? .init(.range, column: column, a: 1, b: 0) : .init(.range, column: column, a: v + 1, b: hi), delta: 1)
    default: emit(.init(.range, column: column, a: v, b: hi), delta: 1)
    }
  }

  mutating func parseInt() throws(VectorSearchError) -> Int64 {
    let start = pos
    if pos < chars.count, chars[pos] == "-" || chars[pos] == "+" { pos += 1 }
    let digitsStart = pos
    while pos < chars.count, let a = chars[pos].asciiValue, a >= 48 && a <= 57 { pos += 1 }
    guard pos > digitsStart else {
      pos = start
      throw error("expected an integer, found \(found())")
    }
    let text = String(chars[start..<pos])
    guard let v = Int64(text) else {
      pos = start
      throw error("integer \(text) is out of the 64-bit range")
    }
    return v
  }

  // MARK: helpers

  mutating func emit(_ ins: FilterInstruction, delta: Int) {
    program.append(ins)
    curDepth += delta
    maxDepth = max(maxDepth, curDepth)
  }

  mutating func skipSpace() {
    while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
  }

  func peek(_ s: String) -> Bool {
    var i = pos
    for c in s {
      guard i < chars.count, chars[i] == c else { return false }
      i += 1
    }
    return true
  }

  func peekWord(_ s: String) -> Bool {
    guard peek(s) else { return false }
    let end = pos + s.count
    return end >= chars.count || !isIdentPart(chars[end])
  }

  func isIdentStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
  func isIdentPart(_ c: Character) -> Bool { isIdentStart(c) || (c.isASCII && c.isNumber) }

  func found() -> String {
    guard pos < chars.count else { return "the end of the input" }
    var end = pos
    while end < chars.count, end - pos < 12, !chars[end].isWhitespace { end += 1 }
    if end == pos { end = pos + 1 }
    return "'\(String(chars[pos..<end]))'"
  }

  func error(_ message: String) -> VectorSearchError {
    VectorSearchError(.malformedFilter, "column \(pos + 1): \(message)", column: pos + 1)
  }
}
