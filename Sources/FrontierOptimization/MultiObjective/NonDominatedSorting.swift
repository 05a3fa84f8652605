/// Pareto dominance and non-dominated sorting over objective vectors stored flat
/// (row-major: point `i`'s objectives are `values[i * m ..< (i + 1) * m]`), all minimised.
///
/// `a` dominates `b` when `a` is no worse in every objective and strictly better in at least
/// one. Identical points do not dominate each other, so they share a front. A comparison with
/// NaN is false, so a point with a NaN objective neither dominates nor is dominated by
/// anything on that objective; ``NSGA2`` removes such points before sorting.
public enum Pareto {
  /// Whether point `a` dominates point `b` (minimisation). O(m).
  @inlinable
  public static func dominates(
    _ values: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int, objectives m: Int
  ) -> Bool {
    relation(values, a, b, objectives: m) == 1
  }

  /// 1 when `a` dominates `b`, -1 when `b` dominates `a`, 0 when neither does. O(m).
  @inlinable
  public static func relation(
    _ values: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int, objectives m: Int
  ) -> Int {
    var aBetter = false, bBetter = false
    let ra = a &* m, rb = b &* m
    for j in 0..<m {
      let x = values[ra &+ j], y = values[rb &+ j]
      if x < y { aBetter = true } else if y < x { bBetter = true }
      if aBetter && bBetter { return 0 }
    }
    return aBetter ? 1 : (bBetter ? -1 : 0)
  }

  /// The non-dominated fronts of `count` points: front 0 is the Pareto set, front `k` is the
  /// Pareto set once fronts `0..<k` are removed. Each front lists its indices in ascending
  /// order (as pymoo's `NonDominatedSorting` does).
  ///
  /// Two objectives take an O(n log n) sweep (Jensen 2003); more take Deb et al.'s fast
  /// non-dominated sort (IEEE TEC 6(2), 2002), O(m n²) time. Both give identical fronts.
  public static func fronts(_ values: [Double], objectives m: Int) -> [[Int]] {
    precondition(m >= 1 && values.count % m == 0, "values.count must be a multiple of objectives")
    var sorter = NonDominatedSorter()
    var rank: [Int32] = []
    let n = values.count / m
    let frontCount = values.withUnsafeBufferPointer { sorter.rank($0, count: n, objectives: m, into: &rank) }
    var out = [[Int]](repeating: [], count: frontCount)
    for i in 0..<n { out[Int(rank[i])].append(i) }
    return out
  }

  /// Indices (ascending) of the points that no other point dominates.
  public static func nondominated(_ values: [Double], objectives m: Int) -> [Int] {
    fronts(values, objectives: m).first ?? []
  }
}

/// Non-dominated sorting with reusable buffers, for hot loops (one per ``NSGA2``).
public struct NonDominatedSorter: Sendable {
  @usableFromInline var order: [Int32] = []
  @usableFromInline var lastOfFront: [Int32] = []
  @usableFromInline var dominatedCount: [Int32] = []
  @usableFromInline var edgeStart: [Int32] = []
  @usableFromInline var edges: [Int32] = []
  @usableFromInline var current: [Int32] = []
  @usableFromInline var next: [Int32] = []

  public init() {}

  /// Writes the front number (0 = non-dominated) of each of `count` points into `rank` and
  /// returns the number of fronts. Two objectives: O(n log n); otherwise O(m n²) time and
  /// O(n²) memory for the domination lists (Deb et al. 2002).
  public mutating func rank(
    _ values: UnsafeBufferPointer<Double>, count n: Int, objectives m: Int, into rank: inout [Int32]
  ) -> Int {
    if rank.count < n { rank.append(contentsOf: repeatElement(0, count: n - rank.count)) }
    if n == 0 { return 0 }
    return m == 2 ? rank2D(values, n, &rank) : rankDeb(values, n, m, &rank)
  }

