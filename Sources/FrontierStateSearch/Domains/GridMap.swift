public import FrontierCore

// MARK: - Errors

/// A malformed MovingAI `.map` or `.scen` file, or a scenario that does not fit its map.
///
/// `line` is 1-based; `column`, when known, is the 1-based byte column of the offending
/// character or field. ``description`` reads `file:line:column: message`, the format
/// compilers use, so editors can jump to it.
public struct GridParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file name the caller gave to the parser.
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column, when the error is about one character or field.
  public var column: Int?
  /// What was expected and what was found.
  public var message: String

  public init(file: String, line: Int, column: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    if let column { return "\(file):\(line):\(column): \(message)" }
    return "\(file):\(line): \(message)"
  }
}

// MARK: - Cells

/// A cell of a ``GridMap``: its row-major index `y * width + x`.
///
/// A cell is a dense state (it indexes a flat array directly, see ``DenseStateTable``)
/// and a packed state (its key is the index).
@frozen
public struct GridCell: DenseState, PackedState, Sendable, Hashable, Comparable,
  CustomStringConvertible
{
  /// `y * width + x` on the map the cell belongs to.
  public var index: Int32

  @inlinable @inline(__always) public init(_ index: Int32) { self.index = index }
  @inlinable @inline(__always) public init(index: Int) { self.index = Int32(index) }

  @inlinable @inline(__always) public var denseIndex: Int { Int(index) }
  @inlinable @inline(__always) public var packedKey: UInt64 {
    UInt64(UInt32(bitPattern: index))
  }
  @inlinable public static func < (a: GridCell, b: GridCell) -> Bool { a.index < b.index }
  public var description: String { "cell \(index)" }
}

// MARK: - Map

/// The storage of a map, shared by every copy of the map and of the problems built on it.
@usableFromInline
internal final class _GridStorage: Sendable {
  @usableFromInline let width: Int
  @usableFromInline let height: Int
  /// The character of each cell as it appeared in the file (`y * width + x`).
  @usableFromInline let terrain: ContiguousArray<UInt8>
  /// 1 where the cell is passable, 0 where it is blocked.
  @usableFromInline let passable: ContiguousArray<UInt8>
  /// Bit `k` of `moves[cell]` is set when move `k` of ``GridMap/moveOffsets`` is legal from
  /// `cell`: the target is on the map and passable, and for a diagonal move both orthogonal
  /// cells it passes are passable (no corner cutting). Zero on blocked cells.
  @usableFromInline let moves: ContiguousArray<UInt8>
  @usableFromInline let passableCount: Int

  @usableFromInline
  init(width: Int, height: Int, terrain: ContiguousArray<UInt8>, passable: ContiguousArray<UInt8>) {
    self.width = width
    self.height = height
    self.terrain = terrain
    self.passable = passable
    var count = 0
    for p in passable { count &+= Int(p) }
    self.passableCount = count
    var moves = ContiguousArray<UInt8>(repeating: 0, count: width * height)
    moves.withUnsafeMutableBufferPointer { out in
      passable.withUnsafeBufferPointer { open in
        @inline(__always) func ok(_ x: Int, _ y: Int) -> Bool {
          x >= 0 && y >= 0 && x < width && y < height && open[y &* width &+ x] != 0
        }
        for y in 0..<height {
          for x in 0..<width where open[y &* width &+ x] != 0 {
            let n = ok(x, y - 1), w = ok(x - 1, y), e = ok(x + 1, y), s = ok(x, y + 1)
            var m: UInt8 = 0
            if n { m |= GridMap.north }
            if w { m |= GridMap.west }
            if e { m |= GridMap.east }
            if s { m |= GridMap.south }
            if n && w && ok(x - 1, y - 1) { m |= GridMap.northWest }
            if n && e && ok(x + 1, y - 1) { m |= GridMap.northEast }
            if s && w && ok(x - 1, y + 1) { m |= GridMap.southWest }
            if s && e && ok(x + 1, y + 1) { m |= GridMap.southEast }
            out[y &* width &+ x] = m
          }
        }
      }
    }
    self.moves = moves
  }
}

