public import FrontierCore

/// A sliding-tile board of up to 5×5 cells: the tile on each cell (0 is the blank) as 32
/// bytes in four machine words, and the blank's cell, so a move is two byte writes and
/// equality is four word compares.
///
/// Cells are numbered row-major from 0. Bytes beyond the board's cell count are 0.
@frozen
public struct TileBoard: Hashable, Sendable, PackedState {
  public typealias Words = (UInt64, UInt64, UInt64, UInt64)
  /// Tile on each cell, one byte per cell (little-endian within each word).
  @usableFromInline internal var _cells: Words
  /// The blank's cell.
  @usableFromInline internal var _blank: UInt8

  /// A board from its cells in row-major order (0 = blank). The caller has validated
  /// that `tiles` is a permutation of `0..<tiles.count` (see ``SlidingTilePuzzle/init(rows:columns:tiles:)``).
  @inlinable public init(tiles: [Int]) {
    _cells = (0, 0, 0, 0)
    _blank = 0
    for (c, t) in tiles.enumerated() {
      setCell(c, to: UInt8(t))
      if t == 0 { _blank = UInt8(c) }
    }
  }

  /// The tile on cell `c`.
  @inlinable @inline(__always) public func cell(_ c: Int) -> UInt8 {
    Self._byte(_cells, c)
  }
  /// The cell of tile `t` (0 = the blank); O(cells) — a scan, not for hot loops.
  @inlinable public func position(of t: Int) -> UInt8 {
    if t == 0 { return _blank }
    for c in 0..<32 where Self._byte(_cells, c) == UInt8(t) { return UInt8(c) }
    return 0
  }
  /// The tile on every cell as a vector (lanes beyond the board are 0). O(cells).
  @inlinable public var cells: SIMD32<UInt8> {
    var v = SIMD32<UInt8>.zero
    for c in 0..<32 { v[c] = cell(c) }
    return v
  }
  /// The cell of every tile as a vector (lane 0 = the blank). O(cells); lanes of tiles
  /// that are not on the board are 0.
  @inlinable public var positions: SIMD32<UInt8> {
    var v = SIMD32<UInt8>.zero
    for c in 0..<32 {
      let t = cell(c)
      if t != 0 { v[Int(t)] = UInt8(c) }
    }
    v[0] = _blank
    return v
  }
  /// The cells of every tile (index 0 = the blank), for boards of `count` cells.
  @inlinable public func positions(count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    for c in 0..<count { out[Int(cell(c))] = UInt8(c) }
    return out
  }
  /// Byte `i` of four little-endian words, in registers (selects, shifts; no memory copy).
  @inlinable @inline(__always) internal static func _byte(_ w: Words, _ i: Int) -> UInt8 {
    let lo = i < 8 ? w.0 : w.1
    let hi = i < 24 ? w.2 : w.3
    let word = i < 16 ? lo : hi
    return UInt8(truncatingIfNeeded: word >> UInt64((i & 7) << 3))
  }
  @inlinable @inline(__always) internal mutating func setCell(_ c: Int, to t: UInt8) {
    Self._setByte(&_cells, c, t)
  }
  /// XORs `tile` into the bytes of cells `a` and `b` (word-sized read-modify-writes).
  @inlinable @inline(__always) internal mutating func _xorTile(_ tile: UInt8, at a: Int, and b: Int) {
    withUnsafeMutableBytes(of: &_cells) { raw in
      let p = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
      let t = UInt64(tile)
      p[a >> 3] ^= t << UInt64((a & 7) << 3)
      p[b >> 3] ^= t << UInt64((b & 7) << 3)
    }
  }

  /// Writes byte `i` as a whole-word read-modify-write, so later word reads are forwarded
  /// from the store (byte stores followed by word loads stall on x86).
  @inlinable @inline(__always) internal static func _setByte(_ w: inout Words, _ i: Int, _ v: UInt8) {
    withUnsafeMutableBytes(of: &w) { raw in
      let p = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
      let k = i >> 3
      let shift = UInt64((i & 7) << 3)
      p[k] = (p[k] & ~(0xFF << shift)) | (UInt64(v) << shift)
    }
  }

  /// The blank's cell.
  @inlinable public var blank: Int { Int(_blank) }

  /// The tiles in row-major order.
  public func tiles(count: Int) -> [Int] { (0..<count).map { Int(cell($0)) } }

