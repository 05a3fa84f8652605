public import FrontierCore

/// Standard normal deviates from a seeded xoshiro256** stream (Box–Muller, both deviates of
/// each pair used). O(1) per deviate, no allocation.
public struct NormalSource: Sendable {
  public var rng: Xoshiro256StarStar
  @usableFromInline var spare = 0.0
  @usableFromInline var hasSpare = false

  public init(seed: UInt64) { rng = Xoshiro256StarStar(seed: seed) }

  @inlinable public mutating func next() -> Double {
    if hasSpare {
      hasSpare = false
      return spare
    }
    // u1 in (0, 1]: 53-bit uniform shifted away from zero.
    let u1 = Double((rng.next() >> 11) + 1) * 0x1p-53
    let u2 = Double(rng.next() >> 11) * 0x1p-53
    let r = (-2 * qdLog(u1)).squareRoot()
    let a = 2 * Double.pi * u2
    spare = r * qdSin(a)
    hasSpare = true
    return r * qdCos(a)
  }

  /// A uniform integer in `0..<n`.
  @inlinable public mutating func index(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }
}

/// Box bounds on solutions; emitters clip to them (pyribs' `bounds`). Unbounded by default.
public struct SolutionBounds: Sendable, Hashable {
  public var lower: [Double]
  public var upper: [Double]
  public var isBounded: Bool

  public static func unbounded(_ dimension: Int) -> SolutionBounds {
    SolutionBounds(
      lower: [Double](repeating: -.infinity, count: dimension),
      upper: [Double](repeating: .infinity, count: dimension), isBounded: false)
  }

  private init(lower: [Double], upper: [Double], isBounded: Bool) {
    self.lower = lower
    self.upper = upper
    self.isBounded = isBounded
  }

  /// Throws when a lower bound is not below its upper bound or the counts differ.
  public init(lower: [Double], upper: [Double]) throws {
    guard lower.count == upper.count, !lower.isEmpty else { throw QDError("bounds need one (low, high) per dimension") }
    for i in lower.indices where !(lower[i] < upper[i]) {
      throw QDError("solution bound \(i): low \(lower[i]) is not below high \(upper[i])")
    }
    self.init(lower: lower, upper: upper, isBounded: true)
  }

  /// Clips `d` values at `x` in place.
  @inlinable public func clip(_ x: UnsafeMutablePointer<Double>, _ d: Int) {
    guard isBounded else { return }
    for j in 0..<d { x[j] = Swift.min(Swift.max(x[j], lower[j]), upper[j]) }
  }
}

/// An emitter of numeric solutions (pyribs' emitter): proposes a batch from the archive
/// (*ask*) and learns from the archive's verdict on it (*tell*).
public protocol VectorEmitter: Sendable {
  /// Solutions proposed per ask.
  var batchSize: Int { get }
  /// Values per solution.
  var dimension: Int { get }
  /// Writes `batchSize * dimension` values to `out`.
  mutating func ask<I: CellIndexer>(_ archive: Archive<I, VectorSolutions>, into out: UnsafeMutablePointer<Double>)
  /// Receives this emitter's slice of the batch: its solutions, objectives and the archive's
  /// status/value for rows `offset ..< offset + batchSize` of `result`.
  mutating func tell<I: CellIndexer>(
    _ archive: Archive<I, VectorSolutions>, solutions: UnsafePointer<Double>,
    objectives: UnsafePointer<Double>, result: AddResult, offset: Int)
  /// How many times the emitter has restarted, or nil if it never restarts (the bandit
  /// scheduler then reselects it every iteration).
  var restarts: Int? { get }
}

extension VectorEmitter {
  public var restarts: Int? { nil }
}

@usableFromInline func checkEmitter(dimension: Int, batchSize: Int, x0: [Double], sigma: Double) throws {
  guard dimension > 0 else { throw QDError("solution dimension must be positive") }
  guard batchSize > 0 else { throw QDError("batch size must be positive (got \(batchSize))") }
  guard x0.count == dimension else { throw QDError("x0 has \(x0.count) values for dimension \(dimension)") }
  guard sigma > 0, sigma.isFinite else { throw QDError("sigma must be positive and finite (got \(sigma))") }
}

/// MAP-Elites' mutation (pyribs' `GaussianEmitter`): each solution is a uniformly chosen
/// elite plus isotropic Gaussian noise of scale σ, clipped to the bounds; from `x0` while the
/// archive is empty. O(batch × dimension) per ask.
public struct GaussianEmitter: VectorEmitter {
  public let batchSize: Int
  public let dimension: Int
  public let sigma: Double
  public let x0: [Double]
  public let bounds: SolutionBounds
  public var normal: NormalSource

