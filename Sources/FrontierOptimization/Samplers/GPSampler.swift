import FrontierCore
import RealModule

/// Gaussian-process Bayesian optimisation, after Optuna's `GPSampler` (Optuna 4/5).
///
/// **Model.** Inputs: every float and int parameter mapped to `[0, 1]` (log-transformed where
/// `log`; ints and stepped floats on half-step-widened ranges, see `UnitCubeEncoding`), every
/// categorical as its choice index. Outputs: the loss negated and standardised. Kernel:
/// Matérn 5/2 with one lengthscale per dimension (ARD), categorical dimensions entering the
/// distance through a Hamming term, times a signal variance, plus noise. Lengthscales, signal
/// variance and noise maximise the log marginal likelihood plus Optuna's prior, by L-BFGS on
/// analytic gradients, warm-started from the previous fit. Cholesky with growing jitter.
///
/// **Acquisition.** Log expected improvement (Ament et al., NeurIPS 2023), computed stably
/// far below the incumbent. Maximised as Optuna's `optimize_acqf_mixed`: `candidateCount`
/// (2,048) scrambled Sobol candidates (ints and steps snapped, categoricals as indices), then
/// local search from the best candidate, from `localSearchStarts − 2` more drawn by a roulette
/// wheel weighted by expected improvement, and from the best observed point: L-BFGS over the
/// numeric coordinates through `u = ½ + ½ sin(ℓ w)` (keeps `[0, 1]` without projection;
/// scaled by the lengthscale `ℓ` as Optuna preconditions), snapping, and a
/// pass trying every choice of each categorical.
///
/// **Mixed and conditional spaces.** Int and stepped dimensions are optimised relaxed and
/// rounded (Optuna's approach). A conditional parameter that is inactive in a point is
/// *imputed*: numeric dimensions at 0.5 (the centre), categorical ones at index −1, a value
/// that matches only other inactive points. So points that share a branch are compared on
/// it, and points on different branches are far apart in the Hamming term.
///
/// **Start-up and batches.** The first `startupTrials` (10) complete trials are uniform random.
/// Running trials (other workers) and points proposed earlier in the same batch are added
/// at the posterior mean ("kriging believer"), so parallel asks spread out.
///
/// Single objective (the first direction). Cost per ask with `n` observations in `d`
/// dimensions: `O(I (n³ + n² d))` for `I` L-BFGS steps of the fit, plus
/// `O((candidateCount + local steps) · (n² + n d))` for the acquisition.
public struct GPSampler: Sampler {
  public var name: String { "gp" }
  public let seed: UInt64
  /// Complete trials sampled uniformly before the model is used (10, Optuna's default).
  public var startupTrials: Int
  /// Random candidates scored before local search.
  public var candidateCount: Int
  /// Local searches started from the best candidates.
  public var localSearchStarts: Int
  /// L-BFGS iterations of the hyperparameter fit when it starts from the previous ask's
  /// fit. The fit stops earlier once the gradient is below 10⁻² (Optuna's tolerance), which
  /// from a warm start takes a few dozen steps; capping it much lower (10 was tried) leaves
  /// the lengthscales stale and the sampler stuck in local minima (hartmann6).
  public var warmFitIterations: Int = 200
  /// L-BFGS iterations of the hyperparameter fit from the default start (first fit).
  public var coldFitIterations: Int = 50
  /// Whether each fit starts from the previous ask's hyperparameters (else from the default).
  public var warmStartFit: Bool = true
  /// L-BFGS iterations of each local search of the acquisition function.
  public var localSearchIterations: Int = 100
  var rng: Xoshiro256StarStar
  var cachedHyper: GPHyperparameters?

