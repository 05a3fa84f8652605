
/// A quality-diversity benchmark: evaluates batches of numeric solutions into objectives and
/// measures, in flat buffers (no allocation).
public protocol QDDomain: Sendable {
  var name: String { get }
  var solutionDimension: Int { get }
  var measureCount: Int { get }
  /// Bounds of the measure space (the archive's ranges).
  var measureRanges: [(Double, Double)] { get }
  /// Evaluates `count` solutions (`solutionDimension` values each, row-major) into
  /// `objectives[0..<count]` and `measures[0..<count*measureCount]`.
  func evaluate(
    _ solutions: UnsafePointer<Double>, count: Int, objectives: UnsafeMutablePointer<Double>,
    measures: UnsafeMutablePointer<Double>)
}

/// numpy's pairwise summation (8 accumulators, blocks of 128), so sums round as in the
/// Python references.
@inlinable func pairwiseSum(_ n: Int, _ term: (Int) -> Double, from start: Int = 0) -> Double {
  if n < 8 {
    var r = 0.0
    for i in 0..<n { r += term(start + i) }
    return r
  } else if n <= 128 {
    var r0 = term(start), r1 = term(start + 1), r2 = term(start + 2), r3 = term(start + 3)
    var r4 = term(start + 4), r5 = term(start + 5), r6 = term(start + 6), r7 = term(start + 7)
    var i = 8
    while i < n - n % 8 {
      r0 += term(start + i)
      r1 += term(start + i + 1)
      r2 += term(start + i + 2)
      r3 += term(start + i + 3)
      r4 += term(start + i + 4)
      r5 += term(start + i + 5)
      r6 += term(start + i + 6)
      r7 += term(start + i + 7)
      i += 8
    }
    var r = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n {
      r += term(start + i)
      i += 1
    }
    return r
  } else {
    var n2 = n / 2
    n2 -= n2 % 8
    return pairwiseSum(n2, term, from: start) + pairwiseSum(n - n2, term, from: start + n2)
  }
}

/// The "linear projection" benchmarks of pyribs' `examples/sphere.py` (Fontaine et al.,
/// "Covariance matrix adaptation for the rapid illumination of behavior space", GECCO 2020):
/// the sphere or Rastrigin function shifted to an optimum at `x_i = 2.048`, normalised to
/// [0, 100] (100 at the optimum, 0 at `x_i = -5.12`); measures are the sums of the clipped
/// first and second halves of `x`, `clip(v) = v` if `|v| ≤ 5.12` else `5.12 / v`; the archive
/// spans `[-n/2 · 5.12, n/2 · 5.12]²`. O(n) per solution.
public struct LinearProjectionDomain: QDDomain {
  public enum Function: String, Sendable, CaseIterable { case sphere, rastrigin }
  public let function: Function
  public let solutionDimension: Int
  public static let shift = 5.12 * 0.4
  @usableFromInline let worst: Double

  public init(_ function: Function, dimension: Int = 100) throws {
    guard dimension >= 2 else { throw QDError("the linear projection needs at least 2 dimensions (got \(dimension))") }
    self.function = function
    solutionDimension = dimension
    let n = Double(dimension)
    switch function {
    case .sphere: worst = (-5.12 - Self.shift) * (-5.12 - Self.shift) * n
    case .rastrigin:
      let dw = -5.12 - Self.shift
      worst = 10 * n + n * (dw * dw - 10 * qdCos(2 * Double.pi * dw))
    }
  }

  public var name: String { function.rawValue }
  public var measureCount: Int { 2 }
  public var measureRanges: [(Double, Double)] {
    let b = Double(solutionDimension) / 2 * 5.12
    return [(-b, b), (-b, b)]
  }

  @inlinable public func evaluate(
    _ solutions: UnsafePointer<Double>, count: Int, objectives: UnsafeMutablePointer<Double>,
    measures: UnsafeMutablePointer<Double>
  ) {
    let n = solutionDimension
    let half = n / 2
    let shift = Self.shift
    let dn = Double(n)
    for r in 0..<count {
      let x = solutions + r * n
      let raw: Double
      switch function {
      case .sphere:
        raw = pairwiseSum(n) { i in
          let d = x[i] - shift
          return d * d
        }
      case .rastrigin:
        raw = 10 * dn + pairwiseSum(n) { i in
          let d = x[i] - shift
          return d * d - 10 * qdCos(2 * Double.pi * d)
        }
      }
      objectives[r] = (raw - worst) / (0 - worst) * 100
      measures[2 * r] = pairwiseSum(half) { i in Self.clip(x[i]) }
      measures[2 * r + 1] = pairwiseSum(n - half, { i in Self.clip(x[i]) }, from: half)
    }
  }

  @inlinable @inline(__always) static func clip(_ v: Double) -> Double {
    (v < -5.12 || v > 5.12) ? 5.12 / v : v
  }
}

/// The planar arm repertoire (Cully et al., "Robots that can adapt like animals", Nature
/// 2015; pyribs' arm tutorial as in `qd_bench_pyribs.py`): `n` joint angles of links of
/// length 1; objective `(1 - var(θ)) · 100` (population variance), measures the end
/// effector `(Σ cos Σθ, Σ sin Σθ)` over the cumulative angles; archive `[-n, n]²`. O(n).
public struct ArmDomain: QDDomain {
  public let solutionDimension: Int
  public init(dimension: Int = 100) throws {
    guard dimension >= 1 else { throw QDError("the arm needs at least one joint") }
    solutionDimension = dimension
  }
  public var name: String { "arm" }
  public var measureCount: Int { 2 }
  public var measureRanges: [(Double, Double)] {
    let b = Double(solutionDimension)
    return [(-b, b), (-b, b)]
  }

  @inlinable public func evaluate(
    _ solutions: UnsafePointer<Double>, count: Int, objectives: UnsafeMutablePointer<Double>,
    measures: UnsafeMutablePointer<Double>
  ) {
    let n = solutionDimension
    for r in 0..<count {
      let x = solutions + r * n
      let mean = pairwiseSum(n) { x[$0] } / Double(n)
      let variance = pairwiseSum(n) { i in
        let d = x[i] - mean
        return d * d
      } / Double(n)
      objectives[r] = (1 - variance) * 100
      var cum = 0.0, ex = 0.0, ey = 0.0
      for i in 0..<n {
        cum += x[i]
        ex += qdCos(cum)
        ey += qdSin(cum)
      }
      measures[2 * r] = ex
      measures[2 * r + 1] = ey
    }
  }
}
