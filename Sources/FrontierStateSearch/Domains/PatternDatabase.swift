#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FrontierCore

// Additive disjoint pattern databases for sliding-tile puzzles (Korf & Felner, "Disjoint
// pattern database heuristics", AIJ 134, 2002; Felner, Korf & Hanan, "Additive pattern
// database heuristics", JAIR 22, 2004). See Guides/PatternDatabase.md for the design.

// MARK: - Errors

/// A pattern database could not be built, read or written, or a file does not hold the
/// database that was asked for. The message names the file (when there is one) and says
/// what is wrong with it.
public struct PatternDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The pattern is empty, repeats a tile, names the blank or a tile off the board.
    case invalidPattern = "invalid-pattern"
    /// The table would have more than 2³² entries.
    case tooLarge = "too-large"
    /// The file could not be opened (missing, no permission, …).
    case cannotOpen = "cannot-open"
    /// A read failed or the file is shorter than its header says.
    case truncated
    /// The file does not start with the pattern-database magic bytes.
    case badMagic = "bad-magic"
    /// The file was written by a newer format version.
    case unsupportedVersion = "unsupported-version"
    /// The header is inconsistent (board size, tiles, entry count, trailing bytes).
    case corruptHeader = "corrupt-header"
    /// The payload does not match the checksum in the header.
    case checksumMismatch = "checksum-mismatch"
    /// The file is a valid database, but for another board or pattern.
    case mismatch
    /// Writing or renaming the file failed.
    case writeFailed = "write-failed"
  }

  public var kind: Kind
  /// The file concerned, if any.
  public var path: String?
  public var message: String

  public init(_ kind: Kind, path: String? = nil, _ message: String) {
    self.kind = kind
    self.path = path
    self.message = message
  }

  public var description: String {
    if let path { return "pattern database \(path): \(message)" }
    return "pattern database: \(message)"
  }
}

// MARK: - Storage

/// The table of one pattern database: `count` bytes, immutable once built or loaded, and
/// freed with the last reference. Shared by every copy of the database and of the
/// heuristics built on it. Tables of 2 MiB or more are mapped with transparent huge pages
/// where the system offers them: lookups land at random, and 4 KiB pages would make
/// nearly every lookup of a 500 MB table a TLB miss.
@usableFromInline
internal final class _PatternTable: @unchecked Sendable {
  // Safety: `base` is written only by the builder or loader before the table is
  // published, and only read afterwards.
  @usableFromInline internal let base: UnsafeMutablePointer<UInt8>
  @usableFromInline internal let count: Int
  private let mapped: _ZeroedPages?

  internal init(count: Int) {
    self.count = count
    if count >= 1 << 21, let pages = _ZeroedPages(byteCount: count) {
      mapped = pages
      base = pages.base.bindMemory(to: UInt8.self, capacity: count)
    } else {
      mapped = nil
      base = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(count, 1))
    }
  }

  deinit {
    if let mapped { mapped.release() } else { base.deallocate() }
  }
}

// MARK: - Pattern database

/// A pattern database for one pattern of a sliding-tile puzzle: for every placement of the
/// pattern tiles, the fewest moves *of pattern tiles* that bring them to their goal cells
/// with the blank back on its goal cell, where the other tiles may move for free
/// (Korf & Felner's additive cost model), minimised over the blank's position. Because
/// each move moves one tile, the values of databases over disjoint patterns add up to an
/// admissible heuristic (``AdditivePatternDatabases``). It is not consistent: the
/// minimum over blank positions can change by more than 1 in one move.
///
/// Cells are numbered row-major; the goal has the blank on cell 0 and tile `t` on cell
/// `t`, as in ``SlidingTilePuzzle``.
///
/// **Index.** A placement is the list of cells of the pattern tiles, in ascending tile
/// order. Its index is its rank among the `n!/(n−k)!` ordered choices of `k` distinct cells
/// out of `n` (lexicographic, mixed radix `n, n−1, …, n−k+1`): one byte per entry, no
/// blank position, no gaps. The 8-tile pattern of the 15-puzzle has 518,918,400 entries.
///
/// **Build.** A breadth-first search backwards from the goal over abstract states
/// *(placement, connected region of the blank among the non-pattern cells)*. Moving the
/// blank inside its region is free, so a region is one state; sliding a pattern tile into
/// an adjacent region cell costs 1. The 0-1 BFS of the cost model is therefore a plain
/// layered BFS on these states. Two bits per (placement, blank cell) hold the search
/// (unseen, open in an even or odd layer, closed); regions are flood-filled with bit masks
/// and closed whole when expanded; a child's index is derived from its parent's. Nothing
/// is allocated per state. See `Guides/PatternDatabase.md`.
///
/// - Complexity: building is O(S·(k + c)) for S abstract states with c cells in their
///   regions and children, plus one scan of the search array per layer, in
///   `E·(1 + 2^⌈log₂ n⌉/4)` bytes for `E` entries (2.6 GB for the 8-tile pattern of the
///   15-puzzle); a lookup is O(k).
public struct PatternDatabase: Sendable {
  /// Board rows.
  public let rows: Int
  /// Board columns.
  public let columns: Int
  /// The pattern tiles, ascending (the order of the index).
  public let tiles: [Int]
  @usableFromInline internal let _table: _PatternTable
  /// `_tileLanes[j]` is `tiles[j]`.
  @usableFromInline internal let _tileLanes: SIMD32<UInt8>
  @usableFromInline internal let _k: Int
  @usableFromInline internal let _n: Int

  /// The value stored for placements that cannot be reached from the goal.
  public static let unreachable = 255

  /// Number of cells on the board.
  @inlinable public var cellCount: Int { _n }
  /// Number of entries (`n!/(n−k)!`), one byte each.
  @inlinable public var entryCount: Int { _table.count }

  internal init(rows: Int, columns: Int, tiles: [Int], table: _PatternTable) {
    self.rows = rows
    self.columns = columns
    self.tiles = tiles
    self._table = table
    var lanes = SIMD32<UInt8>.zero
    for (j, t) in tiles.enumerated() { lanes[j] = UInt8(t) }
    self._tileLanes = lanes
    self._k = tiles.count
    self._n = rows * columns
  }