  public init(seed: UInt64 = 0, startupTrials: Int = 10, candidateCount: Int = 2048, localSearchStarts: Int = 10) {
    self.seed = seed
    self.startupTrials = Swift.max(1, startupTrials)
    self.candidateCount = Swift.max(1, candidateCount)
    self.localSearchStarts = Swift.max(0, localSearchStarts)
    rng = Xoshiro256StarStar(seed: seed)
  }

  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    let layout = GPLayout(space)
    let direction = history.directions.first ?? .minimize
    var xs: [Double] = [], losses: [Double] = []
    var pending: [Double] = []
    for t in history.trials {
      if t.state == .complete, let v = t.value, v.isFinite {
        xs += layout.encode(t.parameters)
        losses.append(direction.loss(v))
      } else if t.state == .running, !t.parameters.isEmpty {
        pending += layout.encode(t.parameters)
      }
    }
    guard layout.dimension > 0, losses.count >= startupTrials else {
      return (0..<count).map { _ in Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }) }
    }
    // Standardised scores (maximised).
    let mean = losses.reduce(0, +) / Double(losses.count)
    var sd = 0.0
    for l in losses { sd += (l - mean) * (l - mean) }
    sd = Swift.max((sd / Double(losses.count)).squareRoot(), 1e-12)
    var ys = losses.map { -($0 - mean) / sd }
    let d = layout.dimension
    let warm = warmStartFit ? cachedHyper.flatMap { $0.inverseSquaredLengthscales.count == d ? $0 : nil } : nil
    guard
      var gp = GaussianProcess.fit(
        x: xs, y: ys, dimension: d, categorical: layout.categorical, start: warm ?? .initial(dimension: d),
        maxIterations: warm == nil ? coldFitIterations : warmFitIterations)
    else {
      return (0..<count).map { _ in Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }) }
    }
    cachedHyper = gp.hyper
    let best = ys.max() ?? 0
    let bestX = [Double](xs[(ys.firstIndex(of: best)! * d)..<((ys.firstIndex(of: best)! + 1) * d)])
    // Kriging believer for running trials.
    if !pending.isEmpty {
      for p in 0..<(pending.count / d) {
        let row = Array(pending[(p * d)..<((p + 1) * d)])
        let mu = gp.posterior(row).mean
        xs += row
        ys.append(mu)
      }
      if let g = GaussianProcess(x: xs, y: ys, dimension: d, categorical: layout.categorical, hyper: gp.hyper) { gp = g }
    }
    var out: [Proposal] = []
    for i in 0..<count {
      let x = optimizeAcquisition(gp, layout: layout, best: best, incumbent: bestX)
      out.append(Proposal(layout.decode(x, space: space)))
      if i + 1 < count {
        xs += x
        ys.append(gp.posterior(x).mean)
        if let g = GaussianProcess(x: xs, y: ys, dimension: d, categorical: layout.categorical, hyper: gp.hyper) { gp = g }
      }
    }
    return out
  }

  /// Maximises log EI; returns the encoded, canonical point.
  ///
  /// As Optuna's `optimize_acqf_mixed`: `candidateCount` scrambled Sobol candidates; local
  /// search from the best of them, from `localSearchStarts − 2` more drawn without replacement
  /// with probability proportional to their expected improvement (roulette wheel, so the
  /// starts spread over the promising basins instead of crowding around one), and from the
  /// best observed point.
  mutating func optimizeAcquisition(_ gp: GaussianProcess, layout: GPLayout, best: Double, incumbent: [Double]) -> [Double] {
    let d = layout.dimension, n = gp.count
    var k = [Double](repeating: 0, count: n), dk = k, beta = k
    func score(_ x: [Double]) -> Double {
      let p = gp.posterior(x, k: &k, dk: &dk)
      return logExpectedImprovement(mean: p.mean, variance: p.variance, best: best).value
    }
    let sobol = SobolSequence(dimension: d, scrambleSeed: rng.next())
    var candidates = [Double](repeating: 0, count: candidateCount * d)
    var scores = [Double](repeating: -.infinity, count: candidateCount)
    var x = [Double](repeating: 0, count: d)
    var bestIndex = 0
    for c in 0..<candidateCount {
      sobol.point(c, into: &x)
      layout.fromUnit(&x)
      scores[c] = score(x)
      for j in 0..<d { candidates[c * d + j] = x[j] }
      if scores[c] > scores[bestIndex] { bestIndex = c }
    }
    func row(_ c: Int) -> [Double] { Array(candidates[(c * d)..<((c + 1) * d)]) }
    var starts: [(Double, [Double])] = [(scores[bestIndex], row(bestIndex))]
    // Roulette wheel over the rest, weights exp(log EI − max), without replacement.
    var weights = scores.map { $0.isFinite ? Double.exp($0 - scores[bestIndex]) : 0 }
    weights[bestIndex] = 0
    for _ in 0..<Swift.max(0, localSearchStarts - 2) {
      let total = weights.reduce(0, +)
      guard total > 0, total.isFinite else { break }
      var r = rng.unitDouble() * total
      var chosen = -1
      for c in 0..<candidateCount where weights[c] > 0 {
        chosen = c
        r -= weights[c]
        if r <= 0 { break }
      }
      guard chosen >= 0 else { break }
      weights[chosen] = 0
      starts.append((scores[chosen], row(chosen)))
    }
    starts.append((score(incumbent), incumbent))
    var bestPoint = starts[0]
    for (s0, x0) in starts {
      let (s, xl) = mixedLocalSearch(gp, layout: layout, best: best, from: x0, score: s0, k: &k, dk: &dk, beta: &beta)
      if s > bestPoint.0 { bestPoint = (s, xl) }
    }
    return bestPoint.1
  }

  /// Optuna's `local_search_mixed`: L-BFGS over the active continuous coordinates, then
  /// each active discrete coordinate in turn (categoricals and grids of at most 16 values
  /// exhaustively, longer grids by a golden-section line search on the acquisition
  /// interpolated between grid values), repeated until a round changes no discrete
  /// coordinate (at most `maxRounds`).
  func mixedLocalSearch(
    _ gp: GaussianProcess, layout: GPLayout, best: Double, from x0: [Double], score s0: Double,
    k: inout [Double], dk: inout [Double], beta: inout [Double], maxRounds: Int = 100
  ) -> (Double, [Double]) {
    var kk = k, dkk = dk
    func score(_ x: [Double]) -> Double {
      let p = gp.posterior(x, k: &kk, dk: &dkk)
      return logExpectedImprovement(mean: p.mean, variance: p.variance, best: best).value
    }
    var (s, x) = localSearch(gp, layout: layout, best: best, from: x0, score: s0, k: &k, dk: &dk, beta: &beta)
    guard layout.hasDiscrete else { return (s, x) }
    for _ in 0..<maxRounds {
      var changed = false
      for dim in layout.discreteDimensions where layout.isActiveDiscrete(x, dim) {
        let count = layout.choiceCount(dim)
        guard count > 1 else { continue }
        let current = layout.choiceIndex(x, dim)
        var cache: [Int: Double] = [current: s]
        func value(_ c: Int) -> Double {
          if let v = cache[c] { return v }
          var y = x
          y[dim] = layout.choiceCoordinate(dim, c)
          layout.canonicalize(&y)
          let v = score(y)
          cache[c] = v
          return v
        }
        var bestChoice = current
        if layout.categorical[dim] || count <= 16 {
          for c in 0..<count where c != current && value(c) > value(bestChoice) { bestChoice = c }
        } else {
          // Golden section on the piecewise-linear interpolation over choice indices,
          // stopping at a quarter of a grid step (Optuna's tolerance).
          func interpolated(_ t: Double) -> Double {
            let lo = Swift.min(Swift.max(Int(t.rounded(.down)), 0), count - 2)
            let w = t - Double(lo)
            return (1 - w) * value(lo) + w * value(lo + 1)
          }
          let ratio = (5.0.squareRoot() - 1) / 2
          var a = 0.0, b = Double(count - 1)
          var c1 = b - ratio * (b - a), c2 = a + ratio * (b - a)
          var f1 = interpolated(c1), f2 = interpolated(c2)
          while b - a > 0.25 {
            if f1 >= f2 {
              b = c2; c2 = c1; f2 = f1
              c1 = b - ratio * (b - a); f1 = interpolated(c1)
            } else {
              a = c1; c1 = c2; f1 = f2
              c2 = a + ratio * (b - a); f2 = interpolated(c2)
            }
          }
          let c = Swift.min(Swift.max(Int(((a + b) / 2).rounded()), 0), count - 1)
          if value(c) > value(current) { bestChoice = c }
        }
        if bestChoice != current, let v = cache[bestChoice], v > s {
          x[dim] = layout.choiceCoordinate(dim, bestChoice)
          layout.canonicalize(&x)
          s = v
          changed = true
        }
      }
      guard changed else { break }
      let (s2, x2) = localSearch(gp, layout: layout, best: best, from: x, score: s, k: &k, dk: &dk, beta: &beta)
      s = s2
      x = x2
    }
    return (s, x)
  }

  /// L-BFGS on the active numeric coordinates of `x0`, through `u = ½ + ½ sin v`; the
  /// result is snapped and kept only if it scores better.
  func localSearch(
    _ gp: GaussianProcess, layout: GPLayout, best: Double, from x0: [Double], score s0: Double,
    k: inout [Double], dk: inout [Double], beta: inout [Double]
  ) -> (Double, [Double]) {
    let free = layout.continuousDimensions.filter { layout.active(x0, $0) }
    guard !free.isEmpty else { return (s0, x0) }
    let n = gp.count, d = layout.dimension
    let ils = gp.hyper.inverseSquaredLengthscales
    var point = x0
    // Preconditioning (as Optuna's): optimise w = v / ℓ with ℓ the lengthscale, so every
    // coordinate moves the kernel by a comparable amount per unit step.
    let ell = free.map { 1 / Swift.max(ils[$0], 1e-12).squareRoot() }
    let v0 = free.enumerated().map { m, dim in Double.asin(Swift.min(Swift.max(2 * x0[dim] - 1, -1), 1)) / ell[m] }
    var kk = k, dkk = dk, bb = beta
    let result = minimizeLBFGS(v0, maxIterations: localSearchIterations, gradientTolerance: 1e-4) { w, g in
      for (m, dim) in free.enumerated() { point[dim] = 0.5 + 0.5 * Double.sin(w[m] * ell[m]) }
      let p = gp.posterior(point, k: &kk, dk: &dkk, beta: &bb)
      let ei = logExpectedImprovement(mean: p.mean, variance: p.variance, best: best)
      for (m, dim) in free.enumerated() {
        var s = 0.0
        gp.x.withUnsafeBufferPointer { xb in
          for i in 0..<n {
            s += (ei.dMean * gp.alpha[i] - 2 * ei.dVariance * bb[i]) * dkk[i] * (point[dim] - xb[i * d + dim])
          }
        }
        g[m] = -(2 * ils[dim] * s) * 0.5 * Double.cos(w[m] * ell[m]) * ell[m]
      }
      return -ei.value
    }
    for (m, dim) in free.enumerated() { point[dim] = 0.5 + 0.5 * Double.sin(result.x[m] * ell[m]) }
    layout.canonicalize(&point)
    let p = gp.posterior(point, k: &k, dk: &dk)
    let s = logExpectedImprovement(mean: p.mean, variance: p.variance, best: best).value
    return s > s0 ? (s, point) : (s0, x0)
  }
}

