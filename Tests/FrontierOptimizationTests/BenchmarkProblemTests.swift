import FrontierOptimization
import Testing

/// Reference values printed by `python3 ../shared/anchors/hpo/hpo_problems.py` (the Python
/// problems the anchors optimise); the Swift ports must agree to 1e-12.
@Suite struct BenchmarkProblemTests {
  static let cases: [(String, Parameters, Double)] = [
    ("branin", ["x0": .float(-3.141592653589793), "x1": .float(12.275)], 0.397887357729738),
    ("branin", ["x0": .float(0), "x1": .float(0)], 55.6021126422703),
    ("hartmann6", Dictionary(uniqueKeysWithValues: zip((0..<6).map { "x\($0)" },
      [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573].map { ParameterValue.float($0) })), -3.32236801139134),
    ("hartmann6", Dictionary(uniqueKeysWithValues: (0..<6).map { ("x\($0)", ParameterValue.float(0.5)) }), -0.505314991702233),
    ("rosenbrock10", Dictionary(uniqueKeysWithValues: (0..<10).map { ("x\($0)", ParameterValue.float(1)) }), 0),
    ("rosenbrock10", Dictionary(uniqueKeysWithValues: (0..<10).map { ("x\($0)", ParameterValue.float(0)) }), 9),
    ("ackley5", Dictionary(uniqueKeysWithValues: (0..<5).map { ("x\($0)", ParameterValue.float(0)) }), 4.44089209850063e-16),
    ("ackley5", Dictionary(uniqueKeysWithValues: (0..<5).map { ("x\($0)", ParameterValue.float(1)) }), 3.62538493844036),
    ("mixed_hpo", ["activation": .string("gelu"), "dropout": .float(0.25), "lr": .float(0.001), "n_layers": .int(4),
      "optimizer": .string("adam"), "units": .int(256)], 0),
    ("mixed_hpo", ["activation": .string("relu"), "dropout": .float(0.5), "lr": .float(0.1), "momentum": .float(0.5),
      "n_layers": .int(2), "optimizer": .string("sgd"), "units": .int(64)], 1.1775),
  ]

  @Test(arguments: 0..<cases.count) func matchesPythonReference(_ i: Int) throws {
    let (name, point, expected) = Self.cases[i]
    let problem = try #require(BenchmarkProblem.all[name])
    #expect(problem.space.contains(point))
    let v = problem.evaluate(point)
    #expect(Swift.abs(v - expected) <= 1e-12 * Swift.max(1, Swift.abs(expected)), "\(name): \(v) vs \(expected)")
  }
}
