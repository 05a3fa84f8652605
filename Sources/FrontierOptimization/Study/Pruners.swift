import FrontierCore

/// A pruner setting out of its range.
public struct PrunerError: Error, Sendable, Hashable, CustomStringConvertible {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// Prunes a trial whose best intermediate value so far is worse than the given percentile
/// of the complete trials' values at the same step (Optuna's `PercentilePruner`; with 50 it
/// is the median stopping rule of Golovin et al., "Google Vizier", KDD 2017).
///
/// At the trial's last reported step `s` it prunes when all of these hold: at least
/// `startupTrials` trials are complete; `s >= warmupSteps`; `s` is the first report in its
/// interval (no earlier report at or after the interval's start
/// `warmupSteps + k * intervalSteps`); at least `minTrials` complete trials reported step `s`;
/// and the trial's best value over its steps is worse than the percentile of theirs
/// (linear interpolation between order statistics, NaN ignored, as `numpy.nanpercentile`).
/// A trial whose every value is NaN is pruned.
///
/// Complexity: O(n log n) for n complete trials per call.
public struct PercentilePruner: Pruner, Hashable {
  /// The percentile (0...100) a trial must not be worse than; 50 is the median.
  public var percentile: Double
  /// No pruning until this many trials are complete.
  public var startupTrials: Int
  /// No pruning at steps below this.
  public var warmupSteps: Int
  /// Only the first report in each interval of this many steps (from `warmupSteps`) is judged.
  public var intervalSteps: Int
  /// No pruning at a step fewer than this many complete trials reported.
  public var minTrials: Int

  /// - Throws: ``PrunerError`` for a percentile outside `0...100`, negative counts or an
  ///   interval below 1.
  public init(
    percentile: Double, startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minTrials: Int = 1
  ) throws(PrunerError) {
    guard (0...100).contains(percentile) else { throw PrunerError("percentile must be in 0...100, got \(percentile)") }
    guard startupTrials >= 0 else { throw PrunerError("startup trials must not be negative, got \(startupTrials)") }
    guard warmupSteps >= 0 else { throw PrunerError("warmup steps must not be negative, got \(warmupSteps)") }
    guard intervalSteps >= 1 else { throw PrunerError("interval steps must be at least 1, got \(intervalSteps)") }
    guard minTrials >= 1 else { throw PrunerError("min trials must be at least 1, got \(minTrials)") }
    self.percentile = percentile
    self.startupTrials = startupTrials
    self.warmupSteps = warmupSteps
    self.intervalSteps = intervalSteps
    self.minTrials = minTrials
  }

  public func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool {
    let completed = history.trials.filter { $0.state == .complete && $0.number != trial.number }
    guard !completed.isEmpty, completed.count >= startupTrials else { return false }
    guard let (step, _) = trial.lastIntermediateValue, step >= warmupSteps else { return false }
    // Only the first report of each interval is judged.
    let intervalStart = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps
    let previous = trial.intermediateValues.keys.filter { $0 != step }.max() ?? -1
    guard previous < intervalStart else { return false }

    let direction = history.direction
    let own = trial.intermediateValues.values.filter { !$0.isNaN }
    guard let best = direction == .minimize ? own.min() : own.max() else { return true }

    let others = completed.compactMap { $0.intermediateValues[step] }
    guard others.count >= minTrials else { return false }
    let q = direction == .maximize ? 100 - percentile : percentile
    guard let p = Self.nanPercentile(others, q) else { return false }
    return direction == .maximize ? best < p : best > p
  }

  /// The `q`-th percentile of the non-NaN `values` with linear interpolation (`nil` if none).
  static func nanPercentile(_ values: [Double], _ q: Double) -> Double? {
    let v = values.filter { !$0.isNaN }.sorted()
    guard !v.isEmpty else { return nil }
    let rank = q / 100 * Double(v.count - 1)
    let lo = Int(rank.rounded(.down)), hi = Int(rank.rounded(.up))
    return v[lo] + (v[hi] - v[lo]) * (rank - Double(lo))
  }
}

/// The median stopping rule: a ``PercentilePruner`` at the 50th percentile (Optuna's
/// `MedianPruner`; Golovin et al., "Google Vizier", KDD 2017).
public struct MedianPruner: Pruner, Hashable {
  /// The percentile pruner at 50 that decides.
  public var base: PercentilePruner

  /// - Throws: ``PrunerError`` as ``PercentilePruner/init(percentile:startupTrials:warmupSteps:intervalSteps:minTrials:)``.
  public init(startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minTrials: Int = 1) throws(PrunerError) {
    base = try PercentilePruner(
      percentile: 50, startupTrials: startupTrials, warmupSteps: warmupSteps, intervalSteps: intervalSteps,
      minTrials: minTrials)
  }

