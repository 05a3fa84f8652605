import RealModule

/// Why a ``CMAEvolutionStrategy`` cannot be built or told.
public enum CMAESError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The mean has no coordinates (CMA-ES needs at least one continuous dimension).
  case emptyDimension
  /// `sigma` is not a positive finite number.
  case invalidSigma(Double)
  /// A mean or solution coordinate is NaN or infinite.
  case nonFinite(String)
  /// Lower/upper bounds of the wrong length, or with `lower >= upper` at `index`.
  case invalidBounds(index: Int, reason: String)
  /// A population size below 2.
  case invalidPopulation(Int)
  /// `tell` got a batch whose size or dimension does not match the strategy.
  case sizeMismatch(expected: Int, got: Int, what: String)
  /// A ranking that is not a permutation of `0..<populationSize`, or a bad parent count.
  case invalidRanking(String)

  public var description: String {
    switch self {
    case .emptyDimension: return "CMA-ES needs at least one continuous dimension"
    case .invalidSigma(let s): return "CMA-ES step size must be positive and finite, got \(s)"
    case .nonFinite(let w): return "CMA-ES: non-finite value in \(w)"
    case .invalidBounds(let i, let r): return "CMA-ES bounds, coordinate \(i): \(r)"
    case .invalidPopulation(let l): return "CMA-ES population size must be at least 2, got \(l)"
    case .sizeMismatch(let e, let g, let w): return "CMA-ES tell: expected \(e) \(w), got \(g)"
    case .invalidRanking(let r): return "CMA-ES tell: \(r)"
    }
  }
}

/// Why a ``CMAEvolutionStrategy`` suggests stopping (Hansen 2016, appendix B.3). A stop is a
/// value, not an error: restart strategies (IPOP, BIPOP) and CMA-ME emitters react to it.
public enum CMAStopReason: String, Sendable, Hashable, CaseIterable {
  /// All coordinates of `σ·p_c` and `σ·sqrt(diag C)` are below `tolX`.
  case tolX
  /// The spread of recent best values and of the current generation is below `tolFun`.
  case tolFun
  /// `σ·max(D)` grew above `tolXUp · σ0`: the initial step size was far too small.
  case tolXUp
  /// The condition number of `C` exceeds `maxCondition` (1e14 by default).
  case conditionCov
  /// Adding `0.1σ` along a principal axis does not change the mean (floating point).
  case noEffectAxis
  /// Adding `0.2σ·sqrt(c_ii)` to some coordinate does not change the mean.
  case noEffectCoord
  /// The best and the `⌈0.7λ⌉`-th solution of a generation have equal fitness.
  case flatFitness
}

/// Covariance matrix adaptation evolution strategy (CMA-ES), as an ask/tell optimizer over
/// `R^n` that minimises.
///
/// Follows Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772, 2016):
/// population `λ = 4 + ⌊3 ln n⌋`, `μ = ⌊λ/2⌋`, logarithmic recombination weights with the
/// tutorial's negative (active) weights for the worst half, cumulation paths `p_σ` and `p_c`,
/// rank-one and rank-μ covariance updates, cumulative step-size adaptation, and a lazy
/// eigendecomposition `C = B D² Bᵀ` refreshed every `max(1, ⌊0.5/(n (c1 + cμ))⌋)` generations
/// (pycma's and pyribs' lazy gap of `0.5 λ / (n (c1 + cμ))` evaluations) by Householder
/// tridiagonalisation and implicit QR with Wilkinson shifts (``SymmetricEigen``; no LAPACK).
///
/// Two ways to *tell*: ``tell(solutions:fitness:)`` ranks by fitness (NaN ranks last), and
/// ``tell(solutions:ranking:parentCount:rankingValues:)`` takes a caller's ranking, as CMA-ME
/// does (it ranks by archive improvement): with a `parentCount`, only that many parents are
/// recombined with fresh positive log weights (pyribs' "filter"/"mu" selection) and the
/// learning rates are recomputed from their `μ_eff`.
///
/// Optional box bounds: a sample outside is redrawn up to `maxResample` times, then clipped
/// (the `cmaes` library's choice, used by Optuna). The update uses the solutions as told,
/// so clipped points are accounted for.
///
/// Cost: `ask` is `O(λ n²)`, `tell` is `O(λ n² )` plus `O(n³)` per eigendecomposition.
/// After every tell, ``stopReason`` holds the first stop test that fired, if any.
public struct CMAEvolutionStrategy: Sendable {
  /// Box bound handling.
  public enum BoundHandling: Sendable, Hashable {
    /// Clip samples to the box.
    case clip
    /// Redraw a sample outside the box up to this many times, then clip.
    case resample(maxAttempts: Int)
  }