  /// What a build reports after each breadth-first layer.
  public struct BuildProgress: Sendable, Hashable {
    /// The layer just finished: its states are `depth` pattern moves from the goal.
    public var depth: Int
    /// Abstract states (placement, blank region) at this depth, each expanded once.
    public var statesAtDepth: Int
    /// Abstract states expanded so far.
    public var statesSeen: Int
    /// Placements whose value is known so far.
    public var entriesFilled: Int
    /// All placements.
    public var entryCount: Int
  }

  /// Builds the database of `tiles` on a `rows × columns` board.
  ///
  /// - Parameter progress: called once per breadth-first layer, on the calling thread.
  /// - Throws: ``PatternDatabaseError``: `invalidPattern` for a bad pattern, `tooLarge` if
  ///   the table would exceed 2³² entries or the build more memory than the machine has.
  public init(
    rows: Int, columns: Int, tiles: [Int], progress: ((BuildProgress) -> Void)? = nil
  ) throws(PatternDatabaseError) {
    let sorted = try Self._validate(rows: rows, columns: columns, tiles: tiles)
    let entries = try Self._entryCount(cells: rows * columns, tiles: sorted.count)
    let needed = _PatternDatabaseBuilder.bytesNeeded(cells: rows * columns, entries: entries)
    let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) &* Int(sysconf(Int32(_SC_PAGESIZE)))
    if physical > 0 && needed > physical {
      throw PatternDatabaseError(
        .tooLarge,
        "building a \(sorted.count)-tile pattern on \(rows)x\(columns) needs \(needed >> 20) MiB, more than this machine's \(physical >> 20) MiB"
      )
    }
    let table = _PatternTable(count: entries)
    try _PatternDatabaseBuilder.build(
      rows: rows, columns: columns, tiles: sorted, into: table.base, entries: entries,
      progress: progress)
    self.init(rows: rows, columns: columns, tiles: sorted, table: table)
  }

  /// Builds the database of `tiles` for `puzzle`'s board (the start state is irrelevant).
  public init(
    puzzle: SlidingTilePuzzle, tiles: [Int], progress: ((BuildProgress) -> Void)? = nil
  ) throws(PatternDatabaseError) {
    try self.init(rows: puzzle.rows, columns: puzzle.columns, tiles: tiles, progress: progress)
  }

  /// The sorted pattern, or an error naming what is wrong with it.
  internal static func _validate(rows: Int, columns: Int, tiles: [Int]) throws(PatternDatabaseError)
    -> [Int]
  {
    guard rows >= 2, columns >= 2, rows * columns <= 25 else {
      throw PatternDatabaseError(
        .invalidPattern, "board must be between 2x2 and 25 cells, got \(rows)x\(columns)")
    }
    let n = rows * columns
    guard !tiles.isEmpty else { throw PatternDatabaseError(.invalidPattern, "the pattern is empty") }
    var seen = [Bool](repeating: false, count: n)
    for t in tiles {
      guard t >= 1 && t < n else {
        throw PatternDatabaseError(
          .invalidPattern,
          "tile \(t) cannot be in a pattern on a \(rows)x\(columns) board (tiles are 1...\(n - 1); the blank is never a pattern tile)"
        )
      }
      guard !seen[t] else {
        throw PatternDatabaseError(.invalidPattern, "tile \(t) appears twice in the pattern")
      }
      seen[t] = true
    }
    return tiles.sorted()
  }

  /// `n!/(n−k)!`, if it is at most 2³².
  internal static func _entryCount(cells n: Int, tiles k: Int) throws(PatternDatabaseError) -> Int {
    var e = 1
    for j in 0..<k {
      e *= n - j
      if e > 1 << 32 {
        throw PatternDatabaseError(
          .tooLarge, "a \(k)-tile pattern on \(n) cells needs more than 2^32 entries")
      }
    }
    return e
  }

  // MARK: Lookups

  /// The index of the placement of the pattern tiles whose cells are read from
  /// `positions` (tile → cell, as in ``TileBoard/positions``).
  @inlinable @inline(__always)
  internal func _index(_ positions: SIMD32<UInt8>) -> Int {
    var used: UInt32 = 0
    var r = 0
    for j in 0..<_k {
      let c = UInt32(truncatingIfNeeded: positions[Int(truncatingIfNeeded: _tileLanes[j])])
      let bit: UInt32 = 1 &<< c
      r = r &* (_n &- j) &+ Int(truncatingIfNeeded: c) &- (used & (bit &- 1)).nonzeroBitCount
      used |= bit
    }
    return r
  }

  /// The index of the pattern's placement on `board`.
  @inlinable public func index(of board: TileBoard) -> Int { _index(board.positions) }

  /// The pattern moves needed from `board` (blank and other tiles ignored).
  @inlinable public func value(for board: TileBoard) -> Int {
    Int(_table.base[_index(board.positions)])
  }

  /// The stored value of entry `index` (``unreachable`` if no placement reaches the goal).
  public subscript(index: Int) -> Int {
    precondition(index >= 0 && index < entryCount, "pattern database index out of range")
    return Int(_table.base[index])
  }

  /// The index of the placement with `cells[j]` the cell of `tiles[j]`.
  public func index(forCells cells: [Int]) -> Int {
    precondition(cells.count == _k, "expected one cell per pattern tile")
    var positions = SIMD32<UInt8>.zero
    for (j, c) in cells.enumerated() {
      precondition(c >= 0 && c < _n, "cell \(c) is off the board")
      positions[tiles[j]] = UInt8(c)
    }
    precondition(Set(cells).count == _k, "two pattern tiles on one cell")
    return _index(positions)
  }

  /// The value of the placement with `cells[j]` the cell of `tiles[j]`.
  public func value(forCells cells: [Int]) -> Int { self[index(forCells: cells)] }

  /// The placement of entry `index`: `result[j]` is the cell of `tiles[j]`.
  public func cells(forIndex index: Int) -> [Int] {
    precondition(index >= 0 && index < entryCount, "pattern database index out of range")
    var digits = [Int](repeating: 0, count: _k)
    var x = index
    for j in stride(from: _k - 1, through: 0, by: -1) {
      digits[j] = x % (_n - j)
      x /= _n - j
    }
    var used: UInt32 = 0
    var out = [Int](repeating: 0, count: _k)
    for j in 0..<_k {
      let c = _selectFree(digits[j], used: used)
      out[j] = c
      used |= 1 << UInt32(c)
    }
    return out
  }

  /// How many entries hold each value (index = value, up to the largest finite value);
  /// unreachable entries are not counted.
  public func valueHistogram() -> [Int] {
    var counts = [Int](repeating: 0, count: 256)
    counts.withUnsafeMutableBufferPointer { c in
      let p = _table.base
      for i in 0..<entryCount { c[Int(p[i])] &+= 1 }
    }
    counts[Self.unreachable] = 0
    while counts.count > 1 && counts.last == 0 { counts.removeLast() }
    return counts
  }
}

