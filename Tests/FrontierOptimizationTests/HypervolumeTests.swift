import FrontierCore
import FrontierOptimization
import PropertyBased
import Testing

/// Brute-force oracles: exact hypervolume by coordinate compression (every grid cell between
/// consecutive distinct coordinates is either dominated or not), fronts by peeling.
enum BruteForce {
  static func hypervolume(_ p: [Double], _ m: Int, _ ref: [Double]) -> Double {
    let n = p.count / m
    let inside = (0..<n).filter { i in (0..<m).allSatisfy { p[i * m + $0] < ref[$0] } }
    if inside.isEmpty { return 0 }
    let axes: [[Double]] = (0..<m).map { j in Array(Set(inside.map { p[$0 * m + j] } + [ref[j]])).sorted() }
    var total = 0.0
    var cell = [Int](repeating: 0, count: m)
    while true {
      if (0..<m).allSatisfy({ cell[$0] < axes[$0].count - 1 }) {
        let dominated = inside.contains { i in (0..<m).allSatisfy { p[i * m + $0] <= axes[$0][cell[$0]] } }
        if dominated {
          var v = 1.0
          for j in 0..<m { v *= axes[j][cell[j] + 1] - axes[j][cell[j]] }
          total += v
        }
      }
      var j = 0
      while j < m {
        cell[j] += 1
        if cell[j] < axes[j].count - 1 { break }
        cell[j] = 0
        j += 1
      }
      if j == m { return total }
    }
  }

  static func fronts(_ p: [Double], _ m: Int) -> [[Int]] {
    let n = p.count / m
    func dom(_ a: Int, _ b: Int) -> Bool {
      (0..<m).allSatisfy { p[a * m + $0] <= p[b * m + $0] } && (0..<m).contains { p[a * m + $0] < p[b * m + $0] }
    }
    var left = Array(0..<n)
    var out: [[Int]] = []
    while !left.isEmpty {
      let front = left.filter { i in !left.contains { dom($0, i) } }
      out.append(front)
      left.removeAll { front.contains($0) }
    }
    return out
  }

  /// `count` points in `m` dimensions on a coarse grid (many ties and duplicates), some
  /// outside the reference box 1.1.
  static func points(seed: UInt64, count: Int, m: Int, levels: Int = 12) -> [Double] {
    var g = Xoshiro256StarStar(seed: seed)
    return (0..<(count * m)).map { _ in Double(Int.random(in: 0...levels, using: &g)) / 10 }
  }
}

@Suite struct HypervolumeTests {
  static let ref4: [Double] = [1.1, 1.1, 1.1, 1.1]

  @Test func twoDimensionsMatchBruteForce() async {
    await propertyCheck(count: 150, input: Gen.uint64(), Gen.int(in: 0...25)) { seed, n in
      let p = BruteForce.points(seed: seed, count: n, m: 2)
      let hv = Hypervolume.compute(p, objectives: 2, reference: [1.1, 1.1])
      let bf = BruteForce.hypervolume(p, 2, [1.1, 1.1])
      mooCheck(abs(hv - bf) <= 1e-12, "\(hv) vs \(bf) for \(p)")
    }
  }

  @Test func threeDimensionsMatchBruteForce() async {
    await propertyCheck(count: 120, input: Gen.uint64(), Gen.int(in: 0...18)) { seed, n in
      let p = BruteForce.points(seed: seed, count: n, m: 3)
      let hv = Hypervolume.compute(p, objectives: 3, reference: [1.1, 1.1, 1.1])
      let bf = BruteForce.hypervolume(p, 3, [1.1, 1.1, 1.1])
      mooCheck(abs(hv - bf) <= 1e-12, "\(hv) vs \(bf) for \(p)")
    }
  }

  @Test func fourAndFiveDimensionsMatchBruteForce() async {
    await propertyCheck(count: 60, input: Gen.uint64(), Gen.int(in: 0...9)) { seed, n in
      let p = BruteForce.points(seed: seed, count: n, m: 4)
      let hv = Hypervolume.compute(p, objectives: 4, reference: Self.ref4)
      let bf = BruteForce.hypervolume(p, 4, Self.ref4)
      mooCheck(abs(hv - bf) <= 1e-12, "\(hv) vs \(bf) for \(p)")
      let q = BruteForce.points(seed: seed &+ 1, count: min(n, 6), m: 5)
      let ref5 = [1.1, 1.1, 1.1, 1.1, 1.1]
      let hv5 = Hypervolume.compute(q, objectives: 5, reference: ref5)
      let bf5 = BruteForce.hypervolume(q, 5, ref5)
      mooCheck(abs(hv5 - bf5) <= 1e-12, "5-D: \(hv5) vs \(bf5) for \(q)")
    }
  }

