// The symmetric eigen-solver behind CMA-ES (Householder + implicit QR).

import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import RealModule
import Testing

@Suite("Symmetric eigen-solver")
struct SymmetricEigenTests {
  /// A random symmetric matrix of one of four kinds: dense, diagonal, with repeated
  /// eigenvalues (`Q diag(λ) Qᵀ` from a random reflector product), or rank-deficient.
  static func randomSymmetric(_ n: Int, kind: Int, rng: inout Xoshiro256StarStar) -> [Double] {
    var a = [Double](repeating: 0, count: n * n)
    switch kind {
    case 0:
      for i in 0..<n { for j in 0...i { let x = Double.random(in: -1...1, using: &rng); a[i * n + j] = x; a[j * n + i] = x } }
    case 1:
      for i in 0..<n { a[i * n + i] = Double(Int.random(in: -3...3, using: &rng)) }
    default:
      // Q diag(λ) Qᵀ with λ from {−1, 0, 2, 2, 2, …} (many repeats), Q a product of reflectors.
      var q = [Double](repeating: 0, count: n * n)
      for i in 0..<n { q[i * n + i] = 1 }
      for _ in 0..<3 {
        var v = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let nv = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if nv == 0 { continue }
        for i in 0..<n { v[i] /= nv }
        for i in 0..<n {
          var s = 0.0
          for k in 0..<n { s += q[i * n + k] * v[k] }
          for k in 0..<n { q[i * n + k] -= 2 * s * v[k] }
        }
      }
      let lam = (0..<n).map { i in kind == 2 ? (i % 3 == 0 ? 2.0 : (i % 3 == 1 ? -1 : 2)) : (i < n / 2 ? 0 : 5.0) }
      for i in 0..<n { for j in 0..<n { var s = 0.0; for k in 0..<n { s += q[i * n + k] * lam[k] * q[j * n + k] }; a[i * n + j] = s } }
      for i in 0..<n { for j in 0..<i { let v = 0.5 * (a[i * n + j] + a[j * n + i]); a[i * n + j] = v; a[j * n + i] = v } }
    }
    return a
  }

  static func checkDecomposition(_ a: [Double], _ e: SymmetricEigen, _ n: Int) {
    var scale = 1e-300
    for x in a { scale = max(scale, abs(x)) }
    for k in 0..<n {
      for i in 0..<n {
        var av = 0.0
        for j in 0..<n { av += a[i * n + j] * e.vectorRows[k * n + j] }
        #expect(abs(av - e.values[k] * e.vectorRows[k * n + i]) < 1e-11 * Double(n) * scale, "n \(n) k \(k) i \(i)")
      }
      for l in 0...k {
        var dot = 0.0
        for j in 0..<n { dot += e.vectorRows[k * n + j] * e.vectorRows[l * n + j] }
        #expect(abs(dot - (k == l ? 1 : 0)) < 1e-12 * Double(n), "n \(n) rows \(k), \(l): \(dot)")
      }
    }
  }

  @Test("A v = λ v and orthonormal V for random symmetric matrices, n = 1…40 (dense, diagonal, repeated eigenvalues, rank-deficient)")
  func eigenPairs() async {
    await propertyCheck(count: 40, input: Gen.uint64(), Gen.int(in: 1...40), Gen.int(in: 0...3)) { seed, n, kind in
      var rng = Xoshiro256StarStar(seed: seed)
      let a = Self.randomSymmetric(n, kind: kind, rng: &rng)
      var e = SymmetricEigen(n: n)
      e.decompose(a)
      #expect(e.converged)
      Self.checkDecomposition(a, e, n)
      // The buffers are reused: a second matrix of the same size decomposes too.
      let a2 = Self.randomSymmetric(n, kind: (kind + 1) % 4, rng: &rng)
      e.decompose(a2)
      Self.checkDecomposition(a2, e, n)
    }
  }

