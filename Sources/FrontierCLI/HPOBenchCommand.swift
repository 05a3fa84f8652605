// `frontier hpo bench`: one sampler on one shared HPO benchmark problem, appending the record
// format of ../shared/anchors/hpo/bench_common.py so compare.py tabulates Frontier next to
// Optuna.
import ArgumentParser
import Foundation
import FrontierOptimization

struct HPOCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpo",
    abstract: "Hyperparameter-optimisation benchmarks on the shared problems.",
    subcommands: [HPOBenchCommand.self])
}

/// The samplers `hpo bench` can run, by the anchors' algorithm names.
enum HPOAlgorithm: String, ExpressibleByArgument, CaseIterable, Sendable {
  case random, grid, qmc, tpe, tpeIndep = "tpe_indep", evolution, cmaes, gp

  /// A fresh sampler for `seed` (a new sampler is one case above and one line here).
  func makeSampler(seed: UInt64, space: SearchSpace, gridPoints: Int) throws -> any Sampler {
    switch self {
    case .random: return RandomSampler(seed: seed)
    case .grid:
      return try GridSampler(space: space, values: GridSampler.evenValues(for: space, pointsPerContinuous: gridPoints), seed: seed)
    case .qmc: return QMCSampler(seed: seed)
    case .tpe: return TPESampler(seed: seed)
    case .tpeIndep: return TPESampler(seed: seed, options: .independent)
    case .evolution: return RegularizedEvolutionSampler(seed: seed)
    case .cmaes: return CMAESSampler(seed: seed)
    case .gp: return GPSampler(seed: seed)
    }
  }
}

struct HPOBenchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Run one sampler on one benchmark problem and append a JSON line.",
    discussion: """
      Problems: \(BenchmarkProblem.names.joined(separator: ", ")).
      The record (framework, version, algorithm, problem, seed, n_trials, values, wall_s, eval_s,
      overhead_ms_per_trial, cpu_s, overhead_cpu_ms_per_trial, extra) is the one of
      ../shared/anchors/hpo/bench_common.py; compare.py reads it next to the Python anchors'.

      Also reachable as `frontier tune bench`, with --sampler for --algo.

      Example:
        frontier hpo bench --problem branin --algo tpe --seed 0 --trials 200 --jsonl frontier.jsonl
        frontier tune bench --problem branin --sampler gp --seed 0 --trials 100
      """)

  @Option(help: "Benchmark problem.")
  var problem: String
  @Option(
    name: [.customLong("algo"), .customLong("sampler")],
    help: "Sampler: \(HPOAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")).")
  var algo: HPOAlgorithm = .tpe
  @Option(help: "Random seed.")
  var seed: UInt64 = 0
  @Option(help: "Number of trials.")
  var trials: Int = 200
  @Option(help: "Append the JSON record to this file (otherwise print it).")
  var jsonl: String?
  @Option(help: "Grid sampler only: evenly spaced values per continuous parameter.")
  var gridPoints: Int = 10

  func validate() throws {
    guard BenchmarkProblem.all[problem] != nil else {
      throw ValidationError("unknown problem '\(problem)'; expected one of \(BenchmarkProblem.names.joined(separator: ", "))")
    }
    guard trials > 0 else { throw ValidationError("--trials must be positive, got \(trials)") }
    guard gridPoints >= 1 else { throw ValidationError("--grid-points must be at least 1, got \(gridPoints)") }
  }

  func run() async throws {
    let p = BenchmarkProblem.all[problem]!
    var sampler: any Sampler
    do {
      sampler = try algo.makeSampler(seed: seed, space: p.space, gridPoints: gridPoints)
    } catch {
      throw ValidationError("\(algo.rawValue) on \(problem): \(error)")
    }
    let result = HPOBench.run(&sampler, on: p, trials: trials)
    let line = HPOBenchRecord.json(
      algorithm: algo.rawValue, problem: problem, seed: seed, result: result, extra: ["sampler": sampler.name])
    if let jsonl {
      try appendLine(line, to: jsonl)
    } else {
      Console.line(line)
    }
    let best = result.values.min() ?? .nan
    Console.error(
      "\(problem) \(algo.rawValue) seed=\(seed) best=\(best) regret=\(best - p.optimum) "
        + "overhead=\(r(result.overheadMillisecondsPerTrial, 4)) ms/trial wall, "
        + "\(r(result.overheadCPUMillisecondsPerTrial, 4)) cpu")
  }
}

/// The JSON line of bench_common.py's `record`.
enum HPOBenchRecord {
  static let frameworkVersion = "0.1.0"

  static func number(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
    return "\(x)"
  }

  static func rounded(_ x: Double, _ digits: Int) -> String {
    let s = Foundation.pow(10.0, Double(digits))
    return number((x * s).rounded() / s)
  }

  static func string(_ s: String) -> String { JSONLine.quote(s) }

  static func json(algorithm: String, problem: String, seed: UInt64, result: HPOBenchResult, extra: [String: String]) -> String {
    let fields: [(String, String)] = [
      ("framework", string("frontier")),
      ("version", string(frameworkVersion)),
      ("algorithm", string(algorithm)),
      ("problem", string(problem)),
      ("seed", "\(seed)"),
      ("n_trials", "\(result.values.count)"),
      ("values", "[" + result.values.map(number).joined(separator: ", ") + "]"),
      ("wall_s", rounded(result.wallSeconds, 6)),
      ("eval_s", rounded(result.evalSeconds, 6)),
      ("overhead_ms_per_trial", rounded(result.overheadMillisecondsPerTrial, 4)),
      ("cpu_s", rounded(result.cpuSeconds, 6)),
      ("overhead_cpu_ms_per_trial", rounded(result.overheadCPUMillisecondsPerTrial, 4)),
      ("extra", "{" + extra.sorted { $0.key < $1.key }.map { string($0.key) + ": " + string($0.value) }.joined(separator: ", ") + "}"),
    ]
    return "{" + fields.map { string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
  }
}

/// Appends one line to a text file, creating it if needed.
func appendLine(_ line: String, to path: String) throws {
  let data = Data((line + "\n").utf8)
  if FileManager.default.fileExists(atPath: path) {
    guard let h = FileHandle(forWritingAtPath: path) else {
      throw InputError(file: path, "cannot open for appending")
    }
    defer { h.closeFile() }
    h.seekToEndOfFile()
    h.write(data)
  } else {
    guard FileManager.default.createFile(atPath: path, contents: data) else {
      throw InputError(file: path, "cannot create the file")
    }
  }
}
