import ArgumentParser
import Foundation
import FrontierCore
import FrontierOptimization

/// Settings of one quality-diversity run (shared by `illuminate` and `qd-bench`).
struct QDRunConfig {
  var domain = "sphere"
  var algorithm = "map_elites"
  var dimension = 100
  var cells = [100, 100]
  var iterations = 1000
  var emitters = 15
  var batch = 36
  var seed: UInt64 = 1
  var sigma: Double?
  var logEvery = 100
  var centroidFile: String?
  /// Threads for the emitters' ask/tell (results do not depend on it).
  var threads = 1
  /// CMA-ES update rules of the CMA-ME / CMA-MAE emitters: "pyribs" or "tutorial" (Hansen's).
  var cmaRule = "pyribs"

  static let algorithms = ["map_elites", "line_map_elites", "cvt_map_elites", "cma_me", "cma_mae"]
  static let domains = ["sphere", "rastrigin", "arm"]

  /// Normalises names ("map-elites" → "map_elites") and checks every setting.
  mutating func validate() throws {
    algorithm = algorithm.replacingOccurrences(of: "-", with: "_")
    guard Self.algorithms.contains(algorithm) else {
      throw ValidationError("unknown algorithm '\(algorithm)'; expected one of \(Self.algorithms.joined(separator: ", "))")
    }
    guard Self.domains.contains(domain) else {
      throw ValidationError("unknown domain '\(domain)'; expected one of \(Self.domains.joined(separator: ", "))")
    }
    guard dimension >= 2 else { throw ValidationError("--dim must be at least 2, got \(dimension)") }
    guard !cells.isEmpty, cells.allSatisfy({ $0 > 0 }) else { throw ValidationError("the archive needs at least one cell per dimension (got \(cells))") }
    guard algorithm == "cvt_map_elites" || cells.count == 2 else {
      throw ValidationError("a grid archive over the 2 measures needs --cells AxB, got \(cells.count) numbers")
    }
    guard iterations >= 1 else { throw ValidationError("--iterations must be positive, got \(iterations)") }
    guard emitters >= 1 else { throw ValidationError("--emitters must be positive, got \(emitters)") }
    guard batch >= 1 else { throw ValidationError("--batch must be positive, got \(batch)") }
    if let s = sigma, !(s > 0 && s.isFinite) { throw ValidationError("--sigma must be positive, got \(s)") }
    guard logEvery >= 1 else { throw ValidationError("--log-every must be positive") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    guard ["pyribs", "tutorial"].contains(cmaRule) else {
      throw ValidationError("unknown --cma-rule '\(cmaRule)'; expected pyribs or tutorial")
    }
  }

  static func parseCells(_ s: String) throws -> [Int] {
    let parts = s.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else {
      throw ValidationError("--cells expects AxB (e.g. 100x100) or a count for CVT, got '\(s)'")
    }
    let v = parts.map { $0! }
    guard v.allSatisfy({ $0 > 0 }) else { throw ValidationError("--cells: zero cells ('\(s)'); every dimension needs at least one") }
    return v
  }
}

/// One row of the QD curve.
struct QDCurveRow {
  var iteration: Int
  var evaluations: Int
  var stats: ArchiveStats
  var wall: Double
}

/// The outcome of a run: summary statistics, curve and what the heatmap needs.
struct QDRunReport {
  var config: QDRunConfig
  var stats: ArchiveStats
  var evaluations: Int
  var wall: Double
  var cpu: Double
  var setup: Double
  var curve: [QDCurveRow]
  var archiveLabel: String
  var cellCount: Int
  var rejected: Int
  /// Heatmap data: one (cell position in measure space or grid coordinate, objective) per elite.
  var heat: QDHeat
}

struct QDHeat {
  var grid: GridLayout?
  var centroids: CentroidIndex?
  var ranges: [(Double, Double)]
  var cells: [Int32]
  var objectives: [Double]
}

enum QDRunner {
  /// Opens the concrete domain type, so the whole run loop is specialised for it.
  static func run(_ config: QDRunConfig) throws -> QDRunReport {
    var c = config
    try c.validate()
    switch c.domain {
    case "sphere": return try open(try LinearProjectionDomain(.sphere, dimension: c.dimension), c)
    case "rastrigin": return try open(try LinearProjectionDomain(.rastrigin, dimension: c.dimension), c)
    default: return try open(try ArmDomain(dimension: c.dimension), c)
    }
  }

