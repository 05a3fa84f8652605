// `frontier index build|search` and `frontier bench ann|filtered`.
//
// Written to move unchanged into Sources/FrontierCLI once FrontierCLI depends on
// FrontierVectorSearch; until then it is built by bench/vector/Package.swift as the
// `frontier-vector` executable.
import ArgumentParser
import Foundation
import FrontierVectorSearch

#if canImport(Glibc)
import Glibc
#endif

// MARK: - index

struct IndexCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "index",
    abstract: "Build and search vector indexes (HNSW, flat).",
    discussion: """
      Examples:
        frontier index build --vectors base.fvecs --attributes attrs.ivecs --attribute-names lex,pos,value \\
          --metric ip --M 16 --ef-construction 200 --out wn.idx
        frontier index search --index wn.idx --queries query.fvecs --k 10 --ef 64 --filter 'lex == 3'
        frontier index build --vectors base.fvecs --attributes attrs.csv --metric ip --out shop.idx
        frontier index build --vectors base.fvecs --metric ip --quantize int8 --out wn-sq8.idx
        frontier index bench --data DIR --M 16 --efc 200 --ef 10,20,40,80 --out ann.csv  (= frontier bench ann; also filtered, flat)
        frontier index search --index shop.idx --queries query.fvecs --k 10 --filter 'price < 2.5 && cat in {1, 3}'
      An attribute CSV starts with a header naming the columns, e.g. `cat,price:float`; a column
      is float when its name ends in `:float` or any of its values has a decimal point or an
      exponent, else integer.
      """,
    subcommands: [IndexBuild.self, IndexSearch.self])
}

enum MetricName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case l2, ip, cosine
  var metric: VectorMetric {
    switch self {
    case .l2: return .l2
    case .ip: return .innerProduct
    case .cosine: return .cosine
    }
  }
}

enum QuantizeName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case none, int8
  var quantization: VectorQuantization { self == .int8 ? .int8 : .none }
}

/// A comma list of quantisations (`none,int8`).
func parseQuantizations(_ s: String) throws -> [QuantizeName] {
  try s.split(separator: ",").map { part in
    let t = part.trimmingCharacters(in: .whitespaces)
    guard let q = QuantizeName(rawValue: t) else {
      throw ValidationError("--quantize: unknown quantisation '\(t)'; expected none or int8 (comma-separated)")
    }
    return q
  }
}

enum StrategyName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case auto, bruteForce = "brute-force", graph, postFilter = "post-filter"
  var strategy: FilterStrategy {
    switch self {
    case .auto: return .automatic
    case .bruteForce: return .bruteForce
    case .graph: return .graph
    case .postFilter: return .postFilter
    }
  }
}

/// Reads vectors by extension: .fvecs, .bvecs, .npy, .csv.
func readVectors(_ path: String) throws -> VectorMatrix {
  switch (path as NSString).pathExtension.lowercased() {
  case "fvecs": return try VectorFiles.readFvecs(path)
  case "bvecs": return try VectorFiles.readBvecs(path)
  case "npy": return try VectorFiles.readNpy(path)
  case "csv", "txt": return try VectorFiles.readCSV(path)
  default:
    throw ValidationError("\(path): unknown vector file type; expected .fvecs, .bvecs, .npy or .csv")
  }
}

