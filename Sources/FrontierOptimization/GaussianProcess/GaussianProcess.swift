import RealModule

/// Hyperparameters of the GP kernel
/// `k(x, x') = scale · M(r) + noise · [x = x']`, `r² = Σ_d ils_d · Δ_d(x, x')²`,
/// with `M(r) = (1 + √5 r + 5r²/3) e^{−√5 r}` (Matérn 5/2, ARD) and `Δ_d` the coordinate
/// difference for numeric dimensions and `[x_d ≠ x'_d]` (Hamming) for categorical ones
/// (Optuna's GPSampler kernel).
struct GPHyperparameters: Sendable, Equatable {
  /// Inverse squared lengthscales, one per input dimension.
  var inverseSquaredLengthscales: [Double]
  var scale: Double
  var noise: Double

  static let minimumNoise = 1e-6

  static func initial(dimension: Int) -> GPHyperparameters {
    GPHyperparameters(inverseSquaredLengthscales: [Double](repeating: 1, count: dimension), scale: 1, noise: 0.01)
  }

  /// Unconstrained coordinates: `log ils_d`, `log scale`, `log(noise − minimumNoise)`.
  var packed: [Double] {
    inverseSquaredLengthscales.map { Double.log($0) } + [Double.log(scale), Double.log(Swift.max(noise - Self.minimumNoise, 1e-12))]
  }

  init(inverseSquaredLengthscales: [Double], scale: Double, noise: Double) {
    self.inverseSquaredLengthscales = inverseSquaredLengthscales
    self.scale = scale
    self.noise = noise
  }

  init(packed t: [Double]) {
    let d = t.count - 2
    inverseSquaredLengthscales = t[0..<d].map { Double.exp(Swift.min(Swift.max($0, -20), 20)) }
    scale = Double.exp(Swift.min(Swift.max(t[d], -20), 20))
    noise = Self.minimumNoise + Double.exp(Swift.min(Swift.max(t[d + 1], -30), 5))
  }
}

/// `M(r)` as a function of `r²` and its derivative `dM/d(r²) = −(5/6)(1 + √5 r) e^{−√5 r}`.
@inline(__always)
func matern52(r2: Double) -> (value: Double, derivative: Double) {
  let r = Swift.max(r2, 0).squareRoot()
  let s5r = 5.0.squareRoot() * r
  let e = Double.exp(-s5r)
  return ((1 + s5r + 5 * r2 / 3) * e, -(5.0 / 6) * (1 + s5r) * e)
}

/// A Gaussian-process regression model on standardised targets (zero prior mean), after
/// Rasmussen & Williams, *Gaussian Processes for Machine Learning* (2006), alg. 2.1:
/// Cholesky of `K + σ²_n I`, `α = K⁻¹ y`, posterior mean `k*ᵀ α` and latent variance
/// `k(x,x) − k*ᵀ K⁻¹ k*`. Hyperparameters are fitted by maximising the log marginal likelihood
/// plus Optuna's log prior (Gamma(2, 1) on the scale, Gamma(1.1, 30) on the noise,
/// `−0.1 (ils + 1/ils)` per inverse squared lengthscale) with L-BFGS on analytic gradients
/// (R&W eq. 5.9).
///
/// Inputs are row-major `count × dimension`; categorical dimensions hold a choice index
/// (any value `< 0` means inactive and matches only other inactive values).
struct GaussianProcess: Sendable {
  let dimension: Int
  let categorical: [Bool]
  private(set) var x: [Double]
  private(set) var y: [Double]
  private(set) var hyper: GPHyperparameters
  private(set) var chol: CholeskyFactor
  /// `K⁻¹ y`.
  private(set) var alpha: [Double]
  /// `K⁻¹`, row-major.
  private(set) var kInverse: [Double]
  /// `L⁻¹` (lower triangular), row-major: the latent variance is `k(x,x) − ‖L⁻¹ k*‖²`.
  private(set) var lInverse: [Double]

  var count: Int { y.count }

