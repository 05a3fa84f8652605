/// Crowding distance (Deb et al., "A fast and elitist multiobjective genetic algorithm:
/// NSGA-II", IEEE TEC 6(2), 2002), with pymoo's conventions:
///
/// - per objective, the points are sorted (stably: ties keep their order in `front`); each
///   point adds `(next - previous) / (max - min)` of its neighbours, split as the gap to the
///   previous plus the gap to the next;
/// - the first and last point of each objective's order get an infinite gap;
/// - an objective whose values are all equal contributes 0 to every point (no infinity);
/// - the sum is divided by the number of objectives;
/// - fronts of at most two points get infinity everywhere (pymoo's survival), unless
///   `smallFrontsInfinite` is false.
///
/// O(m n log n) for a front of n points.
public struct CrowdingDistance: Sendable {
  @usableFromInline var order: [Int32] = []
  @usableFromInline var sorted: [Double] = []

  public init() {}

  /// Crowding distances of the points `front` (indices into flat `values` with `m`
  /// objectives), written to `distance[0..<front.count]` in the order of `front`.
  public mutating func compute(
    _ values: UnsafeBufferPointer<Double>, objectives m: Int, front: UnsafeBufferPointer<Int32>,
    into distance: inout [Double], smallFrontsInfinite: Bool = true
  ) {
    let n = front.count
    distance.removeAll(keepingCapacity: true)
    if n <= 2 && smallFrontsInfinite {
      distance.append(contentsOf: repeatElement(.infinity, count: n))
      return
    }
    distance.append(contentsOf: repeatElement(0, count: n))
    if n == 0 { return }
    for j in 0..<m {
      order.removeAll(keepingCapacity: true)
      for k in 0..<n { order.append(Int32(k)) }
      order.sort { a, b in
        let x = values[Int(front[Int(a)]) * m + j], y = values[Int(front[Int(b)]) * m + j]
        return x < y || (x == y && a < b)
      }
      sorted.removeAll(keepingCapacity: true)
      for k in order { sorted.append(values[Int(front[Int(k)]) * m + j]) }
      let norm = sorted[n - 1] - sorted[0]
      if norm == 0 || norm.isNaN { continue }  // contributes 0 (pymoo: NaN -> 0)
      for r in 0..<n {
        let toLast = r == 0 ? Double.infinity : (sorted[r] - sorted[r - 1]) / norm
        let toNext = r == n - 1 ? Double.infinity : (sorted[r + 1] - sorted[r]) / norm
        distance[Int(order[r])] += toLast + toNext
      }
    }
    let mm = Double(m)
    for k in 0..<n { distance[k] /= mm }
  }

  /// Convenience: crowding distances of all points of `values` (one front).
  public static func of(_ values: [Double], objectives m: Int, smallFrontsInfinite: Bool = true) -> [Double] {
    precondition(m >= 1 && values.count % m == 0, "values.count must be a multiple of objectives")
    var c = CrowdingDistance()
    var out: [Double] = []
    let idx = (0..<(values.count / m)).map { Int32($0) }
    values.withUnsafeBufferPointer { v in
      idx.withUnsafeBufferPointer { c.compute(v, objectives: m, front: $0, into: &out, smallFrontsInfinite: smallFrontsInfinite) }
    }
    return out
  }
}