  public func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool {
    base.shouldPrune(trial, history: history)
  }
}

/// Asynchronous successive halving (Li et al., "A System for Massively Parallel
/// Hyperparameter Tuning" (ASHA), MLSys 2020; Optuna's `SuccessiveHalvingPruner`).
///
/// Rung `r` sits at step `minResource * reductionFactor^(minEarlyStoppingRate + r)`. When a
/// trial's report first reaches a rung, its value there is compared with the values every
/// other trial had at that rung: it is promoted (not pruned) when it is among the best
/// `1 / reductionFactor` of them (or the best of all while fewer than `reductionFactor`
/// trials reached the rung), and pruned otherwise, or when no more than `bootstrapCount`
/// trials (itself included) reached the rung, or when its value is NaN.
///
/// Unlike Optuna, which writes `completed_rung_r` system attributes, the rungs are derived
/// from the intermediate values, so the pruner is a pure function of the history: a trial's
/// value at rung `r` is its value at its first reported step at or beyond the rung. The two
/// agree whenever ``Study/shouldPrune(number:)`` is asked after each report; a rung a
/// trial jumped over between two asks is judged at the next ask, with that step's value.
/// NaN values of other trials are ignored.
///
/// Complexity: O(n k + n log n) per call for n trials of k reports.
public struct SuccessiveHalvingPruner: Pruner, Hashable {
  /// The step of the first rung (before `minEarlyStoppingRate`).
  public var minResource: Int
  /// eta: each rung is eta times later and promotes the top 1/eta.
  public var reductionFactor: Int
  /// Skips the first rungs: rung r is at `minResource * eta^(rate + r)`.
  public var minEarlyStoppingRate: Int
  /// A rung promotes nobody until more than this many trials reached it.
  public var bootstrapCount: Int

  /// - Throws: ``PrunerError`` for a resource below 1, a reduction factor below 2 or a
  ///   negative rate or count.
  public init(minResource: Int = 1, reductionFactor: Int = 4, minEarlyStoppingRate: Int = 0, bootstrapCount: Int = 0)
    throws(PrunerError)
  {
    guard minResource >= 1 else { throw PrunerError("min resource must be at least 1, got \(minResource)") }
    guard reductionFactor >= 2 else { throw PrunerError("reduction factor must be at least 2, got \(reductionFactor)") }
    guard minEarlyStoppingRate >= 0 else {
      throw PrunerError("min early-stopping rate must not be negative, got \(minEarlyStoppingRate)")
    }
    guard bootstrapCount >= 0 else { throw PrunerError("bootstrap count must not be negative, got \(bootstrapCount)") }
    self.minResource = minResource
    self.reductionFactor = reductionFactor
    self.minEarlyStoppingRate = minEarlyStoppingRate
    self.bootstrapCount = bootstrapCount
  }

  public func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool {
    shouldPrune(trial, competitors: history.trials.lazy.filter { $0.number != trial.number }, direction: history.direction)
  }

  /// The step of rung `r`, or `nil` past `Int.max`.
  func rungStep(_ r: Int) -> Int? {
    var s = minResource
    for _ in 0..<(minEarlyStoppingRate + r) {
      let (m, overflow) = s.multipliedReportingOverflow(by: reductionFactor)
      if overflow { return nil }
      s = m
    }
    return s
  }

  func shouldPrune<C: Collection<TrialRecord>>(
    _ trial: TrialRecord, competitors: C, direction: StudyDirection
  ) -> Bool {
    guard let (step, value) = trial.lastIntermediateValue else { return false }
    let previous = trial.intermediateValues.keys.filter { $0 < step }.max()
    var rung = 0
    while let rs = rungStep(rung), rs <= step {
      defer { rung += 1 }
      if let previous, previous >= rs { continue }  // judged at an earlier report
      if value.isNaN { return true }
      var competing: [Double] = [value]
      for t in competitors {
        if let v = Self.firstValue(t, atOrAfter: rs), !v.isNaN { competing.append(v) }
      }
      if competing.count <= bootstrapCount { return true }
      var idx = competing.count / reductionFactor - 1
      if idx < 0 { idx = 0 }
      competing.sort()
      let promotable = direction == .minimize ? value <= competing[idx] : value >= competing[competing.count - 1 - idx]
      if !promotable { return true }
    }
    return false
  }

