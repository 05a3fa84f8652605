// `frontier pareto`: NSGA-II on a ZDT/DTLZ test problem, with the front as CSV and SVG.
import ArgumentParser
import Foundation
import FrontierOptimization

/// The `--problem` names (the library's problem kinds).
enum MOOProblemName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case zdt1, zdt2, zdt3, zdt4, zdt6, dtlz2
  var kind: MOTestProblem.Kind { MOTestProblem.Kind(rawValue: rawValue)! }
}

/// Options shared by `pareto` and `moo-bench` (each name also has the spelling of
/// `moo_bench_pymoo.py`: `--pop`, `--gens`).
struct MOORunOptions: ParsableArguments {
  @Option(help: "Problem: \(MOOProblemName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var problem: MOOProblemName = .zdt1
  @Option(name: [.customLong("population"), .customLong("pop")], help: "Population size (odd sizes drop the last child, as pymoo).")
  var population = 100
  @Option(name: [.customLong("generations"), .customLong("gens")], help: "Generations, the initial population counting as the first (pymoo's n_gen).")
  var generations = 200
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(parsing: .upToNextOption, help: "Hypervolume reference point (default 1.1 per objective).")
  var ref: [Double] = []
  @Option(help: "Write the final non-dominated objectives as CSV (header f1,f2,...).") var front: String?
  @Flag(help: "Skip the hypervolume curve (every 10 generations) in the JSON.") var noCurve = false

  func validate() throws {
    if population < 1 { throw ValidationError("--population must be at least 1, got \(population)") }
    if generations < 1 { throw ValidationError("--generations must be at least 1, got \(generations)") }
    let m = MOTestProblem(problem.kind).objectiveCount
    if !ref.isEmpty && ref.count != m {
      throw ValidationError("--ref needs \(m) values for \(problem.rawValue), got \(ref.count)")
    }
    if ref.contains(where: { !$0.isFinite }) { throw ValidationError("--ref values must be finite") }
  }
}

/// One NSGA-II run and its indicators, with the keys of `moo_bench_pymoo.py`.
struct MOORunResult {
  var problem: MOTestProblem
  var options: MOORunOptions
  var reference: [Double]
  var front: [Double]
  var hv: Double
  var hvTrueFront: Double
  var igd: Double
  var igdPlus: Double
  var evaluations: Int
  var wall: Double
  var cpu: Double
  var curve: [(Int, Int, Double)]

  init(_ o: MOORunOptions) throws {
    let p = MOTestProblem(o.problem.kind)
    let m = p.objectiveCount
    problem = p
    options = o
    reference = o.ref.isEmpty ? Array(repeating: 1.1, count: m) : o.ref
    var optimizer = try NSGA2(problem: p, configuration: NSGA2Configuration(populationSize: o.population), seed: o.seed)
    var curve: [(Int, Int, Double)] = []
    let ref = reference
    let record = !o.noCurve
    let w0 = wallSeconds(), c0 = cpuSeconds()
    optimizer.minimize(p, generations: o.generations) { s in
      if record && (s.generation % 10 == 0 || s.generation == 1) {
        curve.append((s.generation, s.evaluations, Hypervolume.compute(s.paretoFront, objectives: m, reference: ref)))
      }
    }
    wall = wallSeconds() - w0
    cpu = cpuSeconds() - c0
    self.curve = curve
    front = optimizer.paretoFront
    evaluations = optimizer.evaluations
    let truth = p.paretoFront()
    hv = Hypervolume.compute(front, objectives: m, reference: reference)
    hvTrueFront = Hypervolume.compute(truth, objectives: m, reference: reference)
    igd = DistanceIndicator.igd(front, reference: truth, objectives: m)
    igdPlus = DistanceIndicator.igdPlus(front, reference: truth, objectives: m)
  }

  var nondominated: Int { front.count / problem.objectiveCount }

