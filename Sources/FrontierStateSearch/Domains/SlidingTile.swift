public import FrontierCore

/// A sliding-tile board of up to 5×5 cells: `cells[c]` is the tile on cell `c` (0 is the
/// blank) and `positions[t]` the cell of tile `t`, both kept in SIMD registers so a move
/// is four byte writes and equality is one vector compare.
///
/// Cells are numbered row-major from 0. Lanes beyond the board's cell count are 0.
public struct TileBoard: Hashable, Sendable, PackedState {
  /// Tile on each cell (0 = blank).
  public var cells: SIMD32<UInt8>
  /// Cell of each tile (index 0 = the blank).
  public var positions: SIMD32<UInt8>

  /// A board from its cells in row-major order (0 = blank). The caller has validated
  /// that `tiles` is a permutation of `0..<tiles.count` (see ``SlidingTilePuzzle/init(rows:columns:tiles:)``).
  @inlinable public init(tiles: [Int]) {
    cells = .zero
    positions = .zero
    for (c, t) in tiles.enumerated() {
      cells[c] = UInt8(t)
      positions[t] = UInt8(c)
    }
  }

  /// The blank's cell.
  @inlinable public var blank: Int { Int(positions[0]) }

  /// The tiles in row-major order.
  public func tiles(count: Int) -> [Int] { (0..<count).map { Int(cells[$0]) } }

  @inlinable public static func == (a: TileBoard, b: TileBoard) -> Bool { a.cells == b.cells }

  @inlinable public func hash(into hasher: inout Hasher) {
    hasher.combine(_lowWord)
    hasher.combine(_highWord)
  }

  @inlinable internal var _lowWord: UInt64 {
    var w: UInt64 = 0
    for i in 0..<16 { w |= UInt64(cells[i] & 0xF) << (4 * UInt64(i)) }
    return w
  }
  @inlinable internal var _highWord: UInt64 {
    var w: UInt64 = 0
    for i in 0..<25 { w = w &* 31 &+ UInt64(cells[i] >> 4) }
    for i in 16..<25 { w = w &* 31 &+ UInt64(cells[i]) }
    return w
  }

  /// The 64-bit key: exact for boards of at most 16 cells (4 bits per cell).
  @inlinable public var packedKey: UInt64 { _lowWord ^ (_highWord &* 0x9E37_79B9_7F4A_7C15) }
}