  /// Builds the model for fixed hyperparameters; `nil` if `K` cannot be factored.
  init?(x: [Double], y: [Double], dimension: Int, categorical: [Bool], hyper: GPHyperparameters) {
    self.dimension = dimension
    self.categorical = categorical
    self.x = x
    self.y = y
    self.hyper = hyper
    let k = Self.gram(x: x, n: y.count, dimension: dimension, categorical: categorical, hyper: hyper)
    guard let c = CholeskyFactor(k, n: y.count) else { return nil }
    chol = c
    alpha = c.solve(y)
    (kInverse, lInverse) = c.inverseAndFactorInverse()
  }

  /// Squared distance `r²` between row `i` of `a` and `b` (starting at `bOffset`).
  @inline(__always)
  static func r2(
    _ a: UnsafeBufferPointer<Double>, _ i: Int, _ b: UnsafeBufferPointer<Double>, _ j: Int,
    dimension: Int, categorical: [Bool], ils: [Double]
  ) -> Double {
    var s = 0.0
    for d in 0..<dimension {
      let u = a[i * dimension + d], v = b[j * dimension + d]
      if categorical[d] {
        if u != v { s += ils[d] }
      } else {
        let t = u - v
        s += ils[d] * t * t
      }
    }
    return s
  }

  static func gram(x: [Double], n: Int, dimension: Int, categorical: [Bool], hyper: GPHyperparameters) -> [Double] {
    var unused: [Double] = []
    return gram(x: x, n: n, dimension: dimension, categorical: categorical, hyper: hyper, derivative: &unused, wantDerivative: false)
  }

  /// `K` (row-major) and, when `wantDerivative`, `scale · dM/d(r²)` per pair in `derivative`
  /// (lower triangle), so the likelihood gradient needs no second pass of `exp`.
  static func gram(
    x: [Double], n: Int, dimension: Int, categorical: [Bool], hyper: GPHyperparameters,
    derivative: inout [Double], wantDerivative: Bool
  ) -> [Double] {
    var k = [Double](repeating: 0, count: n * n)
    if wantDerivative { derivative = [Double](repeating: 0, count: n * n) }
    x.withUnsafeBufferPointer { xb in
      for i in 0..<n {
        k[i * n + i] = hyper.scale + hyper.noise
        for j in 0..<i {
          let r2 = Self.r2(xb, i, xb, j, dimension: dimension, categorical: categorical, ils: hyper.inverseSquaredLengthscales)
          let m = matern52(r2: r2)
          let v = hyper.scale * m.value
          k[i * n + j] = v
          k[j * n + i] = v
          if wantDerivative { derivative[i * n + j] = hyper.scale * m.derivative }
        }
      }
    }
    return k
  }

  /// Log prior of the hyperparameters (Optuna's `default_log_prior`) and its gradient with
  /// respect to the packed coordinates.
  static func logPrior(_ h: GPHyperparameters, gradient g: inout [Double]) -> Double {
    let d = h.inverseSquaredLengthscales.count
    var lp = 0.0
    for k in 0..<d {
      let l = h.inverseSquaredLengthscales[k]
      lp -= 0.1 / l + 0.1 * l
      g[k] += 0.1 / l - 0.1 * l  // d/dlog l of −(0.1/l + 0.1 l)
    }
    // Gamma(2, 1) on scale: log s − s.
    lp += Double.log(h.scale) - h.scale
    g[d] += 1 - h.scale
    // Gamma(1.1, 30) on noise: 0.1 log σ² − 30 σ²; dσ²/dθ = σ² − minimumNoise.
    let nv = h.noise
    lp += 0.1 * Double.log(nv) - 30 * nv
    g[d + 1] += (0.1 / nv - 30) * (nv - GPHyperparameters.minimumNoise)
    return lp
  }

