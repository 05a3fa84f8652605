import Foundation
import FrontierOptimization
import Testing

/// The README's define-by-run example, kept compiling and checked to find a good point.
@Suite struct ReadmeExampleTests {
  @Test func readmeStudyExampleRuns() async throws {
    let study = try await Study(name: "mixed", storage: InMemoryStudyStorage(), sampler: TPESampler(seed: 1))
    try await study.optimize(trials: 60, jobs: 2) { trial in
      let lr = try await trial.suggestFloat("lr", 1e-5, 1, log: true)
      let layers = try await trial.suggestInt("layers", 1, 8)
      return 0.25 * pow(log10(lr) + 3, 2) + 0.03 * Double((layers - 4) * (layers - 4))
    }
    let best = try #require(try await study.bestTrial)
    #expect(best.value! < 0.2)
    #expect(try await study.trials(states: nil).count == 60)
  }
}