/// The cell of the `d`-th (from 0) cell not in `used`: the least fixpoint of
/// `c = d + |used ∩ [0, c]|`, reached from `c = d` in at most `|used| + 1` steps.
@inline(__always)
internal func _selectFree(_ d: Int, used: UInt32) -> Int {
  var c = d
  while true {
    let below = UInt64(used) & ((2 &<< UInt64(c)) &- 1)
    let next = d &+ below.nonzeroBitCount
    if next == c { return c }
    c = next
  }
}

// MARK: - Builder

/// Zero-filled memory from `mmap`, marked for transparent huge pages (it is read at
/// random; 2 MiB pages keep the TLB from thrashing).
internal struct _ZeroedPages {
  let base: UnsafeMutableRawPointer
  let byteCount: Int

  init?(byteCount: Int) {
    let size = Swift.max(byteCount, 1)
    guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      p != MAP_FAILED
    else { return nil }
    #if os(Linux)
    _ = madvise(p, size, Int32(MADV_HUGEPAGE))
    #endif
    base = p
    self.byteCount = size
  }

  func release() { munmap(base, byteCount) }
}

/// The breadth-first construction; everything hot is a local of one function.
///
/// State of the search: two bits per (placement, cell of the blank), the cells of a
/// placement padded to a power of two: `00` unseen, `01` open in an even layer, `10` open
/// in an odd layer, `11` closed. One bit per block of 64 words and per layer parity says
/// which blocks hold open states, so sparse layers scan little. Expanding a state
/// flood-fills the blank's region from its cell, closes every cell of the region (so the
/// region is expanded once, whichever of its cells was reached first), records the depth
/// in the table if the placement has none yet, and opens the unseen (placement, cell)
/// pairs reached by sliding a pattern tile into the region.
internal enum _PatternDatabaseBuilder {
  /// Table plus search array, in bytes.
  static func bytesNeeded(cells n: Int, entries: Int) -> Int {
    var shift = 0
    while 1 << shift < n { shift += 1 }
    return entries &+ (((entries &<< shift) &+ 31) &>> 5) &* 8
  }

