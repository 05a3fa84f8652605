// The sliding-tile domain against a breadth-first oracle over all states of small boards
// (2x3, 3x2, 2x4 and 3x3: 9!/2 = 181,440 states), computed with an independent board
// encoding (see `NibbleBoard` in TestSupport.swift).

import FrontierCore
import FrontierStateSearch
import PropertyBased
import Testing

/// The puzzle seen only as a `SearchProblem`, so `idaStar` picks the generic copying
/// version instead of the in-place one.
struct PlainTilePuzzle: SearchProblem, Sendable {
  var puzzle: SlidingTilePuzzle
  var start: TileBoard { puzzle.start }
  func isGoal(_ s: TileBoard) -> Bool { puzzle.isGoal(s) }
  func expand(_ s: TileBoard, into successors: inout Successors<TileBoard, Int>) {
    puzzle.expand(s, into: &successors)
  }
}

/// Manhattan distance to an arbitrary target board (for the backward half of bidirectional
/// search, which estimates the distance to the start).
struct ManhattanToBoard: Heuristic, Sendable {
  var targetCell: [Int]
  var columns: Int
  init(_ target: TileBoard, rows: Int, columns: Int) {
    let tiles = target.tiles(count: rows * columns)
    var cellOf = [Int](repeating: 0, count: tiles.count)
    for (c, t) in tiles.enumerated() { cellOf[t] = c }
    targetCell = cellOf
    self.columns = columns
  }
  func estimate(_ s: TileBoard) -> Int {
    var h = 0
    for c in 0..<targetCell.count {
      let t = Int(s.cell(c))
      if t == 0 { continue }
      let g = targetCell[t]
      h += Swift.abs(c / columns - g / columns) + Swift.abs(c % columns - g % columns)
    }
    return h
  }
}

func nibbleKey(_ board: TileBoard, _ puzzle: SlidingTilePuzzle) -> UInt64 {
  NibbleBoard.pack(board.tiles(count: puzzle.cellCount))
}

/// Checks that `result` is an optimal solution of `puzzle` of `length` moves: starts at the
/// start, ends at the goal, every step one legal slide (by the independent oracle), cost =
/// number of moves.
func checkTilePath(
  _ result: SearchResult<TileBoard, Int>, _ puzzle: SlidingTilePuzzle, length: Int, _ label: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard case .solved(let path, let cost) = result.outcome else {
    Issue.record("\(label): expected a solution of \(length) moves, got \(result.outcome)", sourceLocation: sourceLocation)
    return
  }
  check(cost == length, "\(label): cost \(cost), optimum \(length)", sourceLocation: sourceLocation)
  check(path.count == cost + 1, "\(label): \(path.count) states for cost \(cost)", sourceLocation: sourceLocation)
  check(path.first == puzzle.start, "\(label): path does not start at the start", sourceLocation: sourceLocation)
  check(path.last.map(puzzle.isGoal) == true, "\(label): path does not end at the goal", sourceLocation: sourceLocation)
  for i in 1..<path.count {
    let a = nibbleKey(path[i - 1], puzzle)
    let b = nibbleKey(path[i], puzzle)
    if !NibbleBoard.neighbours(a, rows: puzzle.rows, columns: puzzle.columns).contains(b) {
      Issue.record(
        "\(label): step \(i) \(path[i - 1].tiles(count: puzzle.cellCount)) -> \(path[i].tiles(count: puzzle.cellCount)) is not one slide",
        sourceLocation: sourceLocation)
      return
    }
  }
}

/// All permutations of `0..<n` (Heap's algorithm).
func allPermutations(_ n: Int) -> [[Int]] {
  var a = Array(0..<n)
  var out = [a]
  var c = [Int](repeating: 0, count: n)
  var i = 0
  while i < n {
    if c[i] < i {
      if i % 2 == 0 { a.swapAt(0, i) } else { a.swapAt(c[i], i) }
      out.append(a)
      c[i] += 1
      i = 0
    } else {
      c[i] = 0
      i += 1
    }
  }
  return out
}