/// How `GPSampler` lays a search space out as a vector: one coordinate per searchable
/// parameter (numeric in `[0, 1]`, categorical as an index), inactive ones imputed.
struct GPLayout: Sendable {
  enum Kind: Sendable {
    case numeric(UnitCubeEncoding.Dimension, discrete: Bool)
    case categorical([ParameterValue])
  }

  let space: SearchSpace
  /// Coordinate of each space parameter, or `nil` (fixed or single-valued).
  let coordinate: [Int?]
  let kinds: [Kind]
  let categorical: [Bool]
  let numericDimensions: [Int]
  let categoricalChoices: [(Int, Int)]
  /// Parameter index of each coordinate.
  let parameterOf: [Int]
  let hasConditions: Bool

  init(_ space: SearchSpace) {
    self.space = space
    var coordinate: [Int?] = [], kinds: [Kind] = [], parameterOf: [Int] = []
    for (pi, p) in space.parameters.enumerated() {
      if case .categorical(let c) = p.distribution, c.count > 1 {
        coordinate.append(kinds.count)
        kinds.append(.categorical(c))
        parameterOf.append(pi)
      } else if let dim = UnitCubeEncoding.dimension(p) {
        var discrete = false
        switch p.distribution {
        case .int: discrete = true
        case .float(_, _, _, let step): discrete = step != nil
        default: break
        }
        coordinate.append(kinds.count)
        kinds.append(.numeric(dim, discrete: discrete))
        parameterOf.append(pi)
      } else {
        coordinate.append(nil)
      }
    }
    self.coordinate = coordinate
    self.kinds = kinds
    self.parameterOf = parameterOf
    let isCategorical = kinds.map { if case .categorical = $0 { return true } else { return false } }
    categorical = isCategorical
    numericDimensions = kinds.indices.filter { !isCategorical[$0] }
    categoricalChoices = kinds.enumerated().compactMap { i, k in
      if case .categorical(let c) = k { return (i, c.count) }
      return nil
    }
    hasConditions = space.parameters.contains { $0.condition != nil }
  }

