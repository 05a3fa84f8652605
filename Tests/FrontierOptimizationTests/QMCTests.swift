// Sobol sequence: primitive polynomials, known first points, net property, scrambling.
import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import Testing

@Suite("QMC", .shrinking(false))
struct QMCTests {
  @Test("primitive polynomials over GF(2) in order (degrees 1 to 5: 1, 1, 2, 2, 6 of them)")
  func primitivePolynomials() {
    // x+1, x²+x+1, x³+x+1, x³+x²+1, x⁴+x+1, x⁴+x³+1, then the six of degree 5.
    #expect(SobolSequence.primitivePolynomials(count: 12) == [3, 7, 11, 13, 19, 25, 37, 41, 47, 55, 59, 61])
    let p = SobolSequence.primitivePolynomials(count: 160)  // through degree 10
    #expect(p.filter { $0 >= 1 << 10 && $0 < 1 << 11 }.count == 60)
  }

  @Test("the unscrambled sequence starts at Sobol's first points")
  func firstPoints() {
    let s = SobolSequence(dimension: 2)
    var out: [Double] = []
    var pts: [[Double]] = []
    for i in 0..<4 {
      s.point(i, into: &out)
      pts.append(out)
    }
    #expect(pts == [[0, 0], [0.5, 0.5], [0.25, 0.75], [0.75, 0.25]])
  }

  /// Number of points of `pts` (first two coordinates) in each cell of a `k`×`k` grid.
  static func cellCounts(_ pts: [[Double]], _ k: Int) -> [Int] {
    var c = [Int](repeating: 0, count: k * k)
    for p in pts { c[Int(p[0] * Double(k)) * k + Int(p[1] * Double(k))] += 1 }
    return c
  }

  @Test("every 2-D projection onto dims (0, j) of 256 points puts one point per cell of a 16x16 grid; random does not")
  func stratification() async {
    await propertyCheck(count: 10, input: Gen.uint64()) { seed in
      for scramble in [nil, seed] as [UInt64?] {
        let s = SobolSequence(dimension: 6, scrambleSeed: scramble)
        var out: [Double] = []
        var pts: [[Double]] = []
        for i in 0..<256 {
          s.point(i, into: &out)
          pts.append(out)
        }
        // Dimensions 0 and 1 form a (0, 2)-sequence: exactly one point per 1/16 x 1/16 cell.
        #expect(Self.cellCounts(pts, 16).allSatisfy { $0 == 1 })
        // Every 1-D projection is stratified in 256 intervals.
        for j in 0..<6 {
          #expect(Set(pts.map { Int($0[j] * 256) }).count == 256, "dim \(j)")
        }
      }
      var rng = Xoshiro256StarStar(seed: seed)
      let random = (0..<256).map { _ in [rng.unitDouble(), rng.unitDouble()] }
      #expect(Self.cellCounts(random, 16).contains { $0 != 1 })
    }
  }

  @Test("QMC's star-discrepancy proxy beats random on a 2-D box")
  func discrepancy() {
    // Max over anchored boxes [0, a) x [0, b) on a 32x32 lattice of |fraction - a*b|.
    func disc(_ pts: [[Double]]) -> Double {
      var worst = 0.0
      for ia in 1...32 {
        for ib in 1...32 {
          let a = Double(ia) / 32, b = Double(ib) / 32
          let inside = pts.filter { $0[0] < a && $0[1] < b }.count
          worst = max(worst, abs(Double(inside) / Double(pts.count) - a * b))
        }
      }
      return worst
    }
    var q = QMCSampler(seed: 4)
    let space = BenchmarkProblem.branin.space
    var history = StudyHistory()
    var qpts: [[Double]] = []
    for i in 0..<200 {
      let p = q.ask(1, in: space, history: history)[0].parameters
      history.trials.append(TrialRecord(number: i, state: .complete, parameters: p, values: [0]))
      qpts.append([(p["x0"]!.doubleValue! + 5) / 15, p["x1"]!.doubleValue! / 15])
    }
    var worseRandom = 0
    for seed: UInt64 in 0..<5 {
      var r = RandomSampler(seed: seed)
      let rpts = r.ask(200, in: space, history: StudyHistory()).map {
        [($0.parameters["x0"]!.doubleValue! + 5) / 15, $0.parameters["x1"]!.doubleValue! / 15]
      }
      if disc(rpts) > disc(qpts) { worseRandom += 1 }
    }
    #expect(worseRandom == 5)
    #expect(disc(qpts) < 0.03)
  }

  @Test("scrambling depends on the seed; the trial count indexes the sequence")
  func scrambling() {
    var out1: [Double] = [], out2: [Double] = []
    SobolSequence(dimension: 3, scrambleSeed: 1).point(5, into: &out1)
    SobolSequence(dimension: 3, scrambleSeed: 2).point(5, into: &out2)
    #expect(out1 != out2)
    let space = BenchmarkProblem.hartmann6.space
    var a = QMCSampler(seed: 1)
    let batch = a.ask(3, in: space, history: StudyHistory())
    #expect(batch.map { $0.systemAttributes["qmc_index"] } == ["0", "1", "2"])
    var b = QMCSampler(seed: 1)
    let h = StudyHistory(trials: [TrialRecord(number: 0, state: .running, parameters: batch[0].parameters)])
    #expect(b.ask(1, in: space, history: h)[0] == batch[1])
  }
}