  static func build(
    rows: Int, columns: Int, tiles: [Int], into table: UnsafeMutablePointer<UInt8>,
    entries: Int, progress: ((PatternDatabase.BuildProgress) -> Void)?
  ) throws(PatternDatabaseError) {
    let n = rows * columns
    let k = tiles.count
    var shift = 0
    while 1 << shift < n { shift += 1 }
    // 32 two-bit slots per word; a placement's slots never straddle a word (≤ 32 slots).
    let words = ((entries << shift) + 31) >> 5
    let blockShift = 6
    let blocks = (words + 63) >> blockShift
    let blockWords = (blocks + 63) >> 6
    guard let stateMemory = _ZeroedPages(byteCount: words * 8),
      let blockMemory = _ZeroedPages(byteCount: 2 * blockWords * 8)
    else {
      throw PatternDatabaseError(
        .tooLarge, "cannot map \(words * 8) bytes for the search: \(PatternDatabase._errnoText())")
    }
    defer {
      stateMemory.release()
      blockMemory.release()
    }
    let state = stateMemory.base.bindMemory(to: UInt64.self, capacity: words)
    // openBlocks[parity * blockWords + b / 64] bit b % 64: block b has states open in
    // layers of that parity.
    let openBlocks = blockMemory.base.bindMemory(to: UInt64.self, capacity: 2 * blockWords)
    table.initialize(repeating: UInt8(PatternDatabase.unreachable), count: entries)

    // Geometry as bit masks over cells.
    let boardMask: UInt32 = (1 << UInt32(n)) - 1
    var notFirstColumn: UInt32 = 0
    var notLastColumn: UInt32 = 0
    for c in 0..<n {
      if c % columns != 0 { notFirstColumn |= 1 << UInt32(c) }
      if c % columns != columns - 1 { notLastColumn |= 1 << UInt32(c) }
    }
    let w = UInt32(columns)
    // Per cell: the cells strictly between it and the cell below; for the placement being
    // expanded, the pattern slot and digit weight of the tile on it (stale on free cells).
    let between = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
    let slotOf = UnsafeMutablePointer<Int>.allocate(capacity: n)
    let weightOf = UnsafeMutablePointer<Int>.allocate(capacity: n)
    // Per pattern slot j: digit weight, radix n − j and its reciprocal, and the cell of
    // tile j in the placement being expanded.
    let weight = UnsafeMutablePointer<Int>.allocate(capacity: k)
    let radix = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
    let reciprocal = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
    let cell = UnsafeMutablePointer<Int>.allocate(capacity: k)
    let digit = UnsafeMutablePointer<Int>.allocate(capacity: k)
    // Before tile j is placed: the cells of the earlier tiles, and (n ≤ 16) the other
    // cells as an ascending list of nibbles.
    let prefixUsed = UnsafeMutablePointer<UInt32>.allocate(capacity: k)
    let freeList = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
    defer {
      between.deallocate()
      digit.deallocate()
      prefixUsed.deallocate()
      freeList.deallocate()
      slotOf.deallocate()
      weightOf.deallocate()
      weight.deallocate()
      radix.deallocate()
      reciprocal.deallocate()
      cell.deallocate()
    }
    prefixUsed.initialize(repeating: 0, count: k)
    freeList.initialize(repeating: 0xFEDC_BA98_7654_3210, count: k)
    for c in 0..<n {
      let b: UInt32 = 1 << UInt32(c)
      between[c] = ((b << w) &- 1) & ~((b << 1) &- 1) & boardMask  // c+1 ..< c+columns
    }
    slotOf.initialize(repeating: 0, count: n)
    weightOf.initialize(repeating: 0, count: n)
    var wgt = 1
    for j in stride(from: k - 1, through: 0, by: -1) {
      weight[j] = wgt
      radix[j] = UInt64(n - j)
      // x / radix[j] is the high word of x · ⌈2⁶⁴ / radix[j]⌉, exact for x < 2³².
      reciprocal[j] = UInt64.max / UInt64(n - j) + 1
      wgt *= n - j
    }
    @inline(__always) func grow(_ r: UInt32, _ open: UInt32) -> UInt32 {
      (r | ((r &<< 1) & notFirstColumn) | ((r &>> 1) & notLastColumn) | (r &<< w) | (r &>> w))
        & open
    }
    @inline(__always) func flood(_ seed: UInt32, _ open: UInt32) -> UInt32 {
      var r = seed
      while true {
        let g = grow(r, open)
        if g == r { return r }
        r = g
      }
    }
    /// Bit i of `x` (i < 32) to bit 2i.
    @inline(__always) func spread(_ x: UInt32) -> UInt64 {
      var v = UInt64(x)
      v = (v | v &<< 16) & 0x0000_FFFF_0000_FFFF
      v = (v | v &<< 8) & 0x00FF_00FF_00FF_00FF
      v = (v | v &<< 4) & 0x0F0F_0F0F_0F0F_0F0F
      v = (v | v &<< 2) & 0x3333_3333_3333_3333
      v = (v | v &<< 1) & 0x5555_5555_5555_5555
      return v
    }

    // The goal: tile t on cell t, blank on cell 0 (never a pattern cell), open in layer 0.
    var goalIndex = 0
    var goalUsed: UInt32 = 0
    for j in 0..<k {
      let c = UInt32(tiles[j])
      goalIndex = goalIndex * (n - j) + Int(c) - (goalUsed & ((1 << c) - 1)).nonzeroBitCount
      goalUsed |= 1 << c
    }
    let goalSlot = goalIndex << shift
    state[goalSlot >> 5] |= 1 << UInt64((goalSlot & 31) << 1)
    openBlocks[(goalSlot >> 5) >> (blockShift + 6)] |= 1 << UInt64(((goalSlot >> 5) >> blockShift) & 63)

    let lowBits: UInt64 = 0x5555_5555_5555_5555
    var depth = 0
    var statesSeen = 0
    var filled = 0
    // The placement whose cells are in `cell`, `prefixUsed`, `used` (−1: none yet).
    var decoded = -1
    var used: UInt32 = 0
    // Whether the states of the layer being expanded are marked in the block bitmap, and
    // how many there are at most.
    var markedBlocks = true
    var layerSize = 1
    while true {
      let parity = depth & 1
      let openValue = UInt64(1 + parity)
      let childValue = UInt64(2 - parity)
      let pattern: UInt64 = parity == 0 ? lowBits : ~lowBits
      let myBlocks = openBlocks + parity * blockWords
      let childBlocks = openBlocks + (1 - parity) * blockWords
      let value = UInt8(depth)
      var expanded = 0
      var opened = 0
      // A dense layer marks no blocks: the next layer scans every block.
      let scanAll = !markedBlocks
      markedBlocks = layerSize < words &>> 4
      let marking = markedBlocks
      for bw in 0..<blockWords {
        var blockBits = scanAll ? ~0 : myBlocks[bw]
        if blockBits == 0 { continue }
        myBlocks[bw] = 0
        repeat {
          let block = bw &<< 6 | blockBits.trailingZeroBitCount
          blockBits &= blockBits &- 1
          let firstWord = block &<< blockShift
          let endWord = Swift.min(firstWord &+ (1 &<< blockShift), words)
          if firstWord >= words { break }
          var wi = firstWord
          while wi < endWord {
            defer { wi &+= 1 }
            let x = ~(state[wi] ^ pattern)
            var matches = x & (x &>> 1) & lowBits
            while matches != 0 {
              let bit = matches.trailingZeroBitCount
              matches &= matches &- 1
              // Expanding an earlier state of this word may have closed this one.
              if (state[wi] &>> UInt64(truncatingIfNeeded: bit)) & 3 != openValue { continue }
              let s = wi &<< 5 | bit &>> 1
              let placement = s &>> shift
              if placement != decoded {
                // Digits from the last (quotients by multiplying with the reciprocal),
                // only as far as they differ from the placement decoded before; then
                // the cells of the tiles from the first changed digit on.
                var first = 0
                if decoded >= 0 {
                  var xn = UInt64(truncatingIfNeeded: placement)
                  var xo = UInt64(truncatingIfNeeded: decoded)
                  first = k &- 1
                  while true {
                    let qn = xn.multipliedFullWidth(by: reciprocal[first]).high
                    let qo = xo.multipliedFullWidth(by: reciprocal[first]).high
                    digit[first] = Int(truncatingIfNeeded: xn &- qn &* radix[first])
                    if qn == qo { break }
                    xn = qn
                    xo = qo
                    first &-= 1
                  }
                } else {
                  var x = UInt64(truncatingIfNeeded: placement)
                  var j = k &- 1
                  while j >= 0 {
                    let q = x.multipliedFullWidth(by: reciprocal[j]).high
                    digit[j] = Int(truncatingIfNeeded: x &- q &* radix[j])
                    x = q
                    j &-= 1
                  }
                }
                decoded = placement
                var u = prefixUsed[first]
                if n <= 16 {
                  // The free cells as a list of nibbles; take out the d-th for digit d.
                  var list = freeList[first]
                  for j in first..<k {
                    freeList[j] = list
                    prefixUsed[j] = u
                    let sh = UInt64(truncatingIfNeeded: digit[j]) &<< 2
                    let c = Int(truncatingIfNeeded: (list &>> sh) & 0xF)
                    list = (list & ((1 &<< sh) &- 1)) | (((list &>> sh) &>> 4) &<< sh)
                    cell[j] = c
                    slotOf[c] = j
                    weightOf[c] = weight[j]
                    u |= 1 &<< UInt32(truncatingIfNeeded: c)
                  }
                } else {
                  for j in first..<k {
                    prefixUsed[j] = u
                    let c = _selectFree(digit[j], used: u)
                    cell[j] = c
                    slotOf[c] = j
                    weightOf[c] = weight[j]
                    u |= 1 &<< UInt32(truncatingIfNeeded: c)
                  }
                }
                used = u
              }
              let open = boardMask & ~used
              let region = flood(1 &<< UInt32(truncatingIfNeeded: s & ((1 &<< shift) &- 1)), open)
              // Close every cell of the region.
              let first = placement &<< shift
              state[first &>> 5] |= (spread(region) &* 3) &<< UInt64(truncatingIfNeeded: (first & 31) &<< 1)
              expanded &+= 1
              let known = table[placement]
              table[placement] = known < value ? known : value
              filled &+= known == 255 ? 1 : 0

              // Open the unseen children: slide a pattern tile into the region. The moved
              // tile's digit changes; for a vertical move so do the digits of the later
              // tiles standing between its old and new cell.
              @inline(__always) func visit(_ r: Int, blank: Int) {
                let cs = r &<< shift | blank
                let word = cs &>> 5
                let offset = UInt64(truncatingIfNeeded: (cs & 31) &<< 1)
                let v = state[word]
                if (v &>> offset) & 3 == 0 {
                  state[word] = v | childValue &<< offset
                  if marking {
                    let b = word &>> blockShift
                    childBlocks[b &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: b & 63)
                  }
                  opened &+= 1
                }
              }
              // The tile on `c` jumps the cells strictly between `lo` and `lo + columns`.
              @inline(__always) func verticalDelta(_ c: Int, _ lo: Int) -> Int {
                var m = used & between[lo]
                var digit = columns
                var later = 0
                let j = slotOf[c]
                while m != 0 {
                  let cc = m.trailingZeroBitCount
                  m &= m &- 1
                  if slotOf[cc] < j { digit &-= 1 } else { later &+= weightOf[cc] }
                }
                return digit &* weightOf[c] &+ later
              }
              var right = (region &>> 1) & used & notLastColumn
              while right != 0 {
                let c = right.trailingZeroBitCount
                right &= right &- 1
                visit(placement &+ weightOf[c], blank: c)
              }
              var left = (region &<< 1) & used & notFirstColumn
              while left != 0 {
                let c = left.trailingZeroBitCount
                left &= left &- 1
                visit(placement &- weightOf[c], blank: c)
              }
              var down = (region &>> w) & used
              while down != 0 {
                let c = down.trailingZeroBitCount
                down &= down &- 1
                visit(placement &+ verticalDelta(c, c), blank: c)
              }
              var up = (region &<< w) & used
              while up != 0 {
                let c = up.trailingZeroBitCount
                up &= up &- 1
                visit(placement &- verticalDelta(c, c &- columns), blank: c)
              }
            }
          }
        } while blockBits != 0
      }
      statesSeen += expanded
      progress?(
        .init(
          depth: depth, statesAtDepth: expanded, statesSeen: statesSeen, entriesFilled: filled,
          entryCount: entries))
      if opened == 0 { break }
      layerSize = opened
      depth += 1
      guard depth < 255 else {
        throw PatternDatabaseError(.tooLarge, "pattern distances exceed 254 moves")
      }
    }
  }
}

