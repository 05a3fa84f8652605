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
}

/// Squared Euclidean distance.
@usableFromInline internal enum L2Kernel: DistanceKernel {
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

/// `q·r_i` (or `|q - r_i|²` when `squared`) for four rows, SIMD16 per row, then SIMD8 and
/// a scalar tail. Each row's sum is accumulated in the same order as the one-row kernels'
/// would not be, so results may differ from them in the last bits.
@inlinable @inline(__always)
internal func fourRows(
  _ q: UnsafePointer<Float>, _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
  _ r2: UnsafePointer<Float>, _ r3: UnsafePointer<Float>, _ count: Int, squared: Bool
) -> SIMD4<Float> {
  let rq = UnsafeRawPointer(q)
  let p0 = UnsafeRawPointer(r0), p1 = UnsafeRawPointer(r1), p2 = UnsafeRawPointer(r2), p3 = UnsafeRawPointer(r3)
  var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
  var i = 0
  while i &+ 16 <= count {
    let o = i &* 4
    let x = rq.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    let y0 = p0.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    let y1 = p1.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    let y2 = p2.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    let y3 = p3.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    if squared {
      let d0 = x - y0, d1 = x - y1, d2 = x - y2, d3 = x - y3
      a0 += d0 * d0
      a1 += d1 * d1
      a2 += d2 * d2
      a3 += d3 * d3
    } else {
      a0 += x * y0
      a1 += x * y1
      a2 += x * y2
      a3 += x * y3
    }
    i &+= 16
  }
  var out = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
  while i < count {
    let x = q[i]
    if squared {
      let d = SIMD4<Float>(x - r0[i], x - r1[i], x - r2[i], x - r3[i])
      out += d * d
    } else {
      out += x * SIMD4<Float>(r0[i], r1[i], r2[i], r3[i])
    }
    i &+= 1
  }
  return out
}

/// `a·b` over `count` floats: two SIMD16 accumulators (32 floats per step), then SIMD8,
/// then a scalar tail. No allocation; unaligned loads.
@inlinable @inline(__always)
internal func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
  let ra = UnsafeRawPointer(a)
  let rb = UnsafeRawPointer(b)
  var s0 = SIMD16<Float>()
  var s1 = SIMD16<Float>()
  var i = 0
  while i &+ 32 <= count {
    let o = i &* 4
    s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
      * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    s1 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
      * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
    i &+= 32
  }
  if i &+ 16 <= count {
    let o = i &* 4
    s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
      * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    i &+= 16
  }
  s0 += s1
  var s8 = s0.lowHalf + s0.highHalf
  if i &+ 8 <= count {
    let o = i &* 4
    s8 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
      * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
    i &+= 8
  }
  var r = s8.sum()
  while i < count {
    r += a[i] * b[i]
    i &+= 1
  }
  return r
}

/// `|a - b|²` over `count` floats, with the same blocking as ``dotProduct(_:_:_:)``.
@inlinable @inline(__always)
internal func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
  let ra = UnsafeRawPointer(a)
  let rb = UnsafeRawPointer(b)
  var s0 = SIMD16<Float>()
  var s1 = SIMD16<Float>()
  var i = 0
  while i &+ 32 <= count {
    let o = i &* 4
    let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
      - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    let d1 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
      - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
    s0 += d0 * d0
    s1 += d1 * d1
    i &+= 32
  }
  if i &+ 16 <= count {
    let o = i &* 4
    let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
      - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
    s0 += d0 * d0
    i &+= 16
  }
  s0 += s1
  var s8 = s0.lowHalf + s0.highHalf
  if i &+ 8 <= count {
    let o = i &* 4
    let d = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
      - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
    s8 += d * d
    i &+= 8
  }
  var r = s8.sum()
  while i < count {
    let d = a[i] - b[i]
    r += d * d
    i &+= 1
  }
  return r
}

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
