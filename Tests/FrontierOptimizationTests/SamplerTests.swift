// Random, grid and regularized-evolution samplers, the shared in-space property over random
// spaces for every sampler, reproducibility, and HPOBench.
import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import RealModule
import Testing

/// A random valid search space: floats (log, stepped), ints (log, stepped), categoricals of
/// mixed kinds, fixed values, and conditionals on earlier categoricals.
func randomSpace(seed: UInt64) -> SearchSpace {
  var rng = Xoshiro256StarStar(seed: seed)
  var space = SearchSpace()
  let n = Int.random(in: 1...6, using: &rng)
  var categoricals: [(String, [ParameterValue])] = []
  for i in 0..<n {
    let name = "p\(i)"
    let d: Distribution
    switch Int.random(in: 0..<7, using: &rng) {
    case 0: d = .float(low: -3, high: Double.random(in: -2...5, using: &rng))
    case 1: d = .float(low: 1e-4, high: Double.random(in: 1e-3...10, using: &rng), log: true)
    case 2: d = .float(low: 0, high: 1, step: [0.1, 0.25, 0.3][Int.random(in: 0..<3, using: &rng)])
    case 3: d = .int(low: -5, high: Int.random(in: -5...20, using: &rng), step: Int.random(in: 1...3, using: &rng))
    case 4: d = .int(low: 1, high: Int.random(in: 1...1000, using: &rng), log: true)
    case 5:
      let c: [ParameterValue] = [.string("a"), .int(3), .bool(true), .float(0.5)].shuffled(using: &rng)
      d = .categorical(Array(c.prefix(Int.random(in: 1...4, using: &rng))))
    default: d = .fixed(.string("const"))
    }
    var cond: ParameterCondition?
    if let parent = categoricals.randomElement(using: &rng), Bool.random(using: &rng) {
      cond = ParameterCondition(parameter: parent.0, equals: parent.1[0])
    }
    try! space.append(ParameterSpec(name, d, when: cond))
    if case .categorical(let c) = d { categoricals.append((name, c)) }
  }
  return space
}

/// A deterministic objective on any point (a hash of the values).
func pseudoObjective(_ p: Parameters) -> Double {
  var h = SplitMix64(seed: 17)
  var acc = 0.0
  for key in p.keys.sorted() {
    let v = p[key]!
    acc += v.doubleValue ?? Double(v.description.unicodeScalars.reduce(0) { $0 + Int($1.value) })
    h.state ^= acc.bitPattern
    _ = h.next()
  }
  return acc + Double(h.next() % 1000) / 1000
}

/// Runs `trials` single asks with `objective`, marking some trials pruned/failed/running to
/// exercise every state; returns the proposals.
func drive(
  _ sampler: inout some Sampler, space: SearchSpace, trials: Int, batch: Int = 1,
  objective: (Parameters) -> Double = pseudoObjective
) -> [Parameters] {
  var history = StudyHistory()
  var all: [Parameters] = []
  while history.trials.count < trials {
    let props = sampler.ask(batch, in: space, history: history)
    if props.isEmpty { break }
    for p in props {
      let n = history.trials.count
      var t = TrialRecord(number: n, state: .complete, parameters: p.parameters, values: [objective(p.parameters)])
      if n % 11 == 5 {
        t.state = .pruned
        t.values = nil
        t.intermediateValues = [1: 3.0]
      } else if n % 13 == 7 {
        t.state = .failed
        t.values = nil
      }
      history.trials.append(t)
      all.append(p.parameters)
    }
  }
  return all
}

/// Median over seeds 0..<5 of the final simple regret of `make(seed)` on `p`.
func medianFinalRegret(_ p: BenchmarkProblem, trials: Int, _ make: (UInt64) -> any Sampler) -> Double {
  var finals: [Double] = []
  for seed: UInt64 in 0..<5 {
    var s = make(seed)
    finals.append(HPOBench.run(&s, on: p, trials: trials).values.min()! - p.optimum)
  }
  return finals.sorted()[2]
}

@Suite("Samplers", .shrinking(false))
struct SamplerTests {
  static func samplers(seed: UInt64) -> [any Sampler] {
    [
      RandomSampler(seed: seed), QMCSampler(seed: seed), QMCSampler(seed: seed, scramble: false),
      TPESampler(seed: seed, options: .init(startupTrials: 4)),
      TPESampler(seed: seed, options: .init(startupTrials: 4, multivariate: false, constantLiar: false)),
      RegularizedEvolutionSampler(seed: seed, populationSize: 5, tournamentSize: 2),
    ]
  }