/// An octile grid map in the MovingAI format (Sturtevant, "Benchmarks for grid-based
/// pathfinding", IEEE TCIAIG 2012).
///
/// Cells are addressed by `(x, y)` with `x` the column and `y` the row, both from 0 at the
/// top-left, and by ``GridCell`` index `y * width + x`. Passable terrain is `.` (ground),
/// `G` (ground) and `S` (swamp, passable as in the benchmark set); `@` and `O` (out of
/// bounds), `T` (trees) and `W` (water) are blocked. The benchmark set treats water as
/// passable only for units that swim; Frontier, like the published optimal lengths,
/// treats it as blocked.
///
/// A map is an immutable value backed by shared storage: copying a map, or a
/// ``GridPathProblem`` built on it, is O(1) and copies no cells.
public struct GridMap: Sendable, Equatable, CustomStringConvertible {
  @usableFromInline internal let _storage: _GridStorage

  // Move numbering shared by the precomputed move masks and the problems.
  @usableFromInline static let north: UInt8 = 1 << 0
  @usableFromInline static let west: UInt8 = 1 << 1
  @usableFromInline static let east: UInt8 = 1 << 2
  @usableFromInline static let south: UInt8 = 1 << 3
  @usableFromInline static let northWest: UInt8 = 1 << 4
  @usableFromInline static let northEast: UInt8 = 1 << 5
  @usableFromInline static let southWest: UInt8 = 1 << 6
  @usableFromInline static let southEast: UInt8 = 1 << 7

  /// The `(dx, dy)` of move `k`: north, west, east, south, then north-west, north-east,
  /// south-west, south-east.
  public static let moveOffsets: [(dx: Int, dy: Int)] = [
    (0, -1), (-1, 0), (1, 0), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1),
  ]

  /// Number of columns.
  @inlinable public var width: Int { _storage.width }
  /// Number of rows.
  @inlinable public var height: Int { _storage.height }
  /// `width * height`.
  @inlinable public var cellCount: Int { _storage.width &* _storage.height }
  /// Number of passable cells.
  @inlinable public var passableCount: Int { _storage.passableCount }

  /// Largest supported number of cells (cell indices are `Int32`).
  public static let maximumCellCount = Int(Int32.max)

  /// A map of `width × height` cells whose passability `isPassable(x, y)` gives; blocked
  /// cells are written `@`, passable ones `.`.
  /// - Precondition: `width, height ≥ 1` and `width * height ≤ maximumCellCount`.
  public init(width: Int, height: Int, isPassable: (_ x: Int, _ y: Int) -> Bool) {
    precondition(width >= 1 && height >= 1, "a grid map needs at least one row and column")
    let (cells, overflow) = width.multipliedReportingOverflow(by: height)
    precondition(!overflow && cells <= Self.maximumCellCount, "grid map too large")
    var terrain = ContiguousArray<UInt8>(repeating: UInt8(ascii: "@"), count: width * height)
    var passable = ContiguousArray<UInt8>(repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width where isPassable(x, y) {
        terrain[y * width + x] = UInt8(ascii: ".")
        passable[y * width + x] = 1
      }
    }
    _storage = _GridStorage(width: width, height: height, terrain: terrain, passable: passable)
  }

  @usableFromInline
  internal init(width: Int, height: Int, terrain: ContiguousArray<UInt8>, passable: ContiguousArray<UInt8>) {
    _storage = _GridStorage(width: width, height: height, terrain: terrain, passable: passable)
  }

  /// Whether `(x, y)` lies on the map.
  @inlinable public func contains(x: Int, y: Int) -> Bool {
    x >= 0 && y >= 0 && x < width && y < height
  }

  /// Whether `(x, y)` is on the map and passable.
  @inlinable public func isPassable(x: Int, y: Int) -> Bool {
    contains(x: x, y: y) && _storage.passable[y &* width &+ x] != 0
  }

  /// Whether `cell` is passable.
  @inlinable public func isPassable(_ cell: GridCell) -> Bool {
    _storage.passable[cell.denseIndex] != 0
  }

  /// The character of `(x, y)` as written in the map file.
  /// - Precondition: `contains(x: x, y: y)`.
  public func terrain(x: Int, y: Int) -> Character {
    precondition(contains(x: x, y: y), "(\(x), \(y)) is outside the \(width)x\(height) map")
    return Character(Unicode.Scalar(_storage.terrain[y * width + x]))
  }

  /// The cell at `(x, y)`.
  /// - Precondition: `contains(x: x, y: y)`.
  @inlinable public func cell(x: Int, y: Int) -> GridCell {
    precondition(contains(x: x, y: y), "cell outside the map")
    return GridCell(index: y &* width &+ x)
  }

  /// The `(x, y)` of `cell`.
  @inlinable public func coordinates(of cell: GridCell) -> (x: Int, y: Int) {
    let i = cell.denseIndex
    return (i % width, i / width)
  }

  /// The legal moves from `cell` (8-connected, no corner cutting) as a bit set over
  /// ``moveOffsets``; the low four bits are the orthogonal moves.
  @inlinable public func moveMask(of cell: GridCell) -> UInt8 { _storage.moves[cell.denseIndex] }

  /// The map in MovingAI `.map` format (parsing it gives an equal map).
  public var movingAIText: String {
    var out = "type octile\nheight \(height)\nwidth \(width)\nmap\n"
    out.reserveCapacity(out.utf8.count + (width + 1) * height)
    for y in 0..<height {
      let row = _storage.terrain[(y * width)..<((y + 1) * width)]
      out += String(decoding: row, as: UTF8.self)
      out += "\n"
    }
    return out
  }

  public var description: String { "GridMap(\(width)x\(height), \(passableCount) passable)" }

  public static func == (a: GridMap, b: GridMap) -> Bool {
    a._storage === b._storage
      || (a.width == b.width && a.height == b.height && a._storage.terrain == b._storage.terrain)
  }
}