/// Process CPU seconds (user + system).
func cpuSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func wallSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func stderrLine(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// A one-line progress bar on standard error.
struct ProgressBar {
  let total: Int
  let label: String
  let start = wallSeconds()
  func update(_ done: Int) {
    let frac = total == 0 ? 1 : Double(done) / Double(total)
    let width = 30
    let filled = Int(frac * Double(width))
    let elapsed = wallSeconds() - start
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    FileHandle.standardError.write(
      Data("\r\(label) [\(bar)] \(done)/\(total) \(String(format: "%.1f", elapsed))s".utf8))
    if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}

struct IndexBuild: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "build", abstract: "Build an HNSW index from a vector file.")

  @Option(help: "Vectors (.fvecs, .bvecs, .npy float32 2-D, .csv).") var vectors: String
  @Option(help: "Attributes per vector, one row per vector: .ivecs (integer columns) or .csv with a header (`name` or `name:float`; float when a value has a decimal point).") var attributes: String?
  @Option(help: "Comma-separated attribute names (default: the CSV header, or a0,a1,... for .ivecs).") var attributeNames: String?
  @Option(help: "Metric: l2, ip or cosine.") var metric: MetricName = .l2
  @Option(name: .customLong("M"), help: "Links per node (level 0 keeps 2M).") var M = 16
  @Option(help: "Beam width while building.") var efConstruction = 200
  @Option(help: "Default beam width while searching.") var efSearch = 64
  @Option(help: "Seed of the level generator.") var seed: UInt64 = 100
  @Option(help: "Insertion threads (default: all cores; 1 gives the same graph for the same seed every time).")
  var threads = ProcessInfo.processInfo.activeProcessorCount
  @Option(help: "Quantisation of the search walk: none, or int8 (one byte per component, the beam re-ranked with exact floats).")
  var quantize: QuantizeName = .none
  @Option(help: "Output index file.") var out: String

  func validate() throws {
    if M < 2 || M > 1024 { throw ValidationError("--M must be in 2...1024, got \(M)") }
    if efConstruction < 1 { throw ValidationError("--ef-construction must be positive, got \(efConstruction)") }
    if efSearch < 1 { throw ValidationError("--ef-search must be positive, got \(efSearch)") }
    if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  func run() async throws {
    let data = try readVectors(vectors)
    guard data.rows > 0 else { throw ValidationError("\(vectors): no vectors") }
    var attrs: IntMatrix? = nil
    var columns: [AttributeColumn] = []
    if let a = attributes {
      let t = try VectorFiles.readAttributes(a, names: attributeNames.map { $0.split(separator: ",").map(String.init) })
      guard t.rows == data.rows else {
        throw ValidationError("\(a): \(t.rows) attribute rows, but \(vectors) has \(data.rows) vectors")
      }
      attrs = t.cells
      columns = t.columns
    }
    var index = HNSWIndex(
      dimension: data.dimension, metric: metric.metric, attributes: columns,
      parameters: HNSWParameters(
        M: M, efConstruction: efConstruction, efSearch: efSearch, seed: seed, quantization: quantize.quantization))
    let bar = ProgressBar(total: data.rows, label: "building")
    let w0 = wallSeconds()
    let c0 = cpuSeconds()
    try await index.add(contentsOf: data, attributes: attrs, threads: threads) { bar.update($0) }
    let w = wallSeconds() - w0
    let c = cpuSeconds() - c0
    try index.save(to: out)
    print(
      "built \(index.count) vectors of dimension \(index.dimension) (\(metric.rawValue), M=\(M), efConstruction=\(efConstruction), "
        + (quantize == .int8 ? "int8 codes (\(quantizedKernelVariant)), " : "")
        + "\(threads) thread\(threads == 1 ? "" : "s")) "
        + "in \(String(format: "%.2f", w)) s (\(String(format: "%.2f", c)) s CPU), "
        + "\(String(format: "%.0f", index.bytesPerVector)) bytes/vector; wrote \(out)")
  }
}

struct IndexSearch: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "search", abstract: "Search an index with a file of queries.")

  @Option(help: "Index file written by `index build`.") var index: String
  @Option(help: "Query vectors (.fvecs, .bvecs, .npy, .csv).") var queries: String
  @Option(help: "Neighbours per query.") var k = 10
  @Option(help: "Beam width (default: the index's efSearch).") var ef: Int?
  @Option(help: "Filter expression, e.g. 'lex == 3 && value < 5000', or 'price < 2.5' on a float attribute.") var filter: String?
  @Option(help: "Filter strategy: auto, brute-force, graph, post-filter.") var strategy: StrategyName = .auto
  @Flag(help: "One JSON object per query instead of text.") var json = false
  @Option(help: "Search threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

  func run() async throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    let idx = try HNSWIndex.load(from: index)
    let q = try readVectors(queries)
    let f: VectorFilter?
    do {
      f = try filter.map { try idx.filter($0) }
    } catch let e as VectorSearchError {
      throw ValidationError("--filter: \(e.message)")
    }
    let params = SearchParameters(ef: ef, strategy: strategy.strategy)
    let all = try await idx.searchAll((0..<q.rows).map { q.row($0) }, k: k, filter: f, parameters: params, threads: threads)
    for (i, r) in all.enumerated() {
      if json {
        let ids = r.map { String($0.id) }.joined(separator: ",")
        let ds = r.map { "\($0.distance)" }.joined(separator: ",")
        print("{\"query\":\(i),\"ids\":[\(ids)],\"distances\":[\(ds)]}")
      } else {
        print("\(i): " + r.map { "\($0.id) (\(String(format: "%.4f", $0.distance)))" }.joined(separator: " "))
      }
    }
  }
}

