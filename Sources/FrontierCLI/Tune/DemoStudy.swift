import Foundation
import FrontierOptimization

/// The `frontier demo` section on hyperparameter search: an in-process study of the shared
/// `mixed_hpo` benchmark (conditional, mixed space) with TPE and GP-BO against random search, then a
/// few trials of an external command through the same runner `frontier tune` uses.
enum DemoStudy {
  static func run(quick: Bool) async throws {
    Console.line("")
    let problem = BenchmarkProblem.mixedHPO
    let budget = quick ? 30 : 60
    let seeds: [UInt64] = quick ? [0, 1] : [0, 1, 2]
    Console.line(
      "7. Hyperparameter search: the mixed_hpo benchmark (\(problem.space.count) parameters, conditional), "
        + "\(budget) trials per study, in-memory studies")
    for name in [TuneSamplerName.random, .tpe, .gp] {
      var bests: [Double] = []
      var seconds = 0.0
      for seed in seeds {
        let started = monotonicSeconds()
        let study = try await Study(
          name: "demo-\(name.rawValue)-\(seed)", storage: InMemoryStudyStorage(),
          sampler: try name.make(seed: seed, space: problem.space, gridPoints: 3), space: problem.space)
        try await study.optimize(trials: budget) { trial in problem.evaluate(trial.parameters) }
        seconds += monotonicSeconds() - started
        bests.append(try await study.bestTrial?.value ?? .nan)
      }
      let regrets = bests.map { $0 - problem.optimum }
      Console.line(
        "   " + pad(name.rawValue, 7, right: false) + " best regret per seed "
          + regrets.map { StudyReport.short($0) }.joined(separator: ", ")
          + "  (" + fmt(seconds * 1000 / Double(seeds.count * budget), 2) + " ms/trial)")
    }

    Console.line("   an external command per trial (what `frontier tune` runs), parameters in {braces}:")
    let space = try SearchSpace([ParameterSpec("x", .float(low: -2, high: 2)), ParameterSpec("y", .int(low: 0, high: 3))])
    var runner = CommandRunner(
      template: CommandTemplate(["/bin/sh", "-c", "echo \"{\\\"step\\\": 1, \\\"intermediate\\\": {y}}\"; echo {x} {y} | awk '{ print ($1 - 0.5) ^ 2 + $2 }'"]),
      parameterNames: ["x", "y"])
    runner.timeout = 10
    let commandRunner = runner
    let study = try await Study(
      name: "demo-command", storage: InMemoryStudyStorage(), sampler: TPESampler(seed: 4), space: space)
    try await study.optimize(trials: quick ? 6 : 12, jobs: 2) { trial in
      let number = trial.number
      return await commandRunner.run(trial: number, parameters: trial.parameters) { step, value in
        try? await study.report(number: number, step: step, value: value)
        return false
      }.outcome
    }
    let report = StudyReport(name: study.name, directions: study.directions, trials: try await study.trials())
    let counts = report.stateCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
    Console.line("   sh -c '... ($x - 0.5)^2 + $y ...': \(report.trials.count) trials (\(counts)), best " + report.bestText
      .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
    Console.line("   (frontier tune --space FILE --study NAME -- CMD {param}; frontier study show|export NAME)")
  }
}