  /// Settings; the defaults are Hansen's.
  public struct Options: Sendable, Hashable {
    /// λ; `nil` means `4 + ⌊3 ln n⌋`.
    public var populationSize: Int?
    /// Optional lower and upper bounds (same length as the mean, `lower < upper`).
    public var lowerBounds: [Double]?
    public var upperBounds: [Double]?
    public var boundHandling: BoundHandling
    /// Stop when every `σ·p_c,i` and `σ·sqrt(C_ii)` is below this.
    public var tolX: Double
    /// Stop when recent best values and the current generation span less than this.
    public var tolFun: Double
    /// Stop when `σ·max(D) > tolXUp · σ0`.
    public var tolXUp: Double
    /// Stop when `cond(C) = max(D)²/min(D)²` exceeds this.
    public var maxCondition: Double
    /// Whether to use the tutorial's negative weights in the fitness tell (active CMA).
    public var activeWeights: Bool

    public init(
      populationSize: Int? = nil, lowerBounds: [Double]? = nil, upperBounds: [Double]? = nil,
      boundHandling: BoundHandling = .resample(maxAttempts: 100), tolX: Double = 1e-12,
      tolFun: Double = 1e-12, tolXUp: Double = 1e4, maxCondition: Double = 1e14,
      activeWeights: Bool = true
    ) {
      self.populationSize = populationSize
      self.lowerBounds = lowerBounds
      self.upperBounds = upperBounds
      self.boundHandling = boundHandling
      self.tolX = tolX
      self.tolFun = tolFun
      self.tolXUp = tolXUp
      self.maxCondition = maxCondition
      self.activeWeights = activeWeights
    }
  }

  /// Dimension n.
  public let dimension: Int
  /// Population size λ.
  public let populationSize: Int
  /// Number of parents μ of the default fitness tell.
  public let parentCount: Int
  public let options: Options
  /// Current mean m.
  public private(set) var mean: [Double]
  /// Current step size σ.
  public private(set) var sigma: Double
  /// The initial step size σ0.
  public let initialSigma: Double
  /// Generations told so far.
  public private(set) var generation: Int = 0
  /// Evaluations told so far (`generation · λ`).
  public var evaluations: Int { generation * populationSize }
  /// The first stop test that fired on the last tell, or `nil`.
  public private(set) var stopReason: CMAStopReason?
  /// The best solution told so far and its fitness (fitness tells only).
  public private(set) var bestSolution: [Double]?
  public private(set) var bestFitness: Double = .infinity

  // Covariance C (row-major n×n), eigenvectors B (columns, row-major), sqrt eigenvalues D.
  @usableFromInline var c: [Double]
  @usableFromInline var b: [Double]
  @usableFromInline var d: [Double]
  @usableFromInline var pSigma: [Double]
  @usableFromInline var pC: [Double]
  var eigenGeneration = 0
  let eigenInterval: Int
  /// Weights and rates of the default (fitness) tell.
  let defaultRates: Rates
  let chiN: Double
  var bestHistory: [Double] = []
  let historyLength: Int
  // Scratch buffers reused across generations.
  var z: [Double]
  var scratch: [Double]
  /// Rank-ordered steps `y = (x − m) / σ`, row-major `λ × n`.
  var ys: [Double]
  var yw: [Double]
  var invSqrtYw: [Double]
  var wCirc: [Double]
  /// Eigen-solver buffers, reused by every refresh.
  var eigen: SymmetricEigen
  /// Row stride of the padded sampling buffers (n rounded up to a multiple of 8).
  let ld: Int
  /// `B D` transposed and padded: row j is eigenvector j times `D_j` (`n × ld`), so a batch of
  /// samples is one matrix product `Z (B D)ᵀ`.
  var bdRows: [Double]
  /// The mean, padded to `ld`.
  var meanPad: [Double]
  /// Normals (`count × n`) and samples (`count × ld`) of the last batch.
  var zBatch: [Double] = []
  var xBatch: [Double] = []
  /// Rank-one and rank-μ vectors (`(1 + λ) × n`) and their weights for the covariance update.
  var updateRows: [Double]
  var updateWeights: [Double]