// MARK: - bench (CSV columns of shared/anchors/vector/bench_ann.py and bench_filtered.py)

struct VectorBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Vector-search benchmarks writing the anchors' CSV columns.",
    subcommands: [BenchANN.self, BenchFiltered.self, BenchFlat.self])
}

/// base.fvecs, query.fvecs, gt.ivecs and meta.json of a data set directory.
struct BenchData {
  let name: String
  let metric: VectorMetric
  let metricName: String
  let base: VectorMatrix
  let queries: VectorMatrix

  init(_ dir: String, nq: Int) throws {
    guard let metaText = try? String(contentsOfFile: dir + "/meta.json", encoding: .utf8) else {
      throw InputError(file: dir + "/meta.json", "cannot read the data set's meta.json: --data must name a directory with base.fvecs, query.fvecs, gt.ivecs and meta.json (see ../shared/anchors/vector/make_dataset.py)")
    }
    let meta = try JSONSerialization.jsonObject(with: Data(metaText.utf8)) as? [String: Any] ?? [:]
    name = meta["name"] as? String ?? (dir as NSString).lastPathComponent
    metricName = meta["metric"] as? String ?? "l2"
    metric = metricName == "ip" ? .innerProduct : .l2
    base = try VectorFiles.readFvecs(dir + "/base.fvecs")
    var q = try VectorFiles.readFvecs(dir + "/query.fvecs")
    if nq > 0 && nq < q.rows {
      q = VectorMatrix(rows: nq, dimension: q.dimension, values: ContiguousArray(q.values[0..<nq * q.dimension]))
    }
    queries = q
  }
}

/// Mean |found[:k] ∩ gt[:k] valid| / |gt[:k] valid| (the anchors' definition).
func recallAtK(_ found: [[Int]], _ gt: IntMatrix, k: Int) -> Double {
  var total = 0.0
  var n = 0
  for (i, f) in found.enumerated() {
    let g = gt.row(i).prefix(k).filter { $0 >= 0 }.map(Int.init)
    if g.isEmpty { continue }
    let gs = Set(g)
    total += Double(f.prefix(k).filter { gs.contains($0) }.count) / Double(g.count)
    n += 1
  }
  return n == 0 ? 0 : total / Double(n)
}

func loadAverage() -> Double {
  var l = [Double](repeating: 0, count: 3)
  return getloadavg(&l, 3) > 0 ? l[0] : 0
}

func peakRSSMB() -> Double {
  var u = rusage()
  getrusage(__rusage_who_t(0), &u)  // RUSAGE_SELF
  return Double(u.ru_maxrss) / 1024
}

func rssMB() -> Double {
  guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
  let f = s.split(separator: " ")
  return f.count > 1 ? (Double(f[1]) ?? 0) * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576 : 0
}

