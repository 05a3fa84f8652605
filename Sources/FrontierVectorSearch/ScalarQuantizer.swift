import CFrontierKernels

/// How an index stores a second, compact copy of its vectors for the graph walk.
///
/// - `none`: the walk computes float distances.
/// - `int8`: one unsigned byte per component (``ScalarQuantizer``, per-dimension scale and
///   offset learned from the vectors); the walk computes approximate distances on the bytes
///   with an 8-bit integer kernel (AVX-512 VNNI where available), then the final beam is
///   re-ranked with exact float distances. The float vectors stay (the graph is built on
///   them and results report exact distances); memory grows by `d` bytes per vector.
public enum VectorQuantization: String, Sendable, Hashable, CaseIterable {
  case none
  case int8

  internal var code: UInt32 { self == .none ? 0 : 1 }
  internal init?(code: UInt32) {
    switch code {
    case 0: self = .none
    case 1: self = .int8
    default: return nil
    }
  }
}

/// Per-dimension uniform 8-bit quantisation (the "SQ8" of faiss's `ScalarQuantizer`
/// with min/max ranges): component `j` of a row is stored as
/// `c = round((x - lo[j]) / step[j])` clamped to `0...255` and read back as
/// `lo[j] + c · step[j]`, where `lo` and `lo + 255·step` are the minimum and maximum of that
/// component over the training rows. Inside the trained range the read-back error is at most
/// `step[j] / 2` per component; rows added later that fall outside it are clamped.
///
/// A query `q` is turned into signed 8-bit weights for the integer kernel: with
/// `w[j] = q[j] · step[j]` and `s = max|w| / 127`, `qi[j] = round(w[j] / s)`, so
/// `q · x̂ = Σ q[j]·lo[j] + Σ w[j]·c[j] ≈ base + s · Σ qi[j]·c[j]`. Under L2 the distance is
/// `|q|² − 2 q·x̂ + |x̂|²` with `|x̂|²` stored per row.
internal struct ScalarQuantizer: Sendable, Equatable {
  let dimension: Int
  /// Lower end of each component's range.
  var lo: ContiguousArray<Float>
  /// Width of one code step of each component (> 0).
  var step: ContiguousArray<Float>

  /// Learns the ranges from `rows` rows of `dimension` floats.
  /// - Precondition: `rows > 0`.
  static func train(_ values: UnsafeBufferPointer<Float>, dimension d: Int, rows: Int) -> ScalarQuantizer {
    precondition(rows > 0 && values.count >= rows * d, "training needs at least one row")
    var mn = ContiguousArray<Float>(values[0..<d])
    var mx = mn
    for i in 1..<max(rows, 1) {
      let row = values.baseAddress! + i * d
      for j in 0..<d {
        let x = row[j]
        if x < mn[j] { mn[j] = x }
        if x > mx[j] { mx[j] = x }
      }
    }
    var step = ContiguousArray<Float>(repeating: 1, count: d)
    for j in 0..<d {
      let s = (mx[j] - mn[j]) / 255
      step[j] = s.isNormal && s > 0 ? s : 1  // a constant component: every code is 0
    }
    return ScalarQuantizer(dimension: d, lo: mn, step: step)
  }

  /// Codes of one row.
  @inline(__always)
  func encode(_ v: UnsafePointer<Float>, into out: UnsafeMutablePointer<UInt8>) {
    lo.withUnsafeBufferPointer { lp in
      step.withUnsafeBufferPointer { sp in
        for j in 0..<dimension {
          let c = ((v[j] - lp[j]) / sp[j]).rounded()
          out[j] = c <= 0 ? 0 : (c >= 255 ? 255 : UInt8(c))
        }
      }
    }
  }

  /// The row the codes stand for.
  func decode(_ codes: UnsafePointer<UInt8>) -> [Float] {
    (0..<dimension).map { lo[$0] + Float(codes[$0]) * step[$0] }
  }

  /// Fills `weights` with the query's signed 8-bit weights and returns `(base, scale, |q|²)`
  /// such that `q · x̂ ≈ base + scale · Σ weights[j] · codes[j]`.
  func prepareQuery(_ q: UnsafePointer<Float>, weights: inout ContiguousArray<Int8>) -> (base: Float, scale: Float, norm2: Float) {
    let d = dimension
    if weights.count != d { weights = ContiguousArray(repeating: 0, count: d) }
    var base: Float = 0
    var norm2: Float = 0
    var amax: Float = 0
    lo.withUnsafeBufferPointer { lp in
      step.withUnsafeBufferPointer { sp in
        for j in 0..<d {
          base += q[j] * lp[j]
          norm2 += q[j] * q[j]
          amax = max(amax, abs(q[j] * sp[j]))
        }
        let scale = amax > 0 ? amax / 127 : 0
        let inv = scale > 0 ? 1 / scale : 0
        weights.withUnsafeMutableBufferPointer { wp in
          for j in 0..<d {
            let w = (q[j] * sp[j] * inv).rounded()
            wp[j] = Int8(max(-127, min(127, w)))
          }
        }
        amax = scale
      }
    }
    return (base, amax, norm2)
  }
}

/// The int8 codes of an index's vectors (row-major, `dimension` bytes per row) with the
/// quantiser that made them, and `|x̂|²` per row under L2.
internal struct SQ8Codes: Sendable {
  var quantizer: ScalarQuantizer
  var codes = StoredArray<UInt8>()
  /// `|x̂|²` per row (L2 only; empty for inner product and cosine).
  var norms = StoredArray<Float>()

  var rows: Int { codes.count / quantizer.dimension }

  /// Encodes rows `rows..<count` of `values` (appending).
  mutating func encode(_ values: StoredArray<Float>, count: Int, metric: VectorMetric) {
    let d = quantizer.dimension
    let first = rows
    guard count > first else { return }
    codes.makeOwned()
    norms.makeOwned()
    codes.owned.reserveCapacity(count * d)
    let q = quantizer
    values.withUnsafeBufferPointer { vp in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: d) { buf in
        for i in first..<count {
          q.encode(vp.baseAddress! + i * d, into: buf.baseAddress!)
          codes.owned.append(contentsOf: buf)
          if metric == .l2 {
            var n2: Float = 0
            for j in 0..<d {
              let x = q.lo[j] + Float(buf[j]) * q.step[j]
              n2 += x * x
            }
            norms.owned.append(n2)
          }
        }
      }
    }
  }

  var byteCount: Int { codes.count + norms.count * 4 + quantizer.dimension * 8 }
}

/// The SIMD variant of the int8 kernel on this machine ("avx512vnni", "avx2" or "baseline").
public var quantizedKernelVariant: String { String(cString: frontier_sq8_kernel_variant()) }
