import FrontierCore
import RealModule

// libm through swift-numerics, callable from @inlinable code (RealModule is imported
// internally).
@usableFromInline func powImpl(_ x: Double, _ k: Double) -> Double { Double.pow(x, k) }
@usableFromInline func qdLog(_ x: Double) -> Double { Double.log(x) }
@usableFromInline func qdSin(_ x: Double) -> Double { Double.sin(x) }
@usableFromInline func qdCos(_ x: Double) -> Double { Double.cos(x) }
@usableFromInline func qdExp(_ x: Double) -> Double { Double.exp(x) }

/// The cells of a CVT archive: a set of centroids in measure space, each point belonging to
/// its nearest centroid (Euclidean). Lookups use a k-d tree (Bentley 1975), exact.
///
/// Centroids come from a file (``init(centroids:dimension:ranges:)``) or from seeded k-means
/// (Lloyd) over uniform samples of the measure box (``kMeans(cells:ranges:samples:iterations:seed:)``),
/// as pyribs' `CVTArchive` does (Vassiliades et al., "Using centroidal Voronoi tessellations
/// to scale up the multidimensional archive of phenotypic elites algorithm", IEEE TEVC 2018).
///
/// Complexity: build O(k log² k); lookup O(log k) expected for low-dimensional measures.
public struct CentroidIndex: CellIndexer, Hashable {
  /// Flat centroids, `cellCount * measureCount` values.
  public let centroids: [Double]
  public let measureCount: Int
  public let cellCount: Int
  public let lower: [Double]
  public let upper: [Double]
  // k-d tree: node i holds centroid `order[i]`, split on `axis[i]`; children implicit in the
  // sorted layout (median at the middle of the range).
  @usableFromInline let order: [Int32]
  @usableFromInline let axis: [UInt8]

  /// Centroids given as flat values (`dimension` per centroid). Throws when the count is not
  /// a multiple of `dimension`, when `dimension` does not match `ranges`, or on non-finite
  /// values.
  public init(centroids: [Double], dimension: Int, ranges: [(Double, Double)]) throws {
    guard dimension > 0, dimension == ranges.count else {
      throw QDError("centroids have dimension \(dimension) but the measure space has \(ranges.count) measures")
    }
    guard !centroids.isEmpty else { throw QDError("the archive has zero cells (no centroids)") }
    guard centroids.count % dimension == 0 else {
      throw QDError("\(centroids.count) centroid values is not a multiple of the dimension \(dimension)")
    }
    guard centroids.allSatisfy(\.isFinite) else { throw QDError("centroids must be finite") }
    for (i, r) in ranges.enumerated() where !(r.0 < r.1) {
      throw QDError("measure \(i): lower bound \(r.0) is not below upper bound \(r.1)")
    }
    self.centroids = centroids
    self.measureCount = dimension
    self.cellCount = centroids.count / dimension
    self.lower = ranges.map(\.0)
    self.upper = ranges.map(\.1)
    var ord = (0..<Int32(centroids.count / dimension)).map { $0 }
    var ax = [UInt8](repeating: 0, count: ord.count)
    Self.build(&ord, &ax, 0, ord.count, centroids, dimension)
    order = ord
    axis = ax
  }

