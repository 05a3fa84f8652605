#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import PropertyBased
import FrontierCore
@testable import FrontierStateSearch

// MARK: - Oracle

/// Distances in the abstract space computed the naive way: Dijkstra (buckets, since costs
/// are 0 and 1) over concrete abstract states — the cell of every pattern tile *and* of
/// the blank — where the blank swapping with a pattern tile costs 1 and with anything else
/// costs 0. Returns, for every placement key `Σ cells[j]·nʲ` of distinct cells, the minimum
/// over blank cells (nil where no blank cell reaches the goal).
private func oracleDistances(rows: Int, columns: Int, tiles: [Int]) -> [Int: Int] {
  let n = rows * columns
  let k = tiles.count
  var power = 1
  for _ in 0..<k { power *= n }
  // key = placement + power · blank
  func neighbours(_ c: Int) -> [Int] {
    var out: [Int] = []
    if c >= columns { out.append(c - columns) }
    if c % columns > 0 { out.append(c - 1) }
    if c % columns < columns - 1 { out.append(c + 1) }
    if c + columns < n { out.append(c + columns) }
    return out
  }
  var dist = [Int](repeating: .max, count: power * n)
  var goalPlacement = 0
  var p = 1
  for t in tiles {
    goalPlacement += t * p
    p *= n
  }
  let goal = goalPlacement + power * 0
  dist[goal] = 0
  var buckets: [[Int]] = [[goal]]
  var d = 0
  while d < buckets.count {
    var i = 0
    while i < buckets[d].count {
      let s = buckets[d][i]
      i += 1
      if dist[s] < d { continue }
      let blank = s / power
      var placement = s % power
      var cells: [Int] = []
      for _ in 0..<k {
        cells.append(placement % n)
        placement /= n
      }
      for nb in neighbours(blank) {
        var newCells = cells
        var cost = 0
        if let j = cells.firstIndex(of: nb) {
          newCells[j] = blank
          cost = 1
        }
        var key = 0
        var q = 1
        for c in newCells {
          key += c * q
          q *= n
        }
        key += power * nb
        if d + cost < dist[key] {
          dist[key] = d + cost
          while buckets.count <= d + cost { buckets.append([]) }
          buckets[d + cost].append(key)
        }
      }
    }
    d += 1
  }
  var best: [Int: Int] = [:]
  for key in 0..<(power * n) where dist[key] != .max {
    let placement = key % power
    best[placement] = min(best[placement] ?? .max, dist[key])
  }
  return best
}

/// Every ordered choice of `k` distinct cells out of `n`.
private func placements(cells n: Int, count k: Int) -> [[Int]] {
  if k == 0 { return [[]] }
  var out: [[Int]] = []
  for rest in placements(cells: n, count: k - 1) {
    for c in 0..<n where !rest.contains(c) { out.append(rest + [c]) }
  }
  return out
}

private func placementKey(_ cells: [Int], n: Int) -> Int {
  var key = 0
  var q = 1
  for c in cells {
    key += c * q
    q *= n
  }
  return key
}

// MARK: - Values equal the oracle

@Test(arguments: [
  (2, 3, [1, 2]), (2, 3, [3, 4, 5]), (2, 3, [1, 2, 3, 4]), (2, 3, [1, 2, 3, 4, 5]),
  (3, 2, [1, 3, 5]), (3, 3, [1, 2, 3, 4]), (3, 3, [5, 6, 7, 8]), (3, 3, [2, 4, 6]),
  (4, 4, [1, 5, 10]), (2, 2, [1, 2]), (4, 5, [3, 9, 14]), (5, 5, [1, 7]),
])
func valuesMatchNaiveAbstractDistances(rows: Int, columns: Int, tiles: [Int]) throws {
  let db = try PatternDatabase(rows: rows, columns: columns, tiles: tiles)
  let n = rows * columns
  #expect(db.tiles == tiles.sorted())
  var expectedCount = 1
  for j in 0..<tiles.count { expectedCount *= n - j }
  #expect(db.entryCount == expectedCount)
  let oracle = oracleDistances(rows: rows, columns: columns, tiles: db.tiles)
  var seenIndices = Set<Int>()
  var mismatches = 0
  for cells in placements(cells: n, count: tiles.count) {
    let index = db.index(forCells: cells)
    #expect(index >= 0 && index < db.entryCount)
    seenIndices.insert(index)
    #expect(db.cells(forIndex: index) == cells)
    let expected = oracle[placementKey(cells, n: n)] ?? PatternDatabase.unreachable
    if db[index] != expected { mismatches += 1 }
  }
  #expect(mismatches == 0)
  #expect(seenIndices.count == db.entryCount, "the index is a bijection onto 0..<entryCount")
  #expect(db.value(forCells: db.tiles) == 0)
}

