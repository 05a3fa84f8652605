// CMA-ES core (CMAEvolutionStrategy) and the CMA-ES sampler.

import FrontierCore
import FrontierOptimization
import PropertyBased
import RealModule
import Testing

/// Runs CMA-ES on `f` until `f(best) - target < tol` or the budget runs out; returns the
/// evaluations used (or `nil` when the budget ran out) and the best value.
func runCMA(
  n: Int, seed: UInt64, budget: Int, mean: [Double]? = nil, sigma: Double = 1,
  tol: Double = 1e-8, _ f: ([Double]) -> Double
) throws -> (evaluations: Int?, best: Double) {
  var es = try CMAEvolutionStrategy(mean: mean ?? [Double](repeating: 3, count: n), sigma: sigma)
  var rng = Xoshiro256StarStar(seed: seed)
  var best = Double.infinity
  var used = 0
  var xs: [[Double]] = []
  while used < budget {
    es.ask(into: &xs, using: &rng)
    let fs = xs.map(f)
    used += fs.count
    best = Swift.min(best, fs.min()!)
    if best < tol { return (used, best) }
    try es.tell(solutions: xs, fitness: fs)
  }
  return (nil, best)
}

func sphere(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 } }
func ellipsoid(_ x: [Double]) -> Double {
  let n = Double(x.count - 1)
  var s = 0.0
  for (i, v) in x.enumerated() { s += Double.pow(1e6, Double(i) / n) * v * v }
  return s
}
func rosenbrock(_ x: [Double]) -> Double {
  var s = 0.0
  for i in 0..<(x.count - 1) {
    let a = x[i + 1] - x[i] * x[i], b = x[i] - 1
    s += 100 * a * a + b * b
  }
  return s
}

/// A random rotation (QR of a Gaussian matrix by Gram–Schmidt), row-major.
func randomRotation(_ n: Int, seed: UInt64) -> [[Double]] {
  var rng = Xoshiro256StarStar(seed: seed)
  var q: [[Double]] = []
  while q.count < n {
    var v = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
    for u in q {
      let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<n { v[i] -= dot * u[i] }
    }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if norm > 1e-6 { q.append(v.map { $0 / norm }) }
  }
  return q
}

func rotate(_ r: [[Double]], _ x: [Double]) -> [Double] {
  r.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
}

@Suite("CMA-ES core", .shrinking(false))
struct CMAESCoreTests {
  @Test("converges to 1e-8 on sphere, ellipsoid and Rosenbrock in n = 10 within a known budget")
  func convergesOnClassicFunctions() throws {
    // Budgets are ~2x the evaluations Hansen's reference implementation needs (tutorial,
    // fig. 3-style runs; default λ = 10).
    let s = try runCMA(n: 10, seed: 1, budget: 3_000, sphere)
    #expect(s.evaluations != nil, "sphere best \(s.best)")
    let e = try runCMA(n: 10, seed: 2, budget: 15_000, ellipsoid)
    #expect(e.evaluations != nil, "ellipsoid best \(e.best)")
    let r = try runCMA(n: 10, seed: 3, budget: 20_000, mean: [Double](repeating: 0, count: 10), sigma: 0.5, rosenbrock)
    #expect(r.evaluations != nil, "rosenbrock best \(r.best)")
  }

  @Test("invariant under a strictly increasing transformation of f (bit-identical state)")
  func rankInvariance() async {
    await propertyCheck(count: 10, input: Gen.uint64()) { seed in
      var a = try! CMAEvolutionStrategy(mean: [1, 2, 3, 4], sigma: 0.7)
      var b = a
      var ra = Xoshiro256StarStar(seed: seed), rb = ra
      for _ in 0..<30 {
        let xa = a.ask(using: &ra), xb = b.ask(using: &rb)
        try! a.tell(solutions: xa, fitness: xa.map(ellipsoid))
        try! b.tell(solutions: xb, fitness: xb.map { Double.log(ellipsoid($0)) })
      }
      #expect(a.mean == b.mean)
      #expect(a.sigma == b.sigma)
      #expect(a.covariance == b.covariance)
    }
  }