  var dimension: Int { kinds.count }

  /// Numeric coordinates without a grid (optimised by L-BFGS).
  var continuousDimensions: [Int] {
    numericDimensions.filter { if case .numeric(_, let discrete) = kinds[$0] { return !discrete } else { return false } }
  }

  /// Categorical coordinates and numeric ones on a grid (ints, stepped floats).
  var discreteDimensions: [Int] {
    kinds.indices.filter { i in
      switch kinds[i] {
      case .categorical: return true
      case .numeric(_, let discrete): return discrete
      }
    }
  }

  var hasDiscrete: Bool { !discreteDimensions.isEmpty }

  /// Whether discrete coordinate `i` holds an active value in `x`.
  func isActiveDiscrete(_ x: [Double], _ i: Int) -> Bool {
    if categorical[i] && x[i] < 0 { return false }
    return active(x, i)
  }

  /// Number of values of a discrete coordinate.
  func choiceCount(_ i: Int) -> Int {
    switch kinds[i] {
    case .categorical(let c): return c.count
    case .numeric(let dim, _): return dim.distribution.cardinality ?? 1
    }
  }

  /// The coordinate of value number `c` of a discrete coordinate.
  func choiceCoordinate(_ i: Int, _ c: Int) -> Double {
    switch kinds[i] {
    case .categorical: return Double(c)
    case .numeric(let dim, _):
      let v: Double
      switch dim.distribution {
      case .int(let low, _, _, let step): v = Double(low + c * step)
      case .float(let low, _, _, let step): v = low + Double(c) * (step ?? 0)
      default: v = 0
      }
      let t = dim.log ? Double.log(v) : v
      return (t - dim.lower) / (dim.upper - dim.lower)
    }
  }