// MARK: - Files

extension PatternDatabase {
  /// File layout (little-endian), version 1:
  ///
  /// | offset | size | field |
  /// |---|---|---|
  /// | 0 | 8 | magic `FRPDB\r\n\u{1A}` |
  /// | 8 | 4 | format version (1) |
  /// | 12 | 1 | rows |
  /// | 13 | 1 | columns |
  /// | 14 | 1 | number of pattern tiles k |
  /// | 15 | 1 | bytes per entry (1) |
  /// | 16 | 32 | the pattern tiles, ascending, zero-padded |
  /// | 48 | 8 | entry count n!/(n−k)! |
  /// | 56 | 8 | checksum of the payload (``_checksum(_:count:)``) |
  /// | 64 | entry count | the table, one byte per entry in index order |
  internal static let _magic: [UInt8] = [0x46, 0x52, 0x50, 0x44, 0x42, 0x0D, 0x0A, 0x1A]
  internal static let _version: UInt32 = 1
  internal static let _headerSize = 64

  /// A fast 64-bit checksum: FNV-1a over little-endian 64-bit words in four interleaved
  /// lanes (so the multiplies overlap), the tail bytes folded into lane 0, the lanes and
  /// the length combined by FNV-1a and finished with the SplitMix64 avalanche. Every
  /// single-word change alters the result (each step is a bijection of the lane).
  internal static func _checksum(_ p: UnsafeRawPointer, count: Int) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    let basis: UInt64 = 0xCBF2_9CE4_8422_2325
    var h0 = basis
    var h1 = basis ^ 1
    var h2 = basis ^ 2
    var h3 = basis ^ 3
    var i = 0
    while i &+ 32 <= count {
      h0 = (h0 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* prime
      h1 = (h1 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)))
        &* prime
      h2 = (h2 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)))
        &* prime
      h3 = (h3 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)))
        &* prime
      i &+= 32
    }
    while i < count {
      h0 = (h0 ^ UInt64(p.load(fromByteOffset: i, as: UInt8.self))) &* prime
      i &+= 1
    }
    var h = basis
    h = (h ^ h0) &* prime
    h = (h ^ h1) &* prime
    h = (h ^ h2) &* prime
    h = (h ^ h3) &* prime
    h = (h ^ UInt64(count)) &* prime
    h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
    h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
    return h ^ (h >> 31)
  }

  internal static func _errnoText() -> String { String(cString: strerror(errno)) }

  /// Writes the database to `path` (through a temporary file in the same directory and a
  /// rename, so readers never see a half-written file).
  /// - Throws: ``PatternDatabaseError`` (`cannotOpen`, `writeFailed`).
  public func save(to path: String) throws(PatternDatabaseError) {
    var header = [UInt8](repeating: 0, count: Self._headerSize)
    for (i, b) in Self._magic.enumerated() { header[i] = b }
    func put(_ value: UInt64, at offset: Int, bytes: Int) {
      for i in 0..<bytes { header[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
    put(UInt64(Self._version), at: 8, bytes: 4)
    header[12] = UInt8(rows)
    header[13] = UInt8(columns)
    header[14] = UInt8(tiles.count)
    header[15] = 1
    for (j, t) in tiles.enumerated() { header[16 + j] = UInt8(t) }
    put(UInt64(entryCount), at: 48, bytes: 8)
    put(Self._checksum(UnsafeRawPointer(_table.base), count: entryCount), at: 56, bytes: 8)

    let temporary = path + ".tmp-\(getpid())"
    guard let f = fopen(temporary, "wb") else {
      throw PatternDatabaseError(
        .cannotOpen, path: temporary, "cannot create file: \(Self._errnoText())")
    }
    var ok = header.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) } == header.count
    var written = 0
    while ok && written < entryCount {
      let chunk = Swift.min(entryCount - written, 1 << 30)
      let n = fwrite(_table.base + written, 1, chunk, f)
      if n != chunk { ok = false }
      written += n
    }
    let reason = ok ? "" : Self._errnoText()
    if fclose(f) != 0 && ok {
      ok = false
    }
    guard ok else {
      unlink(temporary)
      throw PatternDatabaseError(
        .writeFailed, path: path,
        "writing failed: \(reason.isEmpty ? Self._errnoText() : reason)")
    }
    guard rename(temporary, path) == 0 else {
      let text = Self._errnoText()
      unlink(temporary)
      throw PatternDatabaseError(.writeFailed, path: path, "cannot rename the written file: \(text)")
    }
  }

  /// Reads a database written by ``save(to:)``.
  /// - Throws: ``PatternDatabaseError``: `cannotOpen`, `badMagic` (not a pattern
  ///   database), `unsupportedVersion`, `corruptHeader`, `truncated`,
  ///   `checksumMismatch`.
  public static func load(from path: String) throws(PatternDatabaseError) -> PatternDatabase {
    try _load(from: path, expecting: nil)
  }

  /// Reads a database and checks that it is the one for `tiles` on a `rows × columns`
  /// board (before reading the table).
  /// - Throws: ``PatternDatabaseError``, `mismatch` if the file holds another database.
  public static func load(
    from path: String, rows: Int, columns: Int, tiles: [Int]
  ) throws(PatternDatabaseError) -> PatternDatabase {
    let sorted = try _validate(rows: rows, columns: columns, tiles: tiles)
    return try _load(from: path, expecting: (rows, columns, sorted))
  }

  internal static func _load(
    from path: String, expecting: (rows: Int, columns: Int, tiles: [Int])?
  ) throws(PatternDatabaseError) -> PatternDatabase {
    guard let f = fopen(path, "rb") else {
      throw PatternDatabaseError(.cannotOpen, path: path, "cannot open: \(_errnoText())")
    }
    defer { fclose(f) }
    var st = stat()
    guard fstat(fileno(f), &st) == 0 else {
      throw PatternDatabaseError(.cannotOpen, path: path, "cannot stat: \(_errnoText())")
    }
    let fileSize = Int(st.st_size)
    var header = [UInt8](repeating: 0, count: _headerSize)
    let got = header.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
    let magicBytes = Swift.min(got, _magic.count)
    guard header[0..<magicBytes].elementsEqual(_magic[0..<magicBytes]) else {
      throw PatternDatabaseError(
        .badMagic, path: path, "not a Frontier pattern database (wrong magic bytes)")
    }
    guard got == _headerSize else {
      throw PatternDatabaseError(
        .truncated, path: path,
        "truncated: \(fileSize) bytes, shorter than the \(_headerSize)-byte header")
    }
    func get(_ offset: Int, bytes: Int) -> UInt64 {
      var v: UInt64 = 0
      for i in 0..<bytes { v |= UInt64(header[offset + i]) << (8 * UInt64(i)) }
      return v
    }
    let version = UInt32(get(8, bytes: 4))
    guard version == _version else {
      throw PatternDatabaseError(
        .unsupportedVersion, path: path,
        "format version \(version) is not supported (this build reads version \(_version))")
    }
    let rows = Int(header[12])
    let columns = Int(header[13])
    let k = Int(header[14])
    guard header[15] == 1, k >= 1, k <= 31 else {
      throw PatternDatabaseError(
        .corruptHeader, path: path,
        "corrupt header: \(k) tiles with \(header[15]) bytes per entry")
    }
    let tiles = (0..<k).map { Int(header[16 + $0]) }
    let sorted: [Int]
    do {
      sorted = try _validate(rows: rows, columns: columns, tiles: tiles)
    } catch {
      throw PatternDatabaseError(.corruptHeader, path: path, "corrupt header: \(error.message)")
    }
    guard sorted == tiles else {
      throw PatternDatabaseError(
        .corruptHeader, path: path, "corrupt header: pattern tiles \(tiles) are not ascending")
    }
    let entries: Int
    do {
      entries = try _entryCount(cells: rows * columns, tiles: k)
    } catch {
      throw PatternDatabaseError(.corruptHeader, path: path, "corrupt header: \(error.message)")
    }
    let declared = get(48, bytes: 8)
    guard declared == UInt64(entries) else {
      throw PatternDatabaseError(
        .corruptHeader, path: path,
        "corrupt header: \(declared) entries declared, a \(k)-tile pattern on \(rows)x\(columns) has \(entries)"
      )
    }
    if let e = expecting, e.rows != rows || e.columns != columns || e.tiles != tiles {
      throw PatternDatabaseError(
        .mismatch, path: path,
        "holds pattern \(tiles) on a \(rows)x\(columns) board, expected pattern \(e.tiles) on \(e.rows)x\(e.columns)"
      )
    }
    let payload = fileSize - _headerSize
    guard payload >= entries else {
      throw PatternDatabaseError(
        .truncated, path: path,
        "truncated: \(payload) of \(entries) table bytes present (file has \(fileSize) bytes)")
    }
    guard payload == entries else {
      throw PatternDatabaseError(
        .corruptHeader, path: path, "\(payload - entries) unexpected bytes after the table")
    }
    let table = _PatternTable(count: entries)
    var read = 0
    while read < entries {
      let n = fread(table.base + read, 1, entries - read, f)
      if n == 0 { break }
      read += n
    }
    guard read == entries else {
      throw PatternDatabaseError(
        .truncated, path: path,
        "truncated: read \(read) of \(entries) table bytes (\(ferror(f) != 0 ? _errnoText() : "end of file"))"
      )
    }
    let stored = get(56, bytes: 8)
    let actual = _checksum(UnsafeRawPointer(table.base), count: entries)
    guard stored == actual else {
      throw PatternDatabaseError(
        .checksumMismatch, path: path,
        "checksum mismatch (stored \(hex(stored)), computed \(hex(actual))): the table is corrupt")
    }
    return PatternDatabase(rows: rows, columns: columns, tiles: tiles, table: table)
  }
}

