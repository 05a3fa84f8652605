import FrontierCore

/// The RNG-free archive conformance fixture of `../shared/anchors/qd/qd_archive_fixture.py`:
/// batches generated from a SplitMix64 stream (identical on both sides) inserted into a
/// 100x100 grid archive, elitist and with CMA-MAE thresholds (α 0.01, threshold_min 0).
public enum ArchiveFixture {
  public enum Kind: String, Sendable, CaseIterable {
    /// Sphere linear projection, n = `dimension`.
    case sphere
    /// Measures and objectives drawn directly, 20% outside the bounds, every 97th on a
    /// cell boundary.
    case raw
  }

  /// What the fixture prints for one archive setting.
  public struct Outcome: Sendable, Hashable {
    public var numElites: Int
    public var qdScore: Double
    public var normQDScore: Double
    public var coverage: Double
    public var objMax: Double
    /// `Σ cell index × objective` over the elites.
    public var indexChecksum: Double
    /// Status histogram (0, 1, 2) of the last batch.
    public var lastBatchStatusCounts: [Int]
    /// Sum of the thresholds of the occupied cells (CMA-MAE setting only).
    public var thresholdSum: Double?
  }

  /// Runs the fixture: returns the elitist and the CMA-MAE outcome.
  public static func run(
    _ kind: Kind, seed: UInt64 = 20_240_501, batches: Int = 100, batchSize: Int = 540, dimension: Int = 100
  ) throws -> (elitist: Outcome, cmaMAE: Outcome) {
    let elitist = try runOne(kind, seed: seed, batches: batches, batchSize: batchSize, dimension: dimension, mae: false)
    let mae = try runOne(kind, seed: seed, batches: batches, batchSize: batchSize, dimension: dimension, mae: true)
    return (elitist, mae)
  }

  static func runOne(_ kind: Kind, seed: UInt64, batches: Int, batchSize: Int, dimension: Int, mae: Bool) throws -> Outcome {
    guard batches > 0, batchSize > 0 else { throw QDError("the fixture needs at least one batch of one solution") }
    let n = kind == .sphere ? dimension : 1
    let domain = kind == .sphere ? try LinearProjectionDomain(.sphere, dimension: n) : nil
    let ranges = domain?.measureRanges ?? [(-1, 1), (-1, 1)]
    let grid = try GridLayout(dims: [100, 100], ranges: ranges)
    var archive = try GridArchive<VectorSolutions>(
      indexer: grid, solutionDimension: n, learningRate: mae ? 0.01 : 1, thresholdMin: mae ? 0 : -.infinity)
    var rng = SplitMix64(seed: seed)
    func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
    var x = [Double](repeating: 0, count: batchSize * n)
    var obj = [Double](repeating: 0, count: batchSize)
    var meas = [Double](repeating: 0, count: batchSize * 2)
    var result = AddResult()
    for b in 0..<batches {
      for i in 0..<batchSize {
        if domain != nil {
          let b1 = (2 * u() - 1) * 5.12
          let b2 = (2 * u() - 1) * 5.12
          for j in 0..<n { x[i * n + j] = (j < n / 2 ? b1 : b2) + 2 * (2 * u() - 1) }
        } else {
          let u0 = u(), u1 = u(), u2 = u()
          meas[2 * i] = -1.2 + 2.4 * u0
          meas[2 * i + 1] = -1.2 + 2.4 * u1
          obj[i] = 100 * u2
          x[i] = u0
          let g = b * batchSize + i
          if g % 97 == 0 { meas[2 * i] = -1 + 2 * Double(g % 101) / 100.0 }
        }
      }
      if let domain {
        x.withUnsafeBufferPointer { xs in
          obj.withUnsafeMutableBufferPointer { o in
            meas.withUnsafeMutableBufferPointer { m in
              domain.evaluate(xs.baseAddress!, count: batchSize, objectives: o.baseAddress!, measures: m.baseAddress!)
            }
          }
        }
      }
      archive.add(solutions: x, objectives: obj, measures: meas, into: &result)
    }
    let st = archive.stats
    var checksum = 0.0
    var tsum = 0.0
    for c in archive.occupiedCells.sorted() {
      checksum += Double(c) * archive.objective[Int(c)]
      tsum += archive.threshold[Int(c)]
    }
    return Outcome(
      numElites: st.numElites, qdScore: st.qdScore, normQDScore: st.normQDScore, coverage: st.coverage,
      objMax: st.objMax ?? .nan, indexChecksum: checksum, lastBatchStatusCounts: result.statusCounts,
      thresholdSum: mae ? tsum : nil)
  }
}