let oracleShapes: [(rows: Int, columns: Int)] = [(2, 3), (3, 2), (2, 4), (3, 3)]

@Suite("Sliding tiles", .shrinking(false))
struct SlidingTileTests {
  @Test("The BFS oracle reaches exactly half of all boards")
  func oracleSizes() {
    #expect(SlidingTileOracle.twoByThree.count == 360)
    #expect(SlidingTileOracle.threeByTwo.count == 360)
    #expect(SlidingTileOracle.twoByFour.count == 20_160)
    #expect(SlidingTileOracle.threeByThree.count == 181_440)
    #expect(SlidingTileOracle.threeByThree.values.max() == 31)  // the 8-puzzle's diameter
  }

  @Test("Solvers agree with the oracle on random boards: IDA* (in place and copying), A*, bidirectional, BFS")
  func solversAgreeWithOracle() async {
    await propertyCheck(count: 8, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      for (rows, columns) in oracleShapes {
        let tiles = randomWalkTiles(rows: rows, columns: columns, length: Int.random(in: 0...40, using: &rng), rng: &rng)
        let puzzle = try! SlidingTilePuzzle(rows: rows, columns: columns, tiles: tiles)
        let d = Int(SlidingTileOracle.table(rows: rows, columns: columns)[NibbleBoard.pack(tiles)]!)
        let tag = "seed \(seed) \(rows)x\(columns) \(tiles) (optimum \(d))"
        let manhattan = ManhattanDistance(puzzle)
        let conflict = LinearConflict(puzzle)

        let inPlace = idaStar(puzzle, heuristic: manhattan)
        checkTilePath(inPlace, puzzle, length: d, "\(tag) IDA* in place, Manhattan")
        checkTilePath(idaStar(puzzle, heuristic: conflict), puzzle, length: d, "\(tag) IDA* in place, linear conflict")

        // The copying IDA* explores the same tree in the same order: same path, same counts.
        let copying = idaStar(PlainTilePuzzle(puzzle: puzzle), heuristic: manhattan)
        checkTilePath(copying, puzzle, length: d, "\(tag) IDA* copying")
        check(copying.outcome == inPlace.outcome, "\(tag): copying and in-place IDA* found different paths")
        var sc = withoutTiming(copying.statistics)
        var si = withoutTiming(inPlace.statistics)
        if d == 0 { (sc.iterations, si.iterations) = (0, 0) }  // in place returns before its first iteration
        check(sc == si, "\(tag): copying IDA* \(sc) vs in-place \(si)")

        checkTilePath(aStar(puzzle, heuristic: manhattan), puzzle, length: d, "\(tag) A* Manhattan")
        checkTilePath(aStar(puzzle, heuristic: conflict), puzzle, length: d, "\(tag) A* linear conflict")
        checkTilePath(bidirectionalSearch(puzzle), puzzle, length: d, "\(tag) bidirectional Dijkstra")
        checkTilePath(
          bidirectionalSearch(
            puzzle, forwardHeuristic: manhattan,
            backwardHeuristic: ManhattanToBoard(puzzle.start, rows: rows, columns: columns)),
          puzzle, length: d, "\(tag) bidirectional Manhattan")
        if d <= 14 {
          checkTilePath(breadthFirstSearch(puzzle), puzzle, length: d, "\(tag) BFS")
        }
      }
    }
  }

  @Test("IDA* solves an 8-puzzle board at the diameter (31 moves)")
  func hardestEightPuzzle() throws {
    let hardest = SlidingTileOracle.threeByThree.first { $0.value == 31 }!.key
    let puzzle = try SlidingTilePuzzle(rows: 3, columns: 3, tiles: NibbleBoard.unpack(hardest, count: 9))
    checkTilePath(idaStar(puzzle, heuristic: LinearConflict(puzzle)), puzzle, length: 31, "IDA* linear conflict")
    checkTilePath(aStar(puzzle, heuristic: ManhattanDistance(puzzle)), puzzle, length: 31, "A* Manhattan")
  }