private func hex(_ v: UInt64) -> String {
  let s = String(v, radix: 16)
  return "0x" + String(repeating: "0", count: 16 - s.count) + s
}

// MARK: - Additive heuristic

/// One database as the heuristic reads it: raw table pointer (kept alive by
/// ``AdditivePatternDatabases/databases``), pattern tiles, digit weights and board size.
@usableFromInline @frozen
internal struct _PatternLookup: @unchecked Sendable {
  // Safety: the table is immutable and owned by a `PatternDatabase` held next to it.
  @usableFromInline internal let table: UnsafePointer<UInt8>
  @usableFromInline internal let tiles: SIMD32<UInt8>
  /// `weights[j]`: the index step of digit j, (n−j−1)!/(n−k)! (below 2³²).
  @usableFromInline internal let weights: SIMD32<UInt32>
  @usableFromInline internal let count: Int
  @usableFromInline internal let cells: Int

  internal init(_ db: PatternDatabase) {
    table = UnsafePointer(db._table.base)
    tiles = db._tileLanes
    count = db._k
    cells = db._n
    var w = SIMD32<UInt32>.zero
    var step: UInt32 = 1
    for j in stride(from: count - 1, through: 0, by: -1) {
      w[j] = step
      step = step &* UInt32(cells - j)
    }
    weights = w
  }

