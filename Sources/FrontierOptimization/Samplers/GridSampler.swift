import FrontierCore
import RealModule

/// Exhaustive grid search (Optuna's `GridSampler`): every combination of the given values
/// per parameter, each proposed once, in an order shuffled by the seed.
///
/// Values come from `values[name]`, or automatically for finite distributions (every
/// integer on the step, every stepped float, every choice, the fixed value). A continuous
/// float needs explicit values (``evenValues(for:pointsPerContinuous:)`` makes evenly or
/// log-evenly spaced ones). Conditional parameters appear only in the points where their
/// condition holds, so the grid holds exactly the valid combinations.
///
/// History-based: a point already in the study (any state, including running and
/// waiting) is skipped, so workers sharing a study do not repeat each other's points
/// (give them different seeds to avoid racing for the same point). When every point is in
/// the history, ``ask(_:in:history:)`` returns fewer proposals than asked, none at the end:
/// ``isExhausted(history:)`` says so.
///
/// Complexity: building is O(G·d) for G points; asks are amortised O(k + n) for k
/// proposals and n trials in the history (the visited prefix of the order is skipped once).
public struct GridSampler: Sampler {
  public var name: String { "grid" }
  /// The space the grid was built for; asks in another space propose nothing.
  public let space: SearchSpace
  /// Every grid point, in the shuffled order in which they are proposed.
  public let points: [Parameters]
  /// Grids larger than this are rejected (they would not be searched exhaustively anyway).
  public static let maximumPoints = 5_000_000
  var firstUnvisited = 0
  var rng: Xoshiro256StarStar

  /// Builds the grid of `space`.
  /// - Throws: ``SearchSpaceError`` for a continuous float without values, an empty value
  ///   list, a value outside its distribution, values for an unknown parameter, or a grid
  ///   of more than ``maximumPoints`` points.
  public init(space: SearchSpace, values: [String: [ParameterValue]] = [:], seed: UInt64 = 0) throws(SearchSpaceError) {
    for name in values.keys.sorted() where space[name] == nil {
      throw SearchSpaceError(parameter: name, reason: "not a parameter of the search space")
    }
    var axes: [[ParameterValue]] = []
    for p in space.parameters {
      let axis: [ParameterValue]
      if let given = values[p.name] {
        guard !given.isEmpty else { throw SearchSpaceError(parameter: p.name, reason: "empty list of grid values") }
        for v in given where !p.distribution.contains(v) {
          throw SearchSpaceError(parameter: p.name, reason: "grid value \(v) is outside the distribution")
        }
        var seen = Set<ParameterValue>()
        axis = given.filter { seen.insert($0).inserted }
      } else {
        axis = try Self.automaticValues(p)
      }
      axes.append(axis)
    }
    // Every combination of the unconditional parameters' values is at least one point.
    var lowerBound = 1.0
    for (p, axis) in zip(space.parameters, axes) where p.condition == nil { lowerBound *= Double(axis.count) }
    guard lowerBound <= Double(Self.maximumPoints) else {
      throw SearchSpaceError(
        parameter: space.parameters.last?.name ?? "", reason: "more than \(Self.maximumPoints) grid points")
    }
    var all: [Parameters] = []
    var partial = Parameters()
    try Self.enumerate(space, axes, 0, &partial, &all)
    var rng = Xoshiro256StarStar(seed: seed)
    all.shuffle(using: &rng)
    self.space = space
    self.points = all
    self.rng = rng
  }

  static func automaticValues(_ p: ParameterSpec) throws(SearchSpaceError) -> [ParameterValue] {
    switch p.distribution {
    case .float(let low, _, _, let step):
      guard let step, let n = p.distribution.cardinality else {
        if let n = p.distribution.cardinality, n == 1 { return [.float(low)] }
        throw SearchSpaceError(
          parameter: p.name, reason: "a continuous float has no finite grid; give its values (or a step)")
      }
      guard n <= maximumPoints else { throw SearchSpaceError(parameter: p.name, reason: "\(n) values is too many") }
      return (0..<n).map { p.distribution.value(fromInternal: low + Double($0) * step) }
    case .int(let low, let high, _, let step):
      let n = (high - low) / step + 1
      guard n <= maximumPoints else { throw SearchSpaceError(parameter: p.name, reason: "\(n) values is too many") }
      return stride(from: low, through: high, by: step).map { .int($0) }
    case .categorical(let c):
      return c
    case .fixed(let v):
      return [v]
    }
  }

  static func enumerate(
    _ space: SearchSpace, _ axes: [[ParameterValue]], _ i: Int, _ partial: inout Parameters, _ out: inout [Parameters]
  ) throws(SearchSpaceError) {
    if i == axes.count {
      guard out.count < maximumPoints else {
        throw SearchSpaceError(parameter: space.parameters.last?.name ?? "", reason: "more than \(maximumPoints) grid points")
      }
      out.append(partial)
      return
    }
    let p = space.parameters[i]
    guard space.isActive(p, in: partial) else {
      try enumerate(space, axes, i + 1, &partial, &out)
      return
    }
    for v in axes[i] {
      partial[p.name] = v
      try enumerate(space, axes, i + 1, &partial, &out)
    }
    partial[p.name] = nil
  }

  /// `k` values per continuous float of `space` (evenly spaced, log-evenly for `log`,
  /// both ends included; the midpoint when `k == 1`), for grids over continuous spaces.
  public static func evenValues(for space: SearchSpace, pointsPerContinuous k: Int) -> [String: [ParameterValue]] {
    var out: [String: [ParameterValue]] = [:]
    for p in space.parameters {
      guard case .float(let low, let high, let log, nil) = p.distribution, low < high else { continue }
      let a = log ? Double.log(low) : low, b = log ? Double.log(high) : high
      var vals: [ParameterValue] = []
      for i in 0..<Swift.max(k, 1) {
        let t = k <= 1 ? 0.5 : Double(i) / Double(k - 1)
        let x = a + t * (b - a)
        vals.append(p.distribution.value(fromInternal: log ? Double.exp(x) : x))
      }
      var seen = Set<ParameterValue>()
      out[p.name] = vals.filter { seen.insert($0).inserted }
    }
    return out
  }

  /// Number of grid points not yet in `history`. O(G + n).
  public func remaining(history: StudyHistory) -> Int {
    let visited = Set(history.trials.map(\.parameters))
    return points.count { !visited.contains($0) }
  }

  /// Whether every grid point is already in `history`.
  public func isExhausted(history: StudyHistory) -> Bool { remaining(history: history) == 0 }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    guard count > 0, space == self.space else { return [] }
    let visited = Set(history.trials.map(\.parameters))
    while firstUnvisited < points.count && visited.contains(points[firstUnvisited]) { firstUnvisited += 1 }
    var out: [Proposal] = []
    var i = firstUnvisited
    while out.count < count && i < points.count {
      if !visited.contains(points[i]) { out.append(Proposal(points[i], systemAttributes: ["grid_id": "\(i)"])) }
      i += 1
    }
    return out
  }

  /// A parameter outside the grid is drawn at random (the grid cannot enumerate it).
  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }
}