  @Test(
    "Manhattan and linear conflict are admissible and consistent (every 2x3 and 3x2 board; 8,000 2x4 and 3x3 boards with their neighbours)",
    arguments: [(2, 3), (3, 2), (2, 4), (3, 3)])
  func heuristicsAdmissibleAndConsistent(rows: Int, columns: Int) throws {
    let table = SlidingTileOracle.table(rows: rows, columns: columns)
    let puzzle = try SlidingTilePuzzle(rows: rows, columns: columns, tiles: Array(0..<(rows * columns)))
    let manhattan = ManhattanDistance(puzzle)
    let conflict = LinearConflict(puzzle)
    var hm: [UInt64: Int] = [:]
    var hc: [UInt64: Int] = [:]
    hm.reserveCapacity(table.count)
    hc.reserveCapacity(table.count)
    var failures = 0
    // Every board of the small shapes; a seeded sample of the larger ones (all 181,440
    // 3x3 boards take several seconds in a debug build).
    var keys = Array(table.keys)
    if keys.count > 10_000 {
      var rng = Xoshiro256StarStar(seed: 8)
      keys.shuffle(using: &rng)
      keys.removeSubrange(8_000...)
    }
    func h(_ key: UInt64) -> (Int, Int) {
      if let m = hm[key] { return (m, hc[key]!) }
      let board = TileBoard(tiles: NibbleBoard.unpack(key, count: rows * columns))
      let m = manhattan.estimate(board)
      let c = conflict.estimate(board)
      hm[key] = m
      hc[key] = c
      return (m, c)
    }
    for key in keys {
      let d = table[key]!
      let (m, c) = h(key)
      if !(m <= Int(d) && m <= c && c <= Int(d)) {
        failures += 1
        if failures < 5 {
          Issue.record("\(NibbleBoard.unpack(key, count: rows * columns)): Manhattan \(m), linear conflict \(c), distance \(d)")
        }
      }
    }
    for key in keys {
      let (m, c) = h(key)
      for n in NibbleBoard.neighbours(key, rows: rows, columns: columns) {
        let (mn, cn) = h(n)
        if Swift.abs(m - mn) > 1 || Swift.abs(c - cn) > 1 {
          failures += 1
          if failures < 5 {
            Issue.record(
              "\(NibbleBoard.unpack(key, count: rows * columns)) -> \(NibbleBoard.unpack(n, count: rows * columns)): Manhattan \(m) -> \(mn), linear conflict \(c) -> \(cn)")
          }
        }
      }
    }
    #expect(failures == 0)
  }

  @Test("Incremental Manhattan equals recomputation along random walks; apply and undo are inverses")
  func incrementalManhattan() async throws {
    let shapes = [(2, 2), (2, 3), (3, 3), (2, 5), (4, 4), (3, 5), (5, 5), (4, 6), (2, 12)]
    await propertyCheck(count: 20, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      for (rows, columns) in shapes {
        let n = rows * columns
        let puzzle = try! SlidingTilePuzzle(rows: rows, columns: columns, tiles: Array(0..<n))
        let manhattan = ManhattanDistance(puzzle)
        let conflict: LinearConflict? = rows <= 5 && columns <= 5 ? LinearConflict(puzzle) : nil
        var state = puzzle.start
        var h = manhattan.estimate(state)
        var previous: TileMove? = nil
        for step in 0..<60 {
          let moves = (0..<puzzle.moveSlots).compactMap { puzzle.move($0, in: state, after: previous) }
          guard !moves.isEmpty else {
            Issue.record("seed \(seed) \(rows)x\(columns): no move at step \(step)")
            return
          }
          let m = moves[Int.random(in: 0..<moves.count, using: &rng)]
          let before = state
          let hAfter = manhattan.estimate(after: m, from: state, estimate: h)
          let cAfter = conflict?.estimate(after: m, from: state, estimate: conflict!.estimate(state))
          puzzle.apply(m, to: &state)
          h = manhattan.estimate(state)
          let tag = "seed \(seed) \(rows)x\(columns) step \(step)"
          check(hAfter == h, "\(tag): incremental Manhattan \(hAfter), recomputed \(h)")
          if let conflict { check(cAfter == conflict.estimate(state), "\(tag): incremental linear conflict differs") }
          check(puzzle.cost(of: m, in: before) == 1, "\(tag): a slide costs 1")
          // The blank field agrees with the cells.
          check(Int(state.cell(state.blank)) == 0, "\(tag): blank field disagrees with cells")
          let pos = state.positions(count: n)
          for c in 0..<n where Int(pos[Int(state.cell(c))]) != c {
            Issue.record("\(tag): positions[cells[\(c)]] != \(c)")
          }
          var undone = state
          puzzle.undo(m, on: &undone)
          check(undone == before && undone.blank == before.blank, "\(tag): undo did not restore the board")
          previous = m
        }
      }
    }
  }