@Test func fullPatternLeavesTheOddHalfUnreachable() throws {
  // With every tile in the pattern the abstract space is the puzzle itself: half of the
  // placements have the wrong parity.
  let db = try PatternDatabase(rows: 2, columns: 3, tiles: [1, 2, 3, 4, 5])
  var unreachable = 0
  for i in 0..<db.entryCount where db[i] == PatternDatabase.unreachable { unreachable += 1 }
  #expect(unreachable == db.entryCount / 2)
  #expect(db.valueHistogram().reduce(0, +) == db.entryCount / 2)
}

// MARK: - 3x3: admissibility and incremental updates over all states

/// Optimal distances of all 9!/2 solvable 3x3 boards from a breadth-first search from the
/// goal, indexed by the Lehmer rank of the cell contents.
private struct EightPuzzleSpace {
  var dist: [UInt8]
  var boards: [TileBoard]

  static func rank(_ b: TileBoard) -> Int {
    var used: UInt32 = 0
    var r = 0
    for c in 0..<9 {
      let t = UInt32(b.cells[c])
      r = r * (9 - c) + Int(t) - (used & ((1 << t) - 1)).nonzeroBitCount
      used |= 1 << t
    }
    return r
  }

  init(_ p: SlidingTilePuzzle) {
    dist = [UInt8](repeating: 255, count: 362_880)
    boards = [p.goal]
    boards.reserveCapacity(181_440)
    dist[Self.rank(p.goal)] = 0
    var head = 0
    while head < boards.count {
      let s = boards[head]
      head += 1
      let d = dist[Self.rank(s)]
      for slot in 0..<4 {
        guard let m = p.move(slot, in: s, after: nil) else { continue }
        var t = s
        p.apply(m, to: &t)
        let r = Self.rank(t)
        if dist[r] == 255 {
          dist[r] = d + 1
          boards.append(t)
        }
      }
    }
  }
}

private let eightPuzzle = try! SlidingTilePuzzle(tiles: Array(0..<9))
private let eightSpace = EightPuzzleSpace(eightPuzzle)
private let eightHalves = try! AdditivePatternDatabases.build(
  partition: AdditivePatternDatabases.standardPartition(rows: 3, columns: 3)!, puzzle: eightPuzzle)

@Test func additiveSumIsAdmissibleOnEvery8PuzzleState() {
  let space = eightSpace
  #expect(space.boards.count == 181_440)
  let h = eightHalves
  var notAdmissible = 0
  var inconsistentEdges = 0
  var incrementalWrong = 0
  var sumH = 0
  for s in space.boards {
    let hs = h.estimate(s)
    sumH += hs
    if hs > Int(space.dist[EightPuzzleSpace.rank(s)]) { notAdmissible += 1 }
    for slot in 0..<4 {
      guard let m = eightPuzzle.move(slot, in: s, after: nil) else { continue }
      var t = s
      eightPuzzle.apply(m, to: &t)
      let ht = h.estimate(t)
      if abs(ht - hs) > 1 { inconsistentEdges += 1 }
      if h.estimate(after: m, from: s, estimate: hs) != ht { incrementalWrong += 1 }
    }
  }
  #expect(h.estimate(eightPuzzle.goal) == 0)
  #expect(notAdmissible == 0)
  // Not consistent: a value is the minimum over the blank's regions, so one move can
  // change it by more than 1 (37,704 of the 483,840 directed edges here, by up to 7).
  #expect(inconsistentEdges > 0)
  #expect(incrementalWrong == 0)
  // The 4-4 partition is a real improvement on average (Manhattan averages about 14.0).
  let manhattan = ManhattanDistance(eightPuzzle)
  let sumManhattan = space.boards.reduce(0) { $0 + manhattan.estimate($1) }
  #expect(sumH > sumManhattan)
}

@Test func idaStarWithAdditivePatternDatabasesIsOptimalOn8Puzzle() async {
  let space = eightSpace
  await propertyCheck(count: 20, input: Gen.int(in: 0..<181_440)) { i in
    let board = space.boards[i]
    let p = eightPuzzle.with(start: board)
    let r = idaStar(p, heuristic: eightHalves)
    #expect(r.cost == Int(space.dist[EightPuzzleSpace.rank(board)]))
  }
}

// MARK: - 4x4: incremental update over random walks

