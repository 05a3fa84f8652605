import FrontierCore
import FrontierOptimization
import PropertyBased
import Testing

@Suite struct ArchiveTests {
  static func uniform(_ rng: inout Xoshiro256StarStar, _ lo: Double, _ hi: Double) -> Double {
    lo + (hi - lo) * Double.random(in: 0..<1, using: &rng)
  }

  // MARK: grid index

  @Test("grid index follows pyribs: epsilon puts boundary values in the upper cell, out-of-range values clip")
  func gridIndexBoundaries() throws {
    let g = try GridLayout(dims: [100, 100], ranges: [(-1, 1), (-1, 1)])
    for k in 0...100 {
      let m = -1 + 2 * Double(k) / 100
      #expect(g.cell(of: [m, -1]) == min(k, 99) * 100, "boundary \(k)")
    }
    #expect(g.cell(of: [-1.2, 1.2]) == 99)
    #expect(g.cell(of: [-1.005, 0]) == 50)  // truncation toward zero of a small negative: cell 0
    #expect(g.cell(of: [1e300, -1e300]) == 99 * 100)
    #expect(g.coordinates(ofCell: 1234) == [12, 34])
  }

  @Test("grid index equals the pyribs formula on random measures, inside and outside the box")
  func gridIndexProperty() async throws {
    let g = try GridLayout(dims: [7, 13, 5], ranges: [(-2, 3), (0, 1), (-10, -4)])
    await propertyCheck(count: 50, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      for _ in 0..<200 {
        let m = [Self.uniform(&rng, -3, 4), Self.uniform(&rng, -0.5, 1.5), Self.uniform(&rng, -12, -2)]
        var expected = 0
        for (j, (lo, hi)) in zip([(-2.0, 3.0), (0.0, 1.0), (-10.0, -4.0)].indices, [(-2.0, 3.0), (0.0, 1.0), (-10.0, -4.0)]) {
          let dims = [7, 13, 5]
          let raw = (Double(dims[j]) * (m[j] - lo) + 1e-6) / (hi - lo)
          let t = Int(raw.rounded(.towardZero))
          expected = expected * dims[j] + min(max(t, 0), dims[j] - 1)
        }
        #expect(g.cell(of: m) == expected, "measures \(m): \(g.cell(of: m)) vs \(expected)")
      }
    }
  }

  // MARK: insertion semantics

  @Test("elitist archive holds, per cell, the best objective ever offered (brute-force oracle)")
  func elitistAgainstOracle() async throws {
    await propertyCheck(count: 25, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let g = try! GridLayout(dims: [6, 4], ranges: [(0, 1), (0, 1)])
      var a = try! GridArchive<VectorSolutions>(indexer: g, solutionDimension: 2)
      var best = [Double?](repeating: nil, count: 24)
      var bestSolution = [[Double]](repeating: [], count: 24)
      var result = AddResult()
      var lastQD = 0.0
      for _ in 0..<20 {
        let n = Int.random(in: 1...30, using: &rng)
        var x: [Double] = [], o: [Double] = [], m: [Double] = []
        for _ in 0..<n {
          let mm = [Self.uniform(&rng, -0.1, 1.1), Self.uniform(&rng, -0.1, 1.1)]
          let obj = (Self.uniform(&rng, 0, 10) * 4).rounded() / 4  // ties happen
          m += mm
          o.append(obj)
          x += mm
        }
        // Expected statuses against the archive before the batch.
        var expected: [AddStatus] = []
        for i in 0..<n {
          let c = g.cell(of: [m[2 * i], m[2 * i + 1]])
          if let b = best[c] { expected.append(o[i] > b ? .improveExisting : .notAdded) } else { expected.append(.new) }
        }
        for i in 0..<n {
          let c = g.cell(of: [m[2 * i], m[2 * i + 1]])
          if best[c] == nil || o[i] > best[c]! {
            best[c] = o[i]
            bestSolution[c] = [x[2 * i], x[2 * i + 1]]
          }
        }
        a.add(solutions: x, objectives: o, measures: m, into: &result)
        #expect(result.status == expected, "statuses \(result.status) vs \(expected)")
        #expect(a.stats.qdScore >= lastQD, "elitist QD score decreased")
        lastQD = a.stats.qdScore
      }
      for c in 0..<24 {
        #expect(a.occupied[c] == (best[c] != nil), "cell \(c) occupancy")
        if let b = best[c] {
          #expect(a.objective[c] == b && a.threshold[c] == b, "cell \(c): \(a.objective[c]) vs \(b)")
          #expect(a.solution(inCell: c) == bestSolution[c], "cell \(c): first of tied best solutions kept")
        }
      }
      let sum = best.compactMap { $0 }.reduce(0, +)
      #expect(abs(a.stats.qdScore - sum) < 1e-9 && a.stats.numElites == best.compactMap { $0 }.count, "stats")
    }
  }