  @Test("isSolvable equals reachability: every permutation of 2x3 and 3x2, exactly half")
  func solvabilitySmallBoards() throws {
    for (rows, columns) in [(2, 3), (3, 2)] {
      let table = SlidingTileOracle.table(rows: rows, columns: columns)
      var solvable = 0
      let permutations = allPermutations(6)
      #expect(permutations.count == 720)
      for tiles in permutations {
        let p = try SlidingTilePuzzle(rows: rows, columns: columns, tiles: tiles)
        let reachable = table[NibbleBoard.pack(tiles)] != nil
        check(p.isSolvable == reachable, "\(rows)x\(columns) \(tiles): isSolvable \(p.isSolvable), reachable \(reachable)")
        if p.isSolvable { solvable += 1 }
      }
      #expect(solvable == 360)
    }
  }

  @Test("isSolvable equals reachability on random 2x4 and 3x3 boards")
  func solvabilityLargerBoards() throws {
    var rng = Xoshiro256StarStar(seed: 99)
    for _ in 0..<3_000 {
      let tiles = Array(0..<8).shuffled(using: &rng)
      let p = try SlidingTilePuzzle(rows: 2, columns: 4, tiles: tiles)
      check(p.isSolvable == (SlidingTileOracle.twoByFour[NibbleBoard.pack(tiles)] != nil), "2x4 \(tiles)")
    }
    for _ in 0..<3_000 {
      let tiles = Array(0..<9).shuffled(using: &rng)
      let p = try SlidingTilePuzzle(tiles: tiles)
      check(p.isSolvable == (SlidingTileOracle.threeByThree[NibbleBoard.pack(tiles)] != nil), "3x3 \(tiles)")
    }
  }

  @Test("Bad instances throw a SlidingTileError that names the problem")
  func badInputs() {
    func message(_ body: () throws -> SlidingTilePuzzle) -> String? {
      do {
        _ = try body()
        return nil
      } catch let error as SlidingTileError {
        return error.message
      } catch {
        Issue.record("threw \(type(of: error)), not SlidingTileError")
        return "\(error)"
      }
    }
    // Missing tile 0 (its place taken by an out-of-range 9).
    let outOfRange = message { try SlidingTilePuzzle(tiles: [1, 2, 3, 4, 5, 6, 7, 8, 9]) }
    #expect(outOfRange?.contains("9") == true, "\(outOfRange ?? "no error")")
    // Missing tile 8 (its place taken by a second 7).
    let repeated = message { try SlidingTilePuzzle(tiles: [0, 1, 2, 3, 4, 5, 6, 7, 7]) }
    #expect(repeated?.contains("7") == true, "\(repeated ?? "no error")")
    let negative = message { try SlidingTilePuzzle(rows: 2, columns: 3, tiles: [0, 1, 2, 3, 4, -1]) }
    #expect(negative?.contains("-1") == true, "\(negative ?? "no error")")
    // Wrong count.
    let short = message { try SlidingTilePuzzle(rows: 3, columns: 3, tiles: [0, 1, 2, 3, 4, 5, 6, 7]) }
    #expect(short?.contains("9") == true && short?.contains("8") == true, "\(short ?? "no error")")
    let notSquare = message { try SlidingTilePuzzle(tiles: Array(0..<10)) }
    #expect(notSquare?.contains("10") == true, "\(notSquare ?? "no error")")
    // Too big or degenerate boards.
    let tooBig = message { try SlidingTilePuzzle(tiles: Array(0..<36)) }
    #expect(tooBig?.contains("6x6") == true, "\(tooBig ?? "no error")")
    let tooBigRect = message { try SlidingTilePuzzle(rows: 2, columns: 13, tiles: Array(0..<26)) }
    #expect(tooBigRect?.contains("2x13") == true, "\(tooBigRect ?? "no error")")
    let oneRow = message { try SlidingTilePuzzle(rows: 1, columns: 4, tiles: [0, 1, 2, 3]) }
    #expect(oneRow?.contains("1x4") == true, "\(oneRow ?? "no error")")
    // The largest legal boards are accepted.
    #expect(message { try SlidingTilePuzzle(tiles: Array(0..<25)) } == nil)
    #expect(message { try SlidingTilePuzzle(rows: 2, columns: 12, tiles: Array(0..<24)) } == nil)
  }