/// Appends rows to a CSV file, writing the header when the file is new.
func appendCSV(_ path: String, header: [String], rows: [[String]]) throws {
  let exists = FileManager.default.fileExists(atPath: path)
  var text = exists ? "" : header.joined(separator: ",") + "\n"
  for r in rows { text += r.joined(separator: ",") + "\n" }
  if exists, let h = FileHandle(forWritingAtPath: path) {
    h.seekToEndOfFile()
    h.write(Data(text.utf8))
    h.closeFile()
  } else {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}

func r(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

func parseList(_ s: String, _ name: String) throws -> [Int] {
  let v = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
  guard !v.isEmpty, v.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("\(name) must be a comma list of positive integers, got '\(s)'") }
  return v.map { $0! }
}

struct BenchANN: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ann", abstract: "Unfiltered recall@k and QPS per ef (single thread).")
  @Option var data: String
  @Option(name: .customLong("M")) var M = 16
  @Option var efc = 200
  @Option var ef = "10,20,40,80,160,320"
  @Option var k = 10
  @Option var nq = 0
  @Option(help: "Best of N search passes.") var repeats = 3
  @Option(help: "Threads building the index (searches stay single-threaded).") var buildThreads = 1
  @Option(help: "Comma list of quantisations to search with (none, int8); one build.") var quantize = "none"
  @Option var out = "results_ann.csv"

  func run() async throws {
    guard buildThreads >= 1 else { throw ValidationError("--build-threads must be at least 1, got \(buildThreads)") }
    let efs = try parseList(ef, "--ef")
    let quants = try parseQuantizations(quantize)
    let d = try BenchData(data, nq: nq)
    let gt = try VectorFiles.readIvecs(data + "/gt.ivecs")
    let rssData = rssMB()
    var index = HNSWIndex(
      dimension: d.base.dimension, metric: d.metric, parameters: HNSWParameters(M: M, efConstruction: efc, seed: 100))
    let bar = ProgressBar(total: d.base.rows, label: "building")
    let w0 = wallSeconds()
    let c0 = cpuSeconds()
    try await index.add(contentsOf: d.base, threads: buildThreads) { bar.update($0) }
    let buildWall = wallSeconds() - w0
    let buildCPU = cpuSeconds() - c0
    let rssIndex = rssMB() - rssData
    let path = NSTemporaryDirectory() + "frontier-vector-bench-\(getpid()).idx"
    try index.save(to: path)
    let disk = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1_048_576
    let l0 = wallSeconds()
    index = try HNSWIndex.load(from: path)
    let loadS = wallSeconds() - l0
    unlink(path)
    var rows: [[String]] = []
    let nq = d.queries.rows
    let queries = (0..<nq).map { d.queries.row($0) }
    for quant in quants {
    try index.quantize(quant.quantization)
    let lib = quant == .int8 ? "frontier-hnsw-sq8" : "frontier-hnsw"
    for e in efs {
      let p = SearchParameters(ef: e)
      for q in queries.prefix(50) { _ = try index.search(q, k: k, filter: nil, parameters: p) }
      var best: (wall: Double, cpu: Double, found: [[Int]])? = nil
      for _ in 0..<max(1, repeats) {
        var found: [[Int]] = []
        found.reserveCapacity(nq)
        let w = wallSeconds()
        let c = cpuSeconds()
        for q in queries { found.append(try index.search(q, k: k, filter: nil, parameters: p).map(\.id)) }
        let tw = wallSeconds() - w
        let tc = cpuSeconds() - c
        if best == nil || tw < best!.wall { best = (tw, tc, found) }
      }
      let rec = recallAtK(best!.found, gt, k: k)
      let row = [
        d.name, "\(d.base.rows)", "\(d.base.dimension)", d.metricName, lib, "0.1", "\(M)", "\(efc)", "\(e)",
        "\(k)", "1", "batch", "\(nq)", r(rec, 4), r(Double(nq) / best!.wall, 1), r(Double(nq) / max(best!.cpu, 1e-9), 1),
        r(buildWall, 2), r(buildCPU, 2), r(loadS, 3), r(rssIndex, 1), r(peakRSSMB(), 1), r(rssData, 1), r(disk, 1), "", "",
        r(loadAverage(), 2),
      ]
      rows.append(row)
      print(
        "\(lib) build_threads=\(buildThreads) ef=\(e) recall@\(k)=\(r(rec, 4)) qps(wall)=\(row[14]) qps(cpu)=\(row[15]) "
          + "build=\(r(buildWall, 1))s/\(r(buildCPU, 1))cpu idx_rss=\(r(rssIndex, 0))MB "
          + "bytes/vector=\(r(index.bytesPerVector, 0)) disk=\(r(disk, 0))MB load1=\(row[25])")
    }
    }
    try appendCSV(
      out,
      header: [
        "dataset", "n", "d", "metric", "lib", "version", "M", "efC", "ef", "k", "threads", "mode", "nq", "recall",
        "qps_wall", "qps_cpu", "build_s", "build_cpu_s", "load_s", "index_rss_mb", "peak_rss_mb", "data_rss_mb",
        "disk_mb", "p50_us", "p99_us", "loadavg",
      ], rows: rows)
  }
}

