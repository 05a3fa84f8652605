import FrontierCore
import RealModule

/// The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl, "Algorithms for
/// Hyper-Parameter Optimization", NeurIPS 2011), with the algorithm components and defaults
/// of Optuna's `TPESampler` as analysed by Watanabe, "Tree-structured Parzen Estimator:
/// Understanding Its Algorithm Components and Why They Matter" (2023).
///
/// After ``Options/startupTrials`` finished trials (random before), every ask splits the
/// finished trials into the best `γ(n) = min(⌈0.1 n⌉, 25)` ("below") and the rest ("above"),
/// fits a Parzen estimator (truncated Gaussian mixtures in log space for log parameters,
/// discretised for stepped ones, weighted counts with a prior for categoricals, one kernel
/// per trial plus a prior kernel of weight 1, Optuna's weights ramping down trials older than
/// the newest 25, the "magic clip" on bandwidths) to each, draws
/// ``Options/eiCandidates`` points from the below estimator `l` and returns the one
/// maximising `log l(x) − log g(x)` (expected improvement).
///
/// - **Multivariate** (default, Optuna 5): one joint kernel per trial over the parameters
///   that exist in every trial (here: the unconditional ones), bandwidth
///   `0.2 · n^(−1/(d+4)) · range` (Scott's rule). Conditional parameters are sampled by
///   univariate TPE over the trials in which they exist, split by the same ranking
///   (Optuna's `group=False` fallback).
/// - **Univariate**: each parameter on its own, bandwidth the larger gap to a neighbouring
///   observation (Optuna's rule; `considerEndpoints` as in Optuna, off by default).
/// - **Constant liar** (default, Optuna 5): running trials, and points proposed earlier in
///   the same batch, are put in the "above" group as if they had the worst value, so
///   parallel asks spread out.
/// - **Pruned trials** rank after every complete trial, among themselves by the last
///   reported step (later is better) and then its intermediate value (Optuna's rule);
///   failed trials and NaN values are ignored. Multi-objective studies use the first value.
///
/// Complexity per ask, with n trials and d parameters: O(n·d + n log n) to split and fit,
/// O(c·n·d) to score c candidates. Finished trials' coordinates are cached by trial
/// number, so the history is not re-parsed.
public struct TPESampler: Sampler {
  /// TPE's settings; the defaults are Optuna 5's.
  public struct Options: Sendable, Hashable {
    /// Finished trials sampled at random before TPE starts (Optuna: 10).
    public var startupTrials: Int = 10
    /// Candidates drawn from `l(x)` per ask (Optuna: 24).
    public var eiCandidates: Int = 24
    /// Joint kernels over the unconditional parameters (Optuna 5 default: true).
    public var multivariate: Bool = true
    /// Running trials and earlier points of a batch count as worst (Optuna 5 default: true).
    public var constantLiar: Bool = true
    /// Weight of the prior kernel (Optuna: 1.0).
    public var priorWeight: Double = 1.0
    /// Univariate bandwidths of the outermost kernels also consider the bounds (Optuna: false).
    public var considerEndpoints: Bool = false
    /// Lower-bound bandwidths by `range / min(100, 1 + kernels)` (Optuna: true).
    public var considerMagicClip: Bool = true

    public init(
      startupTrials: Int = 10, eiCandidates: Int = 24, multivariate: Bool = true, constantLiar: Bool = true,
      priorWeight: Double = 1.0, considerEndpoints: Bool = false, considerMagicClip: Bool = true
    ) {
      self.startupTrials = startupTrials
      self.eiCandidates = eiCandidates
      self.multivariate = multivariate
      self.constantLiar = constantLiar
      self.priorWeight = priorWeight
      self.considerEndpoints = considerEndpoints
      self.considerMagicClip = considerMagicClip
    }

    /// Optuna ≤ 4's default: univariate TPE without the constant liar.
    public static let independent = Options(multivariate: false, constantLiar: false)
  }

  public var options: Options
  public var name: String { options.multivariate ? "tpe" : "tpe_indep" }
  var rng: Xoshiro256StarStar

  // Cache: sampling-space coordinates (NaN = absent) of finished trials, by trial number,
  // valid for `cachedSpace`.
  var cachedSpace: SearchSpace?
  var cachedDims: [TPEDimension?] = []
  var rowCache: [Int: [Double]] = [:]
  // Reused buffers.
  var scratchWeights: [Double] = []
  var scratchCandidates: [Double] = []
  var scratchDensity: [Double] = []
  var scratchBelowLog: [Double] = []
  var scratchAboveLog: [Double] = []