  /// The QR step takes a shortcut (q = x² + y², 1/q) only while no product can over- or
  /// underflow; a matrix scaled by 2^±400 (entries near 1e±120) must take the guarded step and
  /// give the scaled eigenvalues of the unscaled matrix with the same accuracy.
  @Test("matrices scaled by 2^±400 (outside the QR step's fast range) decompose like their unscaled originals")
  func extremeScales() async {
    await propertyCheck(count: 12, input: Gen.uint64(), Gen.int(in: 2...30), Gen.int(in: 0...3)) { seed, n, kind in
      var rng = Xoshiro256StarStar(seed: seed)
      let a = Self.randomSymmetric(n, kind: kind, rng: &rng)
      var plain = SymmetricEigen(n: n)
      plain.decompose(a)
      let ref = plain.values.sorted()
      for exponent in [400.0, -400.0] {
        let f = Double.pow(2, exponent)
        let scaled = a.map { $0 * f }
        var e = SymmetricEigen(n: n)
        e.decompose(scaled)
        #expect(e.converged)
        Self.checkDecomposition(scaled, e, n)
        let mine = e.values.sorted()
        let top = ref.map { abs($0) }.max() ?? 1
        for i in 0..<n { #expect(abs(mine[i] / f - ref[i]) < 1e-12 * Double(n) * max(top, 1e-300), "n \(n) 2^\(exponent) #\(i)") }
      }
    }
  }

  @Test("eigenvalues agree with the previous cyclic Jacobi solver on small matrices")
  func agreesWithJacobi() async {
    await propertyCheck(count: 30, input: Gen.uint64(), Gen.int(in: 1...12)) { seed, n in
      var rng = Xoshiro256StarStar(seed: seed)
      let a = Self.randomSymmetric(n, kind: Int(seed % 4), rng: &rng)
      var e = SymmetricEigen(n: n)
      e.decompose(a)
      var j = ReferenceJacobi(matrix: a, n: n)
      j.solve()
      let mine = e.values.sorted(), ref = j.values.sorted()
      for i in 0..<n { #expect(abs(mine[i] - ref[i]) < 1e-10 * max(1, abs(ref[i])), "n \(n): \(mine) vs \(ref)") }
      // Eigenvectors of simple eigenvalues agree up to sign.
      for k in 0..<n {
        let lam = e.values[k]
        let isolated = e.values.enumerated().allSatisfy { $0.offset == k || abs($0.element - lam) > 1e-6 }
        guard isolated, let m = (0..<n).min(by: { abs(j.values[$0] - lam) < abs(j.values[$1] - lam) }) else { continue }
        var dot = 0.0
        for i in 0..<n { dot += e.vectorRows[k * n + i] * j.vectors[i * n + m] }
        #expect(abs(abs(dot) - 1) < 1e-8, "n \(n) eigenvalue \(lam): |vᵀw| = \(abs(dot))")
      }
    }
  }

  /// A CMA-like SPD matrix `a I + Σ w_r y_r y_rᵀ` (`kind` 0; rank `k`, so eigenvalue `a`
  /// repeats `n − k` times) or `Q diag(λ) Qᵀ` with tight clusters of eigenvalues (`kind` 1:
  /// groups of 5 within 1e-9 of each other).
  static func spdOrClustered(_ n: Int, kind: Int, rng: inout Xoshiro256StarStar) -> [Double] {
    var a = [Double](repeating: 0, count: n * n)
    if kind == 0 {
      let k = Int.random(in: 1...(2 * n), using: &rng)
      for i in 0..<n { a[i * n + i] = 0.3 }
      for _ in 0..<k {
        let y = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let w = Double.random(in: 0.001...0.05, using: &rng)
        for i in 0..<n { for j in 0..<n { a[i * n + j] += w * y[i] * y[j] } }
      }
      return a
    }
    var q = [Double](repeating: 0, count: n * n)
    for i in 0..<n { q[i * n + i] = 1 }
    for _ in 0..<4 {
      var v = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
      let nv = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      for i in 0..<n { v[i] /= nv }
      for i in 0..<n {
        var s = 0.0
        for k in 0..<n { s += q[i * n + k] * v[k] }
        for k in 0..<n { q[i * n + k] -= 2 * s * v[k] }
      }
    }
    let lam: [Double] = (0..<n).map { (i: Int) -> Double in
      let group = Double(i / 5), offset = Double(i % 5)
      return 1 + group + 1e-9 * offset
    }
    for i in 0..<n { for j in 0...i { var s = 0.0; for k in 0..<n { s += q[i * n + k] * lam[k] * q[j * n + k] }; a[i * n + j] = s; a[j * n + i] = s } }
    return a
  }

  @Test("CMA-like SPD (a I + low rank) and clustered spectra up to n = 100: A V = V Λ, VᵀV = I, eigenvalues as Jacobi's")
  func spdAndClusteredAgainstJacobi() async {
    await propertyCheck(count: 6, input: Gen.uint64(), Gen.int(in: 2...100), Gen.int(in: 0...1)) { seed, n, kind in
      var rng = Xoshiro256StarStar(seed: seed)
      let a = Self.spdOrClustered(n, kind: kind, rng: &rng)
      var e = SymmetricEigen(n: n)
      e.decompose(a)
      #expect(e.converged)
      Self.checkDecomposition(a, e, n)
      var j = ReferenceJacobi(matrix: a, n: n)
      j.solve()
      let mine = e.values.sorted(), ref = j.values.sorted()
      let scale = ref.map { abs($0) }.max() ?? 1
      for i in 0..<n { #expect(abs(mine[i] - ref[i]) < 1e-12 * Double(n) * scale, "n \(n) kind \(kind) #\(i)") }
    }
    // The largest case always runs once.
    var rng = Xoshiro256StarStar(seed: 100)
    for kind in 0...1 {
      let a = Self.spdOrClustered(100, kind: kind, rng: &rng)
      var e = SymmetricEigen(n: 100)
      e.decompose(a)
      #expect(e.converged)
      Self.checkDecomposition(a, e, 100)
    }
  }

  @Test("2 × 2 and 1 × 1 closed forms; a huge-range diagonal-dominant covariance")
  func smallAndIllConditioned() {
    var e1 = SymmetricEigen(n: 1)
    e1.decompose([4])
    #expect(e1.values == [4] && e1.vectorRows == [1])
    var e2 = SymmetricEigen(n: 2)
    e2.decompose([2, 1, 1, 2])
    #expect(Set(e2.values.map { ($0 * 1e9).rounded() / 1e9 }) == [1, 3])
    // Condition 1e14, as CMA-ES may reach before its conditionCov stop.
    let n = 10
    var rng = Xoshiro256StarStar(seed: 3)
    var a = Self.randomSymmetric(n, kind: 0, rng: &rng)
    for i in 0..<n { for j in 0..<n { a[i * n + j] *= 1e-7 } }
    for i in 0..<n { a[i * n + i] = Double.pow(10, Double(i) * 14 / 9) * 1e-7 + abs(a[i * n + i]) * 10 }
    var e = SymmetricEigen(n: n)
    e.decompose(a)
    #expect(e.converged)
    Self.checkDecomposition(a, e, n)
  }
}

/// The cyclic Jacobi solver CMA-ES used before (Golub & Van Loan §8.5), kept as a test oracle.
/// `values[i]` belongs to column `i` of `vectors` (row-major `n × n`).
struct ReferenceJacobi {
  var a: [Double]
  let n: Int
  var vectors: [Double]
  var values: [Double]

  init(matrix: [Double], n: Int) {
    a = matrix
    self.n = n
    vectors = [Double](repeating: 0, count: n * n)
    for i in 0..<n { vectors[i * n + i] = 1 }
    values = [Double](repeating: 0, count: n)
  }

  mutating func solve(maxSweeps: Int = 60) {
    var total = 0.0
    for v in a { total += v * v }
    let tol = 1e-30 * Swift.max(total, 1e-300)
    for _ in 0..<maxSweeps {
      var off = 0.0
      for p in 0..<n { for q in (p + 1)..<Swift.max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
      if off <= tol { break }
      for p in 0..<(n - 1) {
        for q in (p + 1)..<n {
          let apq = a[p * n + q]
          if apq == 0 { continue }
          let app = a[p * n + p], aqq = a[q * n + q]
          let theta = (aqq - app) / (2 * apq)
          let t = (theta >= 0 ? 1 : -1) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
          let cs = 1 / (t * t + 1).squareRoot()
          let sn = t * cs
          for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = cs * akp - sn * akq
            a[k * n + q] = sn * akp + cs * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = cs * apk - sn * aqk
            a[q * n + k] = sn * apk + cs * aqk
          }
          for k in 0..<n {
            let vkp = vectors[k * n + p], vkq = vectors[k * n + q]
            vectors[k * n + p] = cs * vkp - sn * vkq
            vectors[k * n + q] = sn * vkp + cs * vkq
          }
        }
      }
    }
    for i in 0..<n { values[i] = a[i * n + i] }
  }
}
