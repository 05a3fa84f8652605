import FrontierCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of one headless benchmark run: objective values in trial order and where the
/// time went (the fields of `../shared/anchors/hpo/bench_common.py`'s record).
public struct HPOBenchResult: Sendable, Hashable {
  public var values: [Double]
  /// The whole loop, objective included.
  public var wallSeconds: Double
  /// Time inside the objective.
  public var evalSeconds: Double
  /// Process CPU time of the loop.
  public var cpuSeconds: Double

  public init(values: [Double], wallSeconds: Double, evalSeconds: Double, cpuSeconds: Double) {
    self.values = values
    self.wallSeconds = wallSeconds
    self.evalSeconds = evalSeconds
    self.cpuSeconds = cpuSeconds
  }

  /// Sampler overhead per trial in milliseconds, wall clock: `(wall − eval) / n`.
  public var overheadMillisecondsPerTrial: Double {
    (wallSeconds - evalSeconds) / Double(Swift.max(values.count, 1)) * 1000
  }
  /// Sampler overhead per trial in milliseconds, process CPU: `(cpu − eval) / n`.
  public var overheadCPUMillisecondsPerTrial: Double {
    (cpuSeconds - evalSeconds) / Double(Swift.max(values.count, 1)) * 1000
  }
  /// The best value after each trial.
  public var bestSoFar: [Double] {
    var b = Double.infinity
    return values.map {
      b = Swift.min(b, $0.isNaN ? .infinity : $0)
      return b
    }
  }
}

/// A headless ask/evaluate/tell loop for benchmarking a sampler on a ``BenchmarkProblem``,
/// with no storage: the history is an in-memory array, each trial is asked alone, evaluated
/// (timed separately) and appended as a complete ``TrialRecord``. This is what the Python
/// anchors measure with `study.optimize` (Optuna's in-memory storage), so the per-trial
/// overhead is comparable.
///
/// Complexity: `trials` asks of the sampler plus `trials` evaluations.
public enum HPOBench {
  /// Runs `trials` trials of `sampler` on `problem` (minimising).
  public static func run<S: Sampler>(_ sampler: inout S, on problem: BenchmarkProblem, trials: Int) -> HPOBenchResult {
    var history = StudyHistory(directions: [.minimize], trials: [])
    history.trials.reserveCapacity(trials)
    var values: [Double] = []
    values.reserveCapacity(trials)
    var distributions: [String: Distribution] = [:]
    for p in problem.space.parameters { distributions[p.name] = p.distribution }
    var evalNanos: UInt64 = 0
    let cpu0 = processCPUSeconds()
    let wall0 = monotonicNanoseconds()
    for number in 0..<trials {
      let proposal = sampler.ask(1, in: problem.space, history: history).first
      let params = proposal?.parameters ?? [:]
      let t0 = monotonicNanoseconds()
      let v = problem.evaluate(params)
      evalNanos &+= monotonicNanoseconds() &- t0
      values.append(v)
      var dists: [String: Distribution] = [:]
      for k in params.keys { dists[k] = distributions[k] }
      history.trials.append(
        TrialRecord(
          number: number, state: v.isNaN ? .failed : .complete, parameters: params, distributions: dists,
          values: v.isNaN ? nil : [v], systemAttributes: proposal?.systemAttributes ?? [:]))
    }
    let wall = Double(monotonicNanoseconds() &- wall0) * 1e-9
    let cpu = processCPUSeconds() - cpu0
    return HPOBenchResult(values: values, wallSeconds: wall, evalSeconds: Double(evalNanos) * 1e-9, cpuSeconds: cpu)
  }

  /// Process CPU seconds (user + system).
  public static func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
}
