// NodeArena, the random number generators, limits, costs, statistics and outcomes.

@testable import FrontierCore
import PropertyBased
import Testing

@Suite("NodeArena", .shrinking(false))
struct NodeArenaTests {
  @Test("path(to:) follows parent links from the root, also after improve()")
  func pathReconstruction() async {
    await propertyCheck(count: 100, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = Int.random(in: 1...300, using: &rng)
      var arena = NodeArena<String, Int>(capacity: 4)
      var parents: [Int32] = [-1]
      #expect(arena.append("n0", g: 0, h: 5, parent: -1) == 0)
      for i in 1..<n {
        let p = Int32(Int.random(in: 0..<i, using: &rng))
        parents.append(p)
        let id = arena.append("n\(i)", g: i, h: -i, parent: p)
        check(id == Int32(i), "seed \(seed): id \(id) for node \(i)")
      }
      check(arena.count == n, "seed \(seed): count")
      // Re-parent some nodes to earlier nodes (keeps the links acyclic).
      for _ in 0..<(n / 4) {
        let i = Int.random(in: 0..<n, using: &rng)
        guard i > 0 else { continue }
        let p = Int32(Int.random(in: 0..<i, using: &rng))
        arena.improve(Int32(i), g: -7, parent: p)
        parents[i] = p
      }
      for i in 0..<n {
        var expected: [String] = []
        var k = i
        while k >= 0 {
          expected.append("n\(k)")
          k = Int(parents[k])
        }
        let path = arena.path(to: Int32(i))
        check(path == expected.reversed(), "seed \(seed): path to \(i) is \(path)")
        check(arena.state(Int32(i)) == "n\(i)" && arena.parent(Int32(i)) == parents[i], "seed \(seed): node \(i)")
        check(arena.h(Int32(i)) == -i || i == 0, "seed \(seed): h of \(i)")
      }
    }
  }

  @Test("improve changes g and parent only; removeAll keeps storage")
  func improveAndRemoveAll() {
    var arena = NodeArena<Int, Double>()
    _ = arena.append(10, g: 0, h: 1.5, parent: -1)
    _ = arena.append(11, g: 4, h: 2.5, parent: 0)
    _ = arena.append(12, g: 9, h: 0.5, parent: 1)
    arena.improve(2, g: 3, parent: 0)
    #expect(arena.g(2) == 3 && arena.h(2) == 0.5 && arena.parent(2) == 0 && arena.state(2) == 12)
    #expect(arena.path(to: 2) == [10, 12])
    #expect(NodeArena<Int, Double>.bytesPerNode == 8 + 2 * 8 + 4)
    arena.reserveCapacity(1000)
    let bytes = arena.bytesUsed
    #expect(bytes >= 1000 * NodeArena<Int, Double>.bytesPerNode)
    arena.removeAll()
    #expect(arena.count == 0)
    #expect(arena.bytesUsed == bytes)
    #expect(arena.append(20, g: 0, h: 0, parent: -1) == 0)
    #expect(arena.path(to: 0) == [20])
  }
}

@Suite("Random number generators", .shrinking(false))
struct RandomTests {
  @Test("SplitMix64 with seed 0 gives the reference outputs")
  func splitMixReference() {
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(g.next() == 0x06C4_5D18_8009_454F)
  }

  @Test("Xoshiro256** is seeded by four SplitMix64 outputs and gives the reference outputs")
  func xoshiroReference() {
    // Reference values from Blackman & Vigna's C code (xoshiro256starstar.c), seeded with
    // splitmix64.c, computed for this test.
    var a = Xoshiro256StarStar(seed: 0)
    #expect(a.s0 == 0xE220_A839_7B1D_CDAF && a.s1 == 0x6E78_9E6A_A1B9_65F4 && a.s2 == 0x06C4_5D18_8009_454F)
    #expect(a.next() == 0x99EC_5F36_CB75_F2B4)
    #expect(a.next() == 0xBF6E_1F78_4956_452A)
    #expect(a.next() == 0x1A5F_849D_4933_E6E0)
    #expect(a.next() == 0x6AA5_94F1_262D_2D2C)
    var b = Xoshiro256StarStar(seed: 42)
    #expect(b.next() == 0x1578_0B2E_0C2E_C716)
    #expect(b.next() == 0x6104_D986_6D11_3A7E)
    #expect(b.next() == 0xAE17_5332_39E4_99A1)
    #expect(b.next() == 0xECB8_AD47_03B3_60A1)
  }