  /// Learning rates derived from a weight vector (tutorial, Table 1).
  struct Rates: Sendable {
    var weights: [Double]
    var muEff: Double
    var cSigma: Double
    var dSigma: Double
    var cc: Double
    var c1: Double
    var cMu: Double

    /// The tutorial's weights (eq. 49): `ln((λ+1)/2) − ln i`, positive for the best `⌊λ/2⌋`;
    /// the rest negative (active CMA) when `active`, else zero.
    init(n: Int, lambda: Int, active: Bool) {
      let half = Double(lambda + 1) / 2
      self.init(n: n, raw: (1...lambda).map { Double.log(half) - Double.log(Double($0)) }, active: active)
    }

    /// Positive log weights `ln(μ + 1/2) − ln i` over the first `mu` parents only (pyribs'
    /// CMA-ME "filter"/"mu" selection), zero for the others.
    init(n: Int, lambda: Int, truncatedTo mu: Int) {
      let top = Double.log(Double(mu) + 0.5)
      self.init(n: n, raw: (1...lambda).map { $0 <= mu ? top - Double.log(Double($0)) : 0 }, active: false)
    }

    init(n: Int, raw: [Double], active: Bool) {
      let nd = Double(n)
      var posSum = 0.0, posSq = 0.0, negSum = 0.0, negSq = 0.0
      for w in raw {
        if w > 0 {
          posSum += w
          posSq += w * w
        } else if w < 0 {
          negSum -= w
          negSq += w * w
        }
      }
      muEff = posSum * posSum / posSq
      let muEffMinus = negSq > 0 ? negSum * negSum / negSq : 0
      cSigma = (muEff + 2) / (nd + muEff + 5)
      dSigma = 1 + 2 * Swift.max(0, ((muEff - 1) / (nd + 1)).squareRoot() - 1) + cSigma
      cc = (4 + muEff / nd) / (nd + 4 + 2 * muEff / nd)
      let alphaCov = 2.0
      c1 = alphaCov / ((nd + 1.3) * (nd + 1.3) + muEff)
      cMu = Swift.min(1 - c1, alphaCov * (muEff - 2 + 1 / muEff) / ((nd + 2) * (nd + 2) + alphaCov * muEff / 2))
      let alphaMuMinus = 1 + c1 / cMu
      let alphaMuEffMinus = 1 + 2 * muEffMinus / (muEff + 2)
      let alphaPosDef = (1 - c1 - cMu) / (nd * cMu)
      let negScale = Swift.min(alphaMuMinus, alphaMuEffMinus, alphaPosDef)
      weights = raw.map { w in
        if w > 0 { return w / posSum }
        if active && w < 0 && negSum > 0 { return w * negScale / negSum }
        return 0
      }
    }
  }