  @Test("batch semantics: statuses against the pre-batch archive, best in cell wins, ties keep the first")
  func batchSemantics() throws {
    let g = try GridLayout(dims: [2], ranges: [(0, 1)])
    var a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1)
    var r = AddResult()
    a.add(solutions: [1, 2, 3], objectives: [5, 7, 7], measures: [0.1, 0.2, 0.3], into: &r)
    #expect(r.status == [.new, .new, .new])
    #expect(r.value == [5, 7, 7])
    #expect(a.solution(inCell: 0) == [2] && a.objective[0] == 7)
    a.add(solutions: [4, 5], objectives: [6, 9], measures: [0.1, 0.9], into: &r)
    #expect(r.status == [.notAdded, .new])
    #expect(r.value == [-1, 9])
    a.add(solutions: [6], objectives: [8], measures: [0.4], into: &r)
    #expect(r.status == [.improveExisting] && r.value == [1])
    #expect(a.stats.numElites == 2 && a.stats.qdScore == 17 && a.stats.objMax == 9 && a.stats.objMean == 8.5)
  }

  @Test("CMA-MAE thresholds: batch rule t ← (1-α)^k t + (1-(1-α)^k) mean, values against the threshold")
  func cmaMAEThresholds() throws {
    let g = try GridLayout(dims: [1], ranges: [(0, 1)])
    var a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1, learningRate: 0.5, thresholdMin: 1)
    var r = AddResult()
    a.add(solutions: [1, 2, 3], objectives: [0.5, 3, 5], measures: [0.5, 0.5, 0.5], into: &r)
    #expect(r.status == [.notAdded, .new, .new])
    #expect(r.value == [-0.5, 2, 4])
    // k = 2 insertable (3 and 5, mean 4): t = 0.25 * 1 + 0.75 * 4 = 3.25.
    #expect(a.threshold[0] == 3.25)
    #expect(a.objective[0] == 5 && a.solution(inCell: 0) == [3])
    // A solution above the threshold but below the elite replaces it (CMA-MAE is not elitist).
    a.add(solutions: [4], objectives: [4], measures: [0.5], into: &r)
    #expect(r.status == [.improveExisting] && r.value == [0.75])
    #expect(a.objective[0] == 4 && a.threshold[0] == 0.5 * 3.25 + 0.5 * 4)
    #expect(a.stats.objMax == 5)  // the best ever inserted, as pyribs reports
  }

  @Test("QD score offset is subtracted per elite")
  func qdOffset() throws {
    let g = try GridLayout(dims: [4], ranges: [(0, 1)])
    var a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1, qdScoreOffset: -10)
    var r = AddResult()
    a.add(solutions: [0, 0], objectives: [1, 2], measures: [0.1, 0.9], into: &r)
    #expect(a.stats.qdScore == 23 && a.stats.normQDScore == 23.0 / 4)
  }

  @Test("NaN and infinite objectives or measures are rejected with a count, never inserted")
  func nonFiniteRejected() throws {
    let g = try GridLayout(dims: [4], ranges: [(0, 1)])
    var a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1)
    var r = AddResult()
    a.add(solutions: [0, 0, 0, 0], objectives: [.nan, .infinity, 1, 2], measures: [0.1, 0.3, .nan, 0.9], into: &r)
    #expect(r.rejected == 3 && a.rejectedCount == 3)
    #expect(r.status == [.notAdded, .notAdded, .notAdded, .new])
    #expect(r.cell == [-1, -1, -1, 3])
    #expect(a.stats.numElites == 1)
  }

  @Test("solutions are generic: an archive of strings")
  func stringSolutions() throws {
    let g = try GridLayout(dims: [3], ranges: [(0, 3)])
    var a = try Archive(indexer: g, storage: ValueSolutions<String>(cells: 3))
    var r = AddResult()
    a.add(["def f(): pass", "print(1)", "x = 2"], objectives: [1, 2, 3], measures: [0.5, 0.7, 2.5], into: &r)
    #expect(a.solution(inCell: 0) == "print(1)" && a.solution(inCell: 2) == "x = 2")
    #expect(a.stats.numElites == 2)
  }

  @Test("save and load round-trip an archive exactly")
  func saveLoad() throws {
    let g = try GridLayout(dims: [10, 10], ranges: [(0, 1), (0, 1)])
    var a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 3, learningRate: 0.1, thresholdMin: 0)
    var rng = Xoshiro256StarStar(seed: 3)
    var r = AddResult()
    for _ in 0..<5 {
      let x = (0..<60).map { _ in Self.uniform(&rng, -1, 1) }
      let o = (0..<20).map { _ in Self.uniform(&rng, -1, 5) }
      let m = (0..<40).map { _ in Self.uniform(&rng, 0, 1) }
      a.add(solutions: x, objectives: o, measures: m, into: &r)
    }
    let text = a.encoded()
    var b = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 3, learningRate: 0.1, thresholdMin: 0)
    try b.load(text)
    #expect(b.stats == a.stats)
    #expect(b.threshold == a.threshold && b.objective == a.objective && b.storage.values == a.storage.values)
    var wrong = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 2, learningRate: 0.1, thresholdMin: 0)
    #expect(throws: QDError.self) { try wrong.load(text) }
    var empty = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 3, learningRate: 0.1, thresholdMin: 0)
    #expect(throws: QDError.self) { try empty.load("garbage") }
  }

  // MARK: bad input

  @Test("bounds with low >= high are an error")
  func badBounds() {
    #expect(throws: QDError.self) { try GridLayout(dims: [10], ranges: [(1, 1)]) }
    #expect(throws: QDError.self) { try GridLayout(dims: [10], ranges: [(2, 1)]) }
    #expect(throws: QDError.self) { try GridLayout(dims: [10], ranges: [(0, .infinity)]) }
    #expect(throws: QDError.self) { try CentroidIndex.kMeans(cells: 10, ranges: [(3, -3)]) }
  }

  @Test("zero cells is an error")
  func zeroCells() {
    #expect(throws: QDError.self) { try GridLayout(dims: [10, 0], ranges: [(0, 1), (0, 1)]) }
    #expect(throws: QDError.self) { try CentroidIndex.kMeans(cells: 0, ranges: [(0, 1)]) }
    #expect(throws: QDError.self) { try CentroidIndex(centroids: [], dimension: 2, ranges: [(0, 1), (0, 1)]) }
  }

  @Test("CMA-MAE settings need a finite threshold_min and a learning rate in [0, 1]")
  func badThresholdSettings() throws {
    let g = try GridLayout(dims: [4], ranges: [(0, 1)])
    #expect(throws: QDError.self) { try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1, learningRate: 0.5) }
    #expect(throws: QDError.self) { try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 1, learningRate: 1.5, thresholdMin: 0) }
    #expect(throws: QDError.self) { try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 0) }
  }

  @Test("CVT centroids of the wrong dimension are an error")
  func centroidDimension() {
    #expect(throws: QDError.self) { try CentroidIndex(centroids: [0, 0, 1, 1, 2], dimension: 2, ranges: [(0, 1), (0, 1)]) }
    #expect(throws: QDError.self) { try CentroidIndex(centroids: [0, 0, 0, 1, 1, 1], dimension: 3, ranges: [(0, 1), (0, 1)]) }
  }

  // MARK: CVT

  @Test("the k-d tree finds the same nearest centroid as a brute-force scan")
  func kdTreeAgainstBruteForce() async throws {
    await propertyCheck(count: 20, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let d = Int.random(in: 1...4, using: &rng)
      let k = Int.random(in: 1...300, using: &rng)
      var cents = (0..<(k * d)).map { _ in Self.uniform(&rng, -1, 1) }
      if k > 3 { for j in 0..<d { cents[d + j] = cents[j] } }  // a duplicated centroid
      let ranges = [(Double, Double)](repeating: (-1, 1), count: d)
      let index = try! CentroidIndex(centroids: cents, dimension: d, ranges: ranges)
      for _ in 0..<100 {
        let m = (0..<d).map { _ in Self.uniform(&rng, -1.5, 1.5) }
        let tree = m.withUnsafeBufferPointer { index.cell(of: $0.baseAddress!) }
        let brute = index.bruteForceCell(of: m)
        // Equal distance is the only allowed difference.
        func dist(_ c: Int) -> Double { (0..<d).reduce(0) { $0 + (m[$1] - cents[c * d + $1]) * (m[$1] - cents[c * d + $1]) } }
        #expect(tree == brute || dist(tree) == dist(brute), "seed \(seed): tree \(tree) brute \(brute)")
      }
    }
  }

  @Test("seeded k-means is reproducible and its centroids cover the box")
  func kMeans() throws {
    let a = try CentroidIndex.kMeans(cells: 50, ranges: [(0, 10), (-5, 5)], seed: 4)
    let b = try CentroidIndex.kMeans(cells: 50, ranges: [(0, 10), (-5, 5)], seed: 4)
    #expect(a == b && a.cellCount == 50)
    for i in 0..<50 {
      #expect(a.centroids[2 * i] >= 0 && a.centroids[2 * i] <= 10)
      #expect(a.centroids[2 * i + 1] >= -5 && a.centroids[2 * i + 1] <= 5)
    }
    var archive = try CVTArchive<VectorSolutions>(indexer: a, solutionDimension: 1)
    var r = AddResult()
    archive.add(solutions: [0], objectives: [1], measures: [a.centroids[10], a.centroids[11]], into: &r)
    #expect(archive.occupiedCells == [5])
  }
}
