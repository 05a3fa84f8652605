/// A dense row-major matrix of floats: `rows × dimension`.
public struct VectorMatrix: Sendable, Hashable {
  public var rows: Int
  public var dimension: Int
  public var values: ContiguousArray<Float>

  public init(rows: Int, dimension: Int, values: ContiguousArray<Float>) {
    precondition(values.count == rows * dimension, "VectorMatrix: \(values.count) values for \(rows)×\(dimension)")
    self.rows = rows
    self.dimension = dimension
    self.values = values
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Float] { Array(values[i * dimension..<(i + 1) * dimension]) }
}

/// A dense row-major matrix of 32-bit integers (ground truth ids, attributes, filters).
public struct IntMatrix: Sendable, Hashable {
  public var rows: Int
  public var dimension: Int
  public var values: ContiguousArray<Int32>

  public func row(_ i: Int) -> [Int32] { Array(values[i * dimension..<(i + 1) * dimension]) }
}

/// Readers for the vector file formats of ANN benchmarks and NumPy, and CSV.
public enum VectorFiles {
  /// Reads `.fvecs`: records of a little-endian `Int32` dimension followed by that many
  /// `Float32`. Every record must have the first record's dimension.
  public static func readFvecs(_ path: String) throws -> VectorMatrix {
    let bytes = try FileIO.read(path)
    let (rows, d) = try vecsShape(bytes, path: path, elementSize: 4)
    var out = ContiguousArray<Float>()
    out.reserveCapacity(rows * d)
    bytes.withUnsafeBytes { raw in
      for r in 0..<rows {
        let base = r * (4 + 4 * d) + 4
        for j in 0..<d {
          out.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * j, as: UInt32.self))))
        }
      }
    }
    return VectorMatrix(rows: rows, dimension: d, values: out)
  }

  /// Reads `.bvecs`: records of an `Int32` dimension followed by that many unsigned bytes,
  /// returned as floats.
  public static func readBvecs(_ path: String) throws -> VectorMatrix {
    let bytes = try FileIO.read(path)
    let (rows, d) = try vecsShape(bytes, path: path, elementSize: 1)
    var out = ContiguousArray<Float>()
    out.reserveCapacity(rows * d)
    for r in 0..<rows {
      let base = r * (4 + d) + 4
      for j in 0..<d { out.append(Float(bytes[base + j])) }
    }
    return VectorMatrix(rows: rows, dimension: d, values: out)
  }

  /// Reads `.ivecs`: records of an `Int32` dimension followed by that many `Int32`.
  public static func readIvecs(_ path: String) throws -> IntMatrix {
    let bytes = try FileIO.read(path)
    let (rows, d) = try vecsShape(bytes, path: path, elementSize: 4)
    var out = ContiguousArray<Int32>()
    out.reserveCapacity(rows * d)
    bytes.withUnsafeBytes { raw in
      for r in 0..<rows {
        let base = r * (4 + 4 * d) + 4
        for j in 0..<d {
          out.append(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * j, as: Int32.self)))
        }
      }
    }
    return IntMatrix(rows: rows, dimension: d, values: out)
  }

  /// Checks a `*vecs` file: positive first dimension, whole records, equal dimensions.
  static func vecsShape(_ bytes: [UInt8], path: String, elementSize: Int) throws(VectorSearchError) -> (rows: Int, dimension: Int) {
    func fail(_ m: String) -> VectorSearchError { VectorSearchError(.malformedFile, m, file: path) }
    if bytes.isEmpty { return (0, 0) }
    guard bytes.count >= 4 else { throw fail("file size \(bytes.count) bytes is too small for a record header") }
    func dim(at offset: Int) -> Int32 {
      bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    }
    let d = Int(dim(at: 0))
    guard d > 0 && d <= 1 << 24 else { throw fail("first record has dimension \(d); expected 1...\(1 << 24)") }
    let record = 4 + d * elementSize
    guard bytes.count % record == 0 else {
      throw fail(
        "file size \(bytes.count) bytes is not a whole number of records of \(record) bytes "
          + "(dimension \(d)): \(bytes.count / record) records and \(bytes.count % record) bytes left over; truncated?")
    }
    let rows = bytes.count / record
    for r in 1..<max(rows, 1) where Int(dim(at: r * record)) != d {
      throw fail("record \(r) has dimension \(dim(at: r * record)), but record 0 has \(d)")
    }
    return (rows, d)
  }

  /// Reads a NumPy `.npy` file holding a 2-D little-endian float32 array in C order
  /// (format versions 1, 2 and 3).
  public static func readNpy(_ path: String) throws -> VectorMatrix {
    let bytes = try FileIO.read(path)
    func fail(_ m: String) -> VectorSearchError { VectorSearchError(.malformedFile, m, file: path) }
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (missing the \\x93NUMPY magic)") }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("header ends early") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default: throw fail("unsupported .npy format version \(major)")
    }
    guard headerStart + headerLength <= bytes.count else { throw fail("header length \(headerLength) runs past the end of the file") }
    let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    guard let descr = npyValue(header, key: "descr") else { throw fail("header has no 'descr': \(header)") }
    let dtype = descr.trimmingQuotes()
    guard dtype == "<f4" || dtype == "=f4" || dtype == "f4" else {
      throw fail("dtype \(dtype) is not supported; expected little-endian float32 ('<f4')")
    }
    guard let fortran = npyValue(header, key: "fortran_order") else { throw fail("header has no 'fortran_order'") }
    guard fortran.hasPrefix("False") else { throw fail("Fortran-order arrays are not supported; save with C order") }
    guard let shapeText = npyValue(header, key: "shape") else { throw fail("header has no 'shape'") }
    let dims = shapeText.filter { $0 != "(" && $0 != ")" && $0 != " " }.split(separator: ",").map { Int($0) }
    guard dims.count == 2, let rows = dims[0], let d = dims[1], rows >= 0, d > 0 else {
      throw fail("shape \(shapeText) is not a 2-D shape (rows, dimension)")
    }
    let dataStart = headerStart + headerLength
    let need = rows * d * 4
    guard bytes.count - dataStart == need else {
      throw fail("data is \(bytes.count - dataStart) bytes, but shape \(rows)×\(d) float32 needs \(need); truncated?")
    }
    var out = ContiguousArray<Float>()
    out.reserveCapacity(rows * d)
    bytes.withUnsafeBytes { raw in
      for i in 0..<rows * d {
        out.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self))))
      }
    }
    return VectorMatrix(rows: rows, dimension: d, values: out)
  }

  /// The text after `'key':` in a NumPy header dict, up to the next top-level comma.
  static func npyValue(_ header: String, key: String) -> String? {
    let chars = Array(header)
    let pattern = Array("'\(key)':")
    guard chars.count >= pattern.count else { return nil }
    var i = 0
    while i + pattern.count <= chars.count {
      if Array(chars[i..<i + pattern.count]) == pattern { break }
      i += 1
    }
    guard i + pattern.count <= chars.count else { return nil }
    var j = i + pattern.count
    while j < chars.count, chars[j] == " " { j += 1 }
    var depth = 0
    var k = j
    while k < chars.count {
      let c = chars[k]
      if c == "(" { depth += 1 }
      if c == ")" { depth -= 1 }
      if (c == "," && depth == 0) || c == "}" { break }
      k += 1
    }
    return String(chars[j..<k])
  }

  /// Reads CSV of floats: one vector per line, fields separated by commas, blank lines and
  /// lines starting with `#` skipped. A first line that does not parse as numbers is taken
  /// as a header only when `header` is true.
  public static func readCSV(_ path: String, header: Bool = false) throws -> VectorMatrix {
    let bytes = try FileIO.read(path)
    return try parseCSV(bytes, file: path, header: header)
  }

  /// Parses CSV text (see ``readCSV(_:header:)``); `file` names it in errors.
  public static func parseCSV(_ bytes: [UInt8], file: String, header: Bool = false) throws -> VectorMatrix {
    var out = ContiguousArray<Float>()
    var d = -1
    var rows = 0
    var skippedHeader = !header
    try forEachContentLine(bytes) { lineNo, lineStart, end in
      if !skippedHeader {
        skippedHeader = true
        return
      }
      var fields = 0
      var fieldStart = lineStart
      while true {
        var fieldEnd = fieldStart
        while fieldEnd < end, bytes[fieldEnd] != 0x2C { fieldEnd += 1 }
        let text = String(decoding: bytes[fieldStart..<fieldEnd], as: UTF8.self)
        let trimmed = text.trimmingSpaces()
        guard let v = Float(trimmed) else {
          throw VectorSearchError(
            .malformedFile,
            trimmed.isEmpty ? "empty field \(fields + 1); expected a number" : "field \(fields + 1) is '\(trimmed)'; expected a number",
            file: file, line: lineNo, column: fieldStart - lineStart + 1)
        }
        out.append(v)
        fields += 1
        if fieldEnd >= end { break }
        fieldStart = fieldEnd + 1
      }
      if d < 0 {
        d = fields
      } else if fields != d {
        throw VectorSearchError(
          .malformedFile, "line has \(fields) values, but the first vector has \(d)", file: file, line: lineNo,
          column: 1)
      }
      rows += 1
    }
    return VectorMatrix(rows: rows, dimension: max(d, 0), values: out)
  }
}