// MARK: - Parsing .map files

/// Per byte: 1 passable, 0 blocked, 2 not a terrain character.
private let terrainClass: [UInt8] = {
  var t = [UInt8](repeating: 2, count: 256)
  for c in ".GS".utf8 { t[Int(c)] = 1 }
  for c in "@OTW".utf8 { t[Int(c)] = 0 }
  return t
}()

/// Lines of a byte buffer, without their `\n` or `\r\n`, with 1-based numbers.
private struct _Lines {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  var number = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
    guard position < bytes.count else { return nil }
    var end = position
    while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
    var stop = end
    if stop > position && bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
    let line = bytes[position..<stop]
    position = end + 1
    number += 1
    return line
  }
}

private func isBlank(_ b: UInt8) -> Bool {
  b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
}

/// Whitespace-separated words of a line, with their 1-based columns.
private func words(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> [(text: Substring, column: Int)] {
  var out: [(Substring, Int)] = []
  var i = line.startIndex
  while i < line.endIndex {
    while i < line.endIndex && isBlank(line[i]) { i += 1 }
    if i == line.endIndex { break }
    let s = i
    while i < line.endIndex && !isBlank(line[i]) { i += 1 }
    out.append((Substring(String(decoding: line[s..<i], as: UTF8.self)), s - line.startIndex + 1))
  }
  return out
}

private func text(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> String {
  String(decoding: line, as: UTF8.self)
}

private func quoted(_ line: Slice<UnsafeBufferPointer<UInt8>>?) -> String {
  guard let line else { return "end of file" }
  let s = text(line)
  return s.count > 60 ? "'\(s.prefix(60))…'" : "'\(s)'"
}

extension GridMap {
  /// Parses a MovingAI `.map` file:
  ///
  /// ```
  /// type octile
  /// height H
  /// width W
  /// map
  /// <H rows of exactly W terrain characters>
  /// ```
  ///
  /// Line ends may be `\n` or `\r\n`; blank lines after the last row are ignored.
  /// - Parameters:
  ///   - text: the whole file.
  ///   - file: the name to report in errors.
  /// - Throws: ``GridParseError`` naming the line (and column) of the first problem.
  public static func parse(_ text: String, file: String) throws(GridParseError) -> GridMap {
    var text = text
    let result = text.withUTF8 { _parseMap($0, file: file) }
    return try result.get()
  }

  /// Parses a MovingAI `.map` file from its UTF-8 bytes (see ``parse(_:file:)``).
  public static func parse(utf8 bytes: some Collection<UInt8>, file: String) throws(GridParseError)
    -> GridMap
  {
    let result =
      bytes.withContiguousStorageIfAvailable { _parseMap($0, file: file) }
      ?? Array(bytes).withUnsafeBufferPointer { _parseMap($0, file: file) }
    return try result.get()
  }

  private static func _parseMap(_ bytes: UnsafeBufferPointer<UInt8>, file: String)
    -> Result<GridMap, GridParseError>
  {
    var lines = _Lines(bytes)
    func fail(_ line: Int, _ column: Int? = nil, _ message: String) -> Result<GridMap, GridParseError> {
      .failure(GridParseError(file: file, line: line, column: column, message: message))
    }

    // Header.
    var line = lines.next()
    let typeWords = line.map(words) ?? []
    guard typeWords.count == 2, typeWords[0].text == "type", typeWords[1].text == "octile" else {
      return fail(max(lines.number, 1), nil, "expected 'type octile', found \(quoted(line))")
    }
    var sizes: [Int] = []
    for key in ["height", "width"] {
      line = lines.next()
      let w = line.map(words) ?? []
      guard w.count == 2, w[0].text == key, let v = Int(w[1].text) else {
        return fail(lines.number + (line == nil ? 1 : 0), nil, "expected '\(key) N', found \(quoted(line))")
      }
      guard v >= 1 else {
        return fail(lines.number, w[1].column, "\(key) must be at least 1, found \(v)")
      }
      sizes.append(v)
    }
    let height = sizes[0]
    let width = sizes[1]
    let (cells, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow && cells <= maximumCellCount else {
      return fail(lines.number, nil, "a \(width)x\(height) map has more than \(maximumCellCount) cells")
    }
    line = lines.next()
    let mapWords = line.map(words) ?? []
    guard mapWords.count == 1, mapWords[0].text == "map" else {
      return fail(lines.number + (line == nil ? 1 : 0), nil, "expected 'map', found \(quoted(line))")
    }

    // Rows.
    var terrain = ContiguousArray<UInt8>(repeating: 0, count: cells)
    var passable = ContiguousArray<UInt8>(repeating: 0, count: cells)
    for y in 0..<height {
      guard let row = lines.next() else {
        return fail(lines.number + 1, nil, "expected \(height) rows, found \(y)")
      }
      guard row.count == width else {
        return fail(lines.number, nil, "row \(y) has \(row.count) characters, expected \(width)")
      }
      var x = 0
      for b in row {
        let k = terrainClass[Int(b)]
        if k > 1 {
          let shown =
            b < 0x80 && b >= 0x20 ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
          return fail(
            lines.number, x + 1,
            "unexpected character \(shown) at (\(x), \(y)); expected '.', 'G', 'S' (passable) or '@', 'O', 'T', 'W' (blocked)"
          )
        }
        terrain[y &* width &+ x] = b
        passable[y &* width &+ x] = k
        x += 1
      }
    }
    while let extra = lines.next() {
      if extra.contains(where: { !isBlank($0) }) {
        return fail(lines.number, nil, "expected \(height) rows, found more: \(quoted(extra))")
      }
    }
    return .success(GridMap(width: width, height: height, terrain: terrain, passable: passable))
  }
}

// MARK: - Scenarios

/// One query of a MovingAI `.scen` file: a start, a goal and the optimal path length.
public struct GridScenario: Sendable, Hashable {
  /// The bucket (scenarios of similar length share one).
  public var bucket: Int
  /// The map path as written in the file (usually `maps/<set>/<name>.map`).
  public var mapName: String
  /// The map width the scenario was written for.
  public var mapWidth: Int
  /// The map height the scenario was written for.
  public var mapHeight: Int
  public var startX: Int
  public var startY: Int
  public var goalX: Int
  public var goalY: Int
  /// The optimal 8-connected cost with √2 diagonals and no corner cutting, as printed in
  /// the file (usually to 6 significant digits, so compare with a tolerance, see
  /// ``matchesOptimal(_:)``). Some files write 0 for unknown.
  public var optimalLength: Double
  /// 1-based line of the scenario in its file (0 when not read from a file).
  public var line: Int
  /// 0-based position among the scenario lines of its file.
  public var index: Int

  public init(
    bucket: Int = 0, mapName: String = "", mapWidth: Int, mapHeight: Int, startX: Int,
    startY: Int, goalX: Int, goalY: Int, optimalLength: Double = 0, line: Int = 0, index: Int = 0
  ) {
    self.bucket = bucket
    self.mapName = mapName
    self.mapWidth = mapWidth
    self.mapHeight = mapHeight
    self.startX = startX
    self.startY = startY
    self.goalX = goalX
    self.goalY = goalY
    self.optimalLength = optimalLength
    self.line = line
    self.index = index
  }

  /// Whether `cost` equals ``optimalLength`` within the precision of the file:
  /// `|cost − optimal| ≤ 1e-5·optimal + 1e-4`.
  @inlinable public func matchesOptimal(_ cost: Double) -> Bool {
    abs(cost - optimalLength) <= 1e-5 * optimalLength + 1e-4
  }

  /// Checks that the scenario fits `map`: same size, start and goal on the map and
  /// passable.
  /// - Parameters:
  ///   - file: the scenario file, for the error.
  ///   - line: the line to report; defaults to ``line``.
  public func validate(on map: GridMap, file: String, line: Int? = nil) throws(GridParseError) {
    let at = line ?? self.line
    guard mapWidth == map.width && mapHeight == map.height else {
      throw GridParseError(
        file: file, line: at,
        message:
          "scenario is for a \(mapWidth)x\(mapHeight) map, but the map is \(map.width)x\(map.height)")
    }
    for (name, x, y) in [("start", startX, startY), ("goal", goalX, goalY)] {
      guard map.contains(x: x, y: y) else {
        throw GridParseError(
          file: file, line: at,
          message: "\(name) (\(x), \(y)) is outside the \(map.width)x\(map.height) map")
      }
      guard map.isPassable(x: x, y: y) else {
        throw GridParseError(
          file: file, line: at, message: "\(name) (\(x), \(y)) is a blocked cell '\(map.terrain(x: x, y: y))'")
      }
    }
  }

  /// The start cell on `map`. - Precondition: the scenario is valid on `map`.
  @inlinable public func start(on map: GridMap) -> GridCell { map.cell(x: startX, y: startY) }
  /// The goal cell on `map`. - Precondition: the scenario is valid on `map`.
  @inlinable public func goal(on map: GridMap) -> GridCell { map.cell(x: goalX, y: goalY) }
}

/// The MovingAI scenario (`.scen`) format.
public enum ScenarioFile {
  /// The nine fields of a scenario line, in order.
  public static let fieldNames = [
    "bucket", "map", "map width", "map height", "start x", "start y", "goal x", "goal y",
    "optimal length",
  ]

  /// Parses a `.scen` file: a first line `version 1` (or `version 1.0`), then one scenario
  /// per line with nine tab- or space-separated fields: bucket, map, map width, map height,
  /// start x, start y, goal x, goal y, optimal length. Blank lines are ignored.
  ///
  /// Parsing checks the syntax only; ``GridScenarioSet`` or ``GridScenario/validate(on:file:line:)``
  /// checks the scenarios against their map.
  /// - Throws: ``GridParseError`` naming the line and, for a bad field, its column.
  public static func parse(_ text: String, file: String) throws(GridParseError) -> [GridScenario] {
    var text = text
    let result = text.withUTF8 { _parse($0, file: file) }
    return try result.get()
  }

  /// Parses a `.scen` file from its UTF-8 bytes (see ``parse(_:file:)``).
  public static func parse(utf8 bytes: some Collection<UInt8>, file: String) throws(GridParseError)
    -> [GridScenario]
  {
    let result =
      bytes.withContiguousStorageIfAvailable { _parse($0, file: file) }
      ?? Array(bytes).withUnsafeBufferPointer { _parse($0, file: file) }
    return try result.get()
  }

  private static func _parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String)
    -> Result<[GridScenario], GridParseError>
  {
    var lines = _Lines(bytes)
    func fail(_ line: Int, _ column: Int? = nil, _ message: String) -> Result<[GridScenario], GridParseError> {
      .failure(GridParseError(file: file, line: line, column: column, message: message))
    }
    let first = lines.next()
    let v = first.map(words) ?? []
    guard v.count == 2, v[0].text == "version", v[1].text == "1" || v[1].text == "1.0" else {
      return fail(1, nil, "expected 'version 1', found \(quoted(first))")
    }
    var out: [GridScenario] = []
    while let line = lines.next() {
      if !line.contains(where: { !isBlank($0) }) { continue }
      // Tab-separated fields (map names may contain spaces); fall back to any whitespace.
      var fields = tabFields(line)
      if fields.count != 9 { fields = words(line) }
      guard fields.count == 9 else {
        return fail(
          lines.number, nil,
          "expected 9 fields (\(fieldNames.joined(separator: ", "))), found \(fields.count)")
      }
      var ints: [Int] = []
      for k in [0, 2, 3, 4, 5, 6, 7] {
        guard let n = Int(fields[k].text) else {
          return fail(
            lines.number, fields[k].column,
            "expected an integer for field \(k + 1) (\(fieldNames[k])), found '\(fields[k].text)'")
        }
        ints.append(n)
      }
      guard let optimal = Double(fields[8].text), optimal.isFinite, optimal >= 0 else {
        return fail(
          lines.number, fields[8].column,
          "expected a non-negative number for field 9 (optimal length), found '\(fields[8].text)'")
      }
      out.append(
        GridScenario(
          bucket: ints[0], mapName: String(fields[1].text), mapWidth: ints[1], mapHeight: ints[2],
          startX: ints[3], startY: ints[4], goalX: ints[5], goalY: ints[6], optimalLength: optimal,
          line: lines.number, index: out.count))
    }
    return .success(out)
  }

  private static func tabFields(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> [(text: Substring, column: Int)] {
    var out: [(Substring, Int)] = []
    var s = line.startIndex
    var i = s
    while true {
      if i == line.endIndex || line[i] == UInt8(ascii: "\t") {
        var a = s
        var b = i
        while a < b && line[a] == UInt8(ascii: " ") { a += 1 }
        while b > a && line[b - 1] == UInt8(ascii: " ") { b -= 1 }
        out.append((Substring(String(decoding: line[a..<b], as: UTF8.self)), a - line.startIndex + 1))
        if i == line.endIndex { break }
        s = i + 1
      }
      i += 1
    }
    return out
  }
}

/// A map and scenarios that were all checked against it (size, bounds, passable start
/// and goal), ready to solve.
public struct GridScenarioSet: Sendable {
  public let map: GridMap
  public let scenarios: [GridScenario]
  /// The scenario file name, for reports.
  public let scenarioFile: String

  /// Validates every scenario on `map`.
  /// - Throws: the first ``GridParseError``, naming `scenarioFile` and the scenario's line.
  public init(map: GridMap, scenarios: [GridScenario], scenarioFile: String) throws(GridParseError) {
    for s in scenarios { try s.validate(on: map, file: scenarioFile) }
    self.map = map
    self.scenarios = scenarios
    self.scenarioFile = scenarioFile
  }

  /// Parses a `.map` and a `.scen` file and validates the scenarios on the map.
  public static func parse(
    map mapText: String, mapFile: String, scenarios scenarioText: String, scenarioFile: String
  ) throws(GridParseError) -> GridScenarioSet {
    let map = try GridMap.parse(mapText, file: mapFile)
    let scenarios = try ScenarioFile.parse(scenarioText, file: scenarioFile)
    return try GridScenarioSet(map: map, scenarios: scenarios, scenarioFile: scenarioFile)
  }
}
