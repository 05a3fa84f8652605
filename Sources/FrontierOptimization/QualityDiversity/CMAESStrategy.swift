/// ``CMAEvolutionStrategy`` driven by an emitter's ranking (CMA-ME / CMA-MAE): keeps the row
/// buffers the strategy's array API needs, so nothing is allocated per solution after the
/// first batch. Restarts reuse the initial step size and options.
///
/// The eigendecomposition of C is refreshed lazily, as pyribs does: only once more than
/// `0.5 λ / (n (c1 + cμ))` evaluations have passed since the last one (c1, cμ for μ = λ/2
/// log weights), i.e. every ``eigenGap`` generations (3 for n = 100, λ = 36).
public struct CMAESStrategy: RankedEvolutionStrategy {
  public private(set) var es: CMAEvolutionStrategy
  @usableFromInline var rows: [[Double]]
  /// Generations between eigendecompositions.
  public let eigenGap: Int
  var lastRefresh = 0

  /// A CMA-ES of population `batchSize` at `x0` with step size `sigma`; optional box bounds
  /// (resampled, then clipped). Throws ``QDError`` for bad settings.
  public init(x0: [Double], sigma: Double, batchSize: Int, lower: [Double]? = nil, upper: [Double]? = nil) throws {
    guard batchSize >= 2 else { throw QDError("CMA-ES needs a batch of at least 2 (got \(batchSize))") }
    do {
      es = try CMAEvolutionStrategy(
        mean: x0, sigma: sigma,
        options: .init(populationSize: batchSize, lowerBounds: lower, upperBounds: upper, tolX: 1e-11))
    } catch { throw QDError("CMA-ES: \(error)") }
    rows = [[Double]](repeating: [Double](repeating: 0, count: x0.count), count: batchSize)
    let n = Double(x0.count), mu = batchSize / 2
    var sw = 0.0, sw2 = 0.0
    for i in 1...max(mu, 1) {
      let w = qdLog(Double(mu) + 0.5) - qdLog(Double(i))
      sw += w
      sw2 += w * w
    }
    let muEff = sw * sw / sw2
    let c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff)
    let cMu = min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff))
    let gapEvals = 0.5 * n * Double(batchSize) / (c1 + cMu) / (n * n)
    eigenGap = Int(gapEvals / Double(batchSize)) + 1
  }

  public var dimension: Int { es.dimension }

  public mutating func sample(count: Int, into out: UnsafeMutablePointer<Double>, using normal: inout NormalSource) {
    let n = dimension
    for r in 0..<count {
      es.sampleOne(into: &rows[r], using: &normal.rng)
      rows[r].withUnsafeBufferPointer { (out + r * n).update(from: $0.baseAddress!, count: n) }
    }
  }

  public mutating func update(solutions: UnsafePointer<Double>, count: Int, ranking: [Int], parents: Int) {
    let n = dimension
    for r in 0..<count {
      rows[r].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: solutions + r * n, count: n) }
    }
    // Told solutions are finite (the archive rejected nothing we pass on) and the ranking is a
    // permutation; a failure here would be a bug, so it restarts the strategy instead.
    // The strategy's own refresh is suppressed; ours runs every `eigenGap` generations.
    es.eigenGeneration = es.generation + 1
    do { try es.tell(solutions: rows, ranking: ranking, parentCount: parents) } catch { restart(mean: es.mean) }
    if es.generation - lastRefresh >= eigenGap {
      refreshEigen()
      lastRefresh = es.generation
    }
  }

  /// Eigendecomposition of C warm-started from the current eigenbasis B: Jacobi sweeps on the
  /// nearly diagonal `Bᵀ C B` (a few sweeps instead of many from scratch), then `B ← B V`.
  /// O(n³) with a small constant.
  mutating func refreshEigen() {
    let n = dimension
    // M = Bᵀ (C B), symmetrised.
    let cb = Self.multiply(es.c, es.b, n)
    var bt = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { bt[j * n + i] = es.b[i * n + j] } }
    var m = Self.multiply(bt, cb, n)
    for i in 0..<n {
      for j in 0..<i {
        let v = 0.5 * (m[i * n + j] + m[j * n + i])
        m[i * n + j] = v
        m[j * n + i] = v
      }
    }
    var vt = [Double](repeating: 0, count: n * n)  // eigenvectors of M as rows
    for i in 0..<n { vt[i * n + i] = 1 }
    Self.jacobi(&m, &vt, n)
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { v[j * n + i] = vt[i * n + j] } }
    es.b = Self.multiply(es.b, v, n)
    for i in 0..<n { es.d[i] = max(m[i * n + i], 1e-300).squareRoot() }
    es.eigenGeneration = es.generation
  }

  /// Cyclic Jacobi (Rutishauser's rotation formulas) on a symmetric row-major matrix `a`,
  /// accumulating the rotations into the rows of `vt`. Suited to nearly diagonal input (a
  /// warm start): rotations are skipped when `|a_pq|` is negligible against the diagonal, and
  /// the sweeps stop when none is left. Row updates are contiguous. O(n³) per sweep.
  static func jacobi(_ a: inout [Double], _ vt: inout [Double], _ n: Int, maxSweeps: Int = 30) {
    a.withUnsafeMutableBufferPointer { ab in
      vt.withUnsafeMutableBufferPointer { vb in
        let a = ab.baseAddress!, v = vb.baseAddress!
        for _ in 0..<maxSweeps {
          var rotated = false
          for p in 0..<(n - 1) {
            for q in (p + 1)..<n {
              let apq = a[p * n + q]
              let app = a[p * n + p], aqq = a[q * n + q]
              if abs(apq) <= 1e-15 * (abs(app) * abs(aqq)).squareRoot() || apq == 0 { continue }
              rotated = true
              let theta = (aqq - app) / (2 * apq)
              let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
              let c = 1 / (t * t + 1).squareRoot()
              let s = t * c
              // Rows p and q (contiguous), then mirror into columns p and q.
              for k in 0..<n {
                let akp = a[p * n + k], akq = a[q * n + k]
                a[p * n + k] = c * akp - s * akq
                a[q * n + k] = s * akp + c * akq
              }
              for k in 0..<n {
                a[k * n + p] = a[p * n + k]
                a[k * n + q] = a[q * n + k]
              }
              a[p * n + p] = app - t * apq
              a[q * n + q] = aqq + t * apq
              a[p * n + q] = 0
              a[q * n + p] = 0
              for k in 0..<n {
                let vp = v[p * n + k], vq = v[q * n + k]
                v[p * n + k] = c * vp - s * vq
                v[q * n + k] = s * vp + c * vq
              }
            }
          }
          if !rotated { break }
        }
      }
    }
  }

  /// `x · y` for row-major `n × n` matrices (i-k-j order: contiguous inner loop).
  static func multiply(_ x: [Double], _ y: [Double], _ n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n * n)
    x.withUnsafeBufferPointer { x in
      y.withUnsafeBufferPointer { y in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<n {
            for k in 0..<n {
              let xik = x[i * n + k]
              for j in 0..<n { o[i * n + j] += xik * y[k * n + j] }
            }
          }
        }
      }
    }
    return out
  }

  public var hasConverged: Bool { es.stopReason != nil }

  public mutating func restart(mean: [Double]) {
    if let fresh = try? CMAEvolutionStrategy(mean: mean, sigma: es.initialSigma, options: es.options) {
      es = fresh
      lastRefresh = 0
    }
  }
}
