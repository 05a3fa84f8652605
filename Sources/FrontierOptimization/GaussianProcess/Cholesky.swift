import RealModule

/// Cholesky factor `A = L Lᵀ` of a symmetric positive-definite matrix, row-major.
///
/// If the factorization breaks down (a non-positive pivot: `A` is singular or indefinite in
/// floating point), a jitter `ε·mean(diag A)` is added to the diagonal and it is retried with
/// `ε` growing ×10 from `1e-10` up to `1e-2` (the usual GP practice, e.g. GPyTorch's
/// `psd_safe_cholesky`); ``jitter`` records what was added.
///
/// Complexity: `O(n³/3)` to factor, `O(n²)` per solve, `O(n³)` for the inverse.
struct CholeskyFactor: Sendable {
  let n: Int
  /// Lower triangle, row-major `n × n` (upper part zero).
  private(set) var l: [Double]
  /// The diagonal jitter that was added (0 when none was needed).
  private(set) var jitter: Double = 0

  /// Factors `a` (row-major `n × n`, symmetric; only the lower triangle is read), or `nil`
  /// when even the largest jitter does not make it positive definite, or it holds NaN.
  init?(_ a: [Double], n: Int) {
    self.n = n
    l = [Double](repeating: 0, count: n * n)
    if Self.factor(a, n: n, shift: 0, into: &l) { return }
    var meanDiag = 0.0
    for i in 0..<n { meanDiag += Swift.abs(a[i * n + i]) }
    meanDiag = Swift.max(meanDiag / Double(Swift.max(n, 1)), 1e-300)
    var eps = 1e-10
    while eps <= 1e-2 {
      if Self.factor(a, n: n, shift: eps * meanDiag, into: &l) {
        jitter = eps * meanDiag
        return
      }
      eps *= 10
    }
    return nil
  }

  private static func factor(_ a: [Double], n: Int, shift: Double, into l: inout [Double]) -> Bool {
    a.withUnsafeBufferPointer { a in
      l.withUnsafeMutableBufferPointer { l in
        for i in 0..<n {
          for j in 0...i {
            var s = a[i * n + j]
            if i == j { s += shift }
            s -= dot(l.baseAddress! + i * n, l.baseAddress! + j * n, j)
            if i == j {
              guard s > 0, s.isFinite else { return false }
              l[i * n + i] = s.squareRoot()
            } else {
              l[i * n + j] = s / l[j * n + j]
            }
          }
          for j in (i + 1)..<Swift.max(i + 1, n) { l[i * n + j] = 0 }
        }
        return true
      }
    }
  }

  /// Solves `L x = b` in place.
  func solveLower(_ b: inout [Double]) {
    l.withUnsafeBufferPointer { l in
      for i in 0..<n {
        let s = b.withUnsafeBufferPointer { bb in bb[i] - dot(l.baseAddress! + i * n, bb.baseAddress!, i) }
        b[i] = s / l[i * n + i]
      }
    }
  }

  /// Solves `Lᵀ x = b` in place.
  func solveUpper(_ b: inout [Double]) {
    l.withUnsafeBufferPointer { l in
      var i = n - 1
      while i >= 0 {
        var s = b[i]
        for k in (i + 1)..<Swift.max(i + 1, n) { s -= l[k * n + i] * b[k] }
        b[i] = s / l[i * n + i]
        i -= 1
      }
    }
  }

  /// `A⁻¹ b`.
  func solve(_ b: [Double]) -> [Double] {
    var x = b
    solveLower(&x)
    solveUpper(&x)
    return x
  }

  /// `log det A = 2 Σ log L_ii`.
  var logDeterminant: Double {
    var s = 0.0
    for i in 0..<n { s += Double.log(l[i * n + i]) }
    return 2 * s
  }

  /// `A⁻¹`, row-major (symmetric).
  func inverse() -> [Double] { inverseAndFactorInverse().inverse }

  /// `A⁻¹` and `M = L⁻¹` (both row-major): `M` by forward substitution, stored transposed
  /// while it is built so every inner product runs over contiguous memory, then
  /// `A⁻¹ = Mᵀ M`. `O(n³/3)` multiply-adds.
  func inverseAndFactorInverse() -> (inverse: [Double], factorInverse: [Double]) {
    guard n > 0 else { return ([], []) }
    // mt[j * n + k] = M[k][j] (nonzero for k ≥ j).
    var mt = [Double](repeating: 0, count: n * n)
    l.withUnsafeBufferPointer { l in
      mt.withUnsafeMutableBufferPointer { mt in
        let lp = l.baseAddress!, mp = mt.baseAddress!
        for j in 0..<n {
          mp[j * n + j] = 1 / lp[j * n + j]
          for i in (j + 1)..<Swift.max(j + 1, n) {
            // M[i][j] = −Σ_{k=j}^{i−1} L[i][k] M[k][j] / L[i][i]
            let s = dot(lp + i * n + j, mp + j * n + j, i - j)
            mp[j * n + i] = -s / lp[i * n + i]
          }
        }
      }
    }
    var inv = [Double](repeating: 0, count: n * n)
    var m = [Double](repeating: 0, count: n * n)
    mt.withUnsafeBufferPointer { mt in
      inv.withUnsafeMutableBufferPointer { out in
        let mp = mt.baseAddress!
        for i in 0..<n {
          for j in 0...i {
            // (Mᵀ M)_ij = Σ_{k ≥ i} M[k][i] M[k][j]  (i ≥ j)
            let s = dot(mp + i * n + i, mp + j * n + i, n - i)
            out[i * n + j] = s
            out[j * n + i] = s
          }
        }
      }
      for j in 0..<n { for i in j..<n { m[i * n + j] = mt[j * n + i] } }
    }
    return (inv, m)
  }
}

/// `Σ_{k < count} a[k] b[k]`, four SIMD lanes with two accumulators (FP reductions are not
/// auto-vectorised without reassociation).
@inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
  var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  var k = 0
  while k + 8 <= count {
    acc0 += ra.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
    acc1 += ra.loadUnaligned(fromByteOffset: k * 8 + 32, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: k * 8 + 32, as: SIMD4<Double>.self)
    k += 8
  }
  var s = (acc0 + acc1).sum()
  while k < count {
    s += a[k] * b[k]
    k += 1
  }
  return s
}