  /// The value number of discrete coordinate `i` in the canonical point `x`.
  func choiceIndex(_ x: [Double], _ i: Int) -> Int {
    switch kinds[i] {
    case .categorical(let c): return Swift.min(Swift.max(Int(x[i]), 0), c.count - 1)
    case .numeric(let dim, _):
      switch (dim.distribution, value(x, i)) {
      case (.int(let low, _, _, let step), .int(let v)): return (v - low) / step
      case (.float(let low, _, _, let step?), .float(let v)): return Int(((v - low) / step).rounded())
      default: return 0
      }
    }
  }

  static let imputedNumeric = 0.5
  static let imputedCategorical = -1.0

  func encode(_ point: Parameters) -> [Double] {
    var x = [Double](repeating: 0, count: dimension)
    for (i, kind) in kinds.enumerated() {
      let p = space.parameters[parameterOf[i]]
      switch kind {
      case .numeric(let dim, _):
        if let v = point[p.name]?.doubleValue {
          let t = dim.log ? Double.log(v) : v
          x[i] = Swift.min(Swift.max((t - dim.lower) / (dim.upper - dim.lower), 0), 1)
        } else {
          x[i] = Self.imputedNumeric
        }
      case .categorical(let c):
        x[i] = point[p.name].flatMap { c.firstIndex(of: $0) }.map(Double.init) ?? Self.imputedCategorical
      }
    }
    return x
  }

