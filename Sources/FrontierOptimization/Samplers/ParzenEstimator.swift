import FrontierCore
import RealModule

/// One parameter as TPE sees it, in *sampling space*: the log of the value for log
/// distributions, the value itself otherwise, the choice index for categoricals.
///
/// Follows Optuna 5's `_ParzenEstimator`: continuous floats are truncated Gaussians on
/// `[low, high]` (in log space for log ones); stepped floats and integers are Gaussians
/// truncated to `[low − step/2, high + step/2]` (log of those bounds for log integers) whose
/// mass is taken over each grid value's bin; categoricals are per-kernel categorical
/// distributions.
struct TPEDimension: Sendable, Hashable {
  enum Kind: Sendable, Hashable {
    case continuous
    case discrete(step: Double)
    case categorical(count: Int)
  }
  var kind: Kind
  /// Truncation bounds in sampling space (widened by half a step for discrete kinds).
  var low: Double
  var high: Double
  /// The grid of a discrete kind, in the original space.
  var gridLow: Double
  var gridHigh: Double
  var log: Bool
  var distribution: Distribution

  /// `nil` for fixed parameters, which are never searched.
  init?(_ d: Distribution) {
    distribution = d
    log = d.isLog
    var step: Double?
    switch d {
    case .float(let lo, let hi, _, let s):
      gridLow = lo
      gridHigh = hi
      if let s {
        step = s
        gridHigh = lo + Double(d.cardinality! - 1) * s
      }
    case .int(let lo, let hi, _, let s):
      step = Double(s)
      gridLow = Double(lo)
      gridHigh = Double(lo + (hi - lo) / s * s)
    case .categorical(let c):
      kind = .categorical(count: c.count)
      low = 0
      high = Double(c.count - 1)
      gridLow = 0
      gridHigh = high
      return
    case .fixed:
      return nil
    }
    var a = gridLow, b = gridHigh
    if let step {
      kind = .discrete(step: step)
      a -= 0.5 * step
      b += 0.5 * step
    } else {
      kind = .continuous
    }
    low = log ? Double.log(a) : a
    high = log ? Double.log(b) : b
  }

  /// The sampling-space coordinate of `value`, or `nil` if it is not a value of the
  /// distribution.
  func coordinate(of value: ParameterValue) -> Double? {
    guard let x = distribution.internalValue(of: value) else { return nil }
    return log ? Double.log(x) : x
  }

  /// The parameter value at sampling-space coordinate `x` (snapped to the distribution).
  func value(at x: Double) -> ParameterValue {
    distribution.value(fromInternal: log ? Double.exp(x) : x)
  }

  /// A sampling-space draw of a discrete kind snapped to the nearest grid value.
  @inline(__always)
  func snap(_ x: Double, step: Double) -> Double {
    let v = log ? Double.exp(x) : x
    let g = Swift.min(Swift.max(gridLow + ((v - gridLow) / step).rounded() * step, gridLow), gridHigh)
    return log ? Double.log(g) : g
  }

  /// The sampling-space bin `[left, right]` of the grid value at coordinate `x`.
  @inline(__always)
  func bin(_ x: Double, step: Double) -> (Double, Double) {
    guard log else { return (x - 0.5 * step, x + 0.5 * step) }
    let g = Double.exp(x)
    return (Double.log(g - 0.5 * step), Double.log(g + 0.5 * step))
  }

  /// Width used for bandwidths and the prior: `high − low` of the truncation bounds.
  var width: Double { high - low }
}

/// Settings shared by the Parzen estimators of one TPE sampler (Optuna's
/// `_ParzenEstimatorParameters`).
struct ParzenSettings: Sendable, Hashable {
  var priorWeight: Double
  var considerMagicClip: Bool
  var considerEndpoints: Bool
}

