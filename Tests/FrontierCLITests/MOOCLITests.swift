import ArgumentParser
import Foundation
import Testing
@testable import FrontierCLI

@Suite("CLI: pareto, moo-bench, moo-fixture")
struct MOOCLITests {
  @Test("Bad arguments are rejected with a clear message", arguments: [
    (["pareto", "--problem", "zdt5"], "zdt5"),
    (["pareto", "--population", "0"], "--population must be at least 1"),
    (["moo-bench", "--pop=-3"], "--population must be at least 1"),
    (["pareto", "--generations", "0"], "--generations must be at least 1"),
    (["moo-bench", "--problem", "dtlz2", "--ref", "1", "2"], "--ref needs 3 values"),
  ])
  func badArguments(args: [String], message: String) {
    do {
      _ = try FrontierCommand.parseAsRoot(args)
      Issue.record("accepted \(args)")
    } catch {
      let text = FrontierCommand.message(for: error)
      #expect(text.contains(message), "\(text)")
    }
  }

  @Test("The pymoo spellings --pop/--gens and an odd population parse")
  func aliases() throws {
    let c = try FrontierCommand.parseAsRoot(["moo-bench", "--problem", "zdt4", "--pop", "7", "--gens", "3", "--seed", "9"])
    let b = try #require(c as? MOOBench)
    #expect(b.run.population == 7 && b.run.generations == 3 && b.run.seed == 9 && b.run.problem == .zdt4)
  }

  @Test("moo-bench JSON has every key moo_bench_pymoo.py writes")
  func jsonKeys() throws {
    var o = try MOORunOptions.parse(["--problem", "dtlz2", "--pop", "8", "--gens", "3"])
    o.noCurve = false
    let r = try MOORunResult(o)
    #expect(r.evaluations == 24)
    let obj = try #require(JSONSerialization.jsonObject(with: Data(r.json(withCurve: true).utf8)) as? [String: Any])
    for key in ["tool", "tool_version", "algo", "problem", "n_var", "n_obj", "pop", "generations", "evaluations",
                "seed", "hv_ref", "hv", "hv_true_front", "igd", "n_nondominated", "wall_s", "hv_curve"] {
      #expect(obj[key] != nil, "missing \(key)")
    }
    #expect(obj["hv_ref"] as? [Double] == [1.1, 1.1, 1.1])
    #expect((obj["hv_curve"] as? [Any])?.count == 1)  // generation 1 only (then every 10th)
  }

  @Test("The plot is one panel for two objectives and three for DTLZ2")
  func plot() {
    let two = ParetoPlot.svg(found: [0, 1, 1, 0], truth: [0, 1, 0.5, 0.3, 1, 0], objectives: 2, title: "a < b")
    #expect(two.hasPrefix("<svg") && two.hasSuffix("</svg>\n") && two.contains("a &lt; b"))
    #expect(two.components(separatedBy: "<rect x=").count - 1 == 1)
    let three = ParetoPlot.svg(found: [1, 0, 0], truth: [0, 0, 1, 0, 1, 0], objectives: 3, title: "t")
    #expect(three.components(separatedBy: "<rect x=").count - 1 == 3)
  }
}