  @inlinable public static func == (a: TileBoard, b: TileBoard) -> Bool {
    a._cells.0 == b._cells.0 && a._cells.1 == b._cells.1 && a._cells.2 == b._cells.2
      && a._cells.3 == b._cells.3
  }

  @inlinable public func hash(into hasher: inout Hasher) {
    hasher.combine(_cells.0)
    hasher.combine(_cells.1)
    hasher.combine(_cells.2)
    hasher.combine(_cells.3)
  }

  /// A 64-bit key: exact (injective) for boards of at most 16 cells, where each cell's
  /// tile fits in 4 bits; a well-mixed hash otherwise.
  @inlinable public var packedKey: UInt64 {
    if _cells.2 == 0 && _cells.3 == 0 {
      // Compress 16 bytes (values < 16) to 16 nibbles.
      var w: UInt64 = 0
      var a = _cells.0
      var b = _cells.1
      for i in 0..<8 {
        w |= (a & 0xF) << UInt64(4 * i)
        w |= (b & 0xF) << UInt64(32 + 4 * i)
        a >>= 8
        b >>= 8
      }
      return w
    }
    var h = _cells.0 &* 0x9E37_79B9_7F4A_7C15
    h = (h ^ (h >> 29) ^ _cells.1) &* 0xBF58_476D_1CE4_E5B9
    h = (h ^ (h >> 31) ^ _cells.2) &* 0x94D0_49BB_1331_11EB
    h = (h ^ (h >> 29) ^ _cells.3) &* 0x9E37_79B9_7F4A_7C15
    return h ^ (h >> 32)
  }
}

/// A move of the blank from cell `from` to the neighbouring cell `to`: `tile`, the tile on
/// `to`, slides into `from`. Carrying the tile saves reading the board again in the
/// heuristic update and in `apply`.
@frozen
public struct TileMove: Hashable, Sendable {
  public var from: UInt8
  public var to: UInt8
  public var tile: UInt8
  @inlinable public init(from: UInt8, to: UInt8, tile: UInt8) {
    self.from = from
    self.to = to
    self.tile = tile
  }
}

/// Errors in describing a sliding-tile instance.
public struct SlidingTileError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The (n²−1)-puzzle on a `rows × columns` board (at most 25 cells): slide a tile into the
/// blank, unit cost per move. The goal has the blank on cell 0 and tile `i` on cell `i`
/// (Korf's convention, used by `korf100.txt`).
///
/// Conforms to ``ReversibleSearchProblem`` (IDA* runs in place) and to
/// ``BidirectionalSearchProblem`` (moves are their own inverses).
public struct SlidingTilePuzzle: ReversibleSearchProblem, BidirectionalSearchProblem, Sendable {
  public typealias State = TileBoard
  public typealias Cost = Int
  public typealias Move = TileMove

  public let rows: Int
  public let columns: Int
  public var start: TileBoard
  public let goal: TileBoard
  /// `neighbours[4 * cell + slot]`: the cells the blank reaches (up, left, right, down
  /// order, legal moves first), −1 after the last; `moveCounts[cell]` legal moves.
  @usableFromInline internal let moveCounts: LookupTable<UInt8>
  @usableFromInline internal let neighbours: LookupTable<Int8>

  /// Number of cells.
  @inlinable public var cellCount: Int { rows * columns }

  /// A puzzle whose start has `tiles` in row-major order (0 = blank).
  /// - Throws: ``SlidingTileError`` if the board is larger than 25 cells, or `tiles` is
  ///   not a permutation of `0..<rows·columns` (names the missing or repeated tile).
  public init(rows: Int, columns: Int, tiles: [Int]) throws(SlidingTileError) {
    guard rows >= 2, columns >= 2, rows * columns <= 25 else {
      throw SlidingTileError("board must be between 2x2 and 25 cells, got \(rows)x\(columns)")
    }
    let n = rows * columns
    guard tiles.count == n else {
      throw SlidingTileError("expected \(n) tiles for a \(rows)x\(columns) board, got \(tiles.count)")
    }
    var seen = [Bool](repeating: false, count: n)
    for t in tiles {
      guard t >= 0 && t < n else {
        throw SlidingTileError("tile \(t) is out of range 0...\(n - 1)")
      }
      guard !seen[t] else { throw SlidingTileError("tile \(t) appears more than once") }
      seen[t] = true
    }
    if let missing = seen.firstIndex(of: false) {
      throw SlidingTileError("tile \(missing) is missing")
    }
    self.rows = rows
    self.columns = columns
    self.start = TileBoard(tiles: tiles)
    self.goal = TileBoard(tiles: Array(0..<n))
    // Per cell: the cells the blank can reach, in the order up, left, right, down,
    // packed at the front of its four slots; the count is kept separately.
    var nb = ContiguousArray<Int8>(repeating: -1, count: 4 * n)
    var counts = ContiguousArray<UInt8>(repeating: 0, count: 32)
    for c in 0..<n {
      let r = c / columns
      let k = c % columns
      var targets: [Int] = []
      if r > 0 { targets.append(c - columns) }
      if k > 0 { targets.append(c - 1) }
      if k < columns - 1 { targets.append(c + 1) }
      if r < rows - 1 { targets.append(c + columns) }
      for (i, t) in targets.enumerated() { nb[4 * c + i] = Int8(t) }
      counts[c] = UInt8(targets.count)
    }
    self.moveCounts = LookupTable(counts)
    self.neighbours = LookupTable(nb)
  }

