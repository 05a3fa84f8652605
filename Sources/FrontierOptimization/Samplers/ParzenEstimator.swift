import FrontierCore
import RealModule

/// One parameter as TPE sees it, in *sampling space*: the log of the value for log
/// distributions, the value itself otherwise, the choice index for categoricals.
///
/// Follows Optuna's `_ParzenEstimator`: continuous floats (and log integers, widened by half
/// a step on each side) are truncated Gaussians on `[low, high]`; stepped floats and integers
/// are Gaussians truncated to `[low - step/2, high + step/2]` and discretised to the grid;
/// categoricals are per-kernel categorical distributions.
struct TPEDimension: Sendable, Hashable {
  enum Kind: Sendable, Hashable {
    case continuous
    case discrete(step: Double)
    case categorical(count: Int)
  }
  var kind: Kind
  /// Bounds in sampling space (unused for categoricals).
  var low: Double
  var high: Double
  var distribution: Distribution

  /// `nil` for fixed parameters, which are never searched.
  init?(_ d: Distribution) {
    distribution = d
    switch d {
    case .float(let lo, let hi, let log, let step):
      if log {
        kind = .continuous
        low = Double.log(lo)
        high = Double.log(hi)
      } else if let step {
        kind = .discrete(step: step)
        low = lo
        high = lo + Double(d.cardinality! - 1) * step
      } else {
        kind = .continuous
        low = lo
        high = hi
      }
    case .int(let lo, let hi, let log, let step):
      if log {
        kind = .continuous
        low = Double.log(Double(lo) - 0.5)
        high = Double.log(Double(hi) + 0.5)
      } else {
        kind = .discrete(step: Double(step))
        low = Double(lo)
        high = Double(lo + (hi - lo) / step * step)
      }
    case .categorical(let c):
      kind = .categorical(count: c.count)
      low = 0
      high = Double(c.count - 1)
    case .fixed:
      return nil
    }
  }

  /// The sampling-space coordinate of `value`, or `nil` if it is not a value of the
  /// distribution.
  func coordinate(of value: ParameterValue) -> Double? {
    guard let x = distribution.internalValue(of: value) else { return nil }
    return distribution.isLog ? Double.log(x) : x
  }

  /// The parameter value at sampling-space coordinate `x` (snapped to the distribution).
  func value(at x: Double) -> ParameterValue {
    distribution.value(fromInternal: distribution.isLog ? Double.exp(x) : x)
  }

  /// Width used for bandwidths and the prior: `high - low` (+ `step` for discrete).
  var width: Double {
    if case .discrete(let step) = kind { return high - low + step }
    return high - low
  }
}

/// Settings shared by the Parzen estimators of one TPE sampler (Optuna's
/// `_ParzenEstimatorParameters`).
struct ParzenSettings: Sendable, Hashable {
  var priorWeight: Double
  var considerMagicClip: Bool
  var considerEndpoints: Bool
  var multivariate: Bool
}

/// `log(Φ(b) − Φ(a))` for `a ≤ b`, the log probability mass of a standard normal on `[a, b]`,
/// evaluated on the side of the distribution where it does not cancel.
@inline(__always)
func logGaussMass(_ a: Double, _ b: Double) -> Double {
  let invSqrt2 = 0.7071067811865476
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
        let priorMu = 0.5 * (low + high)
        for i in 0..<n { mus[base + i] = observations[i * d + j] }
        mus[base + n] = priorMu
        if settings.multivariate {
          let s = 0.2 * Double.pow(Double(Swift.max(n, 1)), -1.0 / Double(d + 4)) * (high - low)
          for i in 0..<n { sigmas[base + i] = s }
        } else if n > 0 {
          let bw = Self.univariateBandwidths(
            Array(mus[base..<base + k]), low: low, high: high, endpoints: settings.considerEndpoints)
          for i in 0..<n { sigmas[base + i] = bw[i] }
        }
        let maxSigma = width
        let minSigma = settings.considerMagicClip ? width / Swift.min(100.0, 1.0 + Double(k)) : 1e-12
        for i in 0..<n { sigmas[base + i] = Swift.min(Swift.max(sigmas[base + i], minSigma), maxSigma) }
        sigmas[base + n] = width
        for i in 0..<k {
          let mu = mus[base + i], s = sigmas[base + i]
          if case .discrete(let step) = dim.kind {
            logNorm[base + i] = -logGaussMass((low - 0.5 * step - mu) / s, (high + 0.5 * step - mu) / s)
          } else {
            logNorm[base + i] = -Double.log(s) - halfLog2Pi - logGaussMass((low - mu) / s, (high - mu) / s)
          }
        }
      }
    }
  }

  /// Optuna's univariate bandwidths: for each of the `n` observations (followed in `values`
  /// by the prior mean), the larger gap to a neighbour among the sorted observations, the
  /// prior mean and the bounds; without `endpoints` the two outermost kernels use their inner
  /// gap only. O(n log n).
  static func univariateBandwidths(_ values: [Double], low: Double, high: Double, endpoints: Bool) -> [Double] {
    let m = values.count
    var order = Array(0..<m)
    order.sort { values[$0] < values[$1] }
    var sorted = [Double](repeating: 0, count: m + 2)
    sorted[0] = low
    for i in 0..<m { sorted[i + 1] = values[order[i]] }
    sorted[m + 1] = high
    var s = [Double](repeating: 0, count: m)
    for i in 0..<m { s[i] = Swift.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]) }
    if !endpoints && m + 2 >= 4 {
      s[0] = sorted[2] - sorted[1]
      s[m - 1] = sorted[m] - sorted[m - 1]
    }
    var out = [Double](repeating: 0, count: m)
    for i in 0..<m { out[order[i]] = s[i] }
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
          let x = truncatedNormal(
            mus[j * kernels + kk], sigmas[j * kernels + kk], dim.low - 0.5 * step, dim.high + 0.5 * step, &rng)
          let g = dim.low + ((x - dim.low) / step).rounded() * step
          out.append(Swift.min(Swift.max(g, dim.low), dim.high))
        }
      }
    }
  }

  /// `log p(x)` of each of the `m` points in `points` (row-major), written to `out`.
  /// `scratch` holds `m · kernels` partial sums. O(m · kernels · d).
  func logDensity(_ points: [Double], count m: Int, scratch: inout [Double], into out: inout [Double]) {
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
        for p in 0..<m {
          let x = points[p * d + j]
          let row = p * k
          for kk in 0..<k {
            let z = (x - mus[base + kk]) / sigmas[base + kk]
            scratch[row + kk] += logNorm[base + kk] - 0.5 * z * z
          }
        }
      case .discrete(let step):
        for p in 0..<m {
          let x = points[p * d + j]
          let row = p * k
          for kk in 0..<k {
            let mu = mus[base + kk], s = sigmas[base + kk]
            scratch[row + kk] += logNorm[base + kk] + logGaussMass((x - 0.5 * step - mu) / s, (x + 0.5 * step - mu) / s)
          }
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
      var sum = 0.0
      for kk in 0..<k { sum += Double.exp(scratch[row + kk] - mx) }
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