  @Test func continuousCoordinatesMatchBruteForce() {
    var g = Xoshiro256StarStar(seed: 3)
    for m in 2...4 {
      let p = (0..<(10 * m)).map { _ in Double.random(in: 0..<1.2, using: &g) }
      let ref = [Double](repeating: 1.1, count: m)
      let hv = Hypervolume.compute(p, objectives: m, reference: ref)
      #expect(abs(hv - BruteForce.hypervolume(p, m, ref)) <= 1e-12)
    }
  }

  @Test func pointsOutsideTheBoxOrNaNContributeNothing() {
    #expect(Hypervolume.compute([], objectives: 2, reference: [1, 1]) == 0)
    #expect(Hypervolume.compute([1.1, 0.0, 0.5, .nan], objectives: 2, reference: [1.1, 1.1]) == 0)
    #expect(Hypervolume.compute([0.5, 0.5, .nan, 0.0], objectives: 2, reference: [1, 1]) == 0.25)
    #expect(Hypervolume.compute([0.25], objectives: 1, reference: [1]) == 0.75)
  }

  @Test func nondominatedSortingMatchesPeeling() async {
    await propertyCheck(count: 120, input: Gen.uint64(), Gen.int(in: 0...60), Gen.int(in: 2...4)) { seed, n, m in
      let p = BruteForce.points(seed: seed, count: n, m: m, levels: 6)
      mooCheck(Pareto.fronts(p, objectives: m) == BruteForce.fronts(p, m), "fronts differ for m=\(m): \(p)")
    }
  }

  @Test func crowdingDistanceFollowsPymoo() {
    // Points (0.5,0.25), (0,1), (1,0), (0.25,0.5); range 1 in both objectives.
    let cd = CrowdingDistance.of([0.5, 0.25, 0, 1, 1, 0, 0.25, 0.5], objectives: 2)
    #expect(cd[1] == .infinity && cd[2] == .infinity)
    // Point 0 (0.5, 0.25): f1 gaps 0.25 + 0.5, f2 gaps 0.25 + 0.25; point 3 symmetric.
    #expect(abs(cd[0] - (0.75 + 0.5) / 2) < 1e-15)
    #expect(abs(cd[3] - (0.5 + 0.75) / 2) < 1e-15)
    // An objective with all values equal contributes 0 and no infinity.
    let flat = CrowdingDistance.of([0, 5, 0.5, 5, 1, 5], objectives: 2)
    #expect(flat == [.infinity, 0.5, .infinity])
    // Fronts of at most two points: all infinite (pymoo's survival).
    #expect(CrowdingDistance.of([1, 2, 2, 1], objectives: 2) == [.infinity, .infinity])
  }

  @Test func distanceIndicatorsMatchPymoo() {
    let pf = MOTestProblem(.zdt1).paretoFront()
    let f: [Double] = [0.1, 0.8, 0.5, 0.4, 0.9, 0.1]
    #expect(abs(DistanceIndicator.igd(f, reference: pf, objectives: 2) - 0.14853030554281565) < 1e-12)
    #expect(abs(DistanceIndicator.igdPlus(f, reference: pf, objectives: 2) - 0.1376007223783798) < 1e-12)
    let sphere = MOTestProblem(.dtlz2).paretoFront()
    #expect(sphere.count == 136 * 3)
    let g: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.6, 0.6, 0.6]
    #expect(abs(DistanceIndicator.igd(g, reference: sphere, objectives: 3) - 0.3488814013399414) < 1e-12)
    #expect(DistanceIndicator.igd([], reference: pf, objectives: 2) == .infinity)
  }
}

/// Records an issue only when `condition` is false (cheaper than `#expect` in property loops).
func mooCheck(
  _ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
  if !condition { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
}
