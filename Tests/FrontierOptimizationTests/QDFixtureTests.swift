import FrontierOptimization
import Testing

/// The numbers printed by `python3 ../shared/anchors/qd/qd_archive_fixture.py --fixture raw|sphere`
/// (pyribs 0.12.0 GridArchive; inputs from SplitMix64, so no data file and no RNG difference).
/// Frontier must agree to 1e-9.
@Suite struct QDFixtureTests {
  struct Expected {
    var numElites: Int
    var qdScore, normQDScore, coverage, objMax, indexChecksum: Double
    var status: [Int]
    var thresholdSum: Double?
  }

  static let raw: (Expected, Expected) = (
    Expected(
      numElites: 9772, qdScore: 749928.6729789774, normQDScore: 74.99286729789775, coverage: 0.9772,
      objMax: 99.99997465393793, indexChecksum: 3747099107.6273174, status: [440, 89, 11]),
    Expected(
      numElites: 9772, qdScore: 501321.3463556819, normQDScore: 50.13213463556819, coverage: 0.9772,
      objMax: 99.99997465393793, indexChecksum: 2500414141.3762302, status: [38, 491, 11],
      thresholdSum: 24681.977995784517))

  static let sphere: (Expected, Expected) = (
    Expected(
      numElites: 4727, qdScore: 384439.36682807346, normQDScore: 38.44393668280735, coverage: 0.4727,
      objMax: 97.94104205937236, indexChecksum: 2002343185.5840163, status: [501, 36, 3]),
    Expected(
      numElites: 4727, qdScore: 365563.96960521466, normQDScore: 36.55639696052147, coverage: 0.4727,
      objMax: 97.94104205937236, indexChecksum: 1920690818.2701302, status: [2, 535, 3],
      thresholdSum: 35488.03059281775))

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

  func check(_ got: ArchiveFixture.Outcome, _ want: Expected, _ label: String) {
    #expect(got.numElites == want.numElites, "\(label) num_elites")
    #expect(Self.close(got.qdScore, want.qdScore), "\(label) qd_score \(got.qdScore)")
    #expect(Self.close(got.normQDScore, want.normQDScore), "\(label) norm_qd_score")
    #expect(Self.close(got.coverage, want.coverage), "\(label) coverage")
    #expect(Self.close(got.objMax, want.objMax), "\(label) obj_max")
    #expect(Self.close(got.indexChecksum, want.indexChecksum), "\(label) index_checksum \(got.indexChecksum)")
    #expect(got.lastBatchStatusCounts == want.status, "\(label) status counts \(got.lastBatchStatusCounts)")
    if let t = want.thresholdSum {
      #expect(got.thresholdSum.map { Self.close($0, t) } == true, "\(label) threshold_sum \(String(describing: got.thresholdSum))")
    }
  }

  @Test("raw fixture: clipping, boundary rule, elitist and CMA-MAE thresholds match pyribs")
  func rawFixture() throws {
    let (e, m) = try ArchiveFixture.run(.raw)
    check(e, Self.raw.0, "raw elitist")
    check(m, Self.raw.1, "raw cma_mae")
  }

  @Test("sphere fixture: the sphere linear projection domain and archive match pyribs")
  func sphereFixture() throws {
    let (e, m) = try ArchiveFixture.run(.sphere)
    check(e, Self.sphere.0, "sphere elitist")
    check(m, Self.sphere.1, "sphere cma_mae")
  }

  @Test("fixture with zero batches is an error")
  func zeroBatches() {
    #expect(throws: QDError.self) { try ArchiveFixture.run(.raw, batches: 0) }
    #expect(throws: QDError.self) { try ArchiveFixture.run(.raw, batchSize: 0) }
  }
}