  @Test("a caller ranking equal to the fitness order gives the same state as a fitness tell")
  func rankingTellMatchesFitnessTell() throws {
    var a = try CMAEvolutionStrategy(mean: [0.5, -1, 2], sigma: 0.3)
    var b = a
    var rng = Xoshiro256StarStar(seed: 9)
    for _ in 0..<20 {
      let xs = a.ask(using: &rng)
      let fs = xs.map(rosenbrock)
      try a.tell(solutions: xs, fitness: fs)
      let order = fs.indices.sorted { fs[$0] < fs[$1] }
      try b.tell(solutions: xs, ranking: order, rankingValues: order.map { fs[$0] })
    }
    #expect(a.mean == b.mean)
    #expect(a.sigma == b.sigma)
  }

  @Test("improvement ranking with few parents (CMA-ME style) still moves towards the optimum")
  func parentCountTell() throws {
    var es = try CMAEvolutionStrategy(mean: [Double](repeating: 2, count: 5), sigma: 0.5)
    var rng = Xoshiro256StarStar(seed: 4)
    for _ in 0..<200 {
      let xs = es.ask(using: &rng)
      let fs = xs.map(sphere)
      let order = fs.indices.sorted { fs[$0] < fs[$1] }
      try es.tell(solutions: xs, ranking: order, parentCount: 2)
    }
    #expect(sphere(es.mean) < 1e-6)
  }

  @Test("rotation invariance: a rotated ellipsoid costs about as many evaluations as the axis-parallel one")
  func rotationInvariance() async throws {
    await propertyCheck(count: 3, input: Gen.uint64(in: 0...1_000)) { seed in
      let n = 6
      let r = randomRotation(n, seed: seed)
      let plain = try! runCMA(n: n, seed: seed, budget: 20_000, ellipsoid)
      let rotated = try! runCMA(n: n, seed: seed &+ 1, budget: 20_000) { ellipsoid(rotate(r, $0)) }
      guard let p = plain.evaluations, let q = rotated.evaluations else {
        Issue.record("seed \(seed): did not converge (\(plain.best), \(rotated.best))")
        return
      }
      let ratio = Double(q) / Double(p)
      #expect(ratio > 0.67 && ratio < 1.5, "seed \(seed): \(p) vs \(q) evaluations")
    }
  }

  @Test("samples stay inside box bounds, for resampling and clipping")
  func boundsRespected() async {
    await propertyCheck(count: 20, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      for handling in [CMAEvolutionStrategy.BoundHandling.clip, .resample(maxAttempts: 5)] {
        let opts = CMAEvolutionStrategy.Options(
          lowerBounds: [0, -1, 2], upperBounds: [1, 1, 2.5], boundHandling: handling)
        var es = try! CMAEvolutionStrategy(mean: [0.9, 0, 2.4], sigma: 2, options: opts)
        for _ in 0..<5 {
          let xs = es.ask(using: &rng)
          for x in xs {
            #expect(x[0] >= 0 && x[0] <= 1 && x[1] >= -1 && x[1] <= 1 && x[2] >= 2 && x[2] <= 2.5)
          }
          try! es.tell(solutions: xs, fitness: xs.map { sphere($0) })
        }
      }
    }
  }

  @Test("stop tests fire: flat fitness on a constant, tolX on a converged sphere, condition on a needle")
  func stopTests() throws {
    var es = try CMAEvolutionStrategy(mean: [0, 0, 0], sigma: 1)
    var rng = Xoshiro256StarStar(seed: 5)
    let xs = es.ask(using: &rng)
    try es.tell(solutions: xs, fitness: xs.map { _ in 1 })
    #expect(es.stopReason == .flatFitness)

    var s = try CMAEvolutionStrategy(mean: [1, 1, 1], sigma: 1)
    var reason: CMAStopReason?
    for _ in 0..<5_000 {
      let xs = s.ask(using: &rng)
      try s.tell(solutions: xs, fitness: xs.map(sphere))
      if let r = s.stopReason {
        reason = r
        break
      }
    }
    #expect(reason == .tolX || reason == .tolFun || reason == .noEffectCoord || reason == .noEffectAxis)
    #expect(sphere(s.mean) < 1e-14)

    var c = try CMAEvolutionStrategy(mean: [1, 1, 1, 1], sigma: 1)
    reason = nil
    for _ in 0..<5_000 {
      let xs = c.ask(using: &rng)
      try c.tell(solutions: xs, fitness: xs.map { x in 1e20 * x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + x[3] * x[3] + 1 })
      if let r = c.stopReason {
        reason = r
        break
      }
    }
    #expect(reason != nil)
  }