/// `log(Φ(b) − Φ(a))` for `a ≤ b`, the log probability mass of a standard normal on `[a, b]`,
/// evaluated on the side of the distribution where it does not cancel.
@inline(__always)
func logGaussMass(_ a: Double, _ b: Double) -> Double {
  let invSqrt2 = 0.7071067811865476
  // Φ(−9) ≈ 1.1e-19: a kernel far inside its bounds has mass 1 to double precision
  // (the common case for the narrow kernels of a long history; saves two erfc calls).
  if a <= -9 && b >= 9 { return 0 }
  if b <= 0 {
    return Double.log(0.5 * Double.erfc(-b * invSqrt2) - 0.5 * Double.erfc(-a * invSqrt2))
  }
  if a >= 0 {
    return Double.log(0.5 * Double.erfc(a * invSqrt2) - 0.5 * Double.erfc(b * invSqrt2))
  }
  return Double.log(onePlus: -0.5 * Double.erfc(-a * invSqrt2) - 0.5 * Double.erfc(b * invSqrt2))
}

/// Optuna's default TPE observation weights: 1 for the newest 25 observations, a linear ramp
/// from `1/n` to 1 for the older ones (in trial order).
func tpeDefaultWeights(_ n: Int, into w: inout [Double]) {
  w.removeAll(keepingCapacity: true)
  if n < 25 {
    w.append(contentsOf: repeatElement(1.0, count: n))
    return
  }
  let ramp = n - 25
  let start = 1.0 / Double(n)
  for i in 0..<ramp {
    w.append(ramp == 1 ? start : start + Double(i) * (1.0 - start) / Double(ramp - 1))
  }
  w.append(contentsOf: repeatElement(1.0, count: 25))
}

/// A mixture of product kernels over some TPE dimensions: one kernel per observation plus
/// a prior kernel (Bergstra et al. 2011; Watanabe 2023, "Tree-structured Parzen Estimator:
/// Understanding Its Algorithm Components and Why They Matter"; Optuna's
/// `_ParzenEstimator`).
///
/// Observations are `n` rows of `dims.count` sampling-space coordinates, flattened
/// row-major, in trial order. Building costs O(n·d) (O(n log n · d) for univariate
/// bandwidths); `logDensity` costs O(m·n·d) for m points.
struct ParzenEstimator {
  let dims: [TPEDimension]
  /// Number of kernels (observations + prior).
  let kernels: Int
  var logWeights: [Double]
  var cumulativeWeights: [Double]
  /// Per dimension `d`, kernel `k` at `d * kernels + k`.
  var mus: [Double]
  var sigmas: [Double]
  var inverseSigmas: [Double]
  /// Continuous: `−log σ − ½ log 2π − log mass(a, b)`; discrete: `−log mass(a, b)`.
  var logNorm: [Double]
  /// Categorical log-probabilities, per dimension `d`: kernel `k`, choice `c` at
  /// `catOffset[d] + k * count + c`.
  var catLogP: [Double]
  var catOffset: [Int]

  init(dims: [TPEDimension], observations: [Double], count n: Int, settings: ParzenSettings, scratch: inout [Double]) {
    self.dims = dims
    let d = dims.count
    let k = n + 1
    kernels = k
    tpeDefaultWeights(n, into: &scratch)
    scratch.append(n == 0 ? 1.0 : settings.priorWeight)
    let total = scratch.reduce(0, +)
    logWeights = scratch.map { Double.log($0 / total) }
    var acc = 0.0
    cumulativeWeights = scratch.map {
      acc += $0 / total
      return acc
    }
    mus = [Double](repeating: 0, count: d * k)
    inverseSigmas = []
    sigmas = [Double](repeating: 1, count: d * k)
    logNorm = [Double](repeating: 0, count: d * k)
    catLogP = []
    catOffset = [Int](repeating: 0, count: d)
    let halfLog2Pi = 0.9189385332046728
    for j in 0..<d {
      let dim = dims[j]
      let base = j * k
      switch dim.kind {
      case .categorical(let choices):
        catOffset[j] = catLogP.count
        if n == 0 {
          catLogP.append(contentsOf: repeatElement(-Double.log(Double(choices)), count: choices))
          continue
        }
        let p0 = settings.priorWeight / Double(k)
        let denom = p0 * Double(choices) + 1
        let logLow = Double.log(p0 / denom), logHigh = Double.log((p0 + 1) / denom)
        for i in 0..<n {
          let c = Int(observations[i * d + j])
          for cc in 0..<choices { catLogP.append(cc == c ? logHigh : logLow) }
        }
        catLogP.append(contentsOf: repeatElement(-Double.log(Double(choices)), count: choices))
      case .continuous, .discrete:
        let low = dim.low, high = dim.high, width = dim.width
        for i in 0..<n { mus[base + i] = observations[i * d + j] }
        mus[base + n] = 0.5 * (low + high)
        if n > 0 {
          let bw = Self.gapBandwidths(
            Array(mus[base..<base + n]), low: low, high: high, endpoints: settings.considerEndpoints)
          let minSigma = settings.considerMagicClip ? width / Swift.min(100.0, 1.0 + Double(k)) : 1e-12
          for i in 0..<n { sigmas[base + i] = Swift.min(Swift.max(bw[i], minSigma), width) }
        }
        sigmas[base + n] = width
        for i in 0..<k {
          let mu = mus[base + i], s = sigmas[base + i]
          let mass = logGaussMass((low - mu) / s, (high - mu) / s)
          if case .discrete = dim.kind {
            logNorm[base + i] = -mass
          } else {
            logNorm[base + i] = -Double.log(s) - halfLog2Pi - mass
          }
        }
      }
    }
    inverseSigmas = sigmas.map { 1 / $0 }
  }