  /// The index of the placement read from `positions` (tile → cell).
  @inlinable @inline(__always)
  internal func index(_ positions: SIMD32<UInt8>) -> Int {
    var used: UInt32 = 0
    var r = 0
    for j in 0..<count {
      let c = UInt32(truncatingIfNeeded: positions[Int(truncatingIfNeeded: tiles[j] & 31)])
      let bit: UInt32 = 1 &<< c
      r = r &* (cells &- j) &+ Int(truncatingIfNeeded: c) &- (used & (bit &- 1)).nonzeroBitCount
      used |= bit
    }
    return r
  }
}

/// The sum of disjoint pattern databases (Korf & Felner 2002): admissible, because every
/// move moves one tile and each tile's moves are counted by at most one database. Tiles
/// in no pattern count nothing. Not consistent (values ignore where the blank is, so one
/// move can change the sum by more than 1): IDA* is unaffected, and A* stays optimal with
/// ``SearchOptions/reopenClosed`` (the default).
///
/// ``estimate(after:from:estimate:)`` looks up only the database of the tile that moves:
/// `h − old value + new value`. The new index follows from the old one: a horizontal move
/// of the tile in pattern slot j shifts it by the weight of digit j; a vertical move also
/// corrects for the pattern tiles on the cells it jumps. Copies share the tables.
///
/// ```swift
/// let puzzle = try SlidingTilePuzzle(tiles: instance)
/// let h = try AdditivePatternDatabases.korfFelner78(for: puzzle, cacheDirectory: "/tmp/pdb")
/// let result = idaStar(puzzle, heuristic: h)
/// ```
///
/// - Complexity: `estimate` O(Σ kᵢ); the incremental update O(k) for the moving tile's
///   pattern (one index, one correction of at most `columns − 1` cells).
public struct AdditivePatternDatabases: IncrementalHeuristic, Sendable {
  public typealias State = TileBoard
  public typealias Cost = Int
  public typealias Move = TileMove

  /// The databases, in the order given.
  public let databases: [PatternDatabase]
  @usableFromInline internal let _lookups: ContiguousArray<_PatternLookup>
  /// Database of each tile (255: none).
  @usableFromInline internal let _group: SIMD32<UInt8>
  /// Slot of each pattern tile within its database's pattern.
  @usableFromInline internal let _slot: SIMD32<UInt8>
  @usableFromInline internal let _columns: Int

  /// Sums `databases`, which must share one board and have disjoint patterns.
  /// - Throws: ``PatternDatabaseError`` (`invalidPattern`) otherwise.
  public init(_ databases: [PatternDatabase]) throws(PatternDatabaseError) {
    var group = SIMD32<UInt8>(repeating: 255)
    var slot = SIMD32<UInt8>.zero
    if let first = databases.first {
      for (g, db) in databases.enumerated() {
        guard db.rows == first.rows && db.columns == first.columns else {
          throw PatternDatabaseError(
            .invalidPattern,
            "databases for \(first.rows)x\(first.columns) and \(db.rows)x\(db.columns) boards cannot be added")
        }
        for (j, t) in db.tiles.enumerated() {
          guard group[t] == 255 else {
            throw PatternDatabaseError(
              .invalidPattern, "tile \(t) is in two patterns; additive patterns must be disjoint")
          }
          group[t] = UInt8(g)
          slot[t] = UInt8(j)
        }
      }
    }
    self.databases = databases
    self._lookups = ContiguousArray(databases.map(_PatternLookup.init))
    self._group = group
    self._slot = slot
    self._columns = databases.first?.columns ?? 0
  }

  @inlinable public func estimate(_ state: TileBoard) -> Int {
    var h = 0
    _lookups.withUnsafeBufferPointer { lookups in
      for l in lookups { h &+= Int(l.table[l.index(state.positions)]) }
    }
    return h
  }

  @inlinable @inline(__always)
  public func estimate(after move: TileMove, from state: TileBoard, estimate: Int) -> Int {
    // The tile on `move.to` slides from `old` to `new` (where the blank was).
    let old = Int(truncatingIfNeeded: move.to & 31)
    let new = Int(truncatingIfNeeded: move.from & 31)
    let tile = Int(truncatingIfNeeded: state.cells[old] & 31)
    let group = _group[tile]
    if group == 255 { return estimate }
    return _lookups.withUnsafeBufferPointer { lookups in
      let l = lookups[Int(truncatingIfNeeded: group)]
      let j = Int(truncatingIfNeeded: _slot[tile])
      let before = l.index(state.positions)
      let step = Int(truncatingIfNeeded: l.weights[j])
      let after: Int
      if new == old &+ 1 {
        after = before &+ step
      } else if new &+ 1 == old {
        after = before &- step
      } else {
        // Vertical: digit j grows by the row width less the earlier pattern tiles jumped;
        // each later pattern tile jumped loses one below it.
        let low = old < new ? old : new
        var digit = _columns
        var later = 0
        var c = low &+ 1
        let end = low &+ _columns
        while c < end {
          let t = Int(truncatingIfNeeded: state.cells[c & 31] & 31)
          if _group[t] == group {
            let i = Int(truncatingIfNeeded: _slot[t])
            if i < j { digit &-= 1 } else { later &+= Int(truncatingIfNeeded: l.weights[i & 31]) }
          }
          c &+= 1
        }
        let delta = digit &* step &+ later
        after = new > old ? before &+ delta : before &- delta
      }
      return estimate &- Int(l.table[before]) &+ Int(l.table[after])
    }
  }
}

// MARK: - Partitions, caching