  @Test("Same seed, same stream; different seeds, different streams")
  func determinism() async {
    await propertyCheck(count: 50, input: Gen.uint64()) { seed in
      var a = Xoshiro256StarStar(seed: seed)
      var b = Xoshiro256StarStar(seed: seed)
      var c = Xoshiro256StarStar(seed: seed &+ 1)
      let sa = (0..<64).map { _ in a.next() }
      let sb = (0..<64).map { _ in b.next() }
      let sc = (0..<64).map { _ in c.next() }
      check(sa == sb, "seed \(seed): two generators with one seed differ")
      check(sa != sc, "seed \(seed): seeds \(seed) and \(seed &+ 1) give the same stream")
      check(a == b, "seed \(seed): generator states differ")
      // Through the standard library's RandomNumberGenerator API.
      var x = Xoshiro256StarStar(seed: seed)
      var y = Xoshiro256StarStar(seed: seed)
      check(
        (0..<20).map { _ in Int.random(in: 0..<1000, using: &x) } == (0..<20).map { _ in Int.random(in: 0..<1000, using: &y) },
        "seed \(seed): Int.random differs")
      var s1 = SplitMix64(seed: seed)
      var s2 = SplitMix64(seed: seed)
      check((0..<8).map { _ in s1.next() } == (0..<8).map { _ in s2.next() }, "seed \(seed): SplitMix64 differs")
    }
  }

  @Test("Xoshiro256** output bits are roughly balanced")
  func roughlyUniform() {
    var g = Xoshiro256StarStar(seed: 7)
    var ones = [Int](repeating: 0, count: 64)
    let n = 4_000
    for _ in 0..<n {
      let x = g.next()
      for bit in 0..<64 where x & (1 << UInt64(bit)) != 0 { ones[bit] += 1 }
    }
    // Each bit is set with probability 1/2: 4 000 draws, standard deviation about 32.
    #expect(ones.allSatisfy { abs($0 - n / 2) < 200 })
  }
}

