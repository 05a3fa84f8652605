import CFrontierKernels
import RealModule

/// The CMA-ES of pyribs' `EvolutionStrategyEmitter` (pyribs 0.12, `es="cma_es"`, itself adapted
/// from pycma's `purecma`), the default strategy of Frontier's CMA-ME / CMA-MAE emitters, so
/// that both libraries run the same algorithm. Its rules differ from Hansen's tutorial
/// (``CMAEvolutionStrategy``, ``TutorialCMAESStrategy``) in ways that change QD scores:
///
/// - weights `ln(μ + 1/2) − ln i` over the `μ` parents the emitter selected, normalised; the
///   learning rates `c_c, c_σ, c_1, c_μ, d_σ` follow that `μ_eff` (recomputed per tell);
/// - `p_σ ← (1 − c_σ) p_σ + sqrt(c_σ (2 − c_σ) μ_eff) / σ · C^{-1/2} (m' − m)`;
/// - `h_σ = 1` iff `‖p_σ‖² / n / (1 − (1 − c_σ)^{2 e/λ}) < 2 + 4/(n + 1)` (`e` evaluations since
///   the last restart, counted even for tells without parents);
/// - `p_c ← (1 − c_c) p_c + h_σ sqrt(c_c (2 − c_c) μ_eff) (m' − m)`: the mean shift is *not*
///   divided by σ;
/// - `C ← (1 − c_1a − c_μ Σw) C + c_1² p_c p_cᵀ + c_μ/σ² Σ w_i (x_i − m)(x_i − m)ᵀ` with
///   `c_1a = c_1 (1 − (1 − h_σ²) c_c (2 − c_c))`: the rank-one term is scaled by `c_1` twice;
/// - `σ ← σ exp(min(1, c_σ/d_σ (‖p_σ‖²/n − 1)/2))`;
/// - the eigendecomposition of C is refreshed before sampling once more than
///   `0.5 λ / (n (c_1 + c_μ))` evaluations (rates for `μ = λ/2`) have passed since the last one;
///   eigenvalues are taken in absolute value; `C^{-1/2}` uses that decomposition;
/// - stop (the emitter restarts) when `cond(C) > 1e14` or `σ sqrt(max λ_C) < 1e-11`.
///
/// Sampling is `m + σ B diag(sqrt λ) z` for the whole batch in one register-tiled product
/// (`frontier_cma_sample`); with box bounds a row outside is redrawn (pyribs redraws until
/// inside; here up to 100 times, then clipped). The update is `O(μ n²)`: one symmetric
/// rank-(μ+1) update of C's lower triangle (`frontier_syrk_lower`) and `C^{-1/2} y` as
/// `B (D^{-1} (Bᵀ y))`; the rates of each parent count are computed once and cached; nothing
/// is allocated per tell. The eigendecomposition is `O(n³)`: `frontier_sym_eigen` (the solver
/// behind ``SymmetricEigen``: Householder tridiagonalisation, implicit QR) called directly on
/// this strategy's buffers, writing the eigenvectors straight into the sampling rows. The
/// padded rows (eigenvectors, `B D`, the decomposition's work matrix, the sampled batch) are
/// 64-byte aligned (``AlignedDoubles``), one AVX-512 vector per cache line.
public struct CMAESStrategy: RankedEvolutionStrategy {
  /// Weights and learning rates for one parent count (pyribs' `_calc_strat_params`).
  @usableFromInline struct Params: Sendable {
    var weights: [Double]
    var weightSum: Double
    var muEff: Double
    var cc: Double
    var cs: Double
    var c1: Double
    var cMu: Double
    var damps: Double