  @Test("every sampler proposes points inside random spaces, conditionals included")
  func insideTheSpace() async {
    await propertyCheck(count: 25, input: Gen.uint64()) { seed in
      let space = randomSpace(seed: seed)
      for var s in Self.samplers(seed: seed) {
        let pts = drive(&s, space: space, trials: 24, batch: 2)
        #expect(pts.count == 24, "\(s.name)")
        for p in pts where !space.contains(p) {
          Issue.record("\(s.name) seed \(seed): \(p) not in \(space.parameters.map(\.name))")
        }
      }
    }
  }

  @Test("sampleIndependent stays in the distribution")
  func independentInside() async {
    await propertyCheck(count: 25, input: Gen.uint64()) { seed in
      let space = randomSpace(seed: seed)
      var history = StudyHistory()
      var r = RandomSampler(seed: seed)
      for (i, p) in r.ask(15, in: space, history: history).enumerated() {
        history.trials.append(TrialRecord(number: i, state: .complete, parameters: p.parameters, values: [Double(i % 4)]))
      }
      for var s in Self.samplers(seed: seed) {
        for spec in space.parameters {
          let v = s.sampleIndependent(spec, point: [:], history: history)
          #expect(spec.distribution.contains(v), "\(s.name): \(v) for \(spec.distribution)")
        }
      }
    }
  }

