public import FrontierCore

/// Standard normal deviates from a seeded xoshiro256** stream by the ziggurat method
/// (Marsaglia & Tsang, "The ziggurat method for generating random variables", J. Stat. Softw.
/// 2000, in Doornik's 2005 formulation with 128 layers and an exact tail). About 99% of
/// draws take one 64-bit random number, one multiply and one compare; no allocation.
public struct NormalSource: Sendable {
  public var rng: Xoshiro256StarStar
  /// Layer edges `x[0...128]` (x[0] is the base strip's pseudo-width, x[128] = 0).
  @usableFromInline let edge: [Double]
  /// `edge[i+1] / edge[i]`: below it a point of layer i is inside the curve for sure.
  @usableFromInline let ratio: [Double]
  @usableFromInline static let r = 3.442619855899
  @usableFromInline static let layers = 128

  public init(seed: UInt64) {
    rng = Xoshiro256StarStar(seed: seed)
    let n = Self.layers
    let r = Self.r
    let v = 9.91256303526217e-3
    var x = [Double](repeating: 0, count: n + 1)
    func f(_ t: Double) -> Double { qdExp(-0.5 * t * t) }
    x[0] = v / f(r)
    x[1] = r
    for i in 2..<n { x[i] = (-2 * qdLog(v / x[i - 1] + f(x[i - 1]))).squareRoot() }
    x[n] = 0
    edge = x
    ratio = (0..<n).map { x[$0 + 1] / x[$0] }
  }

  @inlinable @inline(__always) mutating func uniform01() -> Double { Double(rng.next() >> 11) * 0x1p-53 }

  @inlinable public mutating func next() -> Double { draw(from: rng.next()) }

  /// The ziggurat draw whose first 64 random bits are `bits` (more are taken from the stream
  /// if the first point is rejected).
  @usableFromInline mutating func draw(from bits: UInt64) -> Double {
    var bits = bits
    while true {
      let u = Double(bits >> 11) * 0x1p-52 - 1  // uniform in [-1, 1)
      let i = Int(bits & 127)
      if abs(u) < ratio[i] { return u * edge[i] }
      if i == 0 { return tail(negative: u < 0) }
      let x = u * edge[i]
      let f0 = qdExp(-0.5 * (edge[i] * edge[i] - x * x))
      let f1 = qdExp(-0.5 * (edge[i + 1] * edge[i + 1] - x * x))
      if f1 + uniform01() * (f0 - f1) < 1 { return x }
      bits = rng.next()
    }
  }

  @usableFromInline mutating func tail(negative: Bool) -> Double {
    var x = 0.0, y = 0.0
    repeat {
      x = qdLog(1 - uniform01()) / Self.r
      y = qdLog(1 - uniform01())
    } while -2 * y < x * x
    return negative ? x - Self.r : Self.r - x
  }

  /// Writes `count` standard normals to `out`, the values `count` calls of ``next()`` return.
  /// The common case (one random word, inside the layer's rectangle) is inlined here on the
  /// tables' raw pointers; the rest goes through ``draw(from:)``.
  /// - Complexity: `O(count)`.
  @inlinable public mutating func fill(_ out: UnsafeMutablePointer<Double>, count: Int) {
    let edge = self.edge, ratio = self.ratio
    edge.withUnsafeBufferPointer { e in
      ratio.withUnsafeBufferPointer { q in
        for k in 0..<count {
          let bits = rng.next()
          let u = Double(bits >> 11) * 0x1p-52 - 1
          let i = Int(bits & 127)
          out[k] = abs(u) < q[i] ? u * e[i] : draw(from: bits)
        }
      }
    }
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
          normal.fill(row, count: d)  // the same values as d calls of next(), fast path inlined
          for j in 0..<d { row[j] = parent[j] + sigma * row[j] }
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
          normal.fill(row, count: d)
          for j in 0..<d { row[j] = x[j] + isoSigma * row[j] }
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
