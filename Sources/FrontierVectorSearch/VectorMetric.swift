public import CFrontierKernels

/// How two vectors are compared. Every index reports a *distance*: smaller is nearer.
///
/// - `l2`: squared Euclidean distance.
/// - `innerProduct`: `1 - a·b` (hnswlib's convention; may be negative).
/// - `cosine`: vectors and queries are normalised to unit length when they enter, then
///   `1 - a·b`. A zero vector has no direction and is refused.
public enum VectorMetric: String, Sendable, Hashable, CaseIterable {
  case l2
  case innerProduct = "ip"
  case cosine

  @usableFromInline internal var code: UInt32 {
    switch self {
    case .l2: return 0
    case .innerProduct: return 1
    case .cosine: return 2
    }
  }

  internal init?(code: UInt32) {
    switch code {
    case 0: self = .l2
    case 1: self = .innerProduct
    case 2: self = .cosine
    default: return nil
    }
  }
}

// MARK: - Kernels

/// A distance between two rows of `count` floats, specialised per metric so hot loops are
/// generic over the kernel rather than switching on the metric per pair.
@usableFromInline internal protocol DistanceKernel {
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float
  /// Distances from `q` to four rows at once: four independent load streams let the memory
  /// latency of graph neighbours overlap (the role prefetching plays in C implementations).
  static func distance4(
    _ q: UnsafePointer<Float>, _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
    _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>, _ count: Int
  ) -> SIMD4<Float>
  /// Code of the metric in `frontier_rows_by_id_f32` (0: squared L2, 1: `1 - a·b`).
  static var rowsKind: Int32 { get }
}

/// Squared Euclidean distance.
@usableFromInline internal enum L2Kernel: DistanceKernel {
  @inlinable static var rowsKind: Int32 { 0 }
  @inlinable @inline(__always)
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    frontier_l2sq_f32(a, b, count)
  }
  @inlinable @inline(__always)
  static func distance4(
    _ q: UnsafePointer<Float>, _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
    _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>, _ count: Int
  ) -> SIMD4<Float> {
    fourRowsC(q, r0, r1, r2, r3, count, squared: true)
  }
}

/// `1 - a·b` (inner product and cosine on unit vectors).
@usableFromInline internal enum DotKernel: DistanceKernel {
  @inlinable static var rowsKind: Int32 { 1 }
  @inlinable @inline(__always)
  static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    1 - frontier_dot_f32(a, b, count)
  }
  @inlinable @inline(__always)
  static func distance4(
    _ q: UnsafePointer<Float>, _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
    _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>, _ count: Int
  ) -> SIMD4<Float> {
    1 - fourRowsC(q, r0, r1, r2, r3, count, squared: false)
  }
}

/// The four-row kernel of `CFrontierKernels` (AVX-512 / AVX2 / baseline chosen at load time).
@inlinable @inline(__always)
internal func fourRowsC(
  _ q: UnsafePointer<Float>, _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
  _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>, _ count: Int, squared: Bool
) -> SIMD4<Float> {
  var out = SIMD4<Float>()
  withUnsafeMutableBytes(of: &out) { raw in
    frontier_four_rows_f32(
      q, r0, r1, r2, r3, count, squared ? 1 : 0, raw.baseAddress!.assumingMemoryBound(to: Float.self))
  }
  return out
}

/// The SIMD instruction set the distance kernels run with on this machine.
public var vectorKernelVariant: String { String(cString: frontier_kernel_variant()) }

/// The distance between two vectors under `metric` (for tests and one-off use; indexes use
/// the specialised kernels). Cosine assumes both are already unit length.
public func vectorDistance(_ a: [Float], _ b: [Float], metric: VectorMetric) -> Float {
  precondition(a.count == b.count, "vectorDistance: dimensions differ (\(a.count) vs \(b.count))")
  return a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
      switch metric {
      case .l2: return L2Kernel.distance(x, y, a.count)
      case .innerProduct, .cosine: return DotKernel.distance(x, y, a.count)
      }
    }
  }
}

// MARK: - Validation

/// Checks a vector's dimension and components, and normalises it under cosine.
/// `role` names it in errors ("query", "vector 17").
@usableFromInline
internal func prepareVector(
  _ v: UnsafeBufferPointer<Float>, dimension: Int, metric: VectorMetric, role: String,
  into out: inout ContiguousArray<Float>
) throws(VectorSearchError) {
  guard v.count == dimension else {
    throw VectorSearchError(
      .dimensionMismatch, "\(role) has dimension \(v.count), but the index has dimension \(dimension)")
  }
  var norm2: Float = 0
  for i in 0..<v.count {
    let x = v[i]
    guard x.isFinite else {
      throw VectorSearchError(.nonFiniteComponent, "\(role) has a non-finite component \(x) at index \(i)")
    }
    norm2 += x * x
  }
  let start = out.count
  out.append(contentsOf: v)
  if metric == .cosine {
    guard norm2 > 0, norm2.isFinite else {
      out.removeSubrange(start...)
      throw VectorSearchError(
        .zeroVector,
        norm2 > 0 ? "\(role) is too large to normalise" : "\(role) is a zero vector, which has no direction under cosine")
    }
    let inv = 1 / norm2.squareRoot()
    for i in start..<out.count { out[i] *= inv }
  }
}