  @Test("bad input is rejected with a clear error")
  func badInput() throws {
    #expect(throws: CMAESError.emptyDimension) { try CMAEvolutionStrategy(mean: [], sigma: 1) }
    #expect(throws: CMAESError.invalidSigma(0)) { try CMAEvolutionStrategy(mean: [1], sigma: 0) }
    #expect(throws: CMAESError.nonFinite("mean")) { try CMAEvolutionStrategy(mean: [.nan], sigma: 1) }
    #expect(throws: CMAESError.invalidPopulation(1)) {
      try CMAEvolutionStrategy(mean: [1, 2], sigma: 1, options: .init(populationSize: 1))
    }
    #expect(throws: CMAESError.self) {
      try CMAEvolutionStrategy(mean: [1, 2], sigma: 1, options: .init(lowerBounds: [0, 3], upperBounds: [1, 3]))
    }
    var es = try CMAEvolutionStrategy(mean: [1, 2], sigma: 1)
    var rng = Xoshiro256StarStar(seed: 1)
    let xs = es.ask(using: &rng)
    #expect(throws: CMAESError.sizeMismatch(expected: es.populationSize, got: 1, what: "solutions")) {
      try es.tell(solutions: [xs[0]], fitness: [1])
    }
    #expect(throws: CMAESError.self) {
      try es.tell(solutions: xs, ranking: Array(repeating: 0, count: xs.count))
    }
    #expect(throws: CMAESError.self) {
      try es.tell(solutions: xs, ranking: Array(xs.indices), parentCount: 0)
    }
    var bad = xs
    bad[0][0] = .infinity
    #expect(throws: CMAESError.nonFinite("a told solution")) {
      try es.tell(solutions: bad, fitness: xs.map(sphere))
    }
    #expect(es.generation == 0)
  }
}

// MARK: - Sampler test support (shared with GPTests); the baseline is RandomSampler

/// Runs a sequential study of `trials` asks of size `batch` on `problem`; returns the history.
func runStudy(
  _ sampler: inout some Sampler, _ problem: BenchmarkProblem, trials: Int, batch: Int = 1
) -> StudyHistory {
  var history = StudyHistory()
  while history.trials.count < trials {
    let proposals = sampler.ask(Swift.min(batch, trials - history.trials.count), in: problem.space, history: history)
    for p in proposals {
      let v = problem.evaluate(p.parameters)
      history.trials.append(
        TrialRecord(
          number: history.trials.count, state: .complete, parameters: p.parameters, values: [v],
          systemAttributes: p.systemAttributes))
    }
  }
  return history
}

