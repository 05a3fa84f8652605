import RealModule

/// A box-constrained multi-objective problem to minimise: what ``NSGA2/minimize(_:generations:onGeneration:)``
/// evaluates. `evaluate` writes `objectiveCount` values for one point of `variableCount`
/// variables; it is called once per candidate from a buffer the optimizer reuses.
public protocol MultiObjectiveProblem: Sendable {
  var variableCount: Int { get }
  var objectiveCount: Int { get }
  var lowerBounds: [Double] { get }
  var upperBounds: [Double] { get }
  func evaluate(_ x: UnsafeBufferPointer<Double>, into f: UnsafeMutableBufferPointer<Double>)
}

/// The classic test problems, with pymoo's variable counts, bounds and sampled true fronts:
///
/// - ZDT1, ZDT2, ZDT3 (30 variables in [0, 1]), ZDT4 (10 variables, x1 in [0, 1], the rest in
///   [-5, 5]), ZDT6 (10 variables in [0, 1]): Zitzler, Deb & Thiele, "Comparison of
///   multiobjective evolutionary algorithms: empirical results", Evolutionary Computation
///   8(2), 2000.
/// - DTLZ2 (3 objectives, pymoo's default of 10 variables in [0, 1]): Deb, Thiele,
///   Laumanns & Zitzler, "Scalable test problems for evolutionary multiobjective
///   optimization", 2005.
public struct MOTestProblem: MultiObjectiveProblem, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case zdt1, zdt2, zdt3, zdt4, zdt6, dtlz2
  }

  public let kind: Kind
  public let variableCount: Int
  public let objectiveCount: Int
  public let lowerBounds: [Double]
  public let upperBounds: [Double]

  /// pymoo's defaults: 30 variables for ZDT1-3, 10 for ZDT4, ZDT6 and DTLZ2 (3 objectives).
  public init(_ kind: Kind) {
    self.kind = kind
    switch kind {
    case .zdt1, .zdt2, .zdt3:
      variableCount = 30; objectiveCount = 2
      lowerBounds = Array(repeating: 0, count: 30); upperBounds = Array(repeating: 1, count: 30)
    case .zdt4:
      variableCount = 10; objectiveCount = 2
      lowerBounds = [0] + Array(repeating: -5, count: 9); upperBounds = [1] + Array(repeating: 5, count: 9)
    case .zdt6:
      variableCount = 10; objectiveCount = 2
      lowerBounds = Array(repeating: 0, count: 10); upperBounds = Array(repeating: 1, count: 10)
    case .dtlz2:
      variableCount = 10; objectiveCount = 3
      lowerBounds = Array(repeating: 0, count: 10); upperBounds = Array(repeating: 1, count: 10)
    }
  }

  /// The problem called `name` (`zdt1`, ..., `dtlz2`), or nil.
  public init?(named name: String) {
    guard let k = Kind(rawValue: name.lowercased()) else { return nil }
    self.init(k)
  }

  public var name: String { kind.rawValue }

  public func evaluate(_ x: UnsafeBufferPointer<Double>, into f: UnsafeMutableBufferPointer<Double>) {
    let n = variableCount
    switch kind {
    case .zdt1, .zdt2, .zdt3:
      var s = 0.0
      for i in 1..<n { s += x[i] }
      let f1 = x[0]
      let g = 1 + 9.0 / Double(n - 1) * s
      let r = f1 / g
      f[0] = f1
      switch kind {
      case .zdt1: f[1] = g * (1 - r.squareRoot())
      case .zdt2: f[1] = g * (1 - r * r)
      default: f[1] = g * (1 - r.squareRoot() - r * Double.sin(10 * Double.pi * f1))
      }
    case .zdt4:
      var g = 1.0 + 10.0 * Double(n - 1)
      for i in 1..<n { g += x[i] * x[i] - 10.0 * Double.cos(4.0 * Double.pi * x[i]) }
      f[0] = x[0]
      f[1] = g * (1.0 - (x[0] / g).squareRoot())
    case .zdt6:
      let s6 = Double.pow(Double.sin(6 * Double.pi * x[0]), 6)
      let f1 = 1 - Double.exp(-4 * x[0]) * s6
      var s = 0.0
      for i in 1..<n { s += x[i] }
      let g = 1 + 9.0 * Double.pow(s / Double(n - 1), 0.25)
      let r = f1 / g
      f[0] = f1
      f[1] = g * (1 - r * r)
    case .dtlz2:
      let m = objectiveCount
      var g = 0.0
      for i in (m - 1)..<n { let d = x[i] - 0.5; g += d * d }
      for i in 0..<m {
        var v = 1 + g
        for k in 0..<(m - 1 - i) { v *= Double.cos(x[k] * Double.pi / 2) }
        if i > 0 { v *= Double.sin(x[m - 1 - i] * Double.pi / 2) }
        f[i] = v
      }
    }
  }

  /// pymoo's sampled true Pareto front, flat (`objectiveCount` values per point): 100 points
  /// of the analytic front for the ZDT problems (ZDT3: 5 segments of 20), and the 136
  /// Das-Dennis directions (15 partitions) projected onto the unit sphere for DTLZ2.
  public func paretoFront() -> [Double] {
    func linspace(_ a: Double, _ b: Double, _ k: Int) -> [Double] {
      let step = (b - a) / Double(k - 1)
      return (0..<k).map { $0 == k - 1 ? b : Double($0) * step + a }
    }
    var out: [Double] = []
    switch kind {
    case .zdt1, .zdt4:
      for x in linspace(0, 1, 100) { out += [x, 1 - x.squareRoot()] }
    case .zdt2:
      for x in linspace(0, 1, 100) { out += [x, 1 - x * x] }
    case .zdt6:
      for x in linspace(0.2807753191, 1, 100) { out += [x, 1 - x * x] }
    case .zdt3:
      let regions: [(Double, Double)] = [
        (0, 0.0830015349), (0.182228780, 0.2577623634), (0.4093136748, 0.4538821041),
        (0.6183967944, 0.6525117038), (0.8233317983, 0.8518328654),
      ]
      for (a, b) in regions {
        for x in linspace(a, b, 20) { out += [x, 1 - x.squareRoot() - x * Double.sin(10 * Double.pi * x)] }
      }
    case .dtlz2:
      let p = 15
      for i in 0...p {
        for j in 0...(p - i) {
          let d = [Double(i), Double(j), Double(p - i - j)].map { $0 / Double(p) }
          let norm = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
          out += d.map { $0 / norm }
        }
      }
    }
    return out
  }
}