  /// Seeded k-means (Lloyd's algorithm, `iterations` rounds) over `samples` uniform points of
  /// the box `ranges`, initialised with `cells` distinct samples. O(iterations × samples × log cells).
  public static func kMeans(
    cells: Int, ranges: [(Double, Double)], samples: Int = 0, iterations: Int = 20, seed: UInt64 = 0
  ) throws -> CentroidIndex {
    guard cells > 0 else { throw QDError("the archive has zero cells") }
    let d = ranges.count
    guard d > 0 else { throw QDError("the measure space needs at least one measure") }
    for (i, r) in ranges.enumerated() where !(r.0 < r.1 && r.0.isFinite && r.1.isFinite) {
      throw QDError("measure \(i): lower bound \(r.0) is not below upper bound \(r.1)")
    }
    let n = max(samples > 0 ? samples : cells * 20, cells)
    var rng = Xoshiro256StarStar(seed: seed)
    var pts = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
      for j in 0..<d { pts[i * d + j] = ranges[j].0 + (ranges[j].1 - ranges[j].0) * Double.random(in: 0..<1, using: &rng) }
    }
    var cent = Array(pts[0..<(cells * d)])
    var sums = [Double](repeating: 0, count: cells * d)
    var counts = [Int](repeating: 0, count: cells)
    for _ in 0..<iterations {
      let index = try CentroidIndex(centroids: cent, dimension: d, ranges: ranges)
      for k in 0..<sums.count { sums[k] = 0 }
      for k in 0..<cells { counts[k] = 0 }
      pts.withUnsafeBufferPointer { p in
        for i in 0..<n {
          let c = index.cell(of: p.baseAddress! + i * d)
          counts[c] += 1
          for j in 0..<d { sums[c * d + j] += p[i * d + j] }
        }
      }
      for c in 0..<cells where counts[c] > 0 {
        for j in 0..<d { cent[c * d + j] = sums[c * d + j] / Double(counts[c]) }
      }
    }
    return try CentroidIndex(centroids: cent, dimension: d, ranges: ranges)
  }

  private static func build(_ ord: inout [Int32], _ ax: inout [UInt8], _ lo: Int, _ hi: Int, _ c: [Double], _ d: Int) {
    guard hi - lo > 1 else { return }
    // Split on the axis of largest spread.
    var best = 0
    var bestSpread = -1.0
    for j in 0..<d {
      var mn = Double.infinity, mx = -Double.infinity
      for i in lo..<hi {
        let v = c[Int(ord[i]) * d + j]
        mn = min(mn, v)
        mx = max(mx, v)
      }
      if mx - mn > bestSpread { bestSpread = mx - mn; best = j }
    }
    ord[lo..<hi].sort { c[Int($0) * d + best] < c[Int($1) * d + best] }
    let mid = (lo + hi) / 2
    ax[mid] = UInt8(best)
    build(&ord, &ax, lo, mid, c, d)
    build(&ord, &ax, mid + 1, hi, c, d)
  }

  @inlinable public func cell(of m: UnsafePointer<Double>) -> Int {
    var bestD = Double.infinity
    var best = 0
    centroids.withUnsafeBufferPointer { c in
      search(m, c.baseAddress!, 0, order.count, &best, &bestD)
    }
    return best
  }

  @inlinable func search(
    _ m: UnsafePointer<Double>, _ c: UnsafePointer<Double>, _ lo: Int, _ hi: Int, _ best: inout Int,
    _ bestD: inout Double
  ) {
    guard lo < hi else { return }
    let mid = (lo + hi) / 2
    let id = Int(order[mid])
    let d = measureCount
    var dist = 0.0
    for j in 0..<d {
      let t = m[j] - c[id * d + j]
      dist += t * t
    }
    if dist < bestD || (dist == bestD && id < best) { bestD = dist; best = id }
    guard hi - lo > 1 else { return }
    let a = Int(axis[mid])
    let diff = m[a] - c[id * d + a]
    if diff < 0 {
      search(m, c, lo, mid, &best, &bestD)
      if diff * diff <= bestD { search(m, c, mid + 1, hi, &best, &bestD) }
    } else {
      search(m, c, mid + 1, hi, &best, &bestD)
      if diff * diff <= bestD { search(m, c, lo, mid, &best, &bestD) }
    }
  }

  /// The nearest centroid by scanning all of them (the oracle for the k-d tree). O(k).
  public func bruteForceCell(of m: [Double]) -> Int {
    var best = 0
    var bestD = Double.infinity
    for id in 0..<cellCount {
      var dist = 0.0
      for j in 0..<measureCount {
        let t = m[j] - centroids[id * measureCount + j]
        dist += t * t
      }
      if dist < bestD { bestD = dist; best = id }
    }
    return best
  }

  public static func == (a: CentroidIndex, b: CentroidIndex) -> Bool {
    a.centroids == b.centroids && a.measureCount == b.measureCount
  }
  public func hash(into h: inout Hasher) { h.combine(centroids) }
}