@Suite("Limits, costs, statistics and outcomes")
struct VocabularyTests {
  @Test("LimitWatch stops on the expansion limit exactly")
  func expansionLimit() {
    var watch = LimitWatch(SearchLimits(maxExpansions: 10))
    for expanded in 0..<10 { #expect(watch.check(expanded: expanded, bytes: 0) == nil) }
    #expect(watch.check(expanded: 10, bytes: 0) == .expansionLimit)
    #expect(watch.check(expanded: 11, bytes: 0) == .expansionLimit)
    var zero = LimitWatch(SearchLimits(maxExpansions: 0))
    #expect(zero.check(expanded: 0, bytes: 0) == .expansionLimit)
  }

  @Test("LimitWatch reads the clock and the memory estimate only every checkInterval calls")
  func checkInterval() {
    var watch = LimitWatch(SearchLimits(maxDuration: .zero, maxMemoryBytes: 100, checkInterval: 5))
    var evaluations = 0
    func bytes() -> Int {
      evaluations += 1
      return 50
    }
    for i in 0..<4 { #expect(watch.check(expanded: i, bytes: bytes()) == nil) }
    #expect(evaluations == 0)
    #expect(watch.check(expanded: 4, bytes: bytes()) == .timeLimit)
    #expect(evaluations == 1)

    var memory = LimitWatch(SearchLimits(maxMemoryBytes: 100, checkInterval: 3))
    #expect(memory.check(expanded: 0, bytes: 1_000) == nil)
    #expect(memory.check(expanded: 1, bytes: 1_000) == nil)
    #expect(memory.check(expanded: 2, bytes: 1_000) == .memoryLimit)
    #expect(memory.check(expanded: 3, bytes: 10) == nil)

    var relaxed = LimitWatch(SearchLimits(maxDuration: .seconds(3600), checkInterval: 1))
    for i in 0..<100 { #expect(relaxed.check(expanded: i, bytes: 0) == nil) }
    #expect(relaxed.elapsed >= .zero)
  }

  @Test("SearchLimits clamps the check interval to at least 1; .none has no limits")
  func limitsDefaults() {
    #expect(SearchLimits(checkInterval: 0).checkInterval == 1)
    #expect(SearchLimits(checkInterval: -5).checkInterval == 1)
    #expect(SearchLimits.none.maxExpansions == .max)
    #expect(SearchLimits.none.maxDuration == nil)
    #expect(SearchLimits.none.maxMemoryBytes == .max)
  }

  @Test("SearchCost: infinity exceeds real costs and survives adding finite costs")
  func costInfinity() {
    #expect(Int.infinity == Int.max / 4)
    #expect(Int.infinity + Int.infinity > Int.infinity)  // no overflow trap
    #expect(1_000_000_000 < Int.infinity)
    #expect(Int32.infinity == Int32.max / 4)
    #expect(Int32.infinity + 1_000 > Int32.infinity)
    #expect(Double.infinity.isInfinite && Double.infinity > 1e300)
    #expect(Float.infinity.isInfinite)
  }

  @Test("SearchCost: scaled(by:) multiplies, rounding integers toward zero")
  func costScaling() {
    #expect(7.scaled(by: 1.5) == 10)
    #expect((-7).scaled(by: 1.5) == -10)
    #expect(10.scaled(by: 1.0) == 10)
    #expect(0.scaled(by: 5) == 0)
    #expect(Int32(9).scaled(by: 2.5) == 22)
    #expect(2.5.scaled(by: 3) == 7.5)
    #expect(Float(2).scaled(by: 0.25) == 0.5)
    #expect(Double.infinity.scaled(by: 2) == .infinity)
    #expect(42.doubleValue == 42 && Int32(-3).doubleValue == -3 && Float(0.5).doubleValue == 0.5 && 1.25.doubleValue == 1.25)
  }

  @Test("SearchStatistics.accumulate adds counters and keeps peaks; seconds converts the duration")
  func statistics() {
    var a = SearchStatistics()
    a.expanded = 3
    a.generated = 5
    a.duplicates = 1
    a.reopened = 2
    a.peakOpen = 10
    a.stored = 7
    a.iterations = 1
    a.duration = .milliseconds(1500)
    a.peakBytes = 100
    var b = SearchStatistics()
    b.expanded = 4
    b.generated = 6
    b.peakOpen = 4
    b.stored = 9
    b.iterations = 2
    b.duration = .milliseconds(500)
    b.peakBytes = 50
    a.accumulate(b)
    #expect(a.expanded == 7 && a.generated == 11 && a.duplicates == 1 && a.reopened == 2)
    #expect(a.peakOpen == 10 && a.stored == 9 && a.iterations == 3 && a.peakBytes == 100)
    #expect(a.duration == .seconds(2))
    #expect(a.seconds == 2.0)
  }

  @Test("SearchResult exposes path, cost and isSolved")
  func resultAccessors() {
    let solved = SearchResult<Int, Int>(outcome: .solved(path: [1, 2, 3], cost: 7), statistics: .init())
    #expect(solved.path == [1, 2, 3] && solved.cost == 7 && solved.isSolved)
    let stopped = SearchResult<Int, Int>(outcome: .stopped(.timeLimit), statistics: .init())
    #expect(stopped.path == nil && stopped.cost == nil && !stopped.isSolved)
    #expect(SearchOutcome<Int, Int>.exhausted != .stopped(.incomplete))
    #expect(StopReason.allDescriptions == ["expansion-limit", "time-limit", "memory-limit", "cancelled", "incomplete"])
  }

  @Test("Successors buffer appends, reads back and keeps capacity when cleared")
  func successorsBuffer() {
    var s = Successors<Int, Double>(capacity: 2)
    for i in 0..<10 { s.append(i, cost: Double(i) / 2) }
    #expect(s.count == 10 && !s.isEmpty)
    #expect((0..<10).allSatisfy { s.state(at: $0) == $0 && s.cost(at: $0) == Double($0) / 2 })
    let capacity = s._states.capacity
    s.removeAll()
    #expect(s.isEmpty && s.count == 0 && s._states.capacity == capacity)
  }

  @Test("ZeroHeuristic and ClosureHeuristic")
  func heuristics() {
    #expect(ZeroHeuristic<String, Int>().estimate("x") == 0)
    #expect(ClosureHeuristic<Int, Double> { Double($0) * 2 }.estimate(4) == 8)
  }
}

extension StopReason {
  static var allDescriptions: [String] {
    [StopReason.expansionLimit, .timeLimit, .memoryLimit, .cancelled, .incomplete].map(\.description)
  }
}
