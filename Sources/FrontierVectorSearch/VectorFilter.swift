/// A predicate over the attributes of each vector, parsed from a small expression language
/// and compiled to a flat postfix program evaluated without allocation.
///
/// Grammar (whitespace is free; attribute names are identifiers `[A-Za-z_][A-Za-z0-9_]*`;
/// `and`, `or`, `not` may be written for `&&`, `||`, `!`):
///
///     expr       := and ( '||' and )*
///     and        := unary ( '&&' unary )*
///     unary      := '!' unary | '(' expr ')' | comparison
///     comparison := NAME ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) NUMBER
///                 | NAME 'in' '{' INT ( ',' INT )* '}'
///
/// On an integer attribute the number must be an integer (decimal, optional sign). On a float
/// attribute it may be an integer or a decimal with an optional exponent (`2`, `-0.5`,
/// `1.5e3`); it is rounded to the nearest 32-bit float, as the stored values were, so `==`
/// and `!=` compare exactly what was stored. `in {…}` is for integer attributes only.
///
/// Examples: `cat == 3`, `pos in {1, 2}`, `value >= 10 && value < 5000`,
/// `!(cat == 3 || cat == 7)`, `price >= 1.5 and price < 3.25`.
public struct VectorFilter: Sendable, Hashable, CustomStringConvertible {
  /// The expression as written.
  public let source: String
  @usableFromInline internal let program: ContiguousArray<FilterInstruction>
  @usableFromInline internal let setValues: ContiguousArray<Int64>
  /// Deepest operand stack the program needs (≤ 64).
  @usableFromInline internal let depth: Int

  /// Parses `source` against the attribute names of an index whose attributes are all
  /// integers.
  /// - Throws: ``VectorSearchError`` with code `.malformedFilter` (column and what was
  ///   expected) or `.unknownAttribute` (the known names listed).
  public init(_ source: String, attributes: [String]) throws {
    try self.init(source, columns: attributes.map { AttributeColumn($0, .int) })
  }

  /// Parses `source` against the attribute columns (names and kinds) of an index; an
  /// index's `filter(_:)` calls this with its own columns.
  /// - Throws: ``VectorSearchError`` with code `.malformedFilter` (column and what was
  ///   expected, naming the attribute when a number does not suit its kind) or
  ///   `.unknownAttribute` (the known names listed).
  /// - Complexity: O(length of `source`).
  public init(_ source: String, columns: [AttributeColumn]) throws {
    var p = FilterParser(source: source, columns: columns)
    try p.parseAll()
    self.source = source
    self.program = p.program
    self.setValues = p.setValues
    self.depth = p.maxDepth
  }

  public var description: String { source }

