/// ``CMAEvolutionStrategy`` driven by an emitter's ranking (CMA-ME / CMA-MAE): keeps the row
/// buffers the strategy's array API needs, so nothing is allocated per solution after the
/// first batch. Restarts reuse the initial step size and options.
public struct CMAESStrategy: RankedEvolutionStrategy {
  public private(set) var es: CMAEvolutionStrategy
  @usableFromInline var rows: [[Double]]

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
    do { try es.tell(solutions: rows, ranking: ranking, parentCount: parents) } catch { restart(mean: es.mean) }
  }

  public var hasConverged: Bool { es.stopReason != nil }

  public mutating func restart(mean: [Double]) {
    if let fresh = try? CMAEvolutionStrategy(mean: mean, sigma: es.initialSigma, options: es.options) { es = fresh }
  }
}