  /// Starts a strategy at `mean` with step size `sigma` and identity covariance.
  /// - Throws: ``CMAESError`` for an empty or non-finite mean, a bad σ, bad bounds or a
  ///   population below 2.
  public init(mean: [Double], sigma: Double, options: Options = Options()) throws(CMAESError) {
    let n = mean.count
    guard n > 0 else { throw .emptyDimension }
    guard sigma.isFinite, sigma > 0 else { throw .invalidSigma(sigma) }
    guard mean.allSatisfy(\.isFinite) else { throw .nonFinite("mean") }
    if options.lowerBounds != nil || options.upperBounds != nil {
      guard let lo = options.lowerBounds, let hi = options.upperBounds else {
        throw .invalidBounds(index: 0, reason: "give both lower and upper bounds")
      }
      guard lo.count == n, hi.count == n else {
        throw .invalidBounds(index: Swift.min(lo.count, hi.count), reason: "bounds need \(n) coordinates")
      }
      for i in 0..<n where !(lo[i] < hi[i]) || !lo[i].isFinite || !hi[i].isFinite {
        throw .invalidBounds(index: i, reason: "need finite lower < upper, got \(lo[i]) and \(hi[i])")
      }
    }
    let lambda = options.populationSize ?? (4 + Int(3 * Double.log(Double(n))))
    guard lambda >= 2 else { throw .invalidPopulation(lambda) }
    dimension = n
    populationSize = lambda
    parentCount = lambda / 2
    self.options = options
    self.mean = mean
    self.sigma = sigma
    initialSigma = sigma
    c = [Double](repeating: 0, count: n * n)
    b = c
    for i in 0..<n {
      c[i * n + i] = 1
      b[i * n + i] = 1
    }
    d = [Double](repeating: 1, count: n)
    pSigma = [Double](repeating: 0, count: n)
    pC = pSigma
    defaultRates = Rates(n: n, lambda: lambda, active: options.activeWeights)
    let nd = Double(n)
    chiN = nd.squareRoot() * (1 - 1 / (4 * nd) + 1 / (21 * nd * nd))
    eigenInterval = Swift.max(1, Int(0.5 / (nd * (defaultRates.c1 + defaultRates.cMu))))
    historyLength = 10 + Int((30 * nd / Double(lambda)).rounded(.up))
    z = [Double](repeating: 0, count: n)
    scratch = [Double](repeating: 0, count: n)
    ys = [Double](repeating: 0, count: lambda * n)
    yw = z
    invSqrtYw = z
    wCirc = [Double](repeating: 0, count: lambda)
    eigen = SymmetricEigen(n: n)
    ld = (n + 7) / 8 * 8
    bdRows = [Double](repeating: 0, count: n * ld)
    for i in 0..<n { bdRows[i * ld + i] = 1 }
    meanPad = [Double](repeating: 0, count: ld)
    updateRows = [Double](repeating: 0, count: (lambda + 1) * n)
    updateWeights = [Double](repeating: 0, count: lambda + 1)
  }

  /// The covariance matrix C, row-major `n × n`.
  public var covariance: [Double] { c }

  /// The condition number of C as of the last eigendecomposition.
  public var conditionNumber: Double {
    let mx = d.max() ?? 1, mn = d.min() ?? 1
    return (mx * mx) / (mn * mn)
  }

  // MARK: Ask

  /// Samples λ new solutions `m + σ B D z`, `z ~ N(0, I)`, respecting the bounds.
  /// - Complexity: `O(λ n²)`.
  public mutating func ask(using rng: inout some RandomNumberGenerator) -> [[Double]] {
    var out: [[Double]] = []
    ask(into: &out, using: &rng)
    return out
  }

