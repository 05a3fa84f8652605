import RealModule

/// The numeric parameters of a search space mapped onto `[0, 1]` (Optuna's
/// `_SearchSpaceTransform(transform_0_1=True)` convention), shared by the CMA-ES and GP
/// samplers.
///
/// A float maps `[low, high]` linearly (in `log` space when `log`); an int, or a float with a
/// step, maps `[low − step/2, high + step/2]` so that every grid value owns an equal slice
/// (`log` ints use `[ln(low − ½), ln(high + ½)]`); decoding snaps back to the grid through
/// ``Distribution/value(fromInternal:)``. Parameters with a single value are not encoded.
struct UnitCubeEncoding: Sendable {
  struct Dimension: Sendable {
    var name: String
    var distribution: Distribution
    /// Bounds in the transformed (possibly log) scale.
    var lower: Double
    var upper: Double
    var log: Bool
  }

  var dimensions: [Dimension]

  /// Encodes the numeric parameters of `space` (all of them, or only unconditional ones).
  init(space: SearchSpace, includeConditional: Bool) {
    dimensions = []
    for p in space.parameters where includeConditional || p.condition == nil {
      if let d = Self.dimension(p) { dimensions.append(d) }
    }
  }

  static func dimension(_ p: ParameterSpec) -> Dimension? {
    switch p.distribution {
    case .float(let low, let high, let log, let step):
      guard low < high else { return nil }
      if let step {
        if (p.distribution.cardinality ?? 2) < 2 { return nil }
        return Dimension(name: p.name, distribution: p.distribution, lower: low - step / 2, upper: high + step / 2, log: false)
      }
      if log { return Dimension(name: p.name, distribution: p.distribution, lower: Double.log(low), upper: Double.log(high), log: true) }
      return Dimension(name: p.name, distribution: p.distribution, lower: low, upper: high, log: false)
    case .int(let low, let high, let log, let step):
      guard low < high, (p.distribution.cardinality ?? 2) >= 2 else { return nil }
      let h = Double(step) / 2
      if log {
        return Dimension(name: p.name, distribution: p.distribution, lower: Double.log(Double(low) - 0.5), upper: Double.log(Double(high) + 0.5), log: true)
      }
      return Dimension(name: p.name, distribution: p.distribution, lower: Double(low) - h, upper: Double(high) + h, log: false)
    case .categorical, .fixed:
      return nil
    }
  }

  var count: Int { dimensions.count }

  /// `value` of dimension `k` in `[0, 1]`, or `nil` when it is not numeric.
  func encode(_ value: ParameterValue, _ k: Int) -> Double? {
    guard let v = value.doubleValue else { return nil }
    let d = dimensions[k]
    let t = d.log ? Double.log(v) : v
    return Swift.min(Swift.max((t - d.lower) / (d.upper - d.lower), 0), 1)
  }

  /// The parameter value at `u ∈ [0, 1]` of dimension `k` (clamped, snapped to the grid).
  func decode(_ u: Double, _ k: Int) -> ParameterValue {
    let d = dimensions[k]
    let t = d.lower + Swift.min(Swift.max(u, 0), 1) * (d.upper - d.lower)
    return d.distribution.value(fromInternal: d.log ? Double.exp(t) : t)
  }
}
