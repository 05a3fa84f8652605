// Release measurements of the CMA-ES and GP samplers (simple regret, CPU per ask). Skipped
// unless FRONTIER_MEASURE is set; run with
//   FRONTIER_MEASURE=1 swift test -c release -Xswiftc -enable-testing --filter CMAGPMeasurements

@testable import FrontierOptimization
import FrontierCore
import Foundation
import Testing

@Suite("CMA-ES and GP measurements", .enabled(if: ProcessInfo.processInfo.environment["FRONTIER_MEASURE"] != nil))
struct CMAGPMeasurements {
  static let seeds = (ProcessInfo.processInfo.environment["FRONTIER_MEASURE_SEEDS"].flatMap { Int($0) }) ?? 3

  static let env = ProcessInfo.processInfo.environment
  static let problems = env["FRONTIER_MEASURE_PROBLEMS"].map { $0.split(separator: ",").map(String.init) } ?? BenchmarkProblem.names

  static func report(_ label: String, _ make: (UInt64) -> any Sampler) {
    for name in problems {
      let problem = BenchmarkProblem.all[name]!
      var at50: [Double] = [], at100: [Double] = [], at200: [Double] = [], overhead: [Double] = []
      for seed in 0..<seeds {
        var s = make(UInt64(seed))
        let r = HPOBench.run(&s, on: problem, trials: 200)
        let best = r.bestSoFar
        at50.append(best[49] - problem.optimum)
        at100.append(best[99] - problem.optimum)
        at200.append(best[199] - problem.optimum)
        overhead.append(r.overheadCPUMillisecondsPerTrial)
      }
      print(
        "MEASURE \(label) \(name) seeds=\(seeds) median regret @50 \(median(at50)) @100 \(median(at100)) @200 \(median(at200))"
          + " | cpu overhead ms/trial median \(median(overhead))")
    }
  }

  @Test func cmaesRegret() {
    Self.report("cmaes") { CMAESSampler(seed: $0) }
  }

  @Test func gpRegret() {
    let candidates = Self.env["FRONTIER_GP_CANDIDATES"].flatMap { Int($0) } ?? 1024
    let starts = Self.env["FRONTIER_GP_STARTS"].flatMap { Int($0) } ?? 4
    let warm = Self.env["FRONTIER_GP_WARM"].flatMap { Int($0) } ?? 10
    Self.report("gp(c=\(candidates),s=\(starts),warm=\(warm))") {
      var s = GPSampler(seed: $0, candidateCount: candidates, localSearchStarts: starts)
      s.warmFitIterations = warm
      return s
    }
  }

  @Test func gpCPUPerAsk() {
    let problem = BenchmarkProblem.hartmann6
    for seed in UInt64(0)..<UInt64(Self.seeds) {
      var s = GPSampler(seed: seed)
      var history = StudyHistory()
      var cpu: [Double] = []
      for number in 0..<201 {
        let c0 = HPOBench.processCPUSeconds()
        let p = s.ask(1, in: problem.space, history: history)[0]
        cpu.append(HPOBench.processCPUSeconds() - c0)
        history.trials.append(
          TrialRecord(number: number, state: .complete, parameters: p.parameters, values: [problem.evaluate(p.parameters)]))
      }
      func ms(_ r: ClosedRange<Int>) -> Double { median(Array(cpu[r])) * 1000 }
      print("MEASURE gp-cpu-per-ask hartmann6 seed \(seed): ms at 50 obs \(ms(48...52)), 100 obs \(ms(98...102)), 200 obs \(ms(196...200))")
    }
  }

  @Test func gpSplit() {
    var rng = Xoshiro256StarStar(seed: 1)
    for n in [50, 100, 200] {
      var x: [Double] = [], y: [Double] = []
      for _ in 0..<n {
        let p = (0..<6).map { _ in Double.random(in: 0...1, using: &rng) }
        x += p
        var params: Parameters = [:]
        for j in 0..<6 { params["x\(j)"] = .float(p[j]) }
        y.append(-BenchmarkProblem.hartmann6.evaluate(params))
      }
      let m = y.reduce(0, +) / Double(n)
      let sd = (y.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n)).squareRoot()
      y = y.map { ($0 - m) / sd }
      let cat = [Bool](repeating: false, count: 6)
      var evals = 0
      let c0 = HPOBench.processCPUSeconds()
      let r = minimizeLBFGS(GPHyperparameters.initial(dimension: 6).packed, maxIterations: 50, gradientTolerance: 1e-2) { t, g in
        evals += 1
        return GaussianProcess.negativeObjective(t, x: x, y: y, dimension: 6, categorical: cat, gradient: &g)
      }
      let c1 = HPOBench.processCPUSeconds()
      var warmEvals = 0
      _ = minimizeLBFGS(r.x, maxIterations: 50, gradientTolerance: 1e-2) { t, g in
        warmEvals += 1
        return GaussianProcess.negativeObjective(t, x: x, y: y, dimension: 6, categorical: cat, gradient: &g)
      }
      let c2 = HPOBench.processCPUSeconds()
      let gp = GaussianProcess(x: x, y: y, dimension: 6, categorical: cat, hyper: GPHyperparameters(packed: r.x))!
      let c3 = HPOBench.processCPUSeconds()
      var acc = 0.0
      for _ in 0..<1024 {
        let p = (0..<6).map { _ in Double.random(in: 0...1, using: &rng) }
        acc += gp.posterior(p).mean
      }
      let c4 = HPOBench.processCPUSeconds()
      print("MEASURE split n=\(n): cold fit \(evals) evals \((c1 - c0) * 1000) ms; warm refit \(warmEvals) evals \((c2 - c1) * 1000) ms; build \((c3 - c2) * 1000) ms; 1024 posteriors \((c4 - c3) * 1000) ms \(acc.isNaN)")
    }
  }

  /// CMA-ES core cost at CMA-ME's sizes (n = 100, λ = 36): CPU per ask + tell generation.
  @Test func cmaCoreSpeed() throws {
    for (n, lambda) in [(10, 10), (100, 36)] {
      var es = try CMAEvolutionStrategy(mean: [Double](repeating: 1, count: n), sigma: 0.5, options: .init(populationSize: lambda))
      var rng = Xoshiro256StarStar(seed: 1)
      var xs: [[Double]] = []
      let c0 = HPOBench.processCPUSeconds()
      let generations = 300
      for _ in 0..<generations {
        es.ask(into: &xs, using: &rng)
        try es.tell(solutions: xs, fitness: xs.map { $0.reduce(0) { $0 + $1 * $1 } })
      }
      let ms = (HPOBench.processCPUSeconds() - c0) * 1000 / Double(generations)
      print("MEASURE cma-core n=\(n) lambda=\(lambda): \(ms) ms CPU per generation (ask + tell, eigen every \(es.eigenInterval) generations)")
    }
  }
}
