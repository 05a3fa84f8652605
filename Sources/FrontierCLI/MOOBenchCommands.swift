// `frontier moo-bench` and `frontier moo-fixture`: the contract of
// ../shared/anchors/qd/side_by_side.sh (same JSON keys as moo_bench_pymoo.py and moo_fixture.py).
import ArgumentParser
import Foundation
import FrontierOptimization

struct MOOBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "moo-bench",
    abstract: "One NSGA-II benchmark run, printed and written as moo_bench_pymoo.py does.",
    discussion: """
      Example:
        frontier moo-bench --problem zdt1 --pop 100 --gens 200 --seed 1 --out zdt1.json --front zdt1.csv
      """)

  @OptionGroup var run: MOORunOptions
  @Option(help: "Write the JSON summary (with hv_curve) here.") var out: String?

  func run() async throws {
    let r = try MOORunResult(run)
    Console.line(r.json(withCurve: false))
    if let path = out { try write(r.json(withCurve: true) + "\n", to: path) }
    if let path = run.front { try r.writeFront(path) }
  }
}

struct MOOFixture: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "moo-fixture",
    abstract: "Print the multi-objective conformance fixture (moo_fixture.py's JSON).")

  func run() async throws {
    let f = MOOConformanceFixture()
    func set(_ r: MOOConformanceFixture.SetReport) -> String {
      var j = JSONLine()
      j.add("n_points", r.pointCount)
      j.add("n_fronts", r.frontCount)
      j.addRaw("first_front_sizes", "[" + r.firstFrontSizes.map(String.init).joined(separator: ",") + "]")
      j.add("crowding_front0_finite_sum", r.crowdingFront0FiniteSum)
      j.add("crowding_front0_inf", r.crowdingFront0Infinite)
      j.add("hv_ref_1.1", r.hypervolume)
      return j.text
    }
    var j = JSONLine()
    j.add("seed", Int(f.seed))
    j.addRaw("A_2d", set(f.setA))
    j.addRaw("B_3d", set(f.setB))
    j.add("zdt1_sampled_front_hv", f.zdt1SampledFrontHypervolume)
    j.add("zdt1_continuous_front_hv", f.zdt1ContinuousFrontHypervolume)
    Console.line(j.text)
  }
}
