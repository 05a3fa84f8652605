/// Exact hypervolume indicator (minimisation): the Lebesgue measure of the region that the
/// points dominate and that is bounded above by the reference point. Only points strictly
/// better than the reference in every objective contribute (a point with NaN never does),
/// as in pymoo/moocore.
///
/// - 2 objectives: sort and sweep, O(n log n).
/// - 3 objectives: sweep along f3 keeping the 2-D staircase of the points seen so far as a
///   sorted array, adding each point's exclusive area incrementally (the dimension sweep of
///   Beume, Fonseca, López-Ibáñez, Paquete & Vahrenhold, "On the complexity of computing the
///   hypervolume indicator", IEEE TEC 13(5), 2009, with an array instead of a balanced tree):
///   O(n log n) comparisons plus O(n²) element moves in the worst case.
/// - more objectives: slicing along the last objective (HSO, While, Hingston, Barone &
///   Huband, IEEE TEC 10(1), 2006) down to the 3-D sweep: O(n^(m-2)) 3-D sweeps in the
///   worst case; fine for populations of a few hundred in 4-5 objectives.
public enum Hypervolume {
  /// Hypervolume of `count` points stored flat (row-major, `m` objectives) with respect to
  /// `reference` (one value per objective).
  public static func compute(_ values: [Double], objectives m: Int, reference: [Double]) -> Double {
    precondition(m >= 1 && values.count % m == 0, "values.count must be a multiple of objectives")
    precondition(reference.count == m, "reference must have one value per objective")
    let n = values.count / m
    // Keep only points strictly inside the reference box.
    var pts: [Double] = []
    pts.reserveCapacity(values.count)
    for i in 0..<n {
      var inside = true
      for j in 0..<m where !(values[i * m + j] < reference[j]) { inside = false; break }
      if inside { pts.append(contentsOf: values[(i * m)..<(i * m + m)]) }
    }
    let k = pts.count / m
    if k == 0 { return 0 }
    switch m {
    case 1:
      return reference[0] - pts.min()!
    case 2:
      return sweep2D(pts, k, reference[0], reference[1])
    default:
      var stair = Staircase()
      return slice(pts, k, m, reference, &stair)
    }
  }

  /// 2-D: sort by f1, accumulate the strip each new f2 minimum adds.
  static func sweep2D(_ p: [Double], _ n: Int, _ r0: Double, _ r1: Double) -> Double {
    let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in
      let ax: Double = p[2 * a], bx: Double = p[2 * b]
      if ax != bx { return ax < bx }
      return p[2 * a + 1] < p[2 * b + 1]
    }
    var hv = 0.0, bestY = r1
    for i in order where p[2 * i + 1] < bestY {
      hv += (r0 - p[2 * i]) * (bestY - p[2 * i + 1])
      bestY = p[2 * i + 1]
    }
    return hv
  }

  /// m >= 3 points (all inside the box): sort by the last objective; 3-D sweeps with a
  /// staircase, higher dimensions slice and recurse.
  static func slice(_ p: [Double], _ n: Int, _ m: Int, _ ref: [Double], _ stair: inout Staircase) -> Double {
    let last = m - 1
    let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in p[a * m + last] < p[b * m + last] }
    var volume = 0.0
    if m == 3 {
      stair.reset(ref[0], ref[1])
      for (t, i) in order.enumerated() {
        stair.insert(p[i * 3], p[i * 3 + 1])
        let top = t + 1 < n ? p[order[t + 1] * 3 + 2] : ref[2]
        volume += stair.area * (top - p[i * 3 + 2])
      }
      return volume
    }
    var sub: [Double] = []
    sub.reserveCapacity(n * last)
    let subRef = Array(ref[0..<last])
    for (t, i) in order.enumerated() {
      sub.append(contentsOf: p[(i * m)..<(i * m + last)])
      let top = t + 1 < n ? p[order[t + 1] * m + last] : ref[last]
      let depth = top - p[i * m + last]
      if depth > 0 { volume += slice(sub, t + 1, last, subRef, &stair) * depth }
    }
    return volume
  }

  /// The non-dominated 2-D points seen so far, x ascending and y descending, with the area
  /// they dominate inside the reference box.
  struct Staircase {
    var xs: [Double] = [], ys: [Double] = []
    var rx = 0.0, ry = 0.0
    var area = 0.0

    mutating func reset(_ rx: Double, _ ry: Double) {
      xs.removeAll(keepingCapacity: true)
      ys.removeAll(keepingCapacity: true)
      self.rx = rx
      self.ry = ry
      area = 0
    }

    mutating func insert(_ px: Double, _ py: Double) {
      // First index with x >= px.
      var lo = 0, hi = xs.count
      while lo < hi {
        let mid = (lo + hi) >> 1
        if xs[mid] < px { lo = mid + 1 } else { hi = mid }
      }
      let k = lo
      // Weakly dominated by the point with the largest x < px, or by one at x == px.
      if k > 0 && ys[k - 1] <= py { return }
      if k < xs.count && xs[k] == px && ys[k] <= py { return }
      var height = k > 0 ? ys[k - 1] : ry
      var prevX = px
      var gain = 0.0
      var end = k
      while end < xs.count && ys[end] >= py {
        gain += (xs[end] - prevX) * (height - py)
        height = ys[end]
        prevX = xs[end]
        end += 1
      }
      let stopX = end < xs.count ? xs[end] : rx
      gain += (stopX - prevX) * (height - py)
      area += gain
      xs.replaceSubrange(k..<end, with: CollectionOfOne(px))
      ys.replaceSubrange(k..<end, with: CollectionOfOne(py))
    }
  }
}