  /// Jensen's sweep: visit points in lexicographic (f1, f2) order; the last point added to
  /// each front has that front's smallest f2, and it dominates the visited point exactly for
  /// the fronts before the point's own, so a binary search over fronts finds the rank.
  @usableFromInline
  mutating func rank2D(_ f: UnsafeBufferPointer<Double>, _ n: Int, _ rank: inout [Int32]) -> Int {
    order.removeAll(keepingCapacity: true)
    for i in 0..<n { order.append(Int32(i)) }
    order.sort { a, b in
      let a0 = f[Int(a) * 2], b0 = f[Int(b) * 2]
      if a0 != b0 { return a0 < b0 }
      let a1 = f[Int(a) * 2 + 1], b1 = f[Int(b) * 2 + 1]
      if a1 != b1 { return a1 < b1 }
      return a < b
    }
    lastOfFront.removeAll(keepingCapacity: true)
    for p32 in order {
      let p = Int(p32)
      let px = f[2 * p], py = f[2 * p + 1]
      var lo = 0, hi = lastOfFront.count
      while lo < hi {
        let mid = (lo + hi) >> 1
        let q = Int(lastOfFront[mid])
        let qx = f[2 * q], qy = f[2 * q + 1]
        // q precedes p lexicographically, so q dominates p iff q.f2 < p.f2 or (equal f2 and q.f1 < p.f1).
        if qy < py || (qy == py && qx < px) { lo = mid + 1 } else { hi = mid }
      }
      if lo == lastOfFront.count { lastOfFront.append(p32) } else { lastOfFront[lo] = p32 }
      rank[p] = Int32(lo)
    }
    return lastOfFront.count
  }

  @usableFromInline
  mutating func rankDeb(_ f: UnsafeBufferPointer<Double>, _ n: Int, _ m: Int, _ rank: inout [Int32]) -> Int {
    dominatedCount.removeAll(keepingCapacity: true)
    dominatedCount.append(contentsOf: repeatElement(0, count: n))
    // Domination lists in CSR form: count first, then fill (the pairs are compared once).
    edgeStart.removeAll(keepingCapacity: true)
    edgeStart.append(contentsOf: repeatElement(0, count: n + 1))
    edges.removeAll(keepingCapacity: true)
    // pair list: for i < j, store the dominated-by relation as (winner, loser) in `order`.
    order.removeAll(keepingCapacity: true)
    for i in 0..<n {
      for j in (i + 1)..<n {
        let r = Pareto.relation(f, i, j, objectives: m)
        if r == 1 {
          order.append(Int32(i)); order.append(Int32(j))
        } else if r == -1 {
          order.append(Int32(j)); order.append(Int32(i))
        }
      }
    }
    var k = 0
    while k < order.count {
      edgeStart[Int(order[k]) + 1] += 1
      dominatedCount[Int(order[k + 1])] += 1
      k += 2
    }
    for i in 0..<n { edgeStart[i + 1] += edgeStart[i] }
    edges.append(contentsOf: repeatElement(0, count: order.count / 2))
    current.removeAll(keepingCapacity: true)
    current.append(contentsOf: edgeStart[0..<n])  // fill cursors
    k = 0
    while k < order.count {
      let w = Int(order[k])
      edges[Int(current[w])] = order[k + 1]
      current[w] += 1
      k += 2
    }
    current.removeAll(keepingCapacity: true)
    for i in 0..<n where dominatedCount[i] == 0 { current.append(Int32(i)) }
    var front: Int32 = 0
    while !current.isEmpty {
      next.removeAll(keepingCapacity: true)
      for p in current {
        rank[Int(p)] = front
        for e in Int(edgeStart[Int(p)])..<Int(edgeStart[Int(p) + 1]) {
          let q = Int(edges[e])
          dominatedCount[q] -= 1
          if dominatedCount[q] == 0 { next.append(Int32(q)) }
        }
      }
      swap(&current, &next)
      front += 1
    }
    return Int(front)
  }
}