  /// Whether a row of attribute cells (one per attribute, in index order; a float
  /// attribute's cell holds the bit pattern of its `Float`, see ``AttributeValue/cell``)
  /// passes.
  ///
  /// - Complexity: O(program length + total size of `in` sets); no allocation.
  @inlinable
  public func matches(_ row: UnsafePointer<Int32>) -> Bool {
    var stack: UInt64 = 0  // bit 0 is the top
    for ins in program {
      switch ins.op {
      case .range:
        let v = Int64(row[Int(ins.column)])
        stack = (stack << 1) | ((v >= ins.a && v <= ins.b) ? 1 : 0)
      case .floatRange:
        let v = Float(bitPattern: UInt32(bitPattern: row[Int(ins.column)]))
        let lo = Float(bitPattern: UInt32(truncatingIfNeeded: ins.a))
        let hi = Float(bitPattern: UInt32(truncatingIfNeeded: ins.b))
        stack = (stack << 1) | ((v >= lo && v <= hi) ? 1 : 0)
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

  /// Whether an attribute row given as an array of cells passes (convenience for tests).
  public func matches(_ row: [Int32]) -> Bool {
    row.withUnsafeBufferPointer { matches($0.baseAddress!) }
  }

  /// Whether a row of typed values passes (convenience; allocates).
  public func matches(_ row: [AttributeValue]) -> Bool {
    matches(row.map(\.cell))
  }
}

@usableFromInline internal struct FilterInstruction: Sendable, Hashable {
  @usableFromInline enum Op: UInt8, Sendable, Hashable { case range, floatRange, member, not, and, or }
  @usableFromInline var op: Op
  @usableFromInline var column: Int32
  /// `range`: inclusive bounds; `floatRange`: inclusive bounds as `Float` bit patterns (the
  /// low 32 bits); `member`: the slice `a..<b` of `setValues`.
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
  let columns: [AttributeColumn]
  var pos = 0
  var program: ContiguousArray<FilterInstruction> = []
  var setValues: ContiguousArray<Int64> = []
  var curDepth = 0
  var maxDepth = 0
  var nesting = 0

  init(source: String, columns: [AttributeColumn]) {
    self.chars = Array(source)
    self.columns = columns
  }

  mutating func parseAll() throws(VectorSearchError) {
    skipSpace()
    if pos >= chars.count { throw error("expected a filter expression, found the end of the input") }
    try parseOr()
    skipSpace()
    if pos < chars.count {
      throw error("expected '&&', '||' (or 'and', 'or') or the end of the expression, found \(found())")
    }
    if maxDepth > 64 { throw error("expression too deeply nested (operand depth \(maxDepth) > 64)") }
  }

  // MARK: grammar

  mutating func parseOr() throws(VectorSearchError) {
    try parseAnd()
    while true {
      skipSpace()
      if peek("||") {
        pos += 2
      } else if peekWord("or") {
        pos += 2
      } else {
        return
      }
      try parseAnd()
      emit(.init(.or), delta: -1)
    }
  }

  mutating func parseAnd() throws(VectorSearchError) {
    try parseUnary()
    while true {
      skipSpace()
      if peek("&&") {
        pos += 2
      } else if peekWord("and") {
        pos += 3
      } else {
        return
      }
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
    if peekWord("not") && !notIsAttributeName() {
      pos += 3
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
    guard let col = columns.firstIndex(where: { $0.name == name }) else {
      let known = columns.isEmpty ? "the index has no attributes" : "known attributes: " + columns.map(\.name).joined(separator: ", ")
      throw VectorSearchError(
        .unknownAttribute, "unknown attribute '\(name)' at column \(nameStart + 1); \(known)",
        column: nameStart + 1)
    }
    let column = Int32(col)
    skipSpace()
    let opStart = pos
    let isFloat = columns[col].kind == .float
    if peekWord("in") {
      if isFloat {
        throw VectorSearchError(
          .malformedFilter,
          "column \(opStart + 1): 'in' needs an integer attribute, but '\(name)' is a float attribute; "
            + "use a range such as \(name) >= 1.5 && \(name) <= 2.5",
          column: opStart + 1)
      }
      pos += 2
      skipSpace()
      guard pos < chars.count, chars[pos] == "{" else { throw error("expected '{' after 'in', found \(found())") }
      pos += 1
      let start = setValues.count
      while true {
        skipSpace()
        setValues.append(try parseInt(attribute: name))
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
    if isFloat {
      let v = try parseFloat(attribute: name)
      let lo = -positiveInfinity, hi = positiveInfinity
      func range(_ a: Float, _ b: Float) -> FilterInstruction {
        .init(.floatRange, column: column, a: Int64(a.bitPattern), b: Int64(b.bitPattern))
      }
      switch op {
      case "==": emit(range(v, v), delta: 1)
      case "!=":
        emit(range(v, v), delta: 1)
        emit(.init(.not), delta: 0)
      case "<": emit(range(lo, v.nextDown), delta: 1)
      case "<=": emit(range(lo, v), delta: 1)
      case ">": emit(range(v.nextUp, hi), delta: 1)
      default: emit(range(v, hi), delta: 1)
      }
      return
    }
    let v = try parseInt(attribute: name)
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

  /// An integer literal for the integer attribute `attribute`.
  mutating func parseInt(attribute: String) throws(VectorSearchError) -> Int64 {
    let start = pos
    if pos < chars.count, chars[pos] == "-" || chars[pos] == "+" { pos += 1 }
    let digitsStart = pos
    while pos < chars.count, let a = chars[pos].asciiValue, a >= 48 && a <= 57 { pos += 1 }
    guard pos > digitsStart else {
      pos = start
      throw error("expected an integer, found \(found())")
    }
    if pos < chars.count, chars[pos] == "." || chars[pos] == "e" || chars[pos] == "E" {
      let token = numberToken(from: start)
      if case .decimal = classifyNumber(token) {
        pos = start
        throw error("'\(attribute)' is an integer attribute; expected an integer, found '\(token)'")
      }
    }
    let text = String(chars[start..<pos])
    guard let v = Int64(text) else {
      pos = start
      throw error("integer \(text) is out of the 64-bit range")
    }
    return v
  }

  /// A number literal (integer or decimal, optional exponent) for the float attribute
  /// `attribute`, rounded to `Float`.
  mutating func parseFloat(attribute: String) throws(VectorSearchError) -> Float {
    let start = pos
    let token = numberToken(from: start)
    guard !token.isEmpty else { throw error("expected a number, found \(found())") }
    switch classifyNumber(token) {
    case .integer, .decimal:
      guard let v = Float(token), v.isFinite else {
        throw error("number \(token) is out of the 32-bit float range (attribute '\(attribute)')")
      }
      pos += token.count
      return v
    case .nonFinite:
      throw error("expected a finite number for the float attribute '\(attribute)', found '\(token)'")
    case .invalid:
      throw error("malformed number '\(token)' for the float attribute '\(attribute)'")
    }
  }

  /// The longest run from `start` that could belong to a number: an optional sign, then
  /// letters, digits, `.` and `_`, and a sign right after `e`/`E`.
  func numberToken(from start: Int) -> String {
    var i = start
    if i < chars.count, chars[i] == "-" || chars[i] == "+" { i += 1 }
    while i < chars.count {
      let c = chars[i]
      if c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_") {
        i += 1
      } else if (c == "-" || c == "+") && i > start && (chars[i - 1] == "e" || chars[i - 1] == "E") {
        i += 1
      } else {
        break
      }
    }
    return String(chars[start..<i])
  }

  /// Whether a `not` at `pos` is an attribute named `not` (followed by a comparison).
  func notIsAttributeName() -> Bool {
    guard columns.contains(where: { $0.name == "not" }) else { return false }
    var i = pos + 3
    while i < chars.count, chars[i].isWhitespace { i += 1 }
    guard i < chars.count else { return false }
    let c = chars[i]
    if c == "=" || c == "<" || c == ">" || (c == "!" && i + 1 < chars.count && chars[i + 1] == "=") { return true }
    return i + 1 < chars.count && chars[i] == "i" && chars[i + 1] == "n"
      && (i + 2 >= chars.count || !isIdentPart(chars[i + 2]))
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

/// What a numeric token is, for filters and attribute files alike.
internal enum NumberClass: Equatable {
  /// `[+-]?[0-9]+`
  case integer
  /// `[+-]?` digits with a `.` and/or an exponent `[eE][+-]?[0-9]+`, at least one digit
  /// before the exponent.
  case decimal
  /// `nan`, `inf`, `infinity` (any case, optional sign).
  case nonFinite
  case invalid
}

/// Classifies `text` (ASCII) by the grammar of ``NumberClass``; no allocation beyond `text`.
internal func classifyNumber(_ text: some StringProtocol) -> NumberClass {
  var u = Substring(text).utf8[...]
  if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
  let lower = String(decoding: u, as: UTF8.self).lowercased()
  if lower == "nan" || lower == "inf" || lower == "infinity" { return .nonFinite }
  func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
  var digits = 0
  var sawPoint = false
  var i = u.startIndex
  while i < u.endIndex {
    let b = u[i]
    if isDigit(b) {
      digits += 1
    } else if b == UInt8(ascii: ".") && !sawPoint {
      sawPoint = true
    } else {
      break
    }
    i = u.index(after: i)
  }
  guard digits > 0 else { return .invalid }
  if i == u.endIndex { return sawPoint ? .decimal : .integer }
  guard u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") else { return .invalid }
  i = u.index(after: i)
  if i < u.endIndex, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i = u.index(after: i) }
  var expDigits = 0
  while i < u.endIndex, isDigit(u[i]) {
    expDigits += 1
    i = u.index(after: i)
  }
  return expDigits > 0 && i == u.endIndex ? .decimal : .invalid
}
