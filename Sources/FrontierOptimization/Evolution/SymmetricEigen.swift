import RealModule

/// Eigendecomposition `A = V Λ Vᵀ` of a real symmetric `n × n` matrix, on flat row-major
/// buffers that are reused across calls (no allocation after the first call of a size).
///
/// Two phases, written from their textbook description (Golub & Van Loan, *Matrix
/// Computations*, 4th ed., §8.3):
/// 1. Householder reduction `Qᵀ A Q = T` to symmetric tridiagonal form, working on the lower
///    triangle; `Qᵀ` is then formed by backward accumulation of the reflectors.
/// 2. Implicit symmetric QR steps with the Wilkinson shift on the unreduced blocks of `T`,
///    deflating from the bottom; each Givens rotation is applied to two *rows* of `Qᵀ`, so
///    every inner loop in both phases runs over contiguous memory.
///
/// After ``decompose(_:)``, row `k` of ``vectorRows`` is a unit eigenvector for
/// `values[k]`. Eigenvalues are not sorted, nor clamped (the caller clamps them).
///
/// - Complexity: `O(n³)`: about `4/3 n³` flops for the reduction, `4/3 n³` for forming `Qᵀ`
///   and typically `≈ 3 n³` for the rotations (one or two QR steps per eigenvalue).
struct SymmetricEigen: Sendable {
  /// Dimension n.
  let n: Int
  /// Eigenvectors, one per row (row-major `n × n`): row `k` belongs to `values[k]`.
  private(set) var vectorRows: [Double]
  /// Eigenvalues, in the order of ``vectorRows``.
  private(set) var values: [Double]
  /// Whether the last ``decompose(_:)`` met the convergence test on every off-diagonal entry.
  private(set) var converged = true
  private var work: [Double]
  private var off: [Double]
  private var beta: [Double]
  private var p: [Double]

  /// Buffers for matrices of size `n × n`.
  init(n: Int) {
    precondition(n > 0, "SymmetricEigen needs n ≥ 1")
    self.n = n
    vectorRows = [Double](repeating: 0, count: n * n)
    work = vectorRows
    values = [Double](repeating: 0, count: n)
    off = values
    beta = values
    p = values
  }

  /// Decomposes the symmetric row-major `matrix` (`n × n`; only its lower triangle is read).
  /// - Complexity: `O(n³)`, allocation-free.
  mutating func decompose(_ matrix: [Double]) {
    precondition(matrix.count == n * n, "matrix must be n × n")
    let n = self.n
    var ok = true
    matrix.withUnsafeBufferPointer { src in
      work.withUnsafeMutableBufferPointer { w in
        vectorRows.withUnsafeMutableBufferPointer { z in
          values.withUnsafeMutableBufferPointer { d in
            off.withUnsafeMutableBufferPointer { e in
              beta.withUnsafeMutableBufferPointer { bt in
                p.withUnsafeMutableBufferPointer { pp in
                  let w = w.baseAddress!, z = z.baseAddress!, d = d.baseAddress!
                  let e = e.baseAddress!, bt = bt.baseAddress!, pp = pp.baseAddress!
                  w.update(from: src.baseAddress!, count: n * n)
                  Self.tridiagonalize(w, d, e, bt, pp, n)
                  Self.formQt(w, z, bt, n)
                  ok = Self.implicitQR(d, e, z, n)
                }
              }
            }
          }
        }
      }
    }
    converged = ok
  }

  /// Householder reduction of the lower triangle of `w` to `diag d`, sub-diagonal `e`
  /// (`e[k]` couples k and k+1). Reflector k, `I − β_k v vᵀ` with `v` supported on
  /// `k+1..<n`, is stored in row k of `w` right of the diagonal; `β_k` in `bt[k]` (0: none).
  private static func tridiagonalize(
    _ w: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>,
    _ bt: UnsafeMutablePointer<Double>, _ pp: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    for i in 0..<n { bt[i] = 0; e[i] = 0 }
    if n >= 3 {
      for k in 0..<(n - 2) {
        let m = n - k - 1
        let v = w + k * n + k + 1  // row k, right of the diagonal (unused by the lower triangle)
        var tail = 0.0
        for i in 0..<m {
          let x = w[(k + 1 + i) * n + k]
          v[i] = x
          if i > 0 { tail += x * x }
        }
        let x0 = v[0]
        if tail == 0 {  // column already reduced
          e[k] = x0
          continue
        }
        let sigma2 = x0 * x0 + tail
        let norm = sigma2.squareRoot()
        let alpha = x0 >= 0 ? -norm : norm
        let b = 1 / (sigma2 - alpha * x0)
        v[0] = x0 - alpha
        bt[k] = b
        e[k] = alpha
        // p = β S v with S the trailing block, read from its lower triangle only.
        let s = w + (k + 1) * n + (k + 1)
        for i in 0..<m { pp[i] = 0 }
        for i in 0..<m {
          let row = s + i * n
          let vi = v[i]
          var acc = 0.0
          for j in 0..<i {
            let a = row[j]
            acc += a * v[j]
            pp[j] += a * vi
          }
          pp[i] += acc + row[i] * vi
        }
        var vp = 0.0
        for i in 0..<m {
          pp[i] *= b
          vp += v[i] * pp[i]
        }
        // q = p − (β vᵀp / 2) v;  S ← S − v qᵀ − q vᵀ.
        let half = 0.5 * b * vp
        for i in 0..<m { pp[i] -= half * v[i] }
        for i in 0..<m {
          let row = s + i * n
          let vi = v[i], qi = pp[i]
          for j in 0...i { row[j] -= vi * pp[j] + qi * v[j] }
        }
      }
    }
    for i in 0..<n { d[i] = w[i * n + i] }
    if n >= 2 { e[n - 2] = w[(n - 1) * n + (n - 2)] }
    e[n - 1] = 0
  }

