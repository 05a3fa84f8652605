// The CMA-ES kernels (CFrontierKernels, per-ISA clones) against naive Swift references.

import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import Testing

@Suite("CMA-ES kernels")
struct CMAKernelTests {
  static func uniform(_ count: Int, _ rng: inout Xoshiro256StarStar) -> [Double] {
    (0..<count).map { _ in Double.random(in: -1...1, using: &rng) }
  }

  @Test("batched sampling equals mean + σ Σ_j z_j v_j (n = 1…40, 1…13 rows)")
  func sampleMatchesNaive() async {
    await propertyCheck(count: 60, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = Int.random(in: 1...40, using: &rng), rows = Int.random(in: 1...13, using: &rng)
      let ld = (n + 7) / 8 * 8
      var v = [Double](repeating: 0, count: n * ld)
      for j in 0..<n { for i in 0..<n { v[j * ld + i] = Double.random(in: -1...1, using: &rng) } }
      let z = Self.uniform(rows * n, &rng)
      var mean = [Double](repeating: 0, count: ld)
      for i in 0..<n { mean[i] = Double.random(in: -2...2, using: &rng) }
      let sigma = Double.random(in: 0.1...3, using: &rng)
      var x = [Double](repeating: .nan, count: rows * ld)
      v.withUnsafeBufferPointer { vp in
        z.withUnsafeBufferPointer { zp in
          mean.withUnsafeBufferPointer { mp in
            x.withUnsafeMutableBufferPointer { xp in
              CMAKernels.sample(
                n: n, rows: rows, v: vp.baseAddress!, ld: ld, z: zp.baseAddress!, ldz: n, mean: mp.baseAddress!,
                sigma: sigma, x: xp.baseAddress!)
            }
          }
        }
      }
      for k in 0..<rows {
        for i in 0..<n {
          var s = 0.0
          for j in 0..<n { s += z[k * n + j] * v[j * ld + i] }
          #expect(abs(x[k * ld + i] - (mean[i] + sigma * s)) <= 1e-12 * Double(n), "n \(n) row \(k) col \(i)")
        }
      }
    }
  }

  @Test("lower-triangle rank-k update equals decay C + Σ_r w_r y_r y_rᵀ and leaves the upper triangle")
  func syrkMatchesNaive() async {
    await propertyCheck(count: 60, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = Int.random(in: 1...45, using: &rng), k = Int.random(in: 1...20, using: &rng)
      let c0 = Self.uniform(n * n, &rng), y = Self.uniform(k * n, &rng), w = Self.uniform(k, &rng)
      let decay = Double.random(in: 0.5...1, using: &rng)
      var c = c0
      w.withUnsafeBufferPointer { wp in
        y.withUnsafeBufferPointer { yp in
          c.withUnsafeMutableBufferPointer { cp in
            CMAKernels.syrkLower(
              n: n, k: k, decay: decay, w: wp.baseAddress!, y: yp.baseAddress!, ldy: n, c: cp.baseAddress!, ldc: n)
          }
        }
      }
      for i in 0..<n {
        for j in 0..<n {
          if j > i {
            #expect(c[i * n + j] == c0[i * n + j])
            continue
          }
          var ref = decay * c0[i * n + j]
          for r in 0..<k { ref += w[r] * y[r * n + i] * y[r * n + j] }
          #expect(abs(c[i * n + j] - ref) <= 1e-12 * Double(k + 1), "n \(n) k \(k) (\(i), \(j))")
        }
      }
    }
  }

  @Test("the strategy's batched sample is m + σ B D z with the NormalSource's normals in row order")
  func strategyBatchMatchesDefinition() async throws {
    await propertyCheck(count: 15, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = Int.random(in: 2...30, using: &rng), lambda = Int.random(in: 4...12, using: &rng)
      guard var es = try? CMAEvolutionStrategy(
        mean: Self.uniform(n, &rng), sigma: 0.7, options: .init(populationSize: lambda))
      else {
        Issue.record("strategy")
        return
      }
      // A few generations so that B and D are not the identity.
      var normal = NormalSource(seed: seed)
      var flat = [Double](repeating: 0, count: lambda * n)
      for _ in 0..<6 {
        flat.withUnsafeMutableBufferPointer { es.sample(count: lambda, into: $0.baseAddress!, normal: &normal) }
        let sols = (0..<lambda).map { Array(flat[($0 * n)..<($0 * n + n)]) }
        try? es.tell(solutions: sols, fitness: sols.map { $0.reduce(0) { $0 + $1 * $1 } })
        es.refreshEigen()
      }
      var copy = normal
      flat.withUnsafeMutableBufferPointer { es.sample(count: lambda, into: $0.baseAddress!, normal: &normal) }
      for k in 0..<lambda {
        var z = [Double](repeating: 0, count: n)
        for j in 0..<n { z[j] = copy.next() }
        for i in 0..<n {
          var s = 0.0
          for j in 0..<n { s += es.b[i * n + j] * es.d[j] * z[j] }
          #expect(abs(flat[k * n + i] - (es.mean[i] + es.sigma * s)) <= 1e-10, "n \(n) k \(k) i \(i)")
        }
      }
    }
  }
}