  /// Negative (log marginal likelihood + log prior) at packed hyperparameters `t`, and its
  /// gradient. `O(n³ + n² d)`.
  static func negativeObjective(
    _ t: [Double], x: [Double], y: [Double], dimension: Int, categorical: [Bool], gradient g: inout [Double]
  ) -> Double {
    let h = GPHyperparameters(packed: t)
    let n = y.count
    for i in 0..<g.count { g[i] = 0 }
    var dm: [Double] = []
    let k = gram(x: x, n: n, dimension: dimension, categorical: categorical, hyper: h, derivative: &dm, wantDerivative: true)
    guard let c = CholeskyFactor(k, n: n) else { return .infinity }
    let a = c.solve(y)
    var fit = 0.0
    for i in 0..<n { fit += y[i] * a[i] }
    let lml = -0.5 * fit - 0.5 * c.logDeterminant - 0.5 * Double(n) * Double.log(2 * Double.pi)
    let kinv = c.inverse()
    // W = ααᵀ − K⁻¹; dLML/dθ = ½ Σ_ij W_ij ∂K_ij/∂θ.
    let d = dimension
    var gScale = 0.0, gNoise = 0.0
    var gIls = [Double](repeating: 0, count: d)
    x.withUnsafeBufferPointer { xb in
      for i in 0..<n {
        let wii = a[i] * a[i] - kinv[i * n + i]
        gScale += 0.5 * wii * h.scale
        gNoise += 0.5 * wii
        for j in 0..<i {
          let w = a[i] * a[j] - kinv[i * n + j]  // symmetric: counted twice below
          // ∂K_ij/∂log scale = K_ij off the diagonal.
          gScale += w * k[i * n + j]
          let coef = w * dm[i * n + j]
          for dd in 0..<d {
            let u = xb[i * d + dd], v = xb[j * d + dd]
            let delta2 = categorical[dd] ? (u != v ? 1.0 : 0.0) : (u - v) * (u - v)
            gIls[dd] += coef * h.inverseSquaredLengthscales[dd] * delta2
          }
        }
      }
    }
    for dd in 0..<d { g[dd] = gIls[dd] }
    g[d] = gScale
    g[d + 1] = gNoise * (h.noise - GPHyperparameters.minimumNoise)
    let lp = logPrior(h, gradient: &g)
    for i in 0..<g.count { g[i] = -g[i] }
    return -(lml + lp)
  }

  /// Fits hyperparameters from `start` (warm start) and returns the model, or `nil` when
  /// no kernel matrix can be factored. `O(iterations · (n³ + n² d))`.
  static func fit(
    x: [Double], y: [Double], dimension: Int, categorical: [Bool], start: GPHyperparameters,
    maxIterations: Int
  ) -> GaussianProcess? {
    let result = minimizeLBFGS(
      start.packed, maxIterations: maxIterations, gradientTolerance: 1e-2, relativeDecreaseTolerance: 1e-7
    ) { t, g in
      negativeObjective(t, x: x, y: y, dimension: dimension, categorical: categorical, gradient: &g)
    }
    let h = result.value.isFinite ? GPHyperparameters(packed: result.x) : start
    return GaussianProcess(x: x, y: y, dimension: dimension, categorical: categorical, hyper: h)
      ?? GaussianProcess(x: x, y: y, dimension: dimension, categorical: categorical, hyper: .initial(dimension: dimension))
  }

  /// The kernel row `k*` between `point` and every training input, and `dk*/d(r²)`.
  func kernelRow(_ point: [Double], into k: inout [Double], derivative dk: inout [Double]) {
    let n = count
    x.withUnsafeBufferPointer { xb in
      point.withUnsafeBufferPointer { pb in
        for i in 0..<n {
          let m = matern52(r2: Self.r2(xb, i, pb, 0, dimension: dimension, categorical: categorical, ils: hyper.inverseSquaredLengthscales))
          k[i] = hyper.scale * m.value
          dk[i] = hyper.scale * m.derivative
        }
      }
    }
  }

  /// Posterior mean and latent variance at `point`. `O(n²/2 + n d)`.
  func posterior(_ point: [Double]) -> (mean: Double, variance: Double) {
    var k = [Double](repeating: 0, count: count), dk = k
    return posterior(point, k: &k, dk: &dk)
  }