  public init(x0: [Double], sigma: Double, batchSize: Int, bounds: SolutionBounds? = nil, seed: UInt64) throws {
    try checkEmitter(dimension: x0.count, batchSize: batchSize, x0: x0, sigma: sigma)
    self.batchSize = batchSize
    self.dimension = x0.count
    self.sigma = sigma
    self.x0 = x0
    self.bounds = bounds ?? .unbounded(x0.count)
    normal = NormalSource(seed: seed)
  }

  @inlinable public mutating func ask<I: CellIndexer>(_ archive: Archive<I, VectorSolutions>, into out: UnsafeMutablePointer<Double>) {
    let d = dimension
    let sigma = self.sigma, bounds = self.bounds, batchSize = self.batchSize
    var normal = self.normal
    defer { self.normal = normal }
    archive.storage.values.withUnsafeBufferPointer { store in
      x0.withUnsafeBufferPointer { x0p in
        for r in 0..<batchSize {
          let parent = archive.isEmpty ? x0p.baseAddress! : store.baseAddress! + archive.randomElite(using: &normal.rng) * d
          let row = out + r * d
          for j in 0..<d { row[j] = parent[j] + sigma * normal.next() }
          bounds.clip(row, d)
        }
      }
    }
  }

  @inlinable public mutating func tell<I: CellIndexer>(
    _ archive: Archive<I, VectorSolutions>, solutions: UnsafePointer<Double>,
    objectives: UnsafePointer<Double>, result: AddResult, offset: Int
  ) {}
}

/// Line-MAP-Elites' mutation (Vassiliades & Mouret, "Discovering the elite hypervolume by
/// leveraging interspecies correlation", GECCO 2018; pyribs' `IsoLineEmitter`): for two
/// uniformly chosen elites x and y, `x + σ_iso N(0, I) + σ_line N(0, 1) (y - x)`, clipped.
/// O(batch × dimension) per ask.
public struct IsoLineEmitter: VectorEmitter {
  public let batchSize: Int
  public let dimension: Int
  public let isoSigma: Double
  public let lineSigma: Double
  public let x0: [Double]
  public let bounds: SolutionBounds
  public var normal: NormalSource

  public init(
    x0: [Double], isoSigma: Double = 0.01, lineSigma: Double = 0.2, batchSize: Int,
    bounds: SolutionBounds? = nil, seed: UInt64
  ) throws {
    try checkEmitter(dimension: x0.count, batchSize: batchSize, x0: x0, sigma: isoSigma)
    guard lineSigma >= 0, lineSigma.isFinite else { throw QDError("line sigma must be non-negative and finite") }
    self.batchSize = batchSize
    self.dimension = x0.count
    self.isoSigma = isoSigma
    self.lineSigma = lineSigma
    self.x0 = x0
    self.bounds = bounds ?? .unbounded(x0.count)
    normal = NormalSource(seed: seed)
  }

  @inlinable public mutating func ask<I: CellIndexer>(_ archive: Archive<I, VectorSolutions>, into out: UnsafeMutablePointer<Double>) {
 let d = dimension
    let isoSigma = self.isoSigma, lineSigma = self.lineSigma, bounds = self.bounds, batchSize = self.batchSize
    var normal = self.normal
    defer { self.normal = normal }
    archive.storage.values.withUnsafeBufferPointer { store in
      x0.withUnsafeBufferPointer { x0p in
        for r in 0..<batchSize {
          let x: UnsafePointer<Double>
          let y: UnsafePointer<Double>
          if archive.isEmpty {
            x = x0p.baseAddress!
            y = x
          } else {
            x = store.baseAddress! + archive.randomElite(using: &normal.rng) * d
            y = store.baseAddress! + archive.randomElite(using: &normal.rng) * d
          }
          let row = out + r * d
          for j in 0..<d { row[j] = x[j] + isoSigma * normal.next() }
          let line = lineSigma * normal.next()
          for j in 0..<d { row[j] += line * (y[j] - x[j]) }
          bounds.clip(row, d)
        }
      }
    }
  }

  @inlinable public mutating func tell<I: CellIndexer>(
    _ archive: Archive<I, VectorSolutions>, solutions: UnsafePointer<Double>,
    objectives: UnsafePointer<Double>, result: AddResult, offset: Int
  ) {}
}