private let fifteenPuzzle = try! SlidingTilePuzzle(tiles: Array(0..<16))
private let fifteenTriples = try! AdditivePatternDatabases.build(
  partition: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14]], puzzle: fifteenPuzzle)

@Test func incrementalUpdateEqualsRecomputationOnRandomWalks() async {
  let h = fifteenTriples
  await propertyCheck(count: 30, input: Gen.uint64(in: 0...UInt64.max)) { seed in
    var rng = Xoshiro256StarStar(seed: seed)
    var s = fifteenPuzzle.goal
    var hs = h.estimate(s)
    var previous: TileMove? = nil
    for _ in 0..<300 {
      var moves: [TileMove] = []
      for slot in 0..<4 {
        if let m = fifteenPuzzle.move(slot, in: s, after: previous) { moves.append(m) }
      }
      let m = moves[Int(rng.next() % UInt64(moves.count))]
      let incremental = h.estimate(after: m, from: s, estimate: hs)
      fifteenPuzzle.apply(m, to: &s)
      hs = h.estimate(s)
      #expect(incremental == hs)
      previous = m
    }
    // Tile 15 is in no pattern: moving it leaves the estimate unchanged.
    #expect(h.databases.allSatisfy { !$0.tiles.contains(15) })
  }
}

@Test func lookupsAgreeWithThePatternDatabaseAPI() throws {
  var rng = Xoshiro256StarStar(seed: 7)
  var s = fifteenPuzzle.goal
  for _ in 0..<500 {
    let slot = Int(rng.next() % 4)
    if let m = fifteenPuzzle.move(slot, in: s, after: nil) { fifteenPuzzle.apply(m, to: &s) }
  }
  var sum = 0
  for db in fifteenTriples.databases {
    let cells = db.tiles.map { Int(s.positions[$0]) }
    #expect(db.index(of: s) == db.index(forCells: cells))
    #expect(db.value(for: s) == db.value(forCells: cells))
    sum += db.value(for: s)
  }
  #expect(fifteenTriples.estimate(s) == sum)
}

// MARK: - Files

private func temporaryDirectory() -> String {
  var template = Array("/tmp/frontier-pdb-test-XXXXXX".utf8CString)
  let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
  precondition(made != nil, "mkdtemp failed")
  return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func removeDirectory(_ dir: String) {
  if let d = opendir(dir) {
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { unlink(dir + "/" + name) }
    }
    closedir(d)
  }
  rmdir(dir)
}

private func readBytes(_ path: String) -> [UInt8] {
  guard let f = fopen(path, "rb") else { return [] }
  defer { fclose(f) }
  var out: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
    if n == 0 { break }
    out += buffer[0..<n]
  }
  return out
}

private func writeBytes(_ path: String, _ bytes: [UInt8]) {
  let f = fopen(path, "wb")!
  _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
  fclose(f)
}

private func loadError(_ path: String) -> PatternDatabaseError? {
  do {
    _ = try PatternDatabase.load(from: path)
    return nil
  } catch {
    return error
  }
}

@Test func saveAndLoadRoundTrip() throws {
  let dir = temporaryDirectory()
  defer { removeDirectory(dir) }
  let db = try PatternDatabase(rows: 3, columns: 3, tiles: [4, 3, 2, 1])
  let path = dir + "/a.bin"
  try db.save(to: path)
  #expect(readBytes(path).count == 64 + db.entryCount)
  let loaded = try PatternDatabase.load(from: path)
  #expect(loaded.rows == 3 && loaded.columns == 3)
  #expect(loaded.tiles == [1, 2, 3, 4])
  #expect(loaded.entryCount == db.entryCount)
  #expect((0..<db.entryCount).allSatisfy { loaded[$0] == db[$0] })
  let checked = try PatternDatabase.load(from: path, rows: 3, columns: 3, tiles: [1, 2, 3, 4])
  #expect(checked.valueHistogram() == db.valueHistogram())
  let e = #expect(throws: PatternDatabaseError.self) {
    try PatternDatabase.load(from: path, rows: 3, columns: 3, tiles: [5, 6, 7, 8])
  }
  #expect(e?.kind == .mismatch)
  #expect(e?.description.contains(path) == true)
}