  /// A square puzzle (`side × side`) from its tiles.
  public init(tiles: [Int]) throws(SlidingTileError) {
    var side = 2
    while side * side < tiles.count { side += 1 }
    guard side * side == tiles.count else {
      throw SlidingTileError("\(tiles.count) tiles do not make a square board (expected 4, 9, 16 or 25)")
    }
    try self.init(rows: side, columns: side, tiles: tiles)
  }

  /// Whether the start can reach the goal: the parity of the permutation between them
  /// must equal the parity of the blank's Manhattan distance (Johnson & Story 1879).
  public var isSolvable: Bool {
    let n = cellCount
    var perm = (0..<n).map { Int(start.cell($0)) }
    var swaps = 0
    for i in 0..<n {
      while perm[i] != i {
        let j = perm[i]
        perm.swapAt(i, j)
        swaps += 1
      }
    }
    let b = start.blank
    let blankDistance = b / columns + b % columns
    return swaps % 2 == blankDistance % 2
  }

  @inlinable public func isGoal(_ state: TileBoard) -> Bool { state == goal }

  @inlinable public var moveSlots: Int { 4 }

  @inlinable @inline(__always)
  public func moveSlotCount(in state: TileBoard) -> Int { Int(moveCounts[Int(state._blank)]) }

  @inlinable @inline(__always)
  public func move(_ slot: Int, in state: TileBoard, after previous: TileMove?) -> TileMove? {
    let from = state._blank
    let to = neighbours[4 &* Int(from) &+ slot]
    if to < 0 { return nil }
    if let p = previous, p.from == UInt8(to) { return nil }
    return TileMove(from: from, to: UInt8(to), tile: state.cell(Int(to)))
  }

  @inlinable @inline(__always)
  public func cost(of move: TileMove, in state: TileBoard) -> Int { 1 }

  @inlinable @inline(__always)
  public func apply(_ move: TileMove, to state: inout TileBoard) {
    // The blank's cell holds 0 and `to` holds the tile: XOR-ing the tile into both cells
    // swaps them (two read-modify-write instructions, and its own inverse).
    state._xorTile(move.tile, at: Int(move.from), and: Int(move.to))
    state._blank = move.to
  }

  @inlinable @inline(__always)
  public func undo(_ move: TileMove, on state: inout TileBoard) {
    state._xorTile(move.tile, at: Int(move.from), and: Int(move.to))
    state._blank = move.from
  }

  @inlinable
  public func expandBackward(_ state: TileBoard, into predecessors: inout Successors<TileBoard, Int>) {
    expand(state, into: &predecessors)
  }

  /// The same puzzle started from `board`.
  public func with(start board: TileBoard) -> SlidingTilePuzzle {
    var p = self
    p.start = board
    return p
  }
}

/// Manhattan distance for sliding tiles: the sum over tiles of their row and column
/// distance to their goal cells. Admissible and consistent; updated in O(1) per move.
public struct ManhattanDistance: IncrementalHeuristic, Sendable {
  public typealias State = TileBoard
  public typealias Cost = Int
  public typealias Move = TileMove
  /// `table[tile << 5 | cell]`: distance of `tile` on `cell` from its goal cell.
  @usableFromInline internal let table: LookupTable<Int8>
  @usableFromInline internal let cells: Int