struct BenchFiltered: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "filtered", abstract: "Filtered recall@10 and QPS per filter set and strategy (single thread).")
  @Option var data: String
  @Option(name: .customLong("M")) var M = 16
  @Option var efc = 200
  @Option var params = "16,32,64,128,256"
  @Option(help: "Comma list of filter sets (default: all in meta.json).") var sets = ""
  @Option(help: "Comma list of strategies: auto, graph, post-filter, brute-force.") var strategies = "auto,graph,post-filter,brute-force"
  @Option(help: "Comma list of quantisations to search with (none, int8; methods frontier-<strategy> and frontier-sq8-<strategy>); one build.")
  var quantize = "none"
  @Option var nq = 0
  @Option var out = "results_filtered.csv"

  func run() async throws {
    let ps = try parseList(params, "--params")
    let d = try BenchData(data, nq: nq)
    let metaText = try String(contentsOfFile: data + "/meta.json", encoding: .utf8)
    let meta = try JSONSerialization.jsonObject(with: Data(metaText.utf8)) as? [String: Any] ?? [:]
    let filterMeta = meta["filters"] as? [String: [String: Any]] ?? [:]
    let setNames = sets.isEmpty ? filterMeta.keys.sorted() : sets.split(separator: ",").map(String.init)
    let strategyNames = strategies.split(separator: ",").map(String.init)
    let quants = try parseQuantizations(quantize)
    let attrs = try VectorFiles.readIvecs(data + "/attrs.ivecs")
    let names = ["lex", "pos", "value"]
    guard attrs.dimension == 3 else { throw ValidationError("attrs.ivecs has \(attrs.dimension) columns, expected 3") }
    var index = HNSWIndex(
      dimension: d.base.dimension, metric: d.metric, attributeNames: names,
      parameters: HNSWParameters(M: M, efConstruction: efc, seed: 100))
    let bar = ProgressBar(total: d.base.rows, label: "building")
    let w0 = wallSeconds()
    let c0 = cpuSeconds()
    try index.add(contentsOf: d.base, attributes: attrs) { bar.update($0) }
    let buildWall = wallSeconds() - w0
    let buildCPU = cpuSeconds() - c0
    let nq = d.queries.rows
    let queries = (0..<nq).map { d.queries.row($0) }
    var rows: [[String]] = []
    for quant in quants {
    try index.quantize(quant.quantization)
    for set in setNames {
      let flt = try VectorFiles.readIvecs(data + "/filters_\(set).ivecs")
      let gt = try VectorFiles.readIvecs(data + "/gt_\(set).ivecs")
      let filters: [VectorFilter] = try (0..<nq).map { i in
        let f = flt.row(i)
        let text = f[0] == 0 ? "lex == \(f[1])" : "value >= \(f[1]) && value <= \(f[2])"
        return try VectorFilter(text, attributes: names)
      }
      let sel = (filterMeta[set]?["mean_selectivity"] as? Double) ?? 0
      for s in strategyNames {
        guard let strat = StrategyName(rawValue: s) else { throw ValidationError("unknown strategy '\(s)'") }
        for p in (strat == .bruteForce ? [0] : ps) {
          let sp = SearchParameters(ef: p == 0 ? nil : p, strategy: strat.strategy)
          var found: [[Int]] = []
          found.reserveCapacity(nq)
          let w = wallSeconds()
          let c = cpuSeconds()
          for i in 0..<nq {
            let live = index.liveCount
            found.append(try index.search(queries[i], k: min(10, live), filter: filters[i], parameters: sp).map(\.id))
          }
          let tw = wallSeconds() - w
          let tc = cpuSeconds() - c
          let rec = recallAtK(found, gt, k: 10)
          let method = (quant == .int8 ? "frontier-sq8-" : "frontier-") + s
          rows.append([
            d.name, "\(d.base.rows)", "\(d.base.dimension)", set, r(sel, 5), method, "\(M)", "\(efc)", "\(p)", "10",
            "\(nq)", r(rec, 4), r(Double(nq) / tw, 1), r(Double(nq) / max(tc, 1e-9), 1), r(buildWall, 1),
            r(buildCPU, 1), r(loadAverage(), 2),
          ])
          print(
            "\(method.padding(toLength: 22, withPad: " ", startingAt: 0)) \(set.padding(toLength: 9, withPad: " ", startingAt: 0)) "
              + "sel=\(r(sel, 5)) p=\(p) recall@10=\(r(rec, 4)) qps(wall)=\(r(Double(nq) / tw, 1)) qps(cpu)=\(r(Double(nq) / max(tc, 1e-9), 1))")
        }
      }
    }
    }
    try appendCSV(
      out,
      header: [
        "dataset", "n", "d", "filter_set", "mean_selectivity", "method", "M", "efC", "param", "k", "nq", "recall",
        "qps_wall", "qps_cpu", "build_s", "build_cpu_s", "loadavg",
      ], rows: rows)
  }
}