@Test func refusesBadFiles() throws {
  let dir = temporaryDirectory()
  defer { removeDirectory(dir) }
  let db = try PatternDatabase(rows: 2, columns: 3, tiles: [1, 2, 3])
  let path = dir + "/good.bin"
  try db.save(to: path)
  let good = readBytes(path)

  let missing = loadError(dir + "/missing.bin")
  #expect(missing?.kind == .cannotOpen)
  #expect(missing?.description.contains("missing.bin") == true)

  let cases: [(String, [UInt8], PatternDatabaseError.Kind)] = [
    ("empty", [], .truncated),
    ("short-header", Array(good[0..<20]), .truncated),
    ("short-table", Array(good[0..<(good.count - 7)]), .truncated),
    ("magic", [0x58] + good[1...], .badMagic),
    ("text", Array("this is not a pattern database, just some text\n".utf8), .badMagic),
    ("checksum", {
      var b = good
      b[64 + 17] ^= 0x01
      return b
    }(), .checksumMismatch),
    ("version", {
      var b = good
      b[8] = 9
      return b
    }(), .unsupportedVersion),
    ("count", {
      var b = good
      b[48] &+= 1
      return b
    }(), .corruptHeader),
    ("tiles", {
      var b = good
      b[16] = 0  // the blank is never a pattern tile
      return b
    }(), .corruptHeader),
    ("trailing", good + [0], .corruptHeader),
  ]
  for (name, bytes, kind) in cases {
    let p = dir + "/" + name + ".bin"
    writeBytes(p, bytes)
    let e = loadError(p)
    #expect(e?.kind == kind, "\(name): \(String(describing: e))")
    #expect(e?.description.contains(p) == true, "\(name) error names the file")
  }
}

@Test func invalidPatternsAreRefused() {
  for (tiles, text) in [([Int](), "empty"), ([0, 1], "blank"), ([1, 1], "twice"), ([9], "3x3")] {
    let e = #expect(throws: PatternDatabaseError.self) {
      try PatternDatabase(rows: 3, columns: 3, tiles: tiles)
    }
    #expect(e?.kind == .invalidPattern)
    #expect(e?.message.contains(text) == true, "\(String(describing: e))")
  }
  let huge = #expect(throws: PatternDatabaseError.self) {
    try PatternDatabase(rows: 5, columns: 5, tiles: Array(1...8))
  }
  #expect(huge?.kind == .tooLarge)
  let overlap = #expect(throws: PatternDatabaseError.self) {
    try AdditivePatternDatabases.build(partition: [[1, 2], [2, 3]], puzzle: eightPuzzle)
  }
  #expect(overlap?.kind == .invalidPattern)
  let notFour = #expect(throws: PatternDatabaseError.self) {
    try AdditivePatternDatabases.korfFelner78(for: eightPuzzle)
  }
  #expect(notFour?.kind == .invalidPattern)
}

@Test func loadOrBuildCachesAndRebuildsBadFiles() throws {
  let dir = temporaryDirectory() + "/cache"
  defer {
    removeDirectory(dir)
    removeDirectory(String(dir.dropLast("/cache".count)))
  }
  let partition = AdditivePatternDatabases.standardPartition(rows: 3, columns: 3)!
  final class Events: @unchecked Sendable { var list: [PatternDatabaseCacheEvent] = [] }
  let first = Events()
  let built = try AdditivePatternDatabases.loadOrBuild(
    partition: partition, puzzle: eightPuzzle, cacheDirectory: dir
  ) { first.list.append($0) }
  let saved = first.list.compactMap { if case .saved(let p) = $0 { p } else { nil } }
  #expect(saved == [dir + "/pdb-3x3-1-2-3-4.bin", dir + "/pdb-3x3-5-6-7-8.bin"])
  #expect(first.list.contains { if case .building = $0 { true } else { false } })

  let second = Events()
  let loaded = try AdditivePatternDatabases.loadOrBuild(
    partition: partition, puzzle: eightPuzzle, cacheDirectory: dir
  ) { second.list.append($0) }
  #expect(second.list.count == 2)
  #expect(second.list.allSatisfy { if case .loaded = $0 { true } else { false } })
  for s in eightSpace.boards.prefix(2000) { #expect(loaded.estimate(s) == built.estimate(s)) }

  // A corrupt cache file is reported and replaced.
  var bytes = readBytes(saved[1])
  bytes[100] ^= 0xFF
  writeBytes(saved[1], bytes)
  let third = Events()
  _ = try AdditivePatternDatabases.loadOrBuild(
    partition: partition, puzzle: eightPuzzle, cacheDirectory: dir
  ) { third.list.append($0) }
  #expect(third.list.contains {
    if case .rejected(_, let e) = $0 { e.kind == .checksumMismatch } else { false }
  })
  #expect((try? PatternDatabase.load(from: saved[1])) != nil)
}
