import RealModule

/// A synthetic black-box benchmark: a search space, an objective to minimise and its known
/// optimum. The five problems of the shared HPO benchmark (`../shared/anchors/hpo/
/// hpo_problems.py`: Branin, Hartmann-6, Rosenbrock-10, Ackley-5 and a mixed, conditional
/// HPO-like function) are ported exactly; their values agree with the Python reference to
/// 1e-12 (see `BenchmarkProblemTests`).
public struct BenchmarkProblem: Sendable {
  public var name: String
  public var space: SearchSpace
  /// The global minimum of `evaluate`.
  public var optimum: Double
  public var evaluate: @Sendable (Parameters) -> Double

  public init(name: String, space: SearchSpace, optimum: Double, evaluate: @escaping @Sendable (Parameters) -> Double) {
    self.name = name
    self.space = space
    self.optimum = optimum
    self.evaluate = evaluate
  }

  /// The problems by name: `branin`, `hartmann6`, `rosenbrock10`, `ackley5`, `mixed_hpo`.
  public static let all: [String: BenchmarkProblem] = {
    var d: [String: BenchmarkProblem] = [:]
    for p in [branin, hartmann6, rosenbrock10, ackley5, mixedHPO] { d[p.name] = p }
    return d
  }()

  /// Names in a stable order.
  public static let names = ["branin", "hartmann6", "rosenbrock10", "ackley5", "mixed_hpo"]

  @usableFromInline static func x(_ p: Parameters, _ i: Int) -> Double {
    p["x\(i)"]?.doubleValue ?? .nan
  }

  static func box(_ n: Int, _ lo: Double, _ hi: Double) -> SearchSpace {
    // Valid by construction.
    try! SearchSpace((0..<n).map { ParameterSpec("x\($0)", .float(low: lo, high: hi)) })
  }

  /// Branin (2-d), x0 in [-5, 10], x1 in [0, 15]; f* = 0.397887357729738.
  public static let branin = BenchmarkProblem(
    name: "branin",
    space: try! SearchSpace([
      ParameterSpec("x0", .float(low: -5, high: 10)), ParameterSpec("x1", .float(low: 0, high: 15)),
    ]),
    optimum: 0.397887357729738
  ) { p in
    let x1 = x(p, 0), x2 = x(p, 1)
    let pi = Double.pi
    let a = 1.0, b = 5.1 / (4 * pi * pi), c = 5.0 / pi, r = 6.0, s = 10.0, t = 1.0 / (8 * pi)
    let u = x2 - b * x1 * x1 + c * x1 - r
    return a * u * u + s * (1 - t) * Double.cos(x1) + s
  }

  static let h6Alpha: [Double] = [1.0, 1.2, 3.0, 3.2]
  static let h6A: [[Double]] = [
    [10.0, 3.0, 17.0, 3.5, 1.7, 8.0], [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
    [3.0, 3.5, 1.7, 10.0, 17.0, 8.0], [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
  ]
  static let h6P: [[Double]] = [
    [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381],
  ]

  /// Hartmann-6 on [0, 1]^6; f* = -3.32236801141551.
  public static let hartmann6 = BenchmarkProblem(name: "hartmann6", space: box(6, 0, 1), optimum: -3.32236801141551) { p in
    var total = 0.0
    for i in 0..<4 {
      var inner = 0.0
      for j in 0..<6 {
        let d = x(p, j) - h6P[i][j] * 1e-4
        inner += h6A[i][j] * d * d
      }
      total += h6Alpha[i] * Double.exp(-inner)
    }
    return -total
  }

  /// Rosenbrock (10-d) on [-5, 10]^10; f* = 0 at (1, ..., 1).
  public static let rosenbrock10 = BenchmarkProblem(name: "rosenbrock10", space: box(10, -5, 10), optimum: 0) { p in
    var s = 0.0
    for i in 0..<9 {
      let a = x(p, i + 1) - x(p, i) * x(p, i)
      let b = x(p, i) - 1.0
      s += 100.0 * a * a + b * b
    }
    return s
  }

  /// Ackley (5-d) on [-32.768, 32.768]^5; f* = 0 at the origin.
  public static let ackley5 = BenchmarkProblem(name: "ackley5", space: box(5, -32.768, 32.768), optimum: 0) { p in
    let d = 5.0
    var s1 = 0.0, s2 = 0.0
    for j in 0..<5 {
      let v = x(p, j)
      s1 += v * v
      s2 += Double.cos(2 * Double.pi * v)
    }
    s1 /= d
    s2 /= d
    return -20.0 * Double.exp(-0.2 * s1.squareRoot()) - Double.exp(s2) + 20.0 + Double.exp(1)
  }

  /// A mixed, conditional HPO-like function (categorical, int, float, log, and `momentum`
  /// only when `optimizer == "sgd"`); f* = 0 at adam, lr 1e-3, 4 layers, 256 units, gelu,
  /// dropout 0.25.
  public static let mixedHPO = BenchmarkProblem(
    name: "mixed_hpo",
    space: try! SearchSpace([
      ParameterSpec("optimizer", .categorical([.string("sgd"), .string("adam"), .string("rmsprop")])),
      ParameterSpec("lr", .float(low: 1e-5, high: 1.0, log: true)),
      ParameterSpec("momentum", .float(low: 0, high: 0.99), when: .init(parameter: "optimizer", equals: .string("sgd"))),
      ParameterSpec("n_layers", .int(low: 1, high: 8)),
      ParameterSpec("units", .int(low: 16, high: 1024, log: true)),
      ParameterSpec("activation", .categorical([.string("relu"), .string("tanh"), .string("sigmoid"), .string("gelu")])),
      ParameterSpec("dropout", .float(low: 0, high: 0.8)),
    ]),
    optimum: 0
  ) { p in
    guard case .string(let opt)? = p["optimizer"], case .string(let act)? = p["activation"],
      let lr = p["lr"]?.doubleValue, let n = p["n_layers"]?.doubleValue,
      let units = p["units"]?.doubleValue, let dropout = p["dropout"]?.doubleValue
    else { return .nan }
    let base: [String: Double] = ["sgd": 0.05, "adam": 0.0, "rmsprop": 0.10]
    let bestLog: [String: Double] = ["sgd": -1.5, "adam": -3.0, "rmsprop": -3.5]
    let actCost: [String: Double] = ["relu": 0.02, "tanh": 0.10, "sigmoid": 0.30, "gelu": 0.0]
    var f = base[opt] ?? .nan
    let dl = Double.log10(lr) - (bestLog[opt] ?? .nan)
    f += 0.25 * dl * dl
    if opt == "sgd" {
      let m = (p["momentum"]?.doubleValue ?? .nan) - 0.9
      f += 3.0 * m * m
    }
    f += 0.03 * (n - 4) * (n - 4)
    let du = Double.log2(units) - 8.0
    f += 0.05 * du * du
    f += actCost[act] ?? .nan
    let dd = dropout - (0.05 + 0.05 * n)
    f += 2.0 * dd * dd
    return f
  }
}
