import ArgumentParser
import Foundation
import FrontierOptimization

extension DemoSections {
  /// MAP-Elites and CMA-MAE on a small sphere linear projection, with a heatmap written to the
  /// temporary directory; NSGA-II on ZDT1 against the true front.
  static func qualityDiversity(quick: Bool) throws {
    Console.line("6. Quality diversity (pyribs' sphere linear projection, 20-d, 50x50 grid archive)")
    let dir = FileManager.default.temporaryDirectory.path
    for algorithm in ["map_elites", "cma_mae"] {
      var c = QDRunConfig()
      c.domain = "sphere"
      c.algorithm = algorithm
      c.dimension = 20
      c.cells = [50, 50]
      c.iterations = quick ? 30 : 200
      c.emitters = algorithm == "map_elites" ? 1 : 5
      c.batch = algorithm == "map_elites" ? 100 : 20
      c.seed = 1
      let r = try QDRunner.run(c)
      let heatmap = dir + "/frontier-demo-\(algorithm).svg"
      try QDRunner.write(r, json: nil, curve: nil, heatmap: heatmap)
      Console.line(
        "   " + pad(algorithm, 10, right: false) + " \(grouped(r.evaluations)) evaluations: QD score "
          + fmt(r.stats.normQDScore, 2) + " (normalised), coverage " + fmt(100 * r.stats.coverage, 1)
          + " %, heatmap " + heatmap)
    }
    var o = try MOORunOptions.parse([])
    o.generations = quick ? 50 : 200
    let m = try MOORunResult(o)
    Console.line(
      "   NSGA-II on ZDT1 (population 100, \(o.generations) generations): hypervolume " + fmt(m.hv, 4)
        + " of the true front's " + fmt(m.hvTrueFront, 4) + ", IGD " + fmt(m.igd, 4))
  }
}