  /// The value at the first reported step `>= step`, if any.
  static func firstValue(_ t: TrialRecord, atOrAfter step: Int) -> Double? {
    var best: (Int, Double)?
    for (s, v) in t.intermediateValues where s >= step {
      if best == nil || s < best!.0 { best = (s, v) }
    }
    return best?.1
  }
}

/// Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
/// Optimization", JMLR 18, 2018; Optuna's `HyperbandPruner`): several successive-halving
/// brackets with different aggressiveness, each trial assigned to one.
///
/// There are `nBrackets = floor(log_eta(maxResource / minResource)) + 1` brackets; bracket
/// `i` is a ``SuccessiveHalvingPruner`` with `minEarlyStoppingRate = i` that only competes
/// against trials of the same bracket. A trial's bracket is drawn deterministically from its
/// number and `seed` (a SplitMix64 hash), weighted by the paper's trial budget
/// `ceil(nBrackets * eta^s / (s + 1))` with `s = nBrackets - 1 - i`, so the most aggressive
/// bracket gets the most trials. With `maxResource == nil` the maximum is the largest last
/// step of a complete trial plus one (Optuna's "auto"), and nothing is pruned before a
/// trial completes.
///
/// Complexity: O(n) to find a bracket's trials plus the successive-halving cost.
public struct HyperbandPruner: Pruner, Hashable {
  /// The smallest resource (step) a trial is judged at.
  public var minResource: Int
  /// The largest resource (last step) of a trial; `nil`: from the complete trials.
  public var maxResource: Int?
  /// eta, as in ``SuccessiveHalvingPruner``.
  public var reductionFactor: Int
  /// As in ``SuccessiveHalvingPruner``.
  public var bootstrapCount: Int
  /// Seeds the trial-to-bracket hash.
  public var seed: UInt64

  /// - Throws: ``PrunerError`` for a resource below 1, a maximum below the minimum, a
  ///   reduction factor below 2 or a negative bootstrap count.
  public init(
    minResource: Int = 1, maxResource: Int? = nil, reductionFactor: Int = 3, bootstrapCount: Int = 0, seed: UInt64 = 0
  ) throws(PrunerError) {
    guard minResource >= 1 else { throw PrunerError("min resource must be at least 1, got \(minResource)") }
    if let maxResource, maxResource < minResource {
      throw PrunerError("max resource \(maxResource) is below min resource \(minResource)")
    }
    guard reductionFactor >= 2 else { throw PrunerError("reduction factor must be at least 2, got \(reductionFactor)") }
    guard bootstrapCount >= 0 else { throw PrunerError("bootstrap count must not be negative, got \(bootstrapCount)") }
    self.minResource = minResource
    self.maxResource = maxResource
    self.reductionFactor = reductionFactor
    self.bootstrapCount = bootstrapCount
    self.seed = seed
  }

  /// The number of brackets for a maximum resource.
  public func bracketCount(maxResource: Int) -> Int {
    var n = 1
    var r = minResource
    while true {
      let (m, overflow) = r.multipliedReportingOverflow(by: reductionFactor)
      if overflow || m > maxResource { return n }
      r = m
      n += 1
    }
  }

  /// Trial budgets of the brackets (bracket 0, the most aggressive, first).
  public func budgets(brackets n: Int) -> [Int] {
    (0..<n).map { i in
      let s = n - 1 - i
      var p = 1.0
      for _ in 0..<s { p *= Double(reductionFactor) }
      return Int((Double(n) * p / Double(s + 1)).rounded(.up))
    }
  }

  /// The bracket of trial `number` among `budgets`.
  public func bracket(of number: Int, budgets: [Int]) -> Int {
    let total = budgets.reduce(0, +)
    var rng = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: number) &* 0x9E37_79B9_7F4A_7C15))
    var r = Int(rng.next() % UInt64(total))
    for (i, b) in budgets.enumerated() {
      r -= b
      if r < 0 { return i }
    }
    return budgets.count - 1
  }

  func effectiveMaxResource(_ history: StudyHistory) -> Int? {
    if let maxResource { return maxResource }
    let steps = history.trials.compactMap { $0.state == .complete ? $0.lastIntermediateValue?.step : nil }
    return steps.max().map { Swift.max($0 + 1, minResource) }
  }

  public func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool {
    guard let maxR = effectiveMaxResource(history) else { return false }
    let budgets = budgets(brackets: bracketCount(maxResource: maxR))
    let b = bracket(of: trial.number, budgets: budgets)
    // Valid by construction (checked in init).
    let sha = try! SuccessiveHalvingPruner(
      minResource: minResource, reductionFactor: reductionFactor, minEarlyStoppingRate: b,
      bootstrapCount: bootstrapCount)
    let mates = history.trials.lazy.filter { $0.number != trial.number && bracket(of: $0.number, budgets: budgets) == b }
    return sha.shouldPrune(trial, competitors: mates, direction: history.direction)
  }
}
