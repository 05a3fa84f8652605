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
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
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
        var s = b[i]
        for k in 0..<i { s -= l[i * n + k] * b[k] }
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

  /// `A⁻¹`, row-major (symmetric): `L⁻¹` by forward substitution, then `L⁻ᵀ L⁻¹`.
  func inverse() -> [Double] {
    var linv = [Double](repeating: 0, count: n * n)
    l.withUnsafeBufferPointer { l in
      linv.withUnsafeMutableBufferPointer { m in
        for j in 0..<n {
          m[j * n + j] = 1 / l[j * n + j]
          for i in (j + 1)..<Swift.max(j + 1, n) {
            var s = 0.0
            for k in j..<i { s -= l[i * n + k] * m[k * n + j] }
            m[i * n + j] = s / l[i * n + i]
          }
        }
      }
    }
    var inv = [Double](repeating: 0, count: n * n)
    linv.withUnsafeBufferPointer { m in
      inv.withUnsafeMutableBufferPointer { out in
        for i in 0..<n {
          for j in 0...i {
            // (L⁻ᵀ L⁻¹)_ij = Σ_{k ≥ max(i,j)} M_ki M_kj
            var s = 0.0
            for k in i..<n { s += m[k * n + i] * m[k * n + j] }
            out[i * n + j] = s
            out[j * n + i] = s
          }
        }
      }
    }
    return inv
  }
}