  public init(_ puzzle: SlidingTilePuzzle) {
    let n = puzzle.cellCount
    let w = puzzle.columns
    var t = ContiguousArray<Int8>(repeating: 0, count: 32 * 32)
    for tile in 1..<n {
      let goalCell = Int(puzzle.goal.position(of: tile))
      for c in 0..<n {
        t[tile << 5 | c] = Int8(abs(c / w - goalCell / w) + abs(c % w - goalCell % w))
      }
    }
    table = LookupTable(t)
    cells = n
  }

  @inlinable public func estimate(_ state: TileBoard) -> Int {
    var h = 0
    for c in 0..<cells {
      let tile = Int(state.cell(c))
      if tile != 0 { h &+= Int(table[tile << 5 | c]) }
    }
    return h
  }

  @inlinable @inline(__always)
  public func estimate(after move: TileMove, from state: TileBoard, estimate: Int) -> Int {
    let base = Int(move.tile) << 5
    return estimate &+ Int(table[base | Int(move.from)]) &- Int(table[base | Int(move.to)])
  }
}

/// Manhattan distance plus linear conflicts (Hansson, Mayer & Yung, "Criticizing
/// solutions to relaxed models yields powerful admissible heuristics", Inf. Sci. 1992):
/// two tiles in their goal row (or column) but in reversed order need two extra moves.
/// Admissible; recomputed per node (O(n·w)).
public struct LinearConflict: IncrementalHeuristic, Sendable {
  public typealias State = TileBoard
  public typealias Cost = Int
  public typealias Move = TileMove
  @usableFromInline internal let manhattan: ManhattanDistance
  @usableFromInline internal let rows: Int
  @usableFromInline internal let columns: Int
  @usableFromInline internal let goalRow: LookupTable<Int8>
  @usableFromInline internal let goalColumn: LookupTable<Int8>

  public init(_ puzzle: SlidingTilePuzzle) {
    manhattan = ManhattanDistance(puzzle)
    rows = puzzle.rows
    columns = puzzle.columns
    let n = puzzle.cellCount
    var gr = ContiguousArray<Int8>(repeating: 0, count: n)
    var gc = ContiguousArray<Int8>(repeating: 0, count: n)
    for t in 0..<n {
      let c = Int(puzzle.goal.position(of: t))
      gr[t] = Int8(c / puzzle.columns)
      gc[t] = Int8(c % puzzle.columns)
    }
    goalRow = LookupTable(gr)
    goalColumn = LookupTable(gc)
  }

  /// Extra moves forced by conflicts within one line: 2 × (tiles in the line minus the
  /// longest subsequence already in goal order).
  @inlinable internal func lineConflicts(_ goals: inout (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int), count: Int) -> Int {
    if count < 2 { return 0 }
    // Longest increasing subsequence on at most 12 values (the longest line of a legal board).
    var best = (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    var longest = 1
    withUnsafeMutableBytes(of: &best) { bb in
      let b = bb.bindMemory(to: Int.self)
      withUnsafeBytes(of: &goals) { gb in
        let g = gb.bindMemory(to: Int.self)
        for i in 1..<count {
          for j in 0..<i where g[j] < g[i] && b[j] + 1 > b[i] { b[i] = b[j] + 1 }
          if b[i] > longest { longest = b[i] }
        }
      }
    }
    return 2 * (count - longest)
  }

  @inlinable public func estimate(_ state: TileBoard) -> Int {
    var h = manhattan.estimate(state)
    for r in 0..<rows {
      var goals = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      var k = 0
      withUnsafeMutableBytes(of: &goals) { gb in
        let g = gb.bindMemory(to: Int.self)
        for c in 0..<columns {
          let t = Int(state.cell(r * columns + c))
          if t != 0 && Int(goalRow[t]) == r {
            g[k] = Int(goalColumn[t])
            k += 1
          }
        }
      }
      h += lineConflicts(&goals, count: k)
    }
    for c in 0..<columns {
      var goals = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      var k = 0
      withUnsafeMutableBytes(of: &goals) { gb in
        let g = gb.bindMemory(to: Int.self)
        for r in 0..<rows {
          let t = Int(state.cell(r * columns + c))
          if t != 0 && Int(goalColumn[t]) == c {
            g[k] = Int(goalRow[t])
            k += 1
          }
        }
      }
      h += lineConflicts(&goals, count: k)
    }
    return h
  }

  @inlinable
  public func estimate(after move: TileMove, from state: TileBoard, estimate: Int) -> Int {
    var s = state
    let tile = s.cell(Int(move.to))
    s.setCell(Int(move.from), to: tile)
    s.setCell(Int(move.to), to: 0)
    return self.estimate(s)
  }
}