  /// The JSON object `moo_bench_pymoo.py` writes (plus `cpu_s` and `igd_plus`).
  func json(withCurve: Bool) -> String {
    var j = JSONLine()
    j.add("tool", "frontier")
    j.add("tool_version", "0.1")
    j.add("algo", "nsga2")
    j.add("problem", problem.name)
    j.add("n_var", problem.variableCount)
    j.add("n_obj", problem.objectiveCount)
    j.add("pop", options.population)
    j.add("generations", options.generations)
    j.add("evaluations", evaluations)
    j.add("seed", Int(truncatingIfNeeded: options.seed))
    j.addRaw("hv_ref", "[" + reference.map { JSONLine.number($0) }.joined(separator: ",") + "]")
    j.add("hv", hv)
    j.add("hv_true_front", hvTrueFront)
    j.add("igd", igd)
    j.add("igd_plus", igdPlus)
    j.add("n_nondominated", nondominated)
    j.add("wall_s", (wall * 1000).rounded() / 1000)
    j.add("cpu_s", (cpu * 1000).rounded() / 1000)
    if withCurve {
      j.addRaw("hv_curve", "[" + curve.map { "[\($0.0),\($0.1),\(JSONLine.number($0.2))]" }.joined(separator: ",") + "]")
    }
    return j.text
  }

  func writeFront(_ path: String) throws {
    let m = problem.objectiveCount
    var s = (1...m).map { "f\($0)" }.joined(separator: ",") + "\n"
    for i in 0..<nondominated {
      s += front[(i * m)..<(i * m + m)].map { "\($0)" }.joined(separator: ",") + "\n"
    }
    try write(s, to: path)
  }
}

func write(_ text: String, to path: String) throws {
  do {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  } catch {
    throw InputError(file: path, "cannot write: \(error.localizedDescription)")
  }
}

struct ParetoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pareto",
    abstract: "NSGA-II (pymoo's defaults) on a ZDT or DTLZ2 test problem: hypervolume, IGD, front CSV and plot.",
    discussion: """
      Example:
        frontier pareto --problem zdt1 --population 100 --generations 200 --seed 1 \\
          --json zdt1.json --front zdt1.csv --plot zdt1.svg
      """)

  @OptionGroup var run: MOORunOptions
  @Option(help: "Write the run summary as JSON (the keys of moo_bench_pymoo.py).") var json: String?
  @Option(help: "Write an SVG of the found front against the true front.") var plot: String?

  func run() async throws {
    let r = try MOORunResult(run)
    let p = r.problem
    Console.line("NSGA-II on \(p.name) (\(p.variableCount) variables, \(p.objectiveCount) objectives), population \(run.population), \(run.generations) generations, seed \(run.seed)")
    Console.line("  evaluations      \(grouped(r.evaluations))")
    Console.line("  non-dominated    \(r.nondominated)")
    Console.line("  hypervolume      \(fmt(r.hv, 6))  (true front \(fmt(r.hvTrueFront, 6)), ref \(r.reference.map { fmt($0, 2) }.joined(separator: ",")))")
    Console.line("  IGD / IGD+       \(fmt(r.igd, 6)) / \(fmt(r.igdPlus, 6))")
    Console.line("  time             \(fmt(r.wall, 3)) s wall, \(fmt(r.cpu, 3)) s CPU")
    if let path = json { try write(r.json(withCurve: true) + "\n", to: path) }
    if let path = run.front { try r.writeFront(path) }
    if let path = plot {
      let title = "\(p.name): NSGA-II, HV \(fmt(r.hv, 4)) (true front \(fmt(r.hvTrueFront, 4)))"
      try write(ParetoPlot.svg(found: r.front, truth: p.paretoFront(), objectives: p.objectiveCount, title: title), to: path)
    }
  }
}

