// Study-driver overhead (see run.sh): `StudyBench N dbr|space`.
import FrontierCore
import FrontierOptimization
import Foundation

struct Uniform: Sampler {
  var rng: SplitMix64
  var name: String { "uniform" }
  mutating func draw(_ d: Distribution) -> ParameterValue {
    switch d {
    case .float(let lo, let hi, _, _): return d.value(fromInternal: Double.random(in: lo...hi, using: &rng))
    case .int(let lo, let hi, _, _): return d.value(fromInternal: Double(Int.random(in: lo...hi, using: &rng)))
    case .categorical(let c): return c[Int.random(in: 0..<c.count, using: &rng)]
    case .fixed(let v): return v
    }
  }
  mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    (0..<count).map { _ in Proposal(space.makePoint { draw($0.distribution) }) }
  }
  mutating func sampleIndependent(_ p: ParameterSpec, point: Parameters, history: StudyHistory) -> ParameterValue { draw(p.distribution) }
}

func cpu() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }
let n = Int(CommandLine.arguments.dropFirst().first ?? "1000")!
let mode = CommandLine.arguments.dropFirst(2).first ?? "dbr"
var samples: [Double] = []
for _ in 0..<5 {
  let study = try await Study(name: "b", storage: InMemoryStudyStorage(), sampler: Uniform(rng: SplitMix64(seed: 1)),
                              space: mode == "space" ? BenchmarkProblem.branin.space : nil)
  let c0 = cpu()
  if mode == "space" {
    try await study.optimize(trials: n) { t in BenchmarkProblem.branin.evaluate(t.parameters) }
  } else {
    try await study.optimize(trials: n) { t in
      let x = try await t.suggestFloat("x0", -5, 10)
      let y = try await t.suggestFloat("x1", 0, 15)
      return BenchmarkProblem.branin.evaluate(["x0": .float(x), "x1": .float(y)])
    }
  }
  samples.append((cpu() - c0) / Double(n) * 1e6)
}
samples.sort()
print("frontier study n=\(n) mode=\(mode) cpu us/trial median=\(samples[2]) min=\(samples[0]) max=\(samples[4])")
