import CFrontierKernels

/// Column-at-a-time evaluation of a ``VectorFilter`` into a bitmap (one bit per row), the
/// fast path of exact (brute-force) filtered search: each comparison scans one attribute
/// column with a tight loop in C (`frontier_mask_*`) and `and` / `or` / `not` combine whole
/// 64-bit words, instead of interpreting the program once per row.
///
/// The bitmap equals `filter.matches(row)` for every row (the tests compare the two on random
/// filters); deletion marks are not applied.
internal struct FilterBitmap: Sendable {
  /// `depth` bitmaps of `words` words each, used as the operand stack; the result is in
  /// `stack[0..<words]`.
  var stack = ContiguousArray<UInt64>()
  var words = 0

  /// Evaluates `filter` over rows `0..<count` of the row-major cells `attributes` (`width`
  /// cells per row).
  ///
  /// - Complexity: O(count · program length / 64) words plus one pass over each compared
  ///   column (O(count · set size) for `in`); no allocation once the stack has grown.
  mutating func evaluate(_ filter: VectorFilter, attributes: UnsafePointer<Int32>, width: Int, count n: Int) {
    let w = (n + 63) >> 6
    words = w
    let need = max(1, filter.depth) * w
    if stack.count < need { stack.append(contentsOf: repeatElement(0, count: need - stack.count)) }
    guard w > 0 else { return }
    let tailMask: UInt64 = n & 63 == 0 ? ~0 : (1 &<< UInt64(n & 63)) &- 1
    filter.setValues.withUnsafeBufferPointer { setp in
      stack.withUnsafeMutableBufferPointer { sb in
        let base = sb.baseAddress!
        var sp = 0
        for ins in filter.program {
          switch ins.op {
          case .range:
            frontier_mask_range_i32(attributes + Int(ins.column), width, n, Int(ins.a), Int(ins.b), base + sp * w)
            sp += 1
          case .floatRange:
            frontier_mask_range_f32(
              attributes + Int(ins.column), width, n, Float(bitPattern: UInt32(truncatingIfNeeded: ins.a)),
              Float(bitPattern: UInt32(truncatingIfNeeded: ins.b)), base + sp * w)
            sp += 1
          case .member:
            let m = Int(ins.b - ins.a)
            if m == 0 {
              (base + sp * w).update(repeating: 0, count: w)
            } else {
              frontier_mask_member_i32(
                attributes + Int(ins.column), width, n, setp.baseAddress! + Int(ins.a), m, base + sp * w)
            }
            sp += 1
          case .not:
            let t = base + (sp - 1) * w
            for i in 0..<w { t[i] = ~t[i] }
            t[w - 1] &= tailMask
          case .and:
            let a = base + (sp - 2) * w
            let b = base + (sp - 1) * w
            for i in 0..<w { a[i] &= b[i] }
            sp -= 1
          case .or:
            let a = base + (sp - 2) * w
            let b = base + (sp - 1) * w
            for i in 0..<w { a[i] |= b[i] }
            sp -= 1
          }
        }
      }
    }
  }

  /// Whether row `i` passed the last evaluation.
  func contains(_ i: Int) -> Bool { stack[i >> 6] & (1 << UInt64(i & 63)) != 0 }

  /// Number of rows that passed the last evaluation.
  var popcount: Int {
    var c = 0
    for i in 0..<words { c += stack[i].nonzeroBitCount }
    return c
  }
}