extension VectorFiles {
  /// Calls `body(lineNumber, start, end)` for every line of a text file that is neither
  /// blank nor a `#` comment; `start..<end` excludes the newline and a trailing `\r`. Line
  /// numbers are 1-based and count every line, so errors can name them.
  static func forEachContentLine(
    _ bytes: [UInt8], _ body: (_ lineNumber: Int, _ start: Int, _ end: Int) throws -> Void
  ) rethrows {
    var lineNo = 0
    var lineStart = 0
    let n = bytes.count
    while lineStart < n {
      var lineEnd = lineStart
      while lineEnd < n, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      lineNo += 1
      var end = lineEnd
      if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
      defer { lineStart = lineEnd + 1 }
      let line = bytes[lineStart..<end]
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) || line.first == 0x23 { continue }
      try body(lineNo, lineStart, end)
    }
  }
}

// MARK: - Attribute files

extension VectorFiles {
  /// Reads per-vector attributes by extension:
  ///
  /// - `.ivecs`: one record per vector, every column an integer; names `a0, a1, …` unless
  ///   `names` are given.
  /// - `.csv` / `.txt`: see ``parseAttributeCSV(_:file:names:)``.
  ///
  /// `names`, when given, replace the file's names (same count; kinds are kept).
  /// - Throws: ``VectorSearchError`` naming the file, and the line and column of a bad value.
  public static func readAttributes(_ path: String, names: [String]? = nil) throws -> AttributeTable {
    var table: AttributeTable
    let lower = path.lowercased()
    if lower.hasSuffix(".ivecs") {
      let m = try readIvecs(path)
      table = AttributeTable(columns: (0..<m.dimension).map { AttributeColumn("a\($0)", .int) }, cells: m)
    } else if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") {
      table = try parseAttributeCSV(try FileIO.read(path), file: path)
    } else {
      throw VectorSearchError(.malformedFile, "unknown attribute file type; expected .ivecs or .csv", file: path)
    }
    if let names {
      guard names.count == table.columns.count else {
        throw VectorSearchError(
          .invalidArgument, "\(names.count) attribute names given, but the file has \(table.columns.count) columns", file: path)
      }
      for (i, n) in names.enumerated() { table.columns[i].name = n }
      guard Set(names).count == names.count else {
        throw VectorSearchError(.invalidArgument, "attribute names must be distinct: \(names.joined(separator: ","))", file: path)
      }
    }
    return table
  }

  /// Parses attribute CSV: a header naming the columns, then one row per vector, fields
  /// separated by commas; blank lines and lines starting with `#` are skipped.
  ///
  /// A header field is `name`, `name:int` or `name:float` (names are identifiers usable in
  /// filters). A column without a suffix is a float column when any of its values has a
  /// decimal point or an exponent (`2.5`, `1e-3`), else an integer column. Integer values
  /// must fit in 32 bits; float values are rounded to 32-bit floats and must be finite
  /// (`nan` and `inf` are refused).
  ///
  ///     cat,price:float,stock
  ///     3,2.5,10
  ///     1,0.75,0
  ///
  /// - Throws: ``VectorSearchError`` `.malformedFile` with `file`, `line` and `column` (and
  ///   the column's name) for a bad header or value.
  /// - Complexity: O(size of the file).
  public static func parseAttributeCSV(_ bytes: [UInt8], file: String) throws -> AttributeTable {
    func fail(_ m: String, line: Int, column: Int) -> VectorSearchError {
      VectorSearchError(.malformedFile, m, file: file, line: line, column: column)
    }
    var declared: [AttributeKind?] = []
    var names: [String] = []
    var sawDecimal: [Bool] = []
    // First integer outside Int32 per column (reported if the column ends up integer).
    var outOfRange: [(line: Int, column: Int, text: String)?] = []
    // Per cell: the integer (when written as one) and the value rounded to Float.
    var ints: [Int64] = []
    var floats: [Float] = []
    var headerDone = false
    var rows = 0
    try forEachContentLine(bytes) { lineNo, lineStart, end in
      // Split into trimmed fields with their 1-based columns.
      var fields: [(text: String, column: Int)] = []
      var fieldStart = lineStart
      while true {
        var fieldEnd = fieldStart
        while fieldEnd < end, bytes[fieldEnd] != 0x2C { fieldEnd += 1 }
        var a = fieldStart
        while a < fieldEnd, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
        var b = fieldEnd
        while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
        fields.append((String(decoding: bytes[a..<b], as: UTF8.self), a - lineStart + 1))
        if fieldEnd >= end { break }
        fieldStart = fieldEnd + 1
      }
      if !headerDone {
        headerDone = true
        for (text, column) in fields {
          var name = Substring(text)
          var kind: AttributeKind? = nil
          if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            let suffix = text[text.index(after: colon)...].trimmingCharacters()
            guard let k = AttributeKind(rawValue: suffix) else {
              throw fail("column type '\(suffix)' of '\(name)' is not 'int' or 'float'", line: lineNo, column: column)
            }
            kind = k
          }
          let nm = String(name).trimmingSpaces()
          guard isIdentifier(nm) else {
            let hint = classifyNumber(nm) == .invalid ? "" : " (the first line must be a header naming the columns, e.g. cat,price:float)"
            throw fail("attribute name '\(nm)' is not an identifier [A-Za-z_][A-Za-z0-9_]*\(hint)", line: lineNo, column: column)
          }
          guard !names.contains(nm) else { throw fail("attribute '\(nm)' is named twice", line: lineNo, column: column) }
          names.append(nm)
          declared.append(kind)
        }
        sawDecimal = Array(repeating: false, count: names.count)
        outOfRange = Array(repeating: nil, count: names.count)
        return
      }
      guard fields.count == names.count else {
        throw fail("line has \(fields.count) values, but the header names \(names.count) columns", line: lineNo, column: 1)
      }
      for (c, (text, column)) in fields.enumerated() {
        let name = names[c]
        guard !text.isEmpty else { throw fail("empty value for attribute '\(name)'", line: lineNo, column: column) }
        switch classifyNumber(text) {
        case .integer:
          let v = Int64(text)
          if v == nil || v! < Int64(Int32.min) || v! > Int64(Int32.max), outOfRange[c] == nil {
            outOfRange[c] = (lineNo, column, text)
          }
          ints.append(v ?? 0)
          floats.append(Float(text) ?? 0)
        case .decimal:
          if declared[c] == .int {
            throw fail("attribute '\(name)' is declared int, but the value is '\(text)'", line: lineNo, column: column)
          }
          guard let f = Float(text), f.isFinite else {
            throw fail("value '\(text)' of attribute '\(name)' is out of the 32-bit float range", line: lineNo, column: column)
          }
          sawDecimal[c] = true
          ints.append(0)
          floats.append(f)
        case .nonFinite:
          throw fail(
            "value '\(text)' of attribute '\(name)' is not a finite number (NaN and infinity are refused)", line: lineNo,
            column: column)
        case .invalid:
          throw fail("value '\(text)' of attribute '\(name)' is not a number", line: lineNo, column: column)
        }
      }
      rows += 1
    }
    guard headerDone else {
      throw VectorSearchError(.malformedFile, "no header line naming the attribute columns", file: file)
    }
    let kinds = (0..<names.count).map { declared[$0] ?? (sawDecimal[$0] ? .float : .int) }
    for (c, k) in kinds.enumerated() where k == .int {
      if let bad = outOfRange[c] {
        throw fail(
          "value \(bad.text) of the integer attribute '\(names[c])' is outside the 32-bit range", line: bad.line, column: bad.column)
      }
    }
    let a = names.count
    var cells = ContiguousArray<Int32>()
    cells.reserveCapacity(rows * a)
    for i in 0..<rows * a {
      if kinds[i % a] == .int {
        cells.append(Int32(ints[i]))
      } else {
        cells.append(AttributeValue.float(floats[i]).cell)
      }
    }
    return AttributeTable(
      columns: zip(names, kinds).map { AttributeColumn($0, $1) },
      cells: IntMatrix(rows: rows, dimension: a, values: cells))
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
  func trimmingQuotes() -> String {
    var s = Substring(trimmingSpaces())
    while let f = s.first, f == "'" || f == "\"" { s.removeFirst() }
    while let l = s.last, l == "'" || l == "\"" { s.removeLast() }
    return String(s)
  }
}

extension Substring {
  func trimmingCharacters() -> String { String(self).trimmingSpaces() }
}