  /// Optuna 5's bandwidths (for univariate and multivariate TPE alike): for each observation,
  /// the larger gap to a neighbour among the sorted observations and the bounds; without
  /// `endpoints` the two outermost kernels use their inner gap only. O(n log n).
  static func gapBandwidths(_ values: [Double], low: Double, high: Double, endpoints: Bool) -> [Double] {
    let m = values.count
    var pairs = [(Double, Int32)]()
    pairs.reserveCapacity(m)
    for i in 0..<m { pairs.append((values[i], Int32(i))) }
    pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    var sorted = [Double](repeating: 0, count: m + 2)
    sorted[0] = low
    for i in 0..<m { sorted[i + 1] = pairs[i].0 }
    sorted[m + 1] = high
    var s = [Double](repeating: 0, count: m)
    for i in 0..<m { s[i] = Swift.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]) }
    if !endpoints && m + 2 >= 4 {
      s[0] = sorted[2] - sorted[1]
      s[m - 1] = sorted[m] - sorted[m - 1]
    }
    var out = [Double](repeating: 0, count: m)
    for i in 0..<m { out[Int(pairs[i].1)] = s[i] }
    return out
  }

  /// Draws `m` points (row-major, `dims.count` coordinates each): a kernel by weight, then
  /// each coordinate from that kernel (truncated Gaussians by rejection, discretised to the
  /// step; categoricals by inversion).
  func sample(_ m: Int, using rng: inout Xoshiro256StarStar, into out: inout [Double]) {
    let d = dims.count
    out.removeAll(keepingCapacity: true)
    out.reserveCapacity(m * d)
    for _ in 0..<m {
      let u = rng.unitDouble()
      var kk = 0
      while kk < kernels - 1 && cumulativeWeights[kk] <= u { kk += 1 }
      for j in 0..<d {
        let dim = dims[j]
        switch dim.kind {
        case .categorical(let count):
          let row = catOffset[j] + kk * count
          var v = rng.unitDouble()
          var c = 0
          while c < count - 1 {
            v -= Double.exp(catLogP[row + c])
            if v < 0 { break }
            c += 1
          }
          out.append(Double(c))
        case .continuous:
          out.append(truncatedNormal(mus[j * kernels + kk], sigmas[j * kernels + kk], dim.low, dim.high, &rng))
        case .discrete(let step):
          let x = truncatedNormal(mus[j * kernels + kk], sigmas[j * kernels + kk], dim.low, dim.high, &rng)
          out.append(dim.snap(x, step: step))
        }
      }
    }
  }

  /// `log p(x)` of each of the `m` points in `points` (row-major), written to `out`.
  /// `scratch` holds `m · kernels` partial sums. O(m · kernels · d).
  func logDensity(_ points: [Double], count m: Int, scratch: inout [Double], into out: inout [Double]) {
    let halfLog2Pi = 0.9189385332046728
    let d = dims.count
    let k = kernels
    scratch.removeAll(keepingCapacity: true)
    for _ in 0..<m { scratch.append(contentsOf: logWeights) }
    for j in 0..<d {
      let dim = dims[j]
      let base = j * k
      switch dim.kind {
      case .categorical(let count):
        for p in 0..<m {
          let c = Int(points[p * d + j])
          let row = p * k
          for kk in 0..<k { scratch[row + kk] += catLogP[catOffset[j] + kk * count + c] }
        }
      case .continuous:
        scratch.withUnsafeMutableBufferPointer { acc in
          mus.withUnsafeBufferPointer { mu in
            inverseSigmas.withUnsafeBufferPointer { sg in
              logNorm.withUnsafeBufferPointer { ln in
                for p in 0..<m {
                  let x = points[p * d + j]
                  let row = p * k
                  for kk in 0..<k {
                    let z = (x - mu[base + kk]) * sg[base + kk]
                    acc[row + kk] += ln[base + kk] - 0.5 * z * z
                  }
                }
              }
            }
          }
        }
      case .discrete(let step):
        // Candidates repeat grid values: compute each distinct bin's mass once per kernel
        // (as Optuna does with `np.unique`).
        var distinct: [Double] = []
        var which = [Int](repeating: 0, count: m)
        for p in 0..<m {
          let x = points[p * d + j]
          if let u = distinct.firstIndex(of: x) {
            which[p] = u
          } else {
            which[p] = distinct.count
            distinct.append(x)
          }
        }
        var mass = [Double](repeating: 0, count: distinct.count * k)
        let logInverse = (0..<k).map { Double.log(inverseSigmas[base + $0]) }
        for (u, x) in distinct.enumerated() {
          let (left, right) = dim.bin(x, step: step)
          let logWidth = Double.log(right - left)
          for kk in 0..<k {
            let mu = mus[base + kk], inv = inverseSigmas[base + kk]
            let a = (left - mu) * inv, b = (right - mu) * inv
            let w = b - a, mid = 0.5 * (a + b)
            let lm: Double
            if a > 38.5 || b < -38.5 {
              lm = -.infinity  // erfc underflows there anyway
            } else if w < 0.05 && Swift.abs(mid) * w < 0.05 {
              // A bin narrow against the kernel: ∫φ = φ(m)·w·(1 + (m²−1)w²/24 + O(w⁴)),
              // relative error < 1e-8 here; saves two erfc and a log.
              lm = -0.5 * mid * mid - halfLog2Pi + logWidth + logInverse[kk] + (mid * mid - 1) * w * w / 24
            } else {
              lm = logGaussMass(a, b)
            }
            mass[u * k + kk] = logNorm[base + kk] + lm
          }
        }
        for p in 0..<m {
          let row = p * k, src = which[p] * k
          for kk in 0..<k { scratch[row + kk] += mass[src + kk] }
        }
      }
    }
    out.removeAll(keepingCapacity: true)
    for p in 0..<m {
      let row = p * k
      var mx = -Double.infinity
      for kk in 0..<k where scratch[row + kk] > mx { mx = scratch[row + kk] }
      if !mx.isFinite {
        out.append(mx)
        continue
      }
      // Terms below e^-40 of the largest change the sum by < 1e-17 · kernels: skip their exp.
      var sum = 0.0
      for kk in 0..<k {
        let t = scratch[row + kk] - mx
        if t > -40 { sum += Double.exp(t) }
      }
      out.append(mx + Double.log(sum))
    }
  }
}

/// A draw from N(mu, sigma²) truncated to `[low, high]` (`mu` inside): rejection, with a
/// uniform fallback after 64 misses (only reachable for pathological widths).
@inline(__always)
func truncatedNormal(_ mu: Double, _ sigma: Double, _ low: Double, _ high: Double, _ rng: inout Xoshiro256StarStar) -> Double {
  for _ in 0..<64 {
    let x = mu + sigma * rng.standardNormal()
    if x >= low && x <= high { return x }
  }
  return low + rng.unitDouble() * (high - low)
}
