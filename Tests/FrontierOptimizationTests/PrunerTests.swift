import Foundation
import FrontierOptimization
import PropertyBased
import Testing

@Suite struct PrunerTests {
  static func rec(_ n: Int, _ state: TrialState, _ iv: [Int: Double]) -> TrialRecord {
    TrialRecord(number: n, state: state, intermediateValues: iv)
  }

  /// Five complete trials with values 1...5 at steps 1...4 (value + step / 10).
  static func fiveComplete() -> [TrialRecord] {
    (0..<5).map { n in rec(n, .complete, Dictionary(uniqueKeysWithValues: (1...4).map { ($0, Double(n + 1) + Double($0) / 10) })) }
  }

  // MARK: median / percentile

  @Test func medianPrunesTrialsWorseThanTheMedianAtTheirStep() throws {
    let pruner = try MedianPruner()
    var h = StudyHistory(trials: Self.fiveComplete())
    // At step 3 the others have 1.3 ... 5.3: median 3.3.
    #expect(pruner.shouldPrune(Self.rec(5, .running, [1: 3.5, 3: 3.4]), history: h))
    #expect(!pruner.shouldPrune(Self.rec(5, .running, [1: 3.5, 3: 3.3]), history: h))
    // The best over all its steps counts, not the last one.
    #expect(!pruner.shouldPrune(Self.rec(5, .running, [1: 3.2, 3: 9]), history: h))
    // Maximizing: worse means smaller.
    h.directions = [.maximize]
    #expect(pruner.shouldPrune(Self.rec(5, .running, [3: 3.2]), history: h))
    #expect(!pruner.shouldPrune(Self.rec(5, .running, [3: 3.4]), history: h))
    // Running, pruned and failed trials are not compared with.
    h.directions = [.minimize]
    h.trials += [Self.rec(6, .running, [3: 0]), Self.rec(7, .pruned, [3: 0]), Self.rec(8, .failed, [3: 0])]
    #expect(!pruner.shouldPrune(Self.rec(9, .running, [3: 3.3]), history: h))
  }

  @Test func medianRespectsStartupWarmupIntervalAndMinTrials() throws {
    let all = Self.fiveComplete()
    let bad: [Int: Double] = [1: 99, 2: 99, 3: 99, 4: 99]
    // Startup: 4 complete trials < 5.
    #expect(!(try MedianPruner()).shouldPrune(Self.rec(5, .running, [1: 99]), history: StudyHistory(trials: Array(all.prefix(4)))))
    #expect(try MedianPruner(startupTrials: 4).shouldPrune(Self.rec(5, .running, [1: 99]), history: StudyHistory(trials: Array(all.prefix(4)))))
    // Warmup: steps below 3 are never judged.
    let warm = try MedianPruner(warmupSteps: 3)
    #expect(!warm.shouldPrune(Self.rec(5, .running, [1: 99, 2: 99]), history: StudyHistory(trials: all)))
    #expect(warm.shouldPrune(Self.rec(5, .running, bad.filter { $0.key <= 3 }), history: StudyHistory(trials: all)))
    // Interval 2 from warmup 1: judged at the first report in [1,3), [3,5), ...
    let every2 = try MedianPruner(warmupSteps: 1, intervalSteps: 2)
    let h = StudyHistory(trials: all)
    #expect(every2.shouldPrune(Self.rec(5, .running, [1: 99]), history: h))
    #expect(!every2.shouldPrune(Self.rec(5, .running, [1: 99, 2: 99]), history: h))
    #expect(every2.shouldPrune(Self.rec(5, .running, [1: 99, 2: 99, 3: 99]), history: h))
    #expect(every2.shouldPrune(Self.rec(5, .running, [1: 99, 4: 99]), history: h))  // 4 is the first in [3,5)
    // Min trials: only two complete trials reported step 7.
    var few = all
    few[0].intermediateValues[7] = 1
    few[1].intermediateValues[7] = 2
    #expect(try MedianPruner(minTrials: 2).shouldPrune(Self.rec(5, .running, [7: 9]), history: StudyHistory(trials: few)))
    #expect(!(try MedianPruner(minTrials: 3)).shouldPrune(Self.rec(5, .running, [7: 9]), history: StudyHistory(trials: few)))
    // No report yet, or nobody else reported this step: not pruned.
    #expect(!(try MedianPruner()).shouldPrune(Self.rec(5, .running, [:]), history: h))
    #expect(!(try MedianPruner()).shouldPrune(Self.rec(5, .running, [11: 99]), history: h))
    // A trial whose every value is NaN is pruned.
    #expect(try MedianPruner().shouldPrune(Self.rec(5, .running, [1: .nan, 2: .nan]), history: h))
  }