    init(n: Int, parents mu: Int) {
      let nd = Double(n)
      var w = (1...mu).map { qdLog(Double(mu) + 0.5) - qdLog(Double($0)) }
      let total = w.reduce(0, +)
      for i in w.indices { w[i] /= total }
      weights = w
      weightSum = w.reduce(0, +)
      muEff = weightSum * weightSum / w.reduce(0) { $0 + $1 * $1 }
      cc = (4 + muEff / nd) / (nd + 4 + 2 * muEff / nd)
      cs = (muEff + 2) / (nd + muEff + 5)
      c1 = 2 / ((nd + 1.3) * (nd + 1.3) + muEff)
      cMu = Swift.min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((nd + 2) * (nd + 2) + muEff))
      damps = 1 + 2 * Swift.max(0, ((muEff - 1) / (nd + 1)).squareRoot() - 1) + cs
    }
  }

  public let dimension: Int
  /// λ, the batch the strategy is told.
  public let batchSize: Int
  public let initialSigma: Double
  public let lower: [Double]?
  public let upper: [Double]?
  /// Evaluations between eigendecompositions (pyribs' `lazy_gap_evals`).
  public let lazyGapEvals: Double
  /// Generations between eigendecompositions when every tell has λ solutions.
  public var eigenGap: Int { Int(lazyGapEvals / Double(batchSize)) + 1 }

  public private(set) var sigma: Double
  /// Evaluations told since the last restart, and at the last eigendecomposition.
  public private(set) var evaluations = 0
  var updatedEvaluations = 0
  /// Eigendecompositions so far (all restarts included).
  public private(set) var decompositions = 0
  public private(set) var conditionNumber = 1.0
  var maxEigenvalue = 1.0
  /// Row stride of the padded buffers (n rounded up to 8).
  let ld: Int
  /// The mean, padded to `ld`.
  @usableFromInline var mean: [Double]
  @usableFromInline var pc: [Double]
  @usableFromInline var ps: [Double]
  /// C, row-major `n × n`; only the lower triangle is kept up to date.
  @usableFromInline var cov: [Double]
  /// Eigenvectors of the last decomposition, one per padded row (`n × ld`, aligned).
  @usableFromInline var evec: AlignedDoubles
  /// Row j of `evec` times `sqrt λ_j` (the sampling transform, transposed; aligned).
  @usableFromInline var bd: AlignedDoubles
  /// `1 / sqrt λ_j`.
  @usableFromInline var invD: [Double]
  /// Scratch: the old mean, `Bᵀ y`, the `1 + μ` update rows and their weights.
  @usableFromInline var oldMean: [Double]
  @usableFromInline var t: [Double]
  @usableFromInline var rows: [Double]
  @usableFromInline var rowWeights: [Double]
  @usableFromInline var zBatch: [Double] = []
  @usableFromInline var xBatch = AlignedDoubles(count: 0)
  var params: [Params?]
  /// The decomposition's input, overwritten by it (C's lower triangle, padded, aligned), its
  /// eigenvalues, and its scratch (off-diagonal, reflector scales, a work vector: `3n`; then
  /// `4n + 8 ld + 144` for a second work vector, the reflector panel and the QR rotations).
  var eigenWork: AlignedDoubles
  var eigenValues: [Double]
  var eigenScratch: [Double]

  /// A CMA-ES of population `batchSize` at `x0` with step size `sigma`; optional box bounds.
  /// Throws ``QDError`` for bad settings.
  public init(x0: [Double], sigma: Double, batchSize: Int, lower: [Double]? = nil, upper: [Double]? = nil) throws {
    guard batchSize >= 2 else { throw QDError("CMA-ES needs a batch of at least 2 (got \(batchSize))") }
    let n = x0.count
    guard n >= 1 else { throw QDError("CMA-ES needs at least one dimension") }
    guard sigma.isFinite, sigma > 0 else { throw QDError("CMA-ES step size must be positive and finite (got \(sigma))") }
    guard x0.allSatisfy(\.isFinite) else { throw QDError("CMA-ES: x0 must be finite") }
    if lower != nil || upper != nil {
      guard let lo = lower, let hi = upper, lo.count == n, hi.count == n else {
        throw QDError("CMA-ES bounds need \(n) lower and \(n) upper values")
      }
      for i in 0..<n where !(lo[i] <= hi[i]) { throw QDError("CMA-ES bounds: lower > upper at \(i)") }
    }
    dimension = n
    self.batchSize = batchSize
    initialSigma = sigma
    self.sigma = sigma
    self.lower = lower
    self.upper = upper
    ld = (n + 7) / 8 * 8
    let half = Params(n: n, parents: batchSize / 2)
    lazyGapEvals = 0.5 * Double(n) * Double(batchSize) / (half.c1 + half.cMu) / Double(n * n)
    params = [Params?](repeating: nil, count: batchSize + 1)
    params[batchSize / 2] = half
    mean = [Double](repeating: 0, count: ld)
    pc = [Double](repeating: 0, count: n)
    ps = pc
    cov = [Double](repeating: 0, count: n * n)
    evec = AlignedDoubles(count: n * ld)
    bd = evec
    eigenWork = evec
    invD = [Double](repeating: 1, count: n)
    oldMean = pc
    t = pc
    rows = [Double](repeating: 0, count: (batchSize + 1) * n)
    rowWeights = [Double](repeating: 0, count: batchSize + 1)
    eigenValues = [Double](repeating: 0, count: n)
    eigenScratch = [Double](repeating: 0, count: 7 * n + 8 * ld + 144)  // 3n + FRONTIER_SYM_EIGEN_ROT
    reset(x0)
  }

  /// pyribs' `reset`: mean `x0`, step size σ0, zero paths, `C = I`.
  mutating func reset(_ x0: [Double]) {
    let n = dimension
    sigma = initialSigma
    evaluations = 0
    updatedEvaluations = 0
    conditionNumber = 1
    maxEigenvalue = 1
    for i in 0..<n {
      mean[i] = x0[i]
      pc[i] = 0
      ps[i] = 0
      invD[i] = 1
    }
    for i in 0..<(n * n) { cov[i] = 0 }
    for i in 0..<n { cov[i * n + i] = 1 }
    let ld = self.ld
    for k in 0..<2 {
      func identity(_ e: UnsafeMutablePointer<Double>) {
        for i in 0..<(n * ld) { e[i] = 0 }
        for i in 0..<n { e[i * ld + i] = 1 }
      }
      if k == 0 { evec.withMutablePointer(identity) } else { bd.withMutablePointer(identity) }
    }
  }

  /// The covariance matrix C (full, row-major `n × n`).
  public var covariance: [Double] {
    let n = dimension
    var c = cov
    for i in 0..<n { for j in 0..<i { c[j * n + i] = c[i * n + j] } }
    return c
  }

  /// The current mean.
  public var currentMean: [Double] { Array(mean[0..<dimension]) }

  /// Eigenvalues `λ_j` and unit eigenvectors (row j of the row-major result) of the last
  /// decomposition.
  public var eigenpairs: (values: [Double], vectors: [Double]) {
    let n = dimension
    var v = [Double](repeating: 0, count: n * n)
    evec.withPointer { e in
      for j in 0..<n { for i in 0..<n { v[j * n + i] = e[j * ld + i] } }
    }
    return (invD.map { 1 / ($0 * $0) }, v)
  }

  /// Refreshes the eigendecomposition if more than ``lazyGapEvals`` evaluations have passed
  /// since the last one (pyribs' `update_eigensystem`, called before every sample).
  mutating func refreshIfDue() {
    if Double(evaluations) > Double(updatedEvaluations) + lazyGapEvals { refreshEigen() }
  }

  /// Eigendecomposition of C into the eigenvector rows, `sqrt λ` and `1/sqrt λ`.
  /// - Complexity: `O(n³)`.
  mutating func refreshEigen() {
    let n = dimension, ld = self.ld
    // C's rows into the padded work matrix (its columns n..<ld stay zero), then the solver
    // writes the eigenvector rows straight into `evec`.
    cov.withUnsafeBufferPointer { c in
      eigenWork.withMutablePointer { w in
        evec.withMutablePointer { z in
          eigenValues.withUnsafeMutableBufferPointer { d in
            eigenScratch.withUnsafeMutableBufferPointer { sp in
              let s = sp.baseAddress!
              for i in 0..<n { (w + i * ld).update(from: c.baseAddress! + i * n, count: n) }
              _ = frontier_sym_eigen(n, w, ld, d.baseAddress!, z, s, s + n, s + 2 * n, s + 3 * n)
            }
          }
        }
      }
    }
    decompositions += 1
    updatedEvaluations = evaluations
    var mx = 0.0, mn = Double.infinity
    evec.withPointer { z in
      bd.withMutablePointer { v in
        for j in 0..<n {
          let lam = Swift.abs(eigenValues[j])
          mx = Swift.max(mx, lam)
          mn = Swift.min(mn, lam)
          let s = lam.squareRoot()
          invD[j] = 1 / s
          for i in 0..<ld { v[j * ld + i] = z[j * ld + i] * s }
        }
      }
    }
    maxEigenvalue = mx
    conditionNumber = mx / mn
  }

  public mutating func sample(count: Int, into out: UnsafeMutablePointer<Double>, using normal: inout NormalSource) {
    guard count > 0 else { return }
    refreshIfDue()
    let n = dimension, ld = self.ld
    if zBatch.count < count * n { zBatch = [Double](repeating: 0, count: count * n) }
    if xBatch.count < count * ld { xBatch = AlignedDoubles(count: count * ld) }
    zBatch.withUnsafeMutableBufferPointer { normal.fill($0.baseAddress!, count: count * n) }
    let sg = sigma
    bd.withPointer { v in
      mean.withUnsafeBufferPointer { m in
        zBatch.withUnsafeMutableBufferPointer { zp in
          xBatch.withMutablePointer { x in
            let z = zp.baseAddress!
            CMAKernels.sample(n: n, rows: count, v: v, ld: ld, z: z, ldz: n, mean: m.baseAddress!, sigma: sg, x: x)
            if let lo = lower, let hi = upper {
              for r in 0..<count {
                var attempts = 0
                while attempts < 100 && (0..<n).contains(where: { x[r * ld + $0] < lo[$0] || x[r * ld + $0] > hi[$0] }) {
                  normal.fill(z + r * n, count: n)
                  CMAKernels.sample(
                    n: n, rows: 1, v: v, ld: ld, z: z + r * n, ldz: n, mean: m.baseAddress!, sigma: sg,
                    x: x + r * ld)
                  attempts += 1
                }
                for i in 0..<n { x[r * ld + i] = Swift.min(Swift.max(x[r * ld + i], lo[i]), hi[i]) }
              }
            }
            for r in 0..<count { (out + r * n).update(from: x + r * ld, count: n) }
          }
        }
      }
    }
  }

  public mutating func update(solutions: UnsafePointer<Double>, count: Int, ranking: [Int], parents: Int) {
    evaluations += count
    let mu = Swift.min(parents, count, batchSize)
    guard mu > 0 else { return }
    if params[mu] == nil { params[mu] = Params(n: dimension, parents: mu) }
    let p = params[mu]!
    let n = dimension, ld = self.ld, sg = sigma
    var psNorm2 = 0.0, hSigma = 0.0
    mean.withUnsafeMutableBufferPointer { mp in
      oldMean.withUnsafeMutableBufferPointer { op in
        t.withUnsafeMutableBufferPointer { tp in
          rows.withUnsafeMutableBufferPointer { rp in
            evec.withPointer { e in
              let m = mp.baseAddress!, old = op.baseAddress!, t = tp.baseAddress!
              let y = rp.baseAddress!  // row 0 first holds m' − m, later p_c
              old.update(from: m, count: n)
              // m' = Σ w_i x_i over the parents, in rank order; rows 1...μ get x_i − m.
              for i in 0..<n { m[i] = 0 }
              for r in 0..<mu {
                let x = solutions + ranking[r] * n, w = p.weights[r], row = y + (r + 1) * n
                for i in 0..<n {
                  m[i] += w * x[i]
                  row[i] = x[i] - old[i]
                }
              }
              for i in 0..<n { y[i] = m[i] - old[i] }
              // t = D^{-1} Bᵀ y, then C^{-1/2} y = B t, folded into p_σ. Four rows at a time:
              // four independent sums (each still over i in order, so the same bits), which the
              // core overlaps instead of waiting on one chain of additions.
              invD.withUnsafeBufferPointer { d in
                var j = 0
                while j + 4 <= n {
                  let r0 = e + j * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld
                  var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                  for i in 0..<n {
                    let yi = y[i]
                    s0 += r0[i] * yi
                    s1 += r1[i] * yi
                    s2 += r2[i] * yi
                    s3 += r3[i] * yi
                  }
                  t[j] = s0 * d[j]
                  t[j + 1] = s1 * d[j + 1]
                  t[j + 2] = s2 * d[j + 2]
                  t[j + 3] = s3 * d[j + 3]
                  j += 4
                }
                for j in j..<n {
                  let row = e + j * ld
                  var s = 0.0
                  for i in 0..<n { s += row[i] * y[i] }
                  t[j] = s * d[j]
                }
              }
              ps.withUnsafeMutableBufferPointer { psp in
                let ps = psp.baseAddress!
                let decay = 1 - p.cs, gain = (p.cs * (2 - p.cs) * p.muEff).squareRoot() / sg
                for i in 0..<n { ps[i] *= decay }
                for j in 0..<n {
                  let row = e + j * ld, s = gain * t[j]
                  for i in 0..<n { ps[i] += s * row[i] }
                }
                for i in 0..<n { psNorm2 += ps[i] * ps[i] }
              }
              let nd = Double(n)
              let left = psNorm2 / nd / (1 - Double.pow(1 - p.cs, 2 * Double(evaluations) / Double(batchSize)))
              hSigma = left < 2 + 4 / (nd + 1) ? 1 : 0
              pc.withUnsafeMutableBufferPointer { pcp in
                let pcv = pcp.baseAddress!
                let gain = hSigma * (p.cc * (2 - p.cc) * p.muEff).squareRoot()
                for i in 0..<n {
                  pcv[i] = (1 - p.cc) * pcv[i] + gain * y[i]
                  y[i] = pcv[i]
                }
              }
            }
          }
        }
      }
    }
    let c1a = p.c1 * (1 - (1 - hSigma * hSigma) * p.cc * (2 - p.cc))
    let decay = 1 - c1a - p.cMu * p.weightSum
    rowWeights[0] = p.c1 * p.c1
    let scale = p.cMu / (sg * sg)
    for r in 0..<mu { rowWeights[r + 1] = scale * p.weights[r] }
    cov.withUnsafeMutableBufferPointer { cp in
      rows.withUnsafeBufferPointer { yp in
        rowWeights.withUnsafeBufferPointer { wp in
          CMAKernels.syrkLower(
            n: n, k: mu + 1, decay: decay, w: wp.baseAddress!, y: yp.baseAddress!, ldy: n, c: cp.baseAddress!, ldc: n)
        }
      }
    }
    sigma *= qdExp(Swift.min(1, p.cs / p.damps * (psNorm2 / Double(n) - 1) / 2))
  }

  public var hasConverged: Bool {
    conditionNumber > 1e14 || sigma * maxEigenvalue.squareRoot() < 1e-11 || !sigma.isFinite
  }

  public mutating func restart(mean x0: [Double]) { reset(x0) }
}