/// A self-contained SVG of a found front against the true front: one panel for two
/// objectives, the three pairwise projections for three or more.
enum ParetoPlot {
  static func svg(found: [Double], truth: [Double], objectives m: Int, title: String) -> String {
    let pairs: [(Int, Int)] = m == 2 ? [(0, 1)] : [(0, 1), (0, 2), (1, 2)]
    let w = 340.0, h = 300.0, top = 44.0
    let width = Int(w) * pairs.count
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(Int(h + top + 20))" font-family="sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>
      <text x="8" y="16" font-size="13">\(escape(title))</text>
      <circle cx="14" cy="31" r="2" fill="#888"/><text x="22" y="35">true front (pymoo's sample)</text>
      <circle cx="190" cy="31" r="3" fill="none" stroke="#d62728" stroke-width="1.3"/><text x="198" y="35">NSGA-II front</text>

      """
    for (k, (a, b)) in pairs.enumerated() {
      let all = truth + found
      let n = all.count / m
      var lo = [Double.infinity, .infinity], hi = [-Double.infinity, -Double.infinity]
      for i in 0..<n {
        for (t, j) in [a, b].enumerated() where all[i * m + j].isFinite {
          lo[t] = min(lo[t], all[i * m + j]); hi[t] = max(hi[t], all[i * m + j])
        }
      }
      for t in 0..<2 where !(hi[t] > lo[t]) { lo[t] = (lo[t].isFinite ? lo[t] : 0) - 0.5; hi[t] = lo[t] + 1 }
      let x0 = Double(k) * w + 50, y0 = top + 10, pw = w - 70, ph = h - 50
      func px(_ v: Double) -> String { String(format: "%.2f", x0 + (v - lo[0]) / (hi[0] - lo[0]) * pw) }
      func py(_ v: Double) -> String { String(format: "%.2f", y0 + ph - (v - lo[1]) / (hi[1] - lo[1]) * ph) }
      s += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#333\"/>\n"
      s += "<text x=\"\(x0 + pw / 2)\" y=\"\(y0 + ph + 32)\" text-anchor=\"middle\">f\(a + 1)</text>\n"
      s += "<text x=\"\(x0 - 36)\" y=\"\(y0 + ph / 2)\" transform=\"rotate(-90 \(x0 - 36) \(y0 + ph / 2))\" text-anchor=\"middle\">f\(b + 1)</text>\n"
      for (t, v) in [(0, lo[0]), (1, hi[0])] {
        s += "<text x=\"\(t == 0 ? x0 : x0 + pw)\" y=\"\(y0 + ph + 14)\" text-anchor=\"\(t == 0 ? "start" : "end")\">\(fmt(v, 2))</text>\n"
      }
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + ph)\" text-anchor=\"end\">\(fmt(lo[1], 2))</text>\n"
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + 10)\" text-anchor=\"end\">\(fmt(hi[1], 2))</text>\n"
      let t = truth.count / m
      if m == 2 {
        // Join neighbouring samples of the true front (not across the gaps of ZDT3).
        s += "<g stroke=\"#aaa\" stroke-width=\"1\">"
        for i in 1..<max(1, t) {
          let dx = (truth[i * 2] - truth[i * 2 - 2]) / (hi[0] - lo[0])
          let dy = (truth[i * 2 + 1] - truth[i * 2 - 1]) / (hi[1] - lo[1])
          if dx * dx + dy * dy < 0.0036 {
            s += "<line x1=\"\(px(truth[i * 2 - 2]))\" y1=\"\(py(truth[i * 2 - 1]))\" x2=\"\(px(truth[i * 2]))\" y2=\"\(py(truth[i * 2 + 1]))\"/>"
          }
        }
        s += "</g>\n"
      }
      s += "<g fill=\"#888\">"
      for i in 0..<t { s += "<circle cx=\"\(px(truth[i * m + a]))\" cy=\"\(py(truth[i * m + b]))\" r=\"1.6\"/>" }
      s += "</g>\n<g fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.3\">"
      for i in 0..<(found.count / m) { s += "<circle cx=\"\(px(found[i * m + a]))\" cy=\"\(py(found[i * m + b]))\" r=\"3\"/>" }
      s += "</g>\n"
    }
    return s + "</svg>\n"
  }

  static func escape(_ t: String) -> String {
    t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }
}