  @Test("the same seed proposes the same points; another seed does not")
  func reproducible() {
    let space = BenchmarkProblem.mixedHPO.space
    for make in [{ Self.samplers(seed: $0) }] {
      let a = make(7), b = make(7), c = make(8)
      for i in a.indices {
        var sa = a[i], sb = b[i], sc = c[i]
        let pa = drive(&sa, space: space, trials: 20), pb = drive(&sb, space: space, trials: 20)
        let pc = drive(&sc, space: space, trials: 20)
        #expect(pa == pb, "\(sa.name)")
        if sa.name != "qmc" || i == 1 { #expect(pa != pc, "\(sa.name)") }
      }
    }
  }

  @Test("random sampling is uniform (chi-square on a categorical, mean of a log float)")
  func randomIsUniform() throws {
    let space = try SearchSpace([
      ParameterSpec("c", .categorical([.int(0), .int(1), .int(2), .int(3)])),
      ParameterSpec("lr", .float(low: 1e-4, high: 1, log: true)),
      ParameterSpec("k", .int(low: 0, high: 10, step: 5)),
    ])
    var s = RandomSampler(seed: 3)
    let pts = s.ask(4000, in: space, history: StudyHistory())
    var counts = [0, 0, 0, 0], ks = [0: 0, 5: 0, 10: 0]
    var logSum = 0.0
    for p in pts {
      if case .int(let c)? = p.parameters["c"] { counts[c] += 1 }
      if case .int(let k)? = p.parameters["k"] { ks[k, default: 0] += 1 }
      logSum += Double.log10(p.parameters["lr"]!.doubleValue!)
    }
    let chi = counts.reduce(0.0) { $0 + Double(($1 - 1000) * ($1 - 1000)) / 1000 }
    #expect(chi < 16.3)  // p = 0.001 for 3 degrees of freedom
    #expect(abs(logSum / 4000 + 2) < 0.06)  // log10 uniform on [-4, 0]
    #expect(ks.count == 3 && ks.values.allSatisfy { $0 > 1200 })
  }

  // MARK: grid

  @Test("the grid enumerates every valid point exactly once, then says it is exhausted")
  func gridEnumeratesOnce() throws {
    let space = try SearchSpace([
      ParameterSpec("opt", .categorical([.string("sgd"), .string("adam")])),
      ParameterSpec("m", .float(low: 0, high: 1), when: .init(parameter: "opt", equals: .string("sgd"))),
      ParameterSpec("n", .int(low: 1, high: 5, step: 2)),
      ParameterSpec("f", .fixed(.bool(true))),
    ])
    var g = try GridSampler(space: space, values: ["m": [.float(0.1), .float(0.9)]], seed: 1)
    #expect(g.points.count == (2 + 1) * 3)
    let pts = drive(&g, space: space, trials: 100, batch: 2)
    #expect(pts.count == 9)
    #expect(Set(pts).count == 9)
    #expect(pts.allSatisfy(space.contains))
    var history = StudyHistory()
    for (i, p) in pts.enumerated() { history.trials.append(TrialRecord(number: i, state: .running, parameters: p)) }
    #expect(g.isExhausted(history: history))
    #expect(g.ask(1, in: space, history: history).isEmpty)
    // Another seed: same set, other order.
    let h = try GridSampler(space: space, values: ["m": [.float(0.1), .float(0.9)]], seed: 2)
    #expect(Set(h.points) == Set(g.points) && h.points != g.points)
  }

  @Test("the grid skips points already in the study (another worker's)")
  func gridSkipsHistory() throws {
    let space = try SearchSpace([ParameterSpec("x", .int(low: 0, high: 9))])
    var g = try GridSampler(space: space, seed: 0)
    let taken = (0..<10).filter { $0 % 2 == 0 }
    let history = StudyHistory(trials: taken.enumerated().map {
      TrialRecord(number: $0.offset, state: .complete, parameters: ["x": .int($0.element)], values: [0])
    })
    #expect(g.remaining(history: history) == 5)
    let got = g.ask(10, in: space, history: history).map { $0.parameters["x"]! }
    #expect(Set(got) == Set([1, 3, 5, 7, 9].map { ParameterValue.int($0) }) && got.count == 5)
  }

  @Test("bad grids are rejected with the parameter and reason")
  func gridBadInput() throws {
    let space = try SearchSpace([
      ParameterSpec("x", .float(low: 0, high: 1)), ParameterSpec("n", .int(low: 0, high: 3)),
    ])
    #expect(throws: SearchSpaceError(parameter: "x", reason: "a continuous float has no finite grid; give its values (or a step)")) {
      try GridSampler(space: space)
    }
    #expect(throws: SearchSpaceError(parameter: "x", reason: "empty list of grid values")) {
      try GridSampler(space: space, values: ["x": []])
    }
    #expect(throws: SearchSpaceError(parameter: "n", reason: "grid value 7 is outside the distribution")) {
      try GridSampler(space: space, values: ["x": [.float(0.5)], "n": [.int(7)]])
    }
    #expect(throws: SearchSpaceError(parameter: "y", reason: "not a parameter of the search space")) {
      try GridSampler(space: space, values: ["x": [.float(0.5)], "y": [.int(1)]])
    }
    let big = try SearchSpace([ParameterSpec("a", .int(low: 0, high: 9_999)), ParameterSpec("b", .int(low: 0, high: 9_999))])
    #expect(throws: SearchSpaceError.self) { try GridSampler(space: big) }
    // Evenly spaced values make a continuous grid possible.
    let even = GridSampler.evenValues(for: space, pointsPerContinuous: 3)
    #expect(even["x"] == [.float(0), .float(0.5), .float(1)])
    #expect(try GridSampler(space: space, values: even).points.count == 12)
    // A grid asked in another space proposes nothing.
    var g = try GridSampler(space: space, values: even)
    #expect(g.ask(1, in: BenchmarkProblem.branin.space, history: StudyHistory()).isEmpty)
  }

  // MARK: evolution

  @Test("evolution mutates exactly one parameter of a tournament winner from the last P trials")
  func evolutionMutatesOne() throws {
    let space = try SearchSpace((0..<4).map { ParameterSpec("x\($0)", .int(low: 0, high: 20)) })
    var history = StudyHistory()
    var r = RandomSampler(seed: 1)
    for (i, p) in r.ask(30, in: space, history: history).enumerated() {
      history.trials.append(TrialRecord(number: i, state: .complete, parameters: p.parameters, values: [Double(i)]))
    }
    var e = RegularizedEvolutionSampler(seed: 4, populationSize: 10, tournamentSize: 10)
    for prop in e.ask(20, in: space, history: history) {
      // Tournament over the whole population of the last 10: the winner is trial 20 (best loss).
      #expect(prop.systemAttributes["evolution_parent"] == "20")
      let parent = history.trials[20].parameters
      let changed = space.parameters.filter { prop.parameters[$0.name] != parent[$0.name] }
      #expect(changed.count == 1)
    }
  }

  @Test("evolution and TPE beat random on mixed_hpo (median regret over seeds, debug-sized budget)")
  func evolutionBeatsRandom() {
    let p = BenchmarkProblem.mixedHPO
    let rnd = medianFinalRegret(p, trials: 80) { RandomSampler(seed: $0) }
    let evo = medianFinalRegret(p, trials: 80) { RegularizedEvolutionSampler(seed: $0) }
    #expect(evo < rnd, "evolution \(evo) vs random \(rnd)")
  }

  // MARK: HPOBench

  @Test("HPOBench records every value in trial order with consistent timings")
  func benchLoop() {
    var s = RandomSampler(seed: 5)
    let r = HPOBench.run(&s, on: .branin, trials: 30)
    #expect(r.values.count == 30)
    var again = RandomSampler(seed: 5)
    let expected = again.ask(30, in: BenchmarkProblem.branin.space, history: StudyHistory()).map {
      BenchmarkProblem.branin.evaluate($0.parameters)
    }
    #expect(r.values == expected)
    #expect(r.wallSeconds >= r.evalSeconds && r.evalSeconds >= 0 && r.cpuSeconds >= 0)
    #expect(r.bestSoFar.last == r.values.min())
  }
}