  private static func open<D: QDDomain>(_ d: D, _ c: QDRunConfig) throws -> QDRunReport {
    let t0 = wallSeconds()
    let ranges = d.measureRanges
    do {
      if c.algorithm == "cvt_map_elites" {
        let index: CentroidIndex
        if let f = c.centroidFile {
          index = try loadCentroids(f, ranges: ranges)
        } else {
          index = try CentroidIndex.kMeans(cells: c.cells.reduce(1, *), ranges: ranges, seed: c.seed)
        }
        return try build(d, c, index, t0)
      }
      let grid = try GridLayout(dims: c.cells, ranges: ranges)
      return try build(d, c, grid, t0)
    } catch let e as QDError {
      throw ValidationError(e.message)
    }
  }

  /// Reads centroids as CSV (one centroid per line); the dimension must match the measures.
  static func loadCentroids(_ path: String, ranges: [(Double, Double)]) throws -> CentroidIndex {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw InputError(file: path, "cannot read the centroid file")
    }
    var values: [Double] = []
    for (ln, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let t = line.trimmingCharacters(in: .whitespaces)
      if t.isEmpty || t.hasPrefix("#") { continue }
      let fields = t.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard fields.count == ranges.count else {
        throw InputError(file: path, line: ln + 1, "centroid has \(fields.count) values, the measure space has \(ranges.count) measures")
      }
      guard fields.allSatisfy({ $0 != nil && $0!.isFinite }) else {
        throw InputError(file: path, line: ln + 1, "centroid values must be finite numbers")
      }
      values += fields.map { $0! }
    }
    guard !values.isEmpty else { throw InputError(file: path, "no centroids (zero cells)") }
    do { return try CentroidIndex(centroids: values, dimension: ranges.count, ranges: ranges) } catch let e as QDError {
      throw InputError(file: path, e.message)
    }
  }

  private static func build<D: QDDomain, I: CellIndexer>(_ d: D, _ c: QDRunConfig, _ indexer: I, _ t0: Double) throws -> QDRunReport {
    let n = d.solutionDimension
    let sigma = c.sigma ?? (c.domain == "arm" ? 0.1 : 0.5)
    var seeds = SplitMix64(seed: c.seed)
    let x0 = [Double](repeating: 0, count: n)
    let mae = c.algorithm == "cma_mae"
    let archive = try Archive<I, VectorSolutions>(
      indexer: indexer, solutionDimension: n, learningRate: mae ? 0.01 : 1, thresholdMin: mae ? 0 : -.infinity)
    let resultArchive = mae ? try Archive<I, VectorSolutions>(indexer: indexer, solutionDimension: n) : nil
    switch c.algorithm {
    case "map_elites", "cvt_map_elites":
      let em = try (0..<c.emitters).map { _ in try GaussianEmitter(x0: x0, sigma: sigma, batchSize: c.batch, seed: seeds.next()) }
      var s = try Scheduler(archive: archive, emitters: em, resultArchive: resultArchive, threads: c.threads)
      return drive(&s, d, c, t0)
    case "line_map_elites":
      let em = try (0..<c.emitters).map { _ in
        try IsoLineEmitter(x0: x0, isoSigma: sigma, lineSigma: 0.2, batchSize: c.batch, seed: seeds.next())
      }
      var s = try Scheduler(archive: archive, emitters: em, resultArchive: resultArchive, threads: c.threads)
      return drive(&s, d, c, t0)
    default:
      func emitters<ES: RankedEvolutionStrategy>(_ make: () throws -> ES) throws -> [EvolutionStrategyEmitter<ES>] {
        try (0..<c.emitters).map { _ in
          try EvolutionStrategyEmitter(
            strategy: try make(), x0: x0, batchSize: c.batch,
            ranking: mae ? .improvement : .twoStageImprovement, selection: mae ? .mu : .filter,
            restartRule: mae ? .basic : .noImprovement, seed: seeds.next())
        }
      }
      if c.cmaRule == "tutorial" {
        let em = try emitters { try TutorialCMAESStrategy(x0: x0, sigma: sigma, batchSize: c.batch) }
        var s = try Scheduler(archive: archive, emitters: em, resultArchive: resultArchive, threads: c.threads)
        return drive(&s, d, c, t0)
      }
      let em = try emitters { try CMAESStrategy(x0: x0, sigma: sigma, batchSize: c.batch) }
      var s = try Scheduler(archive: archive, emitters: em, resultArchive: resultArchive, threads: c.threads)
      return drive(&s, d, c, t0)
    }
  }