  @Test func percentileInterpolatesLikeNumpy() throws {
    // numpy.percentile([1.1, 2.1, 3.1, 4.1, 5.1], 25) == 2.1; with 4 values, 50 -> 2.6.
    let h = StudyHistory(trials: Self.fiveComplete())
    let p25 = try PercentilePruner(percentile: 25)
    #expect(p25.shouldPrune(Self.rec(5, .running, [1: 2.1000001]), history: h))
    #expect(!p25.shouldPrune(Self.rec(5, .running, [1: 2.1]), history: h))
    let four = StudyHistory(trials: Array(Self.fiveComplete().prefix(4)))
    let median4 = try MedianPruner(startupTrials: 0)
    #expect(median4.shouldPrune(Self.rec(5, .running, [1: 2.6000001]), history: four))
    #expect(!median4.shouldPrune(Self.rec(5, .running, [1: 2.5999999]), history: four))
  }

  @Test func prunedOnlyGetsMorePrunedWithWorseValues() async {
    // Invariant: if a value is pruned, every worse value is pruned too; the best value never is.
    await propertyCheck(count: 200, input: Gen.double(in: -5...5).array(of: 1...12), Gen.double(in: -6...6), Gen.int(in: 0...100)) { others, v, pct in
      let trials = others.enumerated().map { Self.rec($0.offset, .complete, [2: $0.element]) }
      let pruner = try! PercentilePruner(percentile: Double(pct), startupTrials: 0)
      let h = StudyHistory(trials: trials)
      if pruner.shouldPrune(Self.rec(99, .running, [2: v]), history: h) {
        #expect(pruner.shouldPrune(Self.rec(99, .running, [2: v + 0.5]), history: h))
      }
      #expect(!pruner.shouldPrune(Self.rec(99, .running, [2: others.min()!]), history: h))
    }
  }