/// Exact search with ``FlatIndex`` (the oracle; the issue compares it with faiss's IndexFlat).
struct BenchFlat: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flat", abstract: "Exact (flat) search recall@k and QPS, batch and per query (single thread).")
  @Option var data: String
  @Option var k = 10
  @Option var nq = 0
  @Option(help: "Best of N passes.") var repeats = 3
  @Option var out = "results_ann.csv"

  func run() async throws {
    let d = try BenchData(data, nq: nq)
    let gt = try VectorFiles.readIvecs(data + "/gt.ivecs")
    var index = FlatIndex(dimension: d.base.dimension, metric: d.metric)
    index.reserveCapacity(d.base.rows)
    let w0 = wallSeconds()
    let c0 = cpuSeconds()
    for i in 0..<d.base.rows { try index.add(d.base.row(i), attributes: []) }
    let buildWall = wallSeconds() - w0
    let buildCPU = cpuSeconds() - c0
    let nq = d.queries.rows
    var rows: [[String]] = []
    for mode in ["batch", "single"] {
      var best: (wall: Double, cpu: Double, found: [[Int]])? = nil
      for _ in 0..<max(1, repeats) {
        let w = wallSeconds()
        let c = cpuSeconds()
        var found: [[Int]]
        if mode == "batch" {
          found = try index.searchBatch(d.queries, k: k).map { $0.map(\.id) }
        } else {
          found = []
          found.reserveCapacity(nq)
          for i in 0..<nq { found.append(try index.search(d.queries.row(i), k: k, filter: nil).map(\.id)) }
        }
        let tw = wallSeconds() - w
        let tc = cpuSeconds() - c
        if best == nil || tc < best!.cpu { best = (tw, tc, found) }
      }
      let rec = recallAtK(best!.found, gt, k: k)
      let row = [
        d.name, "\(d.base.rows)", "\(d.base.dimension)", d.metricName, "frontier-flat", "0.1", "", "", "", "\(k)", "1",
        mode, "\(nq)", r(rec, 4), r(Double(nq) / best!.wall, 1), r(Double(nq) / max(best!.cpu, 1e-9), 1),
        r(buildWall, 2), r(buildCPU, 2), "", "", r(peakRSSMB(), 1), "", "", "", "", r(loadAverage(), 2),
      ]
      rows.append(row)
      print("frontier-flat mode=\(mode) recall@\(k)=\(r(rec, 4)) qps(wall)=\(row[14]) qps(cpu)=\(row[15]) kernels=\(vectorKernelVariant) load1=\(row[25])")
    }
    try appendCSV(
      out,
      header: [
        "dataset", "n", "d", "metric", "lib", "version", "M", "efC", "ef", "k", "threads", "mode", "nq", "recall",
        "qps_wall", "qps_cpu", "build_s", "build_cpu_s", "load_s", "index_rss_mb", "peak_rss_mb", "data_rss_mb",
        "disk_mb", "p50_us", "p99_us", "loadavg",
      ], rows: rows)
  }
}