/// A move of the blank from cell `from` to the neighbouring cell `to` (the tile on `to`
/// slides into `from`).
@frozen
public struct TileMove: Hashable, Sendable {
  public var from: UInt8
  public var to: UInt8
  @inlinable public init(from: UInt8, to: UInt8) {
    self.from = from
    self.to = to
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
  /// `neighbours[4 * cell + slot]`: the cell the blank reaches by moving up, left, right,
  /// down (slot 0…3), or −1 off the board.
  @usableFromInline internal let neighbours: ContiguousArray<Int8>

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
    var nb = ContiguousArray<Int8>(repeating: -1, count: 4 * n)
    for c in 0..<n {
      let r = c / columns
      let k = c % columns
      if r > 0 { nb[4 * c] = Int8(c - columns) }
      if k > 0 { nb[4 * c + 1] = Int8(c - 1) }
      if k < columns - 1 { nb[4 * c + 2] = Int8(c + 1) }
      if r < rows - 1 { nb[4 * c + 3] = Int8(c + columns) }
    }
    self.neighbours = nb
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
    var perm = (0..<n).map { Int(start.cells[$0]) }
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

  @inlinable public func isGoal(_ state: TileBoard) -> Bool { state.cells == goal.cells }

  @inlinable public var moveSlots: Int { 4 }

  @inlinable @inline(__always)
  public func move(_ slot: Int, in state: TileBoard, after previous: TileMove?) -> TileMove? {
    let from = state.positions[0]
    let to = neighbours[4 &* Int(from) &+ slot]
    if to < 0 { return nil }
    if let p = previous, p.from == UInt8(to) { return nil }
    return TileMove(from: from, to: UInt8(to))
  }

  @inlinable @inline(__always)
  public func cost(of move: TileMove, in state: TileBoard) -> Int { 1 }

  @inlinable @inline(__always)
  public func apply(_ move: TileMove, to state: inout TileBoard) {
    let tile = state.cells[Int(move.to)]
    state.cells[Int(move.from)] = tile
    state.cells[Int(move.to)] = 0
    state.positions[Int(tile)] = move.from
    state.positions[0] = move.to
  }

  @inlinable @inline(__always)
  public func undo(_ move: TileMove, on state: inout TileBoard) {
    apply(TileMove(from: move.to, to: move.from), to: &state)
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
  /// `table[tile * cells + cell]`: distance of `tile` on `cell` from its goal cell.
  @usableFromInline internal let table: ContiguousArray<Int8>
  @usableFromInline internal let cells: Int

  public init(_ puzzle: SlidingTilePuzzle) {
    let n = puzzle.cellCount
    let w = puzzle.columns
    var t = ContiguousArray<Int8>(repeating: 0, count: n * n)
    for tile in 1..<n {
      let goalCell = Int(puzzle.goal.positions[tile])
      for c in 0..<n {
        t[tile * n + c] = Int8(abs(c / w - goalCell / w) + abs(c % w - goalCell % w))
      }
    }
    table = t
    cells = n
  }

  @inlinable public func estimate(_ state: TileBoard) -> Int {
    var h = 0
    for c in 0..<cells {
      let tile = Int(state.cells[c])
      if tile != 0 { h &+= Int(table[tile &* cells &+ c]) }
    }
    return h
  }

  @inlinable @inline(__always)
  public func estimate(after move: TileMove, from state: TileBoard, estimate: Int) -> Int {
    let tile = Int(state.cells[Int(move.to)])
    let base = tile &* cells
    return estimate &+ Int(table[base &+ Int(move.from)]) &- Int(table[base &+ Int(move.to)])
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
  @usableFromInline internal let goalRow: ContiguousArray<Int8>
  @usableFromInline internal let goalColumn: ContiguousArray<Int8>

  public init(_ puzzle: SlidingTilePuzzle) {
    manhattan = ManhattanDistance(puzzle)
    rows = puzzle.rows
    columns = puzzle.columns
    let n = puzzle.cellCount
    var gr = ContiguousArray<Int8>(repeating: 0, count: n)
    var gc = ContiguousArray<Int8>(repeating: 0, count: n)
    for t in 0..<n {
      let c = Int(puzzle.goal.positions[t])
      gr[t] = Int8(c / puzzle.columns)
      gc[t] = Int8(c % puzzle.columns)
    }
    goalRow = gr
    goalColumn = gc
  }

  /// Extra moves forced by conflicts within one line: 2 × (tiles in the line minus the
  /// longest subsequence already in goal order).
  @inlinable internal func lineConflicts(_ goals: inout (Int, Int, Int, Int, Int), count: Int) -> Int {
    if count < 2 { return 0 }
    // Longest increasing subsequence on at most 5 values.
    var best = (1, 1, 1, 1, 1)
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
      var goals = (0, 0, 0, 0, 0)
      var k = 0
      withUnsafeMutableBytes(of: &goals) { gb in
        let g = gb.bindMemory(to: Int.self)
        for c in 0..<columns {
          let t = Int(state.cells[r * columns + c])
          if t != 0 && Int(goalRow[t]) == r {
            g[k] = Int(goalColumn[t])
            k += 1
          }
        }
      }
      h += lineConflicts(&goals, count: k)
    }
    for c in 0..<columns {
      var goals = (0, 0, 0, 0, 0)
      var k = 0
      withUnsafeMutableBytes(of: &goals) { gb in
        let g = gb.bindMemory(to: Int.self)
        for r in 0..<rows {
          let t = Int(state.cells[r * columns + c])
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
    let tile = s.cells[Int(move.to)]
    s.cells[Int(move.from)] = tile
    s.cells[Int(move.to)] = 0
    return self.estimate(s)
  }
}
