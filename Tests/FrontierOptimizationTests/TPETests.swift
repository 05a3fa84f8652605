// TPE: Optuna's defaults as oracles, the Parzen estimator's densities against numeric
// integration, constant liar, pruned trials and regret against random search.
import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import RealModule
import Testing

@Suite("TPE", .shrinking(false))
struct TPETests {
  @Test("gamma and weights are Optuna's defaults")
  func defaults() {
    #expect(TPESampler.gamma(0) == 0)
    #expect(TPESampler.gamma(10) == 1)
    #expect(TPESampler.gamma(11) == 2)
    #expect(TPESampler.gamma(100) == 10)
    #expect(TPESampler.gamma(1000) == 25)
    #expect(TPESampler.weights(3) == [1, 1, 1])
    #expect(TPESampler.weights(25) == [Double](repeating: 1, count: 25))
    // numpy.linspace(1/30, 1, 5) followed by 25 ones.
    let w = TPESampler.weights(30)
    #expect(w.count == 30 && w[5...].allSatisfy { $0 == 1 })
    let ramp = [1.0 / 30, 0.275, 0.516666666666667, 0.758333333333333, 1.0]
    for (a, b) in zip(w.prefix(5), ramp) { #expect(abs(a - b) < 1e-12) }
    let o = TPESampler.Options()
    #expect(o.startupTrials == 10 && o.eiCandidates == 24 && o.multivariate && o.constantLiar && o.priorWeight == 1)
  }

  @Test("log Gaussian mass matches erf on both tails and the middle")
  func gaussMass() {
    func phi(_ x: Double) -> Double { 0.5 * (1 + Double.erf(x / 2.squareRoot())) }
    for (a, b) in [(-1.0, 1.0), (-3.0, -2.0), (2.0, 3.5), (-0.2, 0.0), (0.0, 0.7), (-8.0, 8.0)] {
      #expect(abs(logGaussMass(a, b) - Double.log(phi(b) - phi(a))) < 1e-9)
    }
    // Far tail: finite where the direct formula cancels to 0.
    #expect(logGaussMass(9, 10).isFinite)
  }

  @Test("Parzen densities integrate to 1 (continuous, discrete, categorical) and samples stay in bounds")
  func densitiesNormalised() async {
    await propertyCheck(count: 20, input: Gen.uint64()) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let dists: [Distribution] = [
        .float(low: -2, high: 3), .float(low: 1e-3, high: 10, log: true), .int(low: 0, high: 12, step: 3),
        .int(low: 1, high: 40, log: true), .float(low: 0, high: 1, step: 0.25),
        .categorical([.string("a"), .string("b"), .string("c")]),
      ]
      for d in dists {
        let dim = TPEDimension(d)!
        let n = Int.random(in: 0...12, using: &rng)
        let obs = (0..<n).map { _ in dim.coordinate(of: d.sample(unit: rng.unitDouble()))! }
        for endpoints in [false, true] {
          let settings = ParzenSettings(priorWeight: 1, considerMagicClip: true, considerEndpoints: endpoints)
          var scratch: [Double] = []
          let pe = ParzenEstimator(dims: [dim], observations: obs, count: n, settings: settings, scratch: &scratch)
          var pts: [Double] = []
          switch dim.kind {
          case .continuous:
            let m = 4000
            pts = (0..<m).map { dim.low + (Double($0) + 0.5) / Double(m) * (dim.high - dim.low) }
          case .discrete(let step):
            pts = stride(from: dim.gridLow, through: dim.gridHigh, by: step).map { dim.log ? Double.log($0) : $0 }
          case .categorical(let c): pts = (0..<c).map(Double.init)
          }
          var dens: [Double] = [], s2: [Double] = []
          pe.logDensity(pts, count: pts.count, scratch: &s2, into: &dens)
          var total = dens.reduce(0) { $0 + Double.exp($1) }
          if case .continuous = dim.kind { total *= (dim.high - dim.low) / Double(pts.count) }
          #expect(abs(total - 1) < 2e-3, "\(d) n=\(n) endpoints=\(endpoints): \(total)")
          var samples: [Double] = []
          pe.sample(50, using: &rng, into: &samples)
          #expect(samples.allSatisfy { $0 >= dim.low - 1e-12 && $0 <= dim.high + 1e-12 })
        }
      }
    }
  }