func simpleRegret(_ h: StudyHistory, _ problem: BenchmarkProblem) -> Double {
  (h.best?.value ?? .infinity) - problem.optimum
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

@Suite("CMA-ES sampler", .shrinking(false))
struct CMAESSamplerTests {
  @Test("proposals stay inside the space, conditional parameters only when active")
  func insideSpace() async {
    await propertyCheck(count: 8, input: Gen.uint64()) { seed in
      for problem in [BenchmarkProblem.mixedHPO, .hartmann6] {
        var s = CMAESSampler(seed: seed, restartStrategy: .ipop)
        let h = runStudy(&s, problem, trials: 30, batch: 3)
        for t in h.trials { #expect(problem.space.contains(t.parameters), "seed \(seed): \(t.parameters)") }
      }
    }
  }

  @Test("reproducible for a seed")
  func reproducible() {
    var a = CMAESSampler(seed: 42), b = CMAESSampler(seed: 42)
    let ha = runStudy(&a, .rosenbrock10, trials: 40), hb = runStudy(&b, .rosenbrock10, trials: 40)
    #expect(ha.trials.map(\.parameters) == hb.trials.map(\.parameters))
  }

  @Test("generations advance once popsize trials complete, also with two workers sharing a study")
  func generationsFromHistory() {
    let problem = BenchmarkProblem.hartmann6
    var w1 = CMAESSampler(seed: 1), w2 = CMAESSampler(seed: 2)
    var history = StudyHistory()
    for i in 0..<60 {
      let p: Proposal
      if i % 2 == 0 { p = w1.ask(1, in: problem.space, history: history)[0] } else { p = w2.ask(1, in: problem.space, history: history)[0] }
      history.trials.append(
        TrialRecord(number: i, state: .complete, parameters: p.parameters, values: [problem.evaluate(p.parameters)], systemAttributes: p.systemAttributes))
    }
    // λ = 4 + ⌊3 ln 6⌋ = 9: trial i belongs to generation i / 9.
    let gens = history.trials.map { Int($0.systemAttributes["cma:generation"]!)! }
    #expect(gens == (0..<60).map { $0 / 9 })
    #expect(history.trials.allSatisfy { $0.systemAttributes["cma:popsize"] == "9" })
    // A running (not yet complete) trial does not advance the generation.
    var h2 = StudyHistory(trials: Array(history.trials.prefix(8)))
    h2.trials.append(TrialRecord(number: 8, state: .running, parameters: [:], systemAttributes: history.trials[8].systemAttributes))
    #expect(w1.ask(1, in: problem.space, history: h2)[0].systemAttributes["cma:generation"] == "0")
  }

  @Test("IPOP restarts with a doubled population when a stop test fires")
  func ipopRestart() {
    // A constant objective makes every generation flat.
    let flat = BenchmarkProblem(name: "flat", space: BenchmarkProblem.hartmann6.space, optimum: 1) { _ in 1 }
    var s = CMAESSampler(seed: 3, restartStrategy: .ipop)
    let h = runStudy(&s, flat, trials: 9 + 18 + 1)
    let restarts = h.trials.map { $0.systemAttributes["cma:restart"]! }
    let pops = h.trials.map { $0.systemAttributes["cma:popsize"]! }
    #expect(restarts.prefix(9).allSatisfy { $0 == "0" } && restarts[9] == "1" && restarts.last == "2")
    #expect(pops[9] == "18" && pops.last == "36")
    var bipop = CMAESSampler(seed: 3, restartStrategy: .bipop)
    let hb = runStudy(&bipop, flat, trials: 40)
    #expect(Set(hb.trials.map { $0.systemAttributes["cma:restart"]! }).count > 2)
    for t in hb.trials { #expect(flat.space.contains(t.parameters)) }
  }

  @Test("a space with only categoricals is sampled at random (documented fallback)")
  func onlyCategoricals() throws {
    let space = try SearchSpace([ParameterSpec("c", .categorical([.string("a"), .string("b")])), ParameterSpec("f", .fixed(.int(3)))])
    var s = CMAESSampler(seed: 1)
    let ps = s.ask(20, in: space, history: StudyHistory())
    #expect(ps.allSatisfy { space.contains($0.parameters) && $0.systemAttributes.isEmpty })
    #expect(Set(ps.map { $0.parameters["c"]! }).count == 2)
  }

  @Test("reduces simple regret against uniform random search (median over seeds)")
  func beatsRandom() {
    for (problem, trials) in [(BenchmarkProblem.branin, 50), (.hartmann6, 80)] {
      var cma: [Double] = [], rnd: [Double] = []
      for seed in UInt64(0)..<5 {
        var s = CMAESSampler(seed: seed)
        cma.append(simpleRegret(runStudy(&s, problem, trials: trials), problem))
        var r = RandomSampler(seed: seed)
        rnd.append(simpleRegret(runStudy(&r, problem, trials: trials), problem))
      }
      #expect(median(cma) < median(rnd), "\(problem.name): cma \(cma) random \(rnd)")
    }
  }
}