/// What ``AdditivePatternDatabases/loadOrBuild(partition:puzzle:cacheDirectory:progress:)``
/// is doing.
public enum PatternDatabaseCacheEvent: Sendable {
  /// A valid cached database was read.
  case loaded(path: String)
  /// A cached file exists but cannot be used; the database is built again.
  case rejected(path: String, error: PatternDatabaseError)
  /// A layer of a build finished.
  case building(tiles: [Int], progress: PatternDatabase.BuildProgress)
  /// A database was built and written to `path`.
  case saved(path: String)
  /// A database was built but could not be written; it is used all the same.
  case saveFailed(path: String, error: PatternDatabaseError)
}

extension AdditivePatternDatabases {
  /// Korf & Felner's 7-8 partition of the 15-puzzle: tiles 1–7 (the top two rows but the
  /// blank's corner) and 8–15 (the bottom two rows).
  public static let korfFelner78Partition: [[Int]] = [Array(1...7), Array(8...15)]

  /// A small partition for a board, or nil if none is defined: 2x3 `{1,2} {3,4,5}`,
  /// 3x3 `{1,2,3,4} {5,6,7,8}`, 3x4 `{1,…,5} {6,…,11}`, 4x4 the 7-8 partition.
  public static func standardPartition(rows: Int, columns: Int) -> [[Int]]? {
    switch (rows, columns) {
    case (2, 3): return [[1, 2], [3, 4, 5]]
    case (3, 3): return [[1, 2, 3, 4], [5, 6, 7, 8]]
    case (3, 4): return [Array(1...5), Array(6...11)]
    case (4, 4): return korfFelner78Partition
    default: return nil
    }
  }

  /// Checks every pattern and that no tile is in two, before anything is built.
  internal static func _validate(partition: [[Int]], puzzle: SlidingTilePuzzle)
    throws(PatternDatabaseError)
  {
    var seen = Set<Int>()
    for tiles in partition {
      _ = try PatternDatabase._validate(rows: puzzle.rows, columns: puzzle.columns, tiles: tiles)
      for t in tiles where !seen.insert(t).inserted {
        throw PatternDatabaseError(
          .invalidPattern, "tile \(t) is in two patterns; additive patterns must be disjoint")
      }
    }
  }

  /// Builds a database for each pattern of `partition` (nothing is cached).
  public static func build(
    partition: [[Int]], puzzle: SlidingTilePuzzle,
    progress: ((_ tiles: [Int], _ progress: PatternDatabase.BuildProgress) -> Void)? = nil
  ) throws(PatternDatabaseError) -> AdditivePatternDatabases {
    try _validate(partition: partition, puzzle: puzzle)
    var dbs: [PatternDatabase] = []
    for tiles in partition {
      let report = progress.map { p in { (b: PatternDatabase.BuildProgress) in p(tiles, b) } }
      dbs.append(try PatternDatabase(puzzle: puzzle, tiles: tiles, progress: report))
    }
    return try AdditivePatternDatabases(dbs)
  }

  /// The cache file of a pattern: `directory/pdb-<rows>x<columns>-<t1>-<t2>-….bin`.
  public static func cachePath(
    for tiles: [Int], rows: Int, columns: Int, in directory: String
  ) -> String {
    let name = "pdb-\(rows)x\(columns)-" + tiles.sorted().map(String.init).joined(separator: "-")
    return (directory.hasSuffix("/") ? directory : directory + "/") + name + ".bin"
  }

  /// For each pattern, reads `cacheDirectory/pdb-<rows>x<columns>-<tiles>.bin` if it is a
  /// valid database of that pattern, and otherwise builds it and saves it there (creating
  /// the directory). A file that cannot be written is reported and skipped.
  public static func loadOrBuild(
    partition: [[Int]], puzzle: SlidingTilePuzzle, cacheDirectory: String,
    progress: ((PatternDatabaseCacheEvent) -> Void)? = nil
  ) throws(PatternDatabaseError) -> AdditivePatternDatabases {
    try _validate(partition: partition, puzzle: puzzle)
    var dbs: [PatternDatabase] = []
    for tiles in partition {
      let sorted = try PatternDatabase._validate(
        rows: puzzle.rows, columns: puzzle.columns, tiles: tiles)
      let path = cachePath(for: sorted, rows: puzzle.rows, columns: puzzle.columns, in: cacheDirectory)
      if access(path, F_OK) == 0 {
        do {
          let db = try PatternDatabase.load(
            from: path, rows: puzzle.rows, columns: puzzle.columns, tiles: sorted)
          progress?(.loaded(path: path))
          dbs.append(db)
          continue
        } catch {
          progress?(.rejected(path: path, error: error))
        }
      }
      let report = progress.map { p in
        { (b: PatternDatabase.BuildProgress) in p(.building(tiles: sorted, progress: b)) }
      }
      let db = try PatternDatabase(puzzle: puzzle, tiles: sorted, progress: report)
      do {
        try _makeDirectories(cacheDirectory)
        try db.save(to: path)
        progress?(.saved(path: path))
      } catch {
        progress?(.saveFailed(path: path, error: error))
      }
      dbs.append(db)
    }
    return try AdditivePatternDatabases(dbs)
  }

  /// The 7-8 additive databases for a 4x4 `puzzle`, read from or saved to
  /// `cacheDirectory` when one is given (about 576 MB of files), built otherwise.
  /// - Throws: ``PatternDatabaseError`` (`invalidPattern`) if `puzzle` is not 4x4.
  public static func korfFelner78(
    for puzzle: SlidingTilePuzzle, cacheDirectory: String? = nil,
    progress: ((PatternDatabaseCacheEvent) -> Void)? = nil
  ) throws(PatternDatabaseError) -> AdditivePatternDatabases {
    guard puzzle.rows == 4 && puzzle.columns == 4 else {
      throw PatternDatabaseError(
        .invalidPattern,
        "the 7-8 partition is for the 4x4 puzzle, not \(puzzle.rows)x\(puzzle.columns)")
    }
    if let dir = cacheDirectory {
      return try loadOrBuild(
        partition: korfFelner78Partition, puzzle: puzzle, cacheDirectory: dir, progress: progress)
    }
    return try build(partition: korfFelner78Partition, puzzle: puzzle) { tiles, b in
      progress?(.building(tiles: tiles, progress: b))
    }
  }

  /// `mkdir -p`.
  internal static func _makeDirectories(_ path: String) throws(PatternDatabaseError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += part
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw PatternDatabaseError(
          .writeFailed, path: prefix, "cannot create directory: \(PatternDatabase._errnoText())")
      }
      prefix += "/"
    }
  }
}