  @Test("TileBoard: equality and hashing agree; the packed key is the exact nibble encoding up to 16 cells")
  func boardIdentity() async {
    // Up to 4x4: the packed key is the nibble encoding, so it is exact; equal boards hash equally.
    await propertyCheck(count: 200, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = [4, 6, 8, 9, 12, 16][Int.random(in: 0..<6, using: &rng)]
      let tiles = Array(0..<n).shuffled(using: &rng)
      let board = TileBoard(tiles: tiles)
      check(board.packedKey == NibbleBoard.pack(tiles), "\(tiles): packed key is not the nibble encoding")
      check(board.tiles(count: n) == tiles, "\(tiles): tiles(count:) round trip")
      check(Int(board.position(of: 0)) == tiles.firstIndex(of: 0)!, "\(tiles): blank")
      check(board.blank == tiles.firstIndex(of: 0)!, "\(tiles): blank")
      let same = TileBoard(tiles: tiles)
      check(board == same && board.hashValue == same.hashValue, "\(tiles): equal boards")
      var other = tiles
      other.swapAt(1, 2)
      check(TileBoard(tiles: other) != board, "\(tiles): different boards compare equal")
    }
  }

  @Test(
    "In-place IDA* on the 15-puzzle counts exactly like the C anchor (bench/state-search/ida15.c)",
    arguments: [
      // Boards from seeded random walks; cost, expanded and generated printed by ida15.c
      // (gcc -O2) for the same boards.
      ([1, 5, 7, 2, 4, 9, 6, 3, 0, 12, 10, 11, 13, 8, 14, 15], 14, 52, 99),
      ([8, 2, 4, 7, 9, 5, 3, 6, 0, 13, 10, 11, 1, 12, 14, 15], 24, 754, 1_517),
      ([8, 5, 0, 6, 1, 4, 10, 3, 9, 7, 2, 15, 12, 11, 13, 14], 32, 12_693, 26_366),
      ([0, 6, 2, 3, 1, 14, 10, 7, 8, 5, 15, 13, 12, 11, 4, 9], 36, 37_961, 79_334),
    ])
  func idaStarMatchesAnchorCounts(tiles: [Int], cost: Int, expanded: Int, generated: Int) throws {
    let puzzle = try SlidingTilePuzzle(tiles: tiles)
    let r = idaStar(puzzle, heuristic: ManhattanDistance(puzzle))
    #expect(r.cost == cost)
    #expect(r.statistics.expanded == expanded)
    #expect(r.statistics.generated == generated)
  }

  @Test("In-place IDA* obeys limits")
  func idaStarLimits() throws {
    let hardest = SlidingTileOracle.threeByThree.first { $0.value == 31 }!.key
    let puzzle = try SlidingTilePuzzle(rows: 3, columns: 3, tiles: NibbleBoard.unpack(hardest, count: 9))
    let r = idaStar(puzzle, heuristic: ManhattanDistance(puzzle), options: SearchOptions(limits: SearchLimits(maxExpansions: 10)))
    #expect(r.outcome == .stopped(.expansionLimit))
    #expect(r.statistics.expanded == 10)
    let t = idaStar(
      puzzle, heuristic: ManhattanDistance(puzzle),
      options: SearchOptions(limits: SearchLimits(maxDuration: .zero, checkInterval: 16)))
    #expect(t.outcome == .stopped(.timeLimit))
  }

