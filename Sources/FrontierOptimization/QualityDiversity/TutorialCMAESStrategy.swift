/// ``CMAEvolutionStrategy`` (Hansen's tutorial rules) driven by an emitter's ranking: keeps the
/// row buffers the strategy's array API needs, so nothing is allocated per solution after the
/// first batch. Restarts reuse the initial step size and options. The QD emitters use
/// ``CMAESStrategy`` (pyribs' update rules) by default; this one is the alternative
/// (`--cma-rule tutorial` in the CLI).
///
/// The eigendecomposition of C is refreshed lazily, as pyribs does: only once more than
/// `0.5 λ / (n (c1 + cμ))` evaluations have passed since the last one (c1, cμ for μ = λ/2
/// log weights), i.e. every ``eigenGap`` generations (3 for n = 100, λ = 36).
public struct TutorialCMAESStrategy: RankedEvolutionStrategy {
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
    es.sample(count: count, into: out, normal: &normal)
  }

  public mutating func update(solutions: UnsafePointer<Double>, count: Int, ranking: [Int], parents: Int) {
    guard parents > 0 else { return }
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

  /// Eigendecomposition of C (``SymmetricEigen``: Householder tridiagonalisation, implicit QR
  /// with Wilkinson shifts, buffers reused across calls) into the strategy's B and D.
  /// - Complexity: `O(n³)`.
  mutating func refreshEigen() {
    es.refreshEigen()
  }

  public var hasConverged: Bool { es.stopReason != nil }

  public mutating func restart(mean: [Double]) {
    if let fresh = try? CMAEvolutionStrategy(mean: mean, sigma: es.initialSigma, options: es.options) {
      es = fresh
      lastRefresh = 0
    }
  }
}