  /// `z ← Qᵀ = H_{n−3} ⋯ H_0`, accumulated backward as `Z ← Z H_k` (each `H_k` touches only
  /// rows and columns `k+1..<n` of the running product).
  private static func formQt(
    _ w: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>, _ bt: UnsafeMutablePointer<Double>,
    _ n: Int
  ) {
    z.update(repeating: 0, count: n * n)
    for i in 0..<n { z[i * n + i] = 1 }
    guard n >= 3 else { return }
    for k in stride(from: n - 3, through: 0, by: -1) where bt[k] != 0 {
      let m = n - k - 1
      let v = w + k * n + k + 1
      let b = bt[k]
      for i in (k + 1)..<n {
        let row = z + i * n + k + 1
        let s = b * dot(row, v, m)
        if s == 0 { continue }
        for j in 0..<m { row[j] -= s * v[j] }
      }
    }
  }

  /// Implicit symmetric QR with Wilkinson shifts on `(d, e)`, rotating rows of `z`.
  /// Returns false if some block failed to converge within `30 n` steps.
  private static func implicitQR(
    _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>,
    _ n: Int
  ) -> Bool {
    let eps = Double.ulpOfOne
    var h = n - 1
    var steps = 0
    let maxSteps = 30 * n
    while h > 0 {
      if Swift.abs(e[h - 1]) <= eps * (Swift.abs(d[h - 1]) + Swift.abs(d[h])) {
        e[h - 1] = 0
        h -= 1
        continue
      }
      var l = h - 1
      while l > 0 {
        if Swift.abs(e[l - 1]) <= eps * (Swift.abs(d[l - 1]) + Swift.abs(d[l])) {
          e[l - 1] = 0
          break
        }
        l -= 1
      }
      steps += 1
      if steps > maxSteps { return false }
      // Wilkinson shift: the eigenvalue of the trailing 2 × 2 block nearer to d[h].
      let bq = e[h - 1]
      let delta = 0.5 * (d[h - 1] - d[h])
      let root = Self.norm2(delta, bq)
      let mu = d[h] - bq * bq / (delta + (delta >= 0 ? root : -root))
      var x = d[l] - mu
      var y = e[l]
      for k in l..<h {
        let r = Self.norm2(x, y)
        let c: Double, s: Double
        if r == 0 {
          c = 1
          s = 0
        } else {
          c = x / r
          s = y / r
        }
        if k > l { e[k - 1] = r }
        let dk = d[k], dk1 = d[k + 1], ek = e[k]
        let cs = c * s, cc = c * c, ss = s * s
        d[k] = cc * dk + 2 * cs * ek + ss * dk1
        d[k + 1] = ss * dk - 2 * cs * ek + cc * dk1
        e[k] = cs * (dk1 - dk) + (cc - ss) * ek
        if k + 1 < h {
          y = s * e[k + 1]
          e[k + 1] *= c
        }
        x = e[k]
        // Rows k and k+1 of Qᵀ.
        let rk = z + k * n, rk1 = z + (k + 1) * n
        for j in 0..<n {
          let a = rk[j], bb = rk1[j]
          rk[j] = c * a + s * bb
          rk1[j] = c * bb - s * a
        }
      }
    }
    return true
  }

  /// `√(x² + y²)`: the direct formula, falling back to `hypot` only when it under- or
  /// overflows (libm's `hypot` is several times slower and sits in the rotation loop).
  @inline(__always)
  static func norm2(_ x: Double, _ y: Double) -> Double {
    let r = (x * x + y * y).squareRoot()
    if r.isNormal && r < 1e150 && r > 1e-150 { return r }
    return Double.hypot(x, y)
  }

  /// Writes the eigenvectors as the *columns* of the row-major `n × n` matrix `b`.
  func vectorColumns(into b: inout [Double]) {
    let n = self.n
    if b.count != n * n { b = [Double](repeating: 0, count: n * n) }
    vectorRows.withUnsafeBufferPointer { z in
      b.withUnsafeMutableBufferPointer { out in
        for k in 0..<n {
          for i in 0..<n { out[i * n + k] = z[k * n + i] }
        }
      }
    }
  }
}