  @Test("TPE reduces simple regret against random search on branin and mixed_hpo")
  func beatsRandom() {
    for p in [BenchmarkProblem.branin, .mixedHPO] {
      let rnd = medianFinalRegret(p, trials: 60) { RandomSampler(seed: $0) }
      let tpe = medianFinalRegret(p, trials: 60) { TPESampler(seed: $0) }
      let ind = medianFinalRegret(p, trials: 60) { TPESampler(seed: $0, options: .independent) }
      #expect(tpe < rnd, "\(p.name): tpe \(tpe) vs random \(rnd)")
      #expect(ind < rnd, "\(p.name): tpe_indep \(ind) vs random \(rnd)")
    }
  }

  @Test("the constant liar spreads a batch and avoids running trials' points")
  func constantLiar() throws {
    let space = try SearchSpace([ParameterSpec("x", .int(low: 0, high: 40)), ParameterSpec("y", .int(low: 0, high: 40))])
    // Complete trials clustered at the optimum (20, 20): without the liar, TPE keeps
    // proposing the same few cells.
    var history = StudyHistory()
    var rng = Xoshiro256StarStar(seed: 9)
    for i in 0..<30 {
      let x = Int.random(in: 0...40, using: &rng), y = Int.random(in: 0...40, using: &rng)
      let v = Double((x - 20) * (x - 20) + (y - 20) * (y - 20))
      history.trials.append(TrialRecord(number: i, state: .complete, parameters: ["x": .int(x), "y": .int(y)], values: [v]))
    }
    for multivariate in [true, false] {
      var liar = TPESampler(seed: 1, options: .init(multivariate: multivariate, constantLiar: true))
      let batch = liar.ask(8, in: space, history: history).map(\.parameters)
      #expect(Set(batch).count == 8, "liar batch \(batch)")
      // A running trial at the best cell pushes new proposals away from it.
      var h2 = history
      for k in 0..<6 {
        h2.trials.append(TrialRecord(number: 30 + k, state: .running, parameters: batch[k % batch.count]))
      }
      var again = TPESampler(seed: 1, options: .init(multivariate: multivariate, constantLiar: true))
      let next = again.ask(4, in: space, history: h2).map(\.parameters)
      #expect(Set(next).count == 4)
    }
  }

  @Test("pruned trials rank after complete ones, by last step then value; failed and NaN are ignored")
  func prunedRanking() {
    let h = StudyHistory(trials: [
      TrialRecord(number: 0, state: .pruned, intermediateValues: [1: 0.1]),
      TrialRecord(number: 1, state: .complete, values: [5]),
      TrialRecord(number: 2, state: .pruned, intermediateValues: [3: 9.0]),
      TrialRecord(number: 3, state: .failed),
      TrialRecord(number: 4, state: .complete, values: [.nan]),
      TrialRecord(number: 5, state: .pruned),
      TrialRecord(number: 6, state: .complete, values: [1]),
    ])
    let entries = h.trials.compactMap { TPESampler.entryShell($0, history: h, liar: true) }
    #expect(entries.map(\.number) == [0, 1, 2, 5, 6])
    let flags = TPESampler.belowFlags(entries, nBelow: 4)
    // Order: 6 (1.0), 1 (5.0), 2 (step 3), 0 (step 1), 5 (no values).
    #expect(flags == [true, true, true, false, true])
    // Maximising flips the complete trials' order.
    let hmax = StudyHistory(directions: [.maximize], trials: h.trials)
    let e2 = hmax.trials.compactMap { TPESampler.entryShell($0, history: hmax, liar: true) }
    #expect(TPESampler.belowFlags(e2, nBelow: 1) == [false, true, false, false, false])
  }

  @Test("conditional parameters are sampled only when active and learned from the trials that have them")
  func conditionals() {
    var s = TPESampler(seed: 2)
    let space = BenchmarkProblem.mixedHPO.space
    let pts = drive(&s, space: space, trials: 60, objective: BenchmarkProblem.mixedHPO.evaluate)
    for p in pts {
      #expect(space.contains(p))
      #expect((p["optimizer"] == .string("sgd")) == (p["momentum"] != nil))
    }
    // Define-by-run: a parameter outside the space is drawn by univariate TPE near the good values.
    var history = StudyHistory()
    for i in 0..<40 {
      let z = Double(i) / 40
      history.trials.append(TrialRecord(number: i, state: .complete, parameters: ["z": .float(z)], values: [abs(z - 0.3)]))
    }
    var t = TPESampler(seed: 3)
    let zs = (0..<20).map { _ in t.sampleIndependent(ParameterSpec("z", .float(low: 0, high: 1)), point: [:], history: history).doubleValue! }
    #expect(abs(zs.sorted()[10] - 0.3) < 0.15)
  }
}
