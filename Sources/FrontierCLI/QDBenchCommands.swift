import ArgumentParser
import FrontierOptimization

/// `frontier qd-bench`: the contract of `../shared/anchors/qd/side_by_side.sh`; same flags and
/// JSON keys as `qd_bench_pyribs.py`.
struct QDBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qd-bench",
    abstract: "QD benchmark run with the flags and JSON summary of qd_bench_pyribs.py.")

  @Option(help: "sphere, rastrigin or arm.") var domain = "sphere"
  @Option(help: "map_elites, line_map_elites, cvt_map_elites, cma_me or cma_mae.") var algo = "map_elites"
  @Option(help: "Solution dimension.") var dim = 100
  @Option(help: "Grid resolution per measure.") var res = 100
  @Option(help: "Iterations.") var itrs = 10000
  @Option(help: "Emitters.") var emitters = 15
  @Option(help: "Solutions per emitter per iteration.") var batch = 36
  @Option(help: "Mutation / initial step size.") var sigma: Double?
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(help: "Curve row every N iterations.") var logEvery = 100
  @Option(help: "Summary JSON file.") var out: String?
  @Option(help: "Curve CSV file.") var curve: String?
  @Option(help: "SVG heatmap file.") var heatmap: String?
  @Option(help: "Threads for the emitters' ask/tell; the result does not depend on it.") var threads = 1
  @Option(help: "CMA-ES update of cma_me/cma_mae: pyribs (pyribs 0.12's rules) or tutorial (Hansen's).")
  var cmaRule = "pyribs"

  func run() throws {
    guard res > 0 else { throw ValidationError("--res must be positive (zero cells), got \(res)") }
    var c = QDRunConfig()
    c.domain = domain
    c.algorithm = algo
    c.dimension = dim
    c.cells = [res, res]
    c.iterations = itrs
    c.emitters = emitters
    c.batch = batch
    c.sigma = sigma
    c.seed = seed
    c.logEvery = logEvery
    c.threads = threads
    c.cmaRule = cmaRule
    let r = try QDRunner.run(c)
    Console.line(QDRunner.summaryJSON(r))
    try QDRunner.write(r, json: out, curve: curve, heatmap: heatmap)
  }
}

/// `frontier qd-fixture`: prints the numbers of `qd_archive_fixture.py` (RNG-free SplitMix64
/// inputs), to be compared with `fixture_diff.py`.
struct QDFixture: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qd-fixture",
    abstract: "Print the grid-archive conformance fixture of qd_archive_fixture.py.")

  @Option(help: "sphere or raw.") var fixture = "sphere"
  @Option(help: "SplitMix64 seed.") var seed: UInt64 = 20_240_501
  @Option(help: "Batches.") var batches = 100
  @Option(help: "Solutions per batch.") var batchSize = 540
  @Option(help: "Solution dimension (sphere).") var dim = 100

  func run() throws {
    guard let kind = ArchiveFixture.Kind(rawValue: fixture) else {
      throw ValidationError("unknown fixture '\(fixture)'; expected sphere or raw")
    }
    guard batches > 0, batchSize > 0 else { throw ValidationError("--batches and --batch-size must be positive") }
    guard dim >= 2 else { throw ValidationError("--dim must be at least 2") }
    let (e, m) = try ArchiveFixture.run(kind, seed: seed, batches: batches, batchSize: batchSize, dimension: dim)
    var j = JSONLine()
    j.add("fixture", fixture)
    j.add("seed", Int(seed))
    j.add("batches", batches)
    j.add("batch_size", batchSize)
    j.addRaw("elitist", Self.json(e))
    j.addRaw("cma_mae_lr0.01", Self.json(m))
    Console.line(j.text)
  }

  static func json(_ o: ArchiveFixture.Outcome) -> String {
    var j = JSONLine()
    j.add("num_elites", o.numElites)
    j.add("qd_score", o.qdScore)
    j.add("norm_qd_score", o.normQDScore)
    j.add("coverage", o.coverage)
    j.add("obj_max", o.objMax)
    j.add("index_checksum", o.indexChecksum)
    var counts = JSONLine()
    for (k, n) in o.lastBatchStatusCounts.enumerated() where n > 0 { counts.add(String(k), n) }
    j.addRaw("last_batch_status_counts", counts.text)
    if let t = o.thresholdSum { j.add("threshold_sum", t) }
    return j.text
  }
}