  private static func drive<S: QDScheduler, D: QDDomain>(_ s: inout S, _ d: D, _ c: QDRunConfig, _ t0: Double) -> QDRunReport {
    let setup = wallSeconds() - t0
    var curve: [QDCurveRow] = []
    let w0 = wallSeconds(), c0 = cpuSeconds()
    let evals = s.run(on: d, iterations: c.iterations, logEvery: c.logEvery) { itr, ev, st in
      curve.append(QDCurveRow(iteration: itr, evaluations: ev, stats: st, wall: wallSeconds() - w0))
    }
    let wall = wallSeconds() - w0, cpu = cpuSeconds() - c0
    let r = s.result
    let label = (r.indexer as? GridLayout).map { "grid " + $0.dims.map(String.init).joined(separator: "x") }
      ?? "cvt \(r.cellCount)"
    return QDRunReport(
      config: c, stats: r.stats, evaluations: evals, wall: wall, cpu: cpu, setup: setup, curve: curve,
      archiveLabel: label, cellCount: r.cellCount, rejected: r.rejectedCount,
      heat: QDHeat(
        grid: r.indexer as? GridLayout, centroids: r.indexer as? CentroidIndex, ranges: d.measureRanges,
        cells: r.occupiedCells, objectives: r.occupiedCells.map { r.objective[Int($0)] }))
  }

  /// The summary JSON, with the keys of `qd_bench_pyribs.py`.
  static func summaryJSON(_ r: QDRunReport) -> String {
    var j = JSONLine()
    j.add("tool", "frontier")
    j.add("tool_version", "0.1")
    j.add("domain", r.config.domain)
    j.add("algo", r.config.algorithm)
    j.add("solution_dim", r.config.dimension)
    j.add("archive", r.archiveLabel)
    j.add("cells", r.cellCount)
    j.add("emitters", r.config.emitters)
    j.add("batch_per_emitter", r.config.batch)
    j.add("iterations", r.config.iterations)
    j.add("evaluations", r.evaluations)
    j.add("seed", Int(r.config.seed))
    j.add("qd_score", r.stats.qdScore)
    j.add("norm_qd_score", r.stats.normQDScore)
    j.add("coverage", r.stats.coverage)
    j.add("num_elites", r.stats.numElites)
    j.add("obj_max", r.stats.objMax)
    j.add("obj_mean", r.stats.objMean)
    j.add("rejected_non_finite", r.rejected)
    j.add("threads", r.config.threads)
    j.add("cma_rule", r.config.cmaRule)
    j.add("wall_s", (r.wall * 1000).rounded() / 1000)
    j.add("cpu_s", (r.cpu * 1000).rounded() / 1000)
    j.add("setup_s", (r.setup * 1000).rounded() / 1000)
    j.add("evals_per_s", (Double(r.evaluations) / max(r.wall, 1e-9) * 10).rounded() / 10)
    return j.text
  }

  static func curveCSV(_ r: QDRunReport) -> String {
    var s = "itr,evals,qd_score,norm_qd_score,coverage,obj_max,wall_s\n"
    for row in r.curve {
      s += "\(row.iteration),\(row.evaluations),\(row.stats.qdScore),\(row.stats.normQDScore),\(row.stats.coverage),"
      s += "\(row.stats.objMax.map { "\($0)" } ?? ""),\(fmt(row.wall, 4))\n"
    }
    return s
  }