  @Test func badPrunerSettingsAreRejected() {
    #expect(throws: PrunerError("percentile must be in 0...100, got 101.0")) { try PercentilePruner(percentile: 101) }
    #expect(throws: PrunerError("startup trials must not be negative, got -1")) { try MedianPruner(startupTrials: -1) }
    #expect(throws: PrunerError("warmup steps must not be negative, got -1")) { try MedianPruner(warmupSteps: -1) }
    #expect(throws: PrunerError("interval steps must be at least 1, got 0")) { try MedianPruner(intervalSteps: 0) }
    #expect(throws: PrunerError("min trials must be at least 1, got 0")) { try MedianPruner(minTrials: 0) }
    #expect(throws: PrunerError("min resource must be at least 1, got 0")) { try SuccessiveHalvingPruner(minResource: 0) }
    #expect(throws: PrunerError("reduction factor must be at least 2, got 1")) { try SuccessiveHalvingPruner(reductionFactor: 1) }
    #expect(throws: PrunerError("min early-stopping rate must not be negative, got -1")) {
      try SuccessiveHalvingPruner(minEarlyStoppingRate: -1)
    }
    #expect(throws: PrunerError("bootstrap count must not be negative, got -2")) { try SuccessiveHalvingPruner(bootstrapCount: -2) }
    #expect(throws: PrunerError("max resource 2 is below min resource 3")) { try HyperbandPruner(minResource: 3, maxResource: 2) }
    #expect(throws: PrunerError("reduction factor must be at least 2, got 0")) { try HyperbandPruner(reductionFactor: 0) }
  }

  // MARK: successive halving

  @Test func successiveHalvingPromotesTheTopFractionAtEachRung() throws {
    // Rungs at steps 1, 2, 4, 8.
    let sha = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
    var h = StudyHistory(trials: [
      Self.rec(0, .pruned, [1: 1]), Self.rec(1, .pruned, [1: 2]), Self.rec(2, .pruned, [1: 3]), Self.rec(3, .pruned, [1: 4]),
    ])
    // 5 values at rung 0: the top 5/2 = 2 are promoted: 2.5 is third.
    #expect(sha.shouldPrune(Self.rec(4, .running, [1: 2.5]), history: h))
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 1.5]), history: h))
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 2]), history: h))  // ties promote
    // Between rungs nothing is judged.
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 1.5, 2: 1.5, 3: 99]), history: h))
    // At rung 1 (step 2) only trials that reached step 2 compete: alone, it is promoted.
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 1.5, 2: 50]), history: h))
    h.trials.append(Self.rec(5, .running, [1: 0.5, 2: 0.4]))
    // Two at rung 1: 2/2 - 1 = 0: it must be the best.
    #expect(sha.shouldPrune(Self.rec(4, .running, [1: 1.5, 2: 0.6]), history: h))
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 1.5, 2: 0.3]), history: h))
    // A trial whose first report is at step 5 is judged at rungs 0, 1 and 2 with that value.
    #expect(sha.shouldPrune(Self.rec(6, .running, [5: 0.45]), history: h))  // loses to 0.4 at rung 1
    #expect(!sha.shouldPrune(Self.rec(6, .running, [5: 0.35]), history: h))
    // The rung value of another trial is its first report at or after the rung.
    let late = StudyHistory(trials: [Self.rec(0, .complete, [3: 1.0, 4: 100])])
    #expect(!sha.shouldPrune(Self.rec(1, .running, [2: 0.9]), history: late))
    #expect(sha.shouldPrune(Self.rec(1, .running, [2: 1.1]), history: late))
    // NaN is pruned; maximizing flips the order.
    #expect(sha.shouldPrune(Self.rec(4, .running, [1: .nan]), history: h))
    h.directions = [.maximize]
    #expect(sha.shouldPrune(Self.rec(4, .running, [1: 1.5]), history: h))
    #expect(!sha.shouldPrune(Self.rec(4, .running, [1: 3.5]), history: h))
  }

  @Test func successiveHalvingRateAndBootstrap() throws {
    let h = StudyHistory(trials: [Self.rec(0, .complete, [1: 1, 3: 1, 9: 1])])
    // Rate 1 with eta 3: rungs at 3, 9: step 1 is never judged.
    let late = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 1)
    #expect(!late.shouldPrune(Self.rec(1, .running, [1: 5]), history: h))
    #expect(late.shouldPrune(Self.rec(1, .running, [1: 5, 3: 5]), history: h))
    // Bootstrap 2: the rung needs more than 2 values (this trial's included) to promote anyone.
    let boot = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3, bootstrapCount: 2)
    #expect(boot.shouldPrune(Self.rec(1, .running, [1: 0]), history: h))
    let h3 = StudyHistory(trials: h.trials + [Self.rec(2, .complete, [1: 2])])
    #expect(!boot.shouldPrune(Self.rec(1, .running, [1: 0]), history: h3))
    // The first trial of a study is always promoted.
    #expect(!late.shouldPrune(Self.rec(0, .running, [1: 5, 3: 5, 9: 5]), history: StudyHistory()))
  }

  // MARK: hyperband

  @Test func hyperbandBracketsAndBudgetsFollowThePaper() throws {
    let hb = try HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3)
    #expect(hb.bracketCount(maxResource: 27) == 4)
    #expect(hb.bracketCount(maxResource: 26) == 3)
    #expect(hb.bracketCount(maxResource: 1) == 1)
    #expect(hb.budgets(brackets: 4) == [27, 12, 6, 4])
    // Assignment is deterministic and proportional to the budgets.
    var counts = [0, 0, 0, 0]
    for n in 0..<20_000 { counts[hb.bracket(of: n, budgets: [27, 12, 6, 4])] += 1 }
    for (c, b) in zip(counts, [27, 12, 6, 4]) { #expect(abs(Double(c) / 20_000 - Double(b) / 49) < 0.02) }
    #expect((0..<100).map { hb.bracket(of: $0, budgets: [27, 12, 6, 4]) } == (0..<100).map { hb.bracket(of: $0, budgets: [27, 12, 6, 4]) })
    let other = try HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3, seed: 99)
    #expect((0..<100).map { hb.bracket(of: $0, budgets: [27, 12, 6, 4]) } != (0..<100).map { other.bracket(of: $0, budgets: [27, 12, 6, 4]) })
  }

  @Test func hyperbandCompetesOnlyWithinABracket() throws {
    let hb = try HyperbandPruner(minResource: 1, maxResource: 9, reductionFactor: 3)
    let budgets = hb.budgets(brackets: 3)
    let byBracket = Dictionary(grouping: 0..<60) { hb.bracket(of: $0, budgets: budgets) }
    let b0 = byBracket[0]!  // rungs at 1, 3, 9
    let b2 = byBracket[2]!  // rungs at 9 only
    // Three mates of bracket 0 and many strong trials of bracket 2 at step 1.
    var trials = [
      Self.rec(b0[0], .complete, [1: 1]), Self.rec(b0[1], .complete, [1: 2]), Self.rec(b0[2], .complete, [1: 3]),
    ]
    for n in b2.prefix(6) { trials.append(Self.rec(n, .complete, [1: -100])) }
    let h = StudyHistory(trials: trials.sorted { $0.number < $1.number })
    let me = b0[3]
    // Among 4 values at rung 0 the top 4/3 = 1 passes: 0.5 is best (the bracket-2 trials don't count).
    #expect(!hb.shouldPrune(Self.rec(me, .running, [1: 0.5]), history: h))
    #expect(hb.shouldPrune(Self.rec(me, .running, [1: 1.5]), history: h))
    // A bracket-2 trial is not judged before step 9.
    #expect(!hb.shouldPrune(Self.rec(b2[7], .running, [1: 1e9, 3: 1e9]), history: h))
    // Auto maximum: nothing is pruned before a trial completes.
    let auto = try HyperbandPruner(minResource: 1, reductionFactor: 3)
    let running = StudyHistory(trials: h.trials.map { var t = $0; t.state = .running; return t })
    #expect(!auto.shouldPrune(Self.rec(me, .running, [1: 1e9]), history: running))
  }

  // MARK: against Optuna

  /// Replays studies in which Optuna 5's own pruners decided after every report
  /// (`bench/hpo/optuna_pruner_fixtures.py`) and checks every decision is the same.
  @Test func decisionsMatchOptunasPrunersReportByReport() throws {
    let pruners: [String: (any Pruner, StudyDirection)] = [
      "median": (try MedianPruner(startupTrials: 2, warmupSteps: 2, intervalSteps: 3), .minimize),
      "percentile25max": (try PercentilePruner(percentile: 25, startupTrials: 1, minTrials: 2), .maximize),
      "sha": (try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3), .minimize),
      "sha2": (try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1, bootstrapCount: 1), .maximize),
    ]
    let data = Data(OptunaPrunerFixtures.json.utf8)
    let scenarios = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    #expect(scenarios.count == 8)
    var decisions = 0, prunedCount = 0
    for (k, scenario) in scenarios.enumerated() {
      let curves = (scenario["curves"] as! [[[Double]]]).map { $0.map { (Int($0[0]), $0[1]) } }
      for (name, events) in scenario["runs"] as! [String: [[Int]]] {
        let (pruner, direction) = pruners[name]!
        var trials: [Int: TrialRecord] = [:]
        var position: [Int: Int] = [:]
        for (e, event) in events.enumerated() {
          let n = event[0], optunaPruned = event[1] == 1
          var t = trials[n] ?? TrialRecord(number: n, state: .running)
          let pos = position[n, default: 0]
          let (step, value) = curves[n][pos]
          t.intermediateValues[step] = value
          trials[n] = t
          let history = StudyHistory(directions: [direction], trials: trials.values.sorted { $0.number < $1.number })
          let ours = pruner.shouldPrune(t, history: history)
          #expect(ours == optunaPruned, "scenario \(k) \(name) event \(e): trial \(n) step \(step)")
          decisions += 1
          if optunaPruned {
            prunedCount += 1
            t.state = .pruned
          } else if pos + 1 == curves[n].count {
            t.state = .complete
            t.values = [value]
          }
          trials[n] = t
          position[n] = pos + 1
        }
      }
    }
    // The fixture exercises both outcomes plenty.
    #expect(decisions > 1000 && prunedCount > 50)
  }

  // MARK: through a study

  @Test func studyPrunesThroughItsPruner() async throws {
    let pruner = try MedianPruner(startupTrials: 2)
    let study = try await Study(name: "p", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 1), pruner: pruner)
    // Trial n reports n at every step: trials 0, 1 complete; 2 and later are above the median.
    try await study.optimize(trials: 4) { trial in
      for step in 0..<5 {
        try await trial.report(step: step, value: Double(trial.number))
        if try await trial.shouldPrune() { throw TrialPruned() }
      }
      return Double(trial.number)
    }
    let states = try await study.trials().map(\.state)
    #expect(states == [.complete, .complete, .pruned, .pruned])
    #expect(try await study.trials()[2].intermediateValues == [0: 2])
  }
}