  /// A TPE sampler whose stream is fixed by `seed`.
  public init(seed: UInt64 = 0, options: Options = Options()) {
    self.options = options
    rng = Xoshiro256StarStar(seed: seed)
  }

  /// Optuna's default γ: the number of "good" trials among `n` finished ones,
  /// `min(⌈0.1 n⌉, 25)`.
  public static func gamma(_ n: Int) -> Int { Swift.min((n + 9) / 10, 25) }

  /// Optuna's default weights for `n` observations in trial order (see the type's docs).
  public static func weights(_ n: Int) -> [Double] {
    var w: [Double] = []
    tpeDefaultWeights(n, into: &w)
    return w
  }

  /// A trial as the split sees it.
  struct Entry {
    var row: [Double]
    /// 0 complete, 1 pruned, 2 running (or proposed in this batch).
    var group: Int
    var loss: Double
    var step: Int
    var number: Int
  }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    guard count > 0 else { return [] }
    if cachedSpace != space {
      cachedSpace = space
      cachedDims = space.parameters.map { TPEDimension($0.distribution) }
      rowCache.removeAll()
    }
    var entries = collectEntries(space: space, history: history)
    let finished = entries.count { $0.group < 2 }
    var out: [Proposal] = []
    out.reserveCapacity(count)
    if finished < options.startupTrials {
      for _ in 0..<count {
        out.append(Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }))
      }
      return out
    }
    let below = Self.belowFlags(entries, nBelow: Self.gamma(finished))
    var isBelow = below
    let relative: [Int] =
      options.multivariate
      ? space.parameters.indices.filter { space.parameters[$0].condition == nil && cachedDims[$0] != nil } : []
    for _ in 0..<count {
      let point = proposePoint(space: space, entries: entries, isBelow: isBelow, relative: relative)
      out.append(Proposal(point))
      if options.constantLiar {
        entries.append(Entry(row: row(of: point, space: space), group: 2, loss: .infinity, step: 0, number: Int.max))
        isBelow.append(false)
      }
    }
    return out
  }

  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    guard let dim = TPEDimension(parameter.distribution) else {
      return parameter.distribution.sample(unit: rng.unitDouble())
    }
    var entries: [Entry] = []
    for t in history.trials {
      guard let e = Self.entryShell(t, history: history, liar: options.constantLiar) else { continue }
      var x = Double.nan
      if let v = t.parameters[parameter.name], let c = dim.coordinate(of: v) { x = c }
      entries.append(Entry(row: [x], group: e.group, loss: e.loss, step: e.step, number: t.number))
    }
    let finished = entries.count { $0.group < 2 }
    if finished < options.startupTrials { return parameter.distribution.sample(unit: rng.unitDouble()) }
    let isBelow = Self.belowFlags(entries, nBelow: Self.gamma(finished))
    return dim.value(at: univariate(dim, column: 0, entries: entries, isBelow: isBelow))
  }

  // MARK: - Internals

  /// Group, loss and step of a trial, or `nil` when TPE ignores it.
  static func entryShell(_ t: TrialRecord, history: StudyHistory, liar: Bool) -> Entry? {
    switch t.state {
    case .complete:
      guard let v = t.value, !v.isNaN else { return nil }
      return Entry(row: [], group: 0, loss: history.direction.loss(v), step: 0, number: t.number)
    case .pruned:
      if let last = t.lastIntermediateValue {
        let l = last.value.isNaN ? Double.infinity : history.direction.loss(last.value)
        return Entry(row: [], group: 1, loss: l, step: last.step, number: t.number)
      }
      return Entry(row: [], group: 1, loss: .infinity, step: Int.min, number: t.number)
    case .running:
      return liar ? Entry(row: [], group: 2, loss: .infinity, step: 0, number: t.number) : nil
    case .waiting, .failed:
      return nil
    }
  }

  mutating func collectEntries(space: SearchSpace, history: StudyHistory) -> [Entry] {
    var entries: [Entry] = []
    entries.reserveCapacity(history.trials.count + 8)
    for t in history.trials {
      guard var e = Self.entryShell(t, history: history, liar: options.constantLiar) else { continue }
      if e.group < 2, let r = rowCache[t.number] {
        e.row = r
      } else {
        e.row = row(of: t.parameters, space: space)
        if e.group < 2 { rowCache[t.number] = e.row }
      }
      entries.append(e)
    }
    return entries
  }

  func row(of p: Parameters, space: SearchSpace) -> [Double] {
    var r = [Double](repeating: .nan, count: space.count)
    for (i, spec) in space.parameters.enumerated() {
      if let dim = cachedDims[i], let v = p[spec.name], let c = dim.coordinate(of: v) { r[i] = c }
    }
    return r
  }

  /// Marks the `nBelow` best finished entries (complete by loss, then pruned by later step
  /// and loss; ties by trial number).
  static func belowFlags(_ entries: [Entry], nBelow: Int) -> [Bool] {
    var order = entries.indices.filter { entries[$0].group < 2 }
    order.sort { a, b in
      let x = entries[a], y = entries[b]
      if x.group != y.group { return x.group < y.group }
      if x.group == 1 && x.step != y.step { return x.step > y.step }
      if x.loss != y.loss { return x.loss < y.loss }
      return x.number < y.number
    }
    var flags = [Bool](repeating: false, count: entries.count)
    for i in order.prefix(nBelow) { flags[i] = true }
    return flags
  }

  mutating func proposePoint(space: SearchSpace, entries: [Entry], isBelow: [Bool], relative: [Int]) -> Parameters {
    var joint: [Int: Double] = [:]
    if !relative.isEmpty {
      let dims = relative.map { cachedDims[$0]! }
      var below: [Double] = [], above: [Double] = []
      var nb = 0, na = 0
      for (i, e) in entries.enumerated() where relative.allSatisfy({ !e.row[$0].isNaN }) {
        if isBelow[i] {
          for j in relative { below.append(e.row[j]) }
          nb += 1
        } else {
          for j in relative { above.append(e.row[j]) }
          na += 1
        }
      }
      let best = bestCandidate(dims: dims, below: below, nb: nb, above: above, na: na, multivariate: true)
      for (k, j) in relative.enumerated() { joint[j] = best[k] }
    }
    var point = Parameters(minimumCapacity: space.count)
    for (i, spec) in space.parameters.enumerated() where space.isActive(spec, in: point) {
      if let x = joint[i], let dim = cachedDims[i] {
        point[spec.name] = dim.value(at: x)
      } else if let dim = cachedDims[i] {
        point[spec.name] = dim.value(at: univariate(dim, column: i, entries: entries, isBelow: isBelow))
      } else {
        point[spec.name] = spec.distribution.sample(unit: 0)
      }
    }
    return point
  }

  /// Univariate TPE for the parameter in column `column` of the entries' rows, over the
  /// entries in which it exists.
  mutating func univariate(_ dim: TPEDimension, column: Int, entries: [Entry], isBelow: [Bool]) -> Double {
    var below: [Double] = [], above: [Double] = []
    for (i, e) in entries.enumerated() {
      let x = e.row[column]
      if x.isNaN { continue }
      if isBelow[i] { below.append(x) } else { above.append(x) }
    }
    return bestCandidate(dims: [dim], below: below, nb: below.count, above: above, na: above.count, multivariate: false)[0]
  }

  /// Draws candidates from the below estimator and returns the one maximising
  /// `log l − log g` (first on ties).
  mutating func bestCandidate(
    dims: [TPEDimension], below: [Double], nb: Int, above: [Double], na: Int, multivariate: Bool
  ) -> [Double] {
    let settings = ParzenSettings(
      priorWeight: options.priorWeight, considerMagicClip: options.considerMagicClip,
      considerEndpoints: options.considerEndpoints, multivariate: multivariate)
    let l = ParzenEstimator(dims: dims, observations: below, count: nb, settings: settings, scratch: &scratchWeights)
    let g = ParzenEstimator(dims: dims, observations: above, count: na, settings: settings, scratch: &scratchWeights)
    let m = Swift.max(1, options.eiCandidates)
    l.sample(m, using: &rng, into: &scratchCandidates)
    l.logDensity(scratchCandidates, count: m, scratch: &scratchDensity, into: &scratchBelowLog)
    g.logDensity(scratchCandidates, count: m, scratch: &scratchDensity, into: &scratchAboveLog)
    var best = 0
    var bestScore = -Double.infinity
    for i in 0..<m {
      let s = scratchBelowLog[i] - scratchAboveLog[i]
      if s > bestScore {
        bestScore = s
        best = i
      }
    }
    let d = dims.count
    return Array(scratchCandidates[best * d..<(best + 1) * d])
  }
}