  /// Posterior mean and latent variance with caller-provided scratch for `k*` and
  /// `dk*/dr²`: the variance as `k(x,x) − ‖L⁻¹ k*‖²` (half the work of `k*ᵀ K⁻¹ k*`).
  func posterior(_ point: [Double], k: inout [Double], dk: inout [Double]) -> (mean: Double, variance: Double) {
    let n = count
    kernelRow(point, into: &k, derivative: &dk)
    var mean = 0.0, quad = 0.0
    lInverse.withUnsafeBufferPointer { m in
      k.withUnsafeBufferPointer { kb in
        for i in 0..<n {
          let v = dot(m.baseAddress! + i * n, kb.baseAddress!, i + 1)
          quad += v * v
        }
      }
    }
    for i in 0..<n { mean += k[i] * alpha[i] }
    return (mean, Swift.max(hyper.scale - quad, 1e-12 * hyper.scale))
  }

  /// Posterior with caller-provided scratch (`k*`, `dk*/dr²`, `K⁻¹k*` are left in them),
  /// for the gradient of the acquisition. `O(n² + n d)`.
  func posterior(_ point: [Double], k: inout [Double], dk: inout [Double], beta: inout [Double]) -> (mean: Double, variance: Double) {
    let n = count
    kernelRow(point, into: &k, derivative: &dk)
    var mean = 0.0, quad = 0.0
    kInverse.withUnsafeBufferPointer { kinv in
      k.withUnsafeBufferPointer { kb in
        for i in 0..<n {
          let s = dot(kinv.baseAddress! + i * n, kb.baseAddress!, n)
          beta[i] = s
          quad += kb[i] * s
        }
      }
    }
    for i in 0..<n { mean += k[i] * alpha[i] }
    return (mean, Swift.max(hyper.scale - quad, 1e-12 * hyper.scale))
  }
}

// MARK: - Acquisition

/// The standard normal density.
@inline(__always) func normalPDF(_ z: Double) -> Double {
  Double.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
}

/// The standard normal distribution function, `½ erfc(−z/√2)`.
@inline(__always) func normalCDF(_ z: Double) -> Double {
  0.5 * Double.erfc(-z / 2.0.squareRoot())
}

/// `log h(z)` with `h(z) = φ(z) + z Φ(z)` (so `EI = σ h((μ − f*)/σ)`), and
/// `d log h / dz = Φ(z) / h(z)`, accurate for very negative `z` (Ament et al., "Unexpected
/// improvements to expected improvement for Bayesian optimization", NeurIPS 2023).
///
/// For `z > −3`, directly. Below, with `t = −z`: Mills' ratio `Φ(−t)/φ(t) = 1/(t + c)` with
/// Laplace's continued fraction `c = 1/(t + 2/(t + 3/(t + …)))`, so `h = φ(t) c/(t + c)` without
/// cancellation and `Φ/h = 1/c`.
func logH(_ z: Double) -> (value: Double, derivative: Double) {
  if z > -3 {
    let cdf = normalCDF(z)
    let h = normalPDF(z) + z * cdf
    return (Double.log(h), cdf / h)
  }
  let t = -z
  // c = 1/(t + 2/(t + 3/(t + ...))), evaluated backwards from depth 60.
  var tail = t
  var k = 60.0
  while k >= 2 {
    tail = t + k / tail
    k -= 1
  }
  let c = 1 / tail
  return (-0.5 * t * t - 0.5 * Double.log(2 * Double.pi) + Double.log(c) - Double.log(t + c), 1 / c)
}

/// Log expected improvement over `best` of a Gaussian with `mean` and `variance`
/// (maximisation), and its derivatives with respect to the mean and the variance.
func logExpectedImprovement(mean: Double, variance: Double, best: Double) -> (value: Double, dMean: Double, dVariance: Double) {
  let sigma = variance.squareRoot()
  let z = (mean - best) / sigma
  let (lh, dlh) = logH(z)
  // log EI = log σ + log h(z); z = (μ − f*)/σ.
  let dMean = dlh / sigma
  let dSigma = 1 / sigma - dlh * z / sigma
  return (Double.log(sigma) + lh, dMean, dSigma / (2 * sigma))
}