  @Test("Linear conflict equals its definition on random boards of every shape with lines of at most 5 cells")
  func linearConflictMatchesDefinition() async {
    let shapes = [(2, 2), (2, 3), (3, 2), (3, 3), (2, 4), (4, 2), (2, 5), (5, 3), (4, 4), (4, 5), (5, 5)]
    await propertyCheck(count: 20, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      for (rows, columns) in shapes {
        let message = linearConflictMismatch(rows: rows, columns: columns, boards: 10, rng: &rng)
        check(message == nil, "seed \(seed): \(message ?? "")")
      }
    }
  }

  @Test("Linear conflict works on every legal board shape, also with lines longer than 5 cells")
  func linearConflictOnLongLines() async {
    // Bug: LinearConflict collects a line's tiles into a 5-element tuple; boards such as
    // 2x6 … 2x12 or 6x2 … 12x2 and 3x6 … 3x8 (legal: at most 25 cells) write past it:
    // undefined behaviour (wrong values or a crash). Run in a child process so a crash
    // cannot take the test runner down.
    // (Seen in a debug build: "Swift/UnsafeBufferPointer.swift:575: Fatal error", the
    // buffer's bounds check, on the 2x6 board.)
    await #expect(processExitsWith: .success) {
      var rng = Xoshiro256StarStar(seed: 1)
      for (rows, columns) in [(2, 6), (6, 2), (2, 12), (12, 2), (3, 7), (3, 8), (4, 6)] {
        if let message = linearConflictMismatch(rows: rows, columns: columns, boards: 20, rng: &rng) {
          fatalError(message)
        }
      }
    }
  }
}

/// Linear conflict from its definition: Manhattan distance plus, for each row (column),
/// twice the number of tiles in their goal row (column) outside a longest subsequence that
/// is already in goal order. `tiles` in row-major order; the goal has tile t on cell t.
func referenceLinearConflict(_ tiles: [Int], rows: Int, columns: Int) -> Int {
  func longestIncreasing(_ a: [Int]) -> Int {
    var best = [Int](repeating: 1, count: a.count)
    for i in a.indices {
      for j in 0..<i where a[j] < a[i] { best[i] = Swift.max(best[i], best[j] + 1) }
    }
    return best.max() ?? 0
  }
  var h = 0
  for (c, t) in tiles.enumerated() where t != 0 {
    h += Swift.abs(c / columns - t / columns) + Swift.abs(c % columns - t % columns)
  }
  for r in 0..<rows {
    let line = (0..<columns).map { tiles[r * columns + $0] }.filter { $0 != 0 && $0 / columns == r }.map { $0 % columns }
    h += 2 * (line.count - longestIncreasing(line))
  }
  for c in 0..<columns {
    let line = (0..<rows).map { tiles[$0 * columns + c] }.filter { $0 != 0 && $0 % columns == c }.map { $0 / columns }
    h += 2 * (line.count - longestIncreasing(line))
  }
  return h
}

/// Compares `LinearConflict` with ``referenceLinearConflict(_:rows:columns:)`` on random
/// boards (half of them random permutations, half near the goal); returns a description of
/// the first difference.
func linearConflictMismatch(rows: Int, columns: Int, boards: Int, rng: inout Xoshiro256StarStar) -> String? {
  let n = rows * columns
  let heuristic = LinearConflict(try! SlidingTilePuzzle(rows: rows, columns: columns, tiles: Array(0..<n)))
  for i in 0..<boards {
    var tiles = Array(0..<n)
    if i % 2 == 0 {
      tiles.shuffle(using: &rng)
    } else {
      for _ in 0..<3 { tiles.swapAt(Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)) }
    }
    let got = heuristic.estimate(TileBoard(tiles: tiles))
    let expected = referenceLinearConflict(tiles, rows: rows, columns: columns)
    if got != expected { return "\(rows)x\(columns) \(tiles): LinearConflict \(got), definition \(expected)" }
  }
  return nil
}
