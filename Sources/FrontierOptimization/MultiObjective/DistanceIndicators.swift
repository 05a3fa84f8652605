/// Distance-based quality indicators of an approximation set `front` against a reference
/// set `reference` (usually a sampled true Pareto front), both flat with `m` objectives.
///
/// - IGD (Coello & Reyes Sierra 2004): the mean over reference points of the Euclidean
///   distance to the nearest point of `front`. pymoo's `IGD(pf)(F)`.
/// - IGD+ (Ishibuchi, Masuda, Tanaka & Nojima, EMO 2015): the same with the distance
///   counting only where the front point is worse, `sqrt(Σ max(a_j - z_j, 0)²)`; weakly
///   Pareto compliant. pymoo's `IGDPlus(pf)(F)`.
///
/// O(|reference| · |front| · m). An empty `front` gives infinity.
public enum DistanceIndicator {
  public static func igd(_ front: [Double], reference: [Double], objectives m: Int) -> Double {
    mean(front, reference, m, plus: false)
  }

  public static func igdPlus(_ front: [Double], reference: [Double], objectives m: Int) -> Double {
    mean(front, reference, m, plus: true)
  }

  static func mean(_ a: [Double], _ z: [Double], _ m: Int, plus: Bool) -> Double {
    precondition(m >= 1 && a.count % m == 0 && z.count % m == 0, "counts must be multiples of objectives")
    let na = a.count / m, nz = z.count / m
    if nz == 0 { return 0 }
    if na == 0 { return .infinity }
    var total = 0.0
    for r in 0..<nz {
      var best = Double.infinity
      for i in 0..<na {
        var s = 0.0
        for j in 0..<m {
          var d = a[i * m + j] - z[r * m + j]
          if plus { d = max(d, 0) }
          s += d * d
        }
        if s < best { best = s }
      }
      total += best.squareRoot()
    }
    return total / Double(nz)
  }
}