  /// Samples λ solutions into `buffer`, reusing its storage (resized to λ vectors of n).
  public mutating func ask(into buffer: inout [[Double]], using rng: inout some RandomNumberGenerator) {
    if buffer.count != populationSize {
      buffer = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: populationSize)
    }
    for k in 0..<populationSize {
      if buffer[k].count != dimension { buffer[k] = [Double](repeating: 0, count: dimension) }
      sampleOne(into: &buffer[k], using: &rng)
    }
  }

  /// Samples one solution (bounds respected) into `x`.
  public mutating func sampleOne(into x: inout [Double], using rng: inout some RandomNumberGenerator) {
    let n = dimension
    var attempts = 0
    let maxAttempts: Int
    switch options.boundHandling {
    case .clip: maxAttempts = 0
    case .resample(let a): maxAttempts = Swift.max(0, a)
    }
    while true {
      for i in 0..<n { z[i] = d[i] * rng.standardNormal() }
      // x = m + σ B (D∘z): one row-major pass over B.
      b.withUnsafeBufferPointer { bp in
        z.withUnsafeBufferPointer { zp in
          mean.withUnsafeBufferPointer { mp in
            x.withUnsafeMutableBufferPointer { xp in
              for i in 0..<n {
                xp[i] = mp[i] + sigma * dot(bp.baseAddress! + i * n, zp.baseAddress!, n)
              }
            }
          }
        }
      }
      var inside = true
      if let lo = options.lowerBounds, let hi = options.upperBounds {
        for i in 0..<n where x[i] < lo[i] || x[i] > hi[i] {
          inside = false
          break
        }
      }
      if inside || attempts >= maxAttempts { break }
      attempts += 1
    }
    if let lo = options.lowerBounds, let hi = options.upperBounds {
      for i in 0..<n { x[i] = Swift.min(Swift.max(x[i], lo[i]), hi[i]) }
    }
  }

  /// Samples `count` solutions `m + σ B D z` into `out` (row-major `count × n`), drawing the
  /// `count × n` normals from `normal` first (in row order) and applying `B D` to the whole
  /// block as one matrix product (`frontier_cma_sample`, register-tiled, per-ISA clones).
  /// With bounds, each sample is instead drawn by ``sampleOne(into:using:)`` (resampled, then
  /// clipped) from `normal`'s generator.
  /// - Complexity: `O(count n²)`; no allocation once the batch buffers have grown to `count`.
  public mutating func sample(count: Int, into out: UnsafeMutablePointer<Double>, normal: inout NormalSource) {
    let n = dimension, ld = self.ld
    guard count > 0 else { return }
    if options.lowerBounds != nil {
      if z.count != n { z = [Double](repeating: 0, count: n) }
      var x = [Double](repeating: 0, count: n)
      for r in 0..<count {
        sampleOne(into: &x, using: &normal.rng)
        x.withUnsafeBufferPointer { (out + r * n).update(from: $0.baseAddress!, count: n) }
      }
      return
    }
    if zBatch.count < count * n { zBatch = [Double](repeating: 0, count: count * n) }
    if xBatch.count < count * ld { xBatch = [Double](repeating: 0, count: count * ld) }
    zBatch.withUnsafeMutableBufferPointer { zp in normal.fill(zp.baseAddress!, count: count * n) }
    for i in 0..<n { meanPad[i] = mean[i] }
    let sg = sigma
    bdRows.withUnsafeBufferPointer { v in
      zBatch.withUnsafeBufferPointer { zp in
        meanPad.withUnsafeBufferPointer { mp in
          xBatch.withUnsafeMutableBufferPointer { xp in
            CMAKernels.sample(
              n: n, rows: count, v: v.baseAddress!, ld: ld, z: zp.baseAddress!, ldz: n, mean: mp.baseAddress!,
              sigma: sg, x: xp.baseAddress!)
            for r in 0..<count { (out + r * n).update(from: xp.baseAddress! + r * ld, count: n) }
          }
        }
      }
    }
  }

  // MARK: Tell

  /// Updates the distribution from λ solutions and their fitness (smaller is better; NaN
  /// ranks last). `solutions` need not be the ones asked (any λ points may be told, as the
  /// sampler does when it replays a study).
  /// - Throws: ``CMAESError/sizeMismatch(expected:got:what:)`` or ``CMAESError/nonFinite(_:)``.
  public mutating func tell(solutions: [[Double]], fitness: [Double]) throws(CMAESError) {
    guard fitness.count == solutions.count else {
      throw .sizeMismatch(expected: solutions.count, got: fitness.count, what: "fitness values")
    }
    let order = (0..<fitness.count).sorted { a, b in
      let fa = fitness[a].isNaN ? .infinity : fitness[a], fb = fitness[b].isNaN ? .infinity : fitness[b]
      return fa < fb || (fa == fb && a < b)
    }
    try update(solutions: solutions, ranking: order, rates: defaultRates, rankingValues: order.map { fitness[$0] })
    if let f = order.first.map({ fitness[$0] }), !f.isNaN, f < bestFitness {
      bestFitness = f
      bestSolution = solutions[order[0]]
    }
  }

  /// Updates the distribution from λ solutions ranked by the caller: `ranking[0]` is the
  /// index of the best solution. With `parentCount` (1...λ), only the first `parentCount`
  /// are recombined, with positive log weights, and the learning rates follow their `μ_eff`
  /// (CMA-ME's improvement ranking with "filter" selection); otherwise the default weights
  /// apply. `rankingValues` (best first), when given, feed the tolFun and flat-fitness tests.
  public mutating func tell(
    solutions: [[Double]], ranking: [Int], parentCount: Int? = nil, rankingValues: [Double]? = nil
  ) throws(CMAESError) {
    var seen = [Bool](repeating: false, count: solutions.count)
    guard ranking.count == solutions.count else {
      throw .invalidRanking("ranking has \(ranking.count) entries for \(solutions.count) solutions")
    }
    for r in ranking {
      guard r >= 0, r < seen.count, !seen[r] else { throw .invalidRanking("ranking is not a permutation") }
      seen[r] = true
    }
    var rates = defaultRates
    if let mu = parentCount {
      guard mu >= 1, mu <= populationSize else {
        throw .invalidRanking("parentCount \(mu) outside 1...\(populationSize)")
      }
      rates = Rates(n: dimension, lambda: populationSize, truncatedTo: mu)
    }
    try update(solutions: solutions, ranking: ranking, rates: rates, rankingValues: rankingValues)
  }

  mutating func update(
    solutions: [[Double]], ranking: [Int], rates: Rates, rankingValues: [Double]?
  ) throws(CMAESError) {
    let n = dimension, lambda = populationSize
    guard solutions.count == lambda else {
      throw .sizeMismatch(expected: lambda, got: solutions.count, what: "solutions")
    }
    for s in solutions {
      guard s.count == n else { throw .sizeMismatch(expected: n, got: s.count, what: "coordinates per solution") }
      guard s.allSatisfy(\.isFinite) else { throw .nonFinite("a told solution") }
    }
    generation += 1
    // y_k = (x_k - m) / σ, in rank order (row r of the flat λ × n buffer).
    let invSigma = 1 / sigma
    for (r, k) in ranking.enumerated() {
      let s = solutions[k]
      for i in 0..<n { ys[r * n + i] = (s[i] - mean[i]) * invSigma }
    }
    // <y>_w over positive weights.
    for i in 0..<n { yw[i] = 0 }
    for r in 0..<lambda where rates.weights[r] > 0 {
      let w = rates.weights[r]
      for i in 0..<n { yw[i] += w * ys[r * n + i] }
    }
    for i in 0..<n { mean[i] += sigma * yw[i] }
    // C^{-1/2} <y>_w = B D^{-1} Bᵀ <y>_w.
    b.withUnsafeBufferPointer { bp in
      d.withUnsafeBufferPointer { dp in
        yw.withUnsafeBufferPointer { vp in
          scratch.withUnsafeMutableBufferPointer { tp in
            invSqrtYw.withUnsafeMutableBufferPointer { op in
              let b = bp.baseAddress!, t = tp.baseAddress!
              Self.invSqrtD(b, dp.baseAddress!, vp.baseAddress!, t, n)
              for i in 0..<n { op[i] = dot(b + i * n, t, n) }
            }
          }
        }
      }
    }
    let cInvHalfYw = invSqrtYw
    let cs = rates.cSigma
    let csFactor = (cs * (2 - cs) * rates.muEff).squareRoot()
    var psNorm2 = 0.0
    for i in 0..<n {
      pSigma[i] = (1 - cs) * pSigma[i] + csFactor * cInvHalfYw[i]
      psNorm2 += pSigma[i] * pSigma[i]
    }
    let psNorm = psNorm2.squareRoot()
    let hSigmaThreshold = (1.4 + 2 / Double(n + 1)) * chiN
    let denom = (1 - Double.pow(1 - cs, Double(2 * generation))).squareRoot()
    let hSigma: Double = psNorm / denom < hSigmaThreshold ? 1 : 0
    let ccFactor = (rates.cc * (2 - rates.cc) * rates.muEff).squareRoot()
    for i in 0..<n { pC[i] = (1 - rates.cc) * pC[i] + hSigma * ccFactor * yw[i] }
    // Covariance update with active (negative) weights rescaled by n / ||C^{-1/2} y||².
    var wSum = 0.0
    b.withUnsafeBufferPointer { bp in
      d.withUnsafeBufferPointer { dp in
        ys.withUnsafeBufferPointer { yp in
          scratch.withUnsafeMutableBufferPointer { tp in
            wCirc.withUnsafeMutableBufferPointer { wc in
              let t = tp.baseAddress!
              for r in 0..<lambda {
                let w = rates.weights[r]
                wSum += w
                wc[r] = w
                // ‖C^{-1/2} y‖² = ‖D^{-1} Bᵀ y‖² (B orthogonal).
                if w < 0 {
                  Self.invSqrtD(bp.baseAddress!, dp.baseAddress!, yp.baseAddress! + r * n, t, n)
                  var nrm = 0.0
                  for j in 0..<n { nrm += t[j] * t[j] }
                  wc[r] = w * Double(n) / Swift.max(nrm, 1e-300)
                }
              }
            }
          }
        }
      }
    }
    let deltaH = (1 - hSigma) * rates.cc * (2 - rates.cc)
    let decay = 1 + rates.c1 * deltaH - rates.c1 - rates.cMu * wSum
    // Lower triangle: C ← decay C + c1 p_c p_cᵀ + cμ Σ_r w°_r y_r y_rᵀ, one symmetric rank-k
    // update over the rows with a nonzero weight (frontier_syrk_lower), then mirrored.
    var k = 1
    updateWeights[0] = rates.c1
    for i in 0..<n { updateRows[i] = pC[i] }
    for r in 0..<lambda where wCirc[r] != 0 {
      updateWeights[k] = rates.cMu * wCirc[r]
      for i in 0..<n { updateRows[k * n + i] = ys[r * n + i] }
      k += 1
    }
    let rankK = k
    c.withUnsafeMutableBufferPointer { cp in
      updateRows.withUnsafeBufferPointer { yp in
        updateWeights.withUnsafeBufferPointer { wp in
          let cp = cp.baseAddress!
          CMAKernels.syrkLower(n: n, k: rankK, decay: decay, w: wp.baseAddress!, y: yp.baseAddress!, ldy: n, c: cp, ldc: n)
          for i in 0..<n {
            for j in 0..<i { cp[j * n + i] = cp[i * n + j] }
          }
        }
      }
    }
    // Step size.
    sigma *= Double.exp(Swift.min(1, (cs / rates.dSigma) * (psNorm / chiN - 1)))
    if generation - eigenGeneration >= eigenInterval {
      refreshEigen()
    }
    stopReason = checkStop(rankingValues: rankingValues)
  }

  /// `t ← D^{-1} Bᵀ v`, accumulated over the rows of B (contiguous). `O(n²)`.
  static func invSqrtD(
    _ b: UnsafePointer<Double>, _ d: UnsafePointer<Double>, _ v: UnsafePointer<Double>,
    _ t: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    t.update(repeating: 0, count: n)
    for i in 0..<n {
      let row = b + i * n, vi = v[i]
      for j in 0..<n { t[j] += row[j] * vi }
    }
    for j in 0..<n { t[j] /= d[j] }
  }

  /// Recomputes `B` and `D` from `C` (eigenvalues clamped at `1e-300`). `O(n³)`.
  mutating func refreshEigen() {
    eigenGeneration = generation
    eigen.decompose(c)
    for i in 0..<dimension { d[i] = Swift.max(eigen.values[i], 1e-300).squareRoot() }
    eigen.vectorColumns(into: &b)
    let n = dimension, ld = self.ld
    eigen.paddedRows.withUnsafeBufferPointer { z in
      bdRows.withUnsafeMutableBufferPointer { v in
        for j in 0..<n {
          let dj = d[j]
          for i in 0..<ld { v[j * ld + i] = z[j * ld + i] * dj }
        }
      }
    }
  }

  mutating func checkStop(rankingValues: [Double]?) -> CMAStopReason? {
    let n = dimension
    if let vals = rankingValues, let first = vals.first {
      bestHistory.append(first)
      if bestHistory.count > historyLength { bestHistory.removeFirst(bestHistory.count - historyLength) }
      let finite = vals.filter(\.isFinite)
      if finite.count == vals.count, vals.count >= 2 {
        let k = Swift.min(vals.count - 1, Int((0.7 * Double(vals.count)).rounded(.up)) - 1)
        if vals[0] == vals[k] { return .flatFitness }
        if bestHistory.count >= historyLength {
          let all = bestHistory + finite
          if (all.max()! - all.min()!) < options.tolFun { return .tolFun }
        }
      }
    }
    var allSmall = true
    for i in 0..<n where sigma * Swift.abs(pC[i]) >= options.tolX || sigma * c[i * n + i].squareRoot() >= options.tolX {
      allSmall = false
      break
    }
    if allSmall { return .tolX }
    if sigma * (d.max() ?? 0) > options.tolXUp * initialSigma { return .tolXUp }
    if conditionNumber > options.maxCondition { return .conditionCov }
    let axis = generation % n
    var noEffect = true
    for i in 0..<n {
      let shift = 0.1 * sigma * d[axis] * b[i * n + axis]
      if mean[i] + shift != mean[i] {
        noEffect = false
        break
      }
    }
    if noEffect { return .noEffectAxis }
    for i in 0..<n where mean[i] + 0.2 * sigma * c[i * n + i].squareRoot() == mean[i] {
      return .noEffectCoord
    }
    return nil
  }
}