  /// The value of coordinate `i` (which must hold an active value).
  func value(_ x: [Double], _ i: Int) -> ParameterValue {
    switch kinds[i] {
    case .numeric(let dim, _):
      let t = dim.lower + Swift.min(Swift.max(x[i], 0), 1) * (dim.upper - dim.lower)
      return dim.distribution.value(fromInternal: dim.log ? Double.exp(t) : t)
    case .categorical(let c):
      return c[Swift.min(Swift.max(Int(x[i]), 0), c.count - 1)]
    }
  }

  func decode(_ x: [Double], space: SearchSpace) -> Parameters {
    space.makePoint { p in
      guard let pi = space.index(of: p.name), let i = coordinate[pi] else {
        return p.distribution.value(fromInternal: {
          if case .float(let low, _, _, _) = p.distribution { return low }
          if case .int(let low, _, _, _) = p.distribution { return Double(low) }
          return 0
        }())
      }
      return value(x, i)
    }
  }

  /// Whether coordinate `i` is active in `x` (conditions evaluated front to back).
  func active(_ x: [Double], _ i: Int) -> Bool {
    guard hasConditions else { return true }
    return activeFlags(x)[parameterOf[i]]
  }

  func activeFlags(_ x: [Double]) -> [Bool] {
    var flags = [Bool](repeating: true, count: space.count)
    guard hasConditions else { return flags }
    for (pi, p) in space.parameters.enumerated() {
      guard let c = p.condition, let parent = space.index(of: c.parameter) else { continue }
      guard flags[parent] else {
        flags[pi] = false
        continue
      }
      let pv: ParameterValue
      if let i = coordinate[parent] {
        pv = value(x, i)
      } else {
        pv = space.parameters[parent].distribution.value(fromInternal: 0)
      }
      flags[pi] = c.values.contains(pv)
    }
    return flags
  }

  /// Snaps discrete coordinates to their grid and imputes inactive ones.
  func canonicalize(_ x: inout [Double]) {
    for i in numericDimensions {
      guard case .numeric(let dim, let discrete) = kinds[i], discrete else { continue }
      let t = dim.lower + Swift.min(Swift.max(x[i], 0), 1) * (dim.upper - dim.lower)
      let v = dim.distribution.value(fromInternal: dim.log ? Double.exp(t) : t).doubleValue ?? t
      let tv = dim.log ? Double.log(v) : v
      x[i] = (tv - dim.lower) / (dim.upper - dim.lower)
    }
    guard hasConditions else { return }
    let flags = activeFlags(x)
    for i in 0..<dimension where !flags[parameterOf[i]] {
      x[i] = categorical[i] ? Self.imputedCategorical : Self.imputedNumeric
    }
  }

  /// Turns a point of the unit cube (a quasi-random draw) into a canonical point:
  /// categorical coordinates become choice indices, discrete ones snap, inactive ones impute.
  func fromUnit(_ x: inout [Double]) {
    for i in 0..<dimension {
      if case .categorical(let c) = kinds[i] { x[i] = Double(Swift.min(Int(x[i] * Double(c.count)), c.count - 1)) }
    }
    canonicalize(&x)
  }

  /// A uniform random canonical point.
  func randomPoint(_ x: inout [Double], using rng: inout some RandomNumberGenerator) {
    for i in 0..<dimension {
      switch kinds[i] {
      case .numeric: x[i] = Double.random(in: 0...1, using: &rng)
      case .categorical(let c): x[i] = Double(Int.random(in: 0..<c.count, using: &rng))
      }
    }
    canonicalize(&x)
  }
}
