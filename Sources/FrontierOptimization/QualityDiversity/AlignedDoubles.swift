/// A flat buffer of `count` doubles whose first element sits on a 64-byte boundary (one
/// cache line, one AVX-512 vector), for the padded rows of the CMA-ES kernels.
///
/// The C kernels (`frontier_sym_eigen`, `frontier_cma_sample`) work on rows of `ld`
/// doubles, `ld` a multiple of 8. A Swift array's elements start 32 bytes into a 16-byte
/// aligned allocation, so in three cases out of four every 64-byte vector of such a row
/// straddles two cache lines; in the eigensolver's Givens rotations, where a row stored by one
/// rotation is loaded by the next, that defeats store-to-load forwarding (a 100 × 100
/// decomposition measured 13–15 % slower with rows 32 bytes off a cache line).
///
/// The storage is an array of `count + 7` doubles used from an offset of 0…7 elements. The
/// offset is re-checked on every mutable access: if copy-on-write moved the elements to a new
/// allocation with another alignment, they are shifted into place first (`O(count)`, only after
/// a copy); the read-only access uses the offset of the last mutable access, which the shared
/// storage still has. Value semantics as for an array.
@usableFromInline struct AlignedDoubles: Sendable {
  @usableFromInline var storage: [Double]
  /// Index of the first used element in ``storage``.
  @usableFromInline var offset: Int
  @usableFromInline let count: Int

  /// `count` zeros.
  @usableFromInline init(count: Int) {
    self.count = count
    storage = [Double](repeating: 0, count: count + 7)
    offset = 0
    withMutablePointer { _ in }
  }

  /// Calls `body` with a pointer to the `count` aligned elements, which it may read and write.
  @inlinable @inline(__always)
  mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Double>) -> R) -> R {
    let old = offset, n = count
    var o = old
    let r = storage.withUnsafeMutableBufferPointer { buf in
      let base = buf.baseAddress!
      o = ((64 - Int(bitPattern: base) & 63) & 63) / 8
      if o < old {  // shift down: ascending order is safe for the overlap
        for i in 0..<n { base[o + i] = base[old + i] }
      } else if o > old {
        for i in stride(from: n - 1, through: 0, by: -1) { base[o + i] = base[old + i] }
      }
      return body(base + o)
    }
    offset = o
    return r
  }

  /// Calls `body` with a pointer to the `count` aligned elements, read-only.
  @inlinable @inline(__always)
  func withPointer<R>(_ body: (UnsafePointer<Double>) throws -> R) rethrows -> R {
    let o = offset
    return try storage.withUnsafeBufferPointer { try body($0.baseAddress! + o) }
  }
}