  /// A self-contained SVG heatmap of the elites' objectives: one rectangle per occupied cell
  /// of a 2-D grid, or one dot per occupied centroid of a CVT (colour = objective).
  static func heatmapSVG(_ r: QDRunReport, title: String) -> String {
    let h = r.heat
    let size = 480.0, pad = 40.0
    let lo = h.objectives.min() ?? 0, hi = h.objectives.max() ?? 1
    let vmin = r.config.domain == "arm" ? lo : 0.0, vmax = r.config.domain == "arm" ? max(hi, lo + 1e-9) : 100.0
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(size + 2 * pad + 60))" height="\(Int(size + 2 * pad))" \
      font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(pad)" y="\(pad - 12)">\(xmlEscape(title))</text>
      <rect x="\(pad)" y="\(pad)" width="\(size)" height="\(size)" fill="#eee" stroke="black"/>

      """
    let (x0, x1) = h.ranges[0], (y0, y1) = h.ranges.count > 1 ? h.ranges[1] : (0.0, 1.0)
    func px(_ v: Double) -> Double { pad + (v - x0) / (x1 - x0) * size }
    func py(_ v: Double) -> Double { pad + size - (v - y0) / (y1 - y0) * size }
    for (k, cell) in h.cells.enumerated() {
      let colour = viridis((h.objectives[k] - vmin) / (vmax - vmin))
      if let g = h.grid, g.dims.count == 2 {
        let co = g.coordinates(ofCell: Int(cell))
        let w = size / Double(g.dims[0]), ht = size / Double(g.dims[1])
        s += "<rect x=\"\(fmt(pad + Double(co[0]) * w, 2))\" y=\"\(fmt(pad + size - Double(co[1] + 1) * ht, 2))\" "
        s += "width=\"\(fmt(w, 2))\" height=\"\(fmt(ht, 2))\" fill=\"\(colour)\"/>\n"
      } else if let c = h.centroids, c.measureCount >= 2 {
        let cx = c.centroids[Int(cell) * c.measureCount], cy = c.centroids[Int(cell) * c.measureCount + 1]
        s += "<circle cx=\"\(fmt(px(cx), 2))\" cy=\"\(fmt(py(cy), 2))\" r=\"3\" fill=\"\(colour)\"/>\n"
      }
    }
    // Colour bar.
    for i in 0..<50 {
      let t = Double(i) / 49
      s += "<rect x=\"\(pad + size + 15)\" y=\"\(fmt(pad + size - (t * size) - size / 50, 2))\" width=\"15\" height=\"\(fmt(size / 50 + 0.5, 2))\" fill=\"\(viridis(t))\"/>\n"
    }
    s += "<text x=\"\(pad + size + 34)\" y=\"\(pad + 10)\">\(fmt(vmax, 1))</text>\n"
    s += "<text x=\"\(pad + size + 34)\" y=\"\(pad + size)\">\(fmt(vmin, 1))</text>\n"
    s += "<text x=\"\(pad)\" y=\"\(pad + size + 16)\">\(fmt(x0, 0))</text>"
    s += "<text x=\"\(pad + size - 30)\" y=\"\(pad + size + 16)\">\(fmt(x1, 0))</text>\n"
    s += "<text x=\"\(pad + size / 2 - 30)\" y=\"\(pad + size + 30)\">measure 1</text>\n</svg>\n"
    return s
  }

  static func xmlEscape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }

  /// A short approximation of matplotlib's viridis colour map.
  static func viridis(_ t: Double) -> String {
    let stops: [(Double, Double, Double)] = [
      (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142), (31, 158, 137),
      (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ]
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
    let i = min(Int(x), stops.count - 2)
    let f = x - Double(i)
    let a = stops[i], b = stops[i + 1]
    let r = Int(a.0 + (b.0 - a.0) * f), g = Int(a.1 + (b.1 - a.1) * f), bl = Int(a.2 + (b.2 - a.2) * f)
    return String(format: "#%02x%02x%02x", r, g, bl)
  }

  /// Writes the requested files.
  static func write(_ r: QDRunReport, json: String?, curve: String?, heatmap: String?) throws {
    func put(_ path: String, _ text: String) throws {
      do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw InputError(file: path, "cannot write: \(error.localizedDescription)")
      }
    }
    if let p = json { try put(p, summaryJSON(r) + "\n") }
    if let p = curve { try put(p, curveCSV(r)) }
    if let p = heatmap {
      let title = "\(r.config.algorithm) on \(r.config.domain)-\(r.config.dimension): QD \(fmt(r.stats.normQDScore, 2)), coverage \(fmt(100 * r.stats.coverage, 1)) %"
      try put(p, heatmapSVG(r, title: title))
    }
  }
}

/// `frontier illuminate`: quality-diversity search on a benchmark domain.
struct Illuminate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Quality-diversity search (MAP-Elites, line-MAP-Elites, CVT-MAP-Elites, CMA-ME, CMA-MAE) on a benchmark domain.",
    discussion: """
      Domains follow pyribs' examples: sphere and Rastrigin linear projection (measures: sums of the \
      clipped halves of x) and the planar arm repertoire. Each iteration asks every emitter for \
      --batch solutions, evaluates them and inserts them into the archive.
      """)

  @Option(help: "sphere, rastrigin or arm.") var domain = "sphere"
  @Option(help: "map-elites, line-map-elites, cvt-map-elites, cma-me or cma-mae.") var algorithm = "map-elites"
  @Option(help: "Solution dimension.") var dim = 100
  @Option(help: "Archive cells: AxB for a grid; for CVT the product is the number of centroids.") var cells = "100x100"
  @Option(help: "CVT centroids as CSV (one centroid per line), instead of k-means.") var centroids: String?
  @Option(help: "Iterations.") var iterations = 1000
  @Option(help: "Emitters.") var emitters = 15
  @Option(help: "Solutions per emitter per iteration.") var batch = 36
  @Option(help: "Mutation / initial step size (default 0.5; arm 0.1).") var sigma: Double?
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(help: "Log a curve row every N iterations.") var logEvery = 100
  @Option(help: "Write the summary JSON here.") var json: String?
  @Option(help: "Write the QD-score/coverage curve (CSV) here.") var curve: String?
  @Option(help: "Write an SVG heatmap of the archive here.") var heatmap: String?
  @Option(help: "Threads for the emitters' ask/tell; the result does not depend on it.") var threads = 1
  @Option(help: "CMA-ES update of cma-me/cma-mae: pyribs (pyribs 0.12's rules) or tutorial (Hansen's).")
  var cmaRule = "pyribs"

  func config() throws -> QDRunConfig {
    var c = QDRunConfig()
    c.domain = domain
    c.algorithm = algorithm
    c.dimension = dim
    c.cells = try QDRunConfig.parseCells(cells)
    c.iterations = iterations
    c.emitters = emitters
    c.batch = batch
    c.sigma = sigma
    c.seed = seed
    c.logEvery = logEvery
    c.centroidFile = centroids
    c.threads = threads
    c.cmaRule = cmaRule
    return c
  }

  func run() throws {
    let r = try QDRunner.run(try config())
    Console.line(
      "\(r.config.algorithm) on \(r.config.domain)-\(r.config.dimension), \(r.archiveLabel): \(grouped(r.config.iterations)) iterations, \(grouped(r.evaluations)) evaluations")
    Console.line(
      "QD score \(fmt(r.stats.qdScore, 1)) (normalised \(fmt(r.stats.normQDScore, 2))), coverage \(fmt(100 * r.stats.coverage, 2)) %, elites \(r.stats.numElites), best \(r.stats.objMax.map { fmt($0, 3) } ?? "-")")
    Console.line("time \(fmt(r.wall, 2)) s wall, \(fmt(r.cpu, 2)) s CPU (\(rate(r.evaluations, r.wall)) evaluations)")
    if r.rejected > 0 { Console.line("rejected \(r.rejected) solutions with a NaN or infinite objective or measure") }
    try QDRunner.write(r, json: json, curve: curve, heatmap: heatmap)
  }
}
