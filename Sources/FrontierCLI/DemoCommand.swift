import ArgumentParser
import Foundation
import FrontierCore
import FrontierPlanning
import FrontierStateSearch

/// Locates the data bundled with the CLI (Korf's instances, MovingAI maps).
enum BundledData {
  static func url(_ name: String) throws -> URL {
    guard let u = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources")
      ?? Bundle.module.url(forResource: name, withExtension: nil)
    else {
      throw InputError(file: name, "bundled data file is missing from the frontier resources")
    }
    return u
  }
  static func text(_ name: String) throws -> (String, String) {
    let u = try url(name)
    return (try String(contentsOf: u, encoding: .utf8), u.path)
  }
}

struct Demo: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what Frontier can do, on data bundled with it (under a minute).")

  @Flag(help: "Shorter run (used by the tests).")
  var quick = false

  func run() async throws {
    let started = ContinuousClock.now
    Console.line("Frontier demo — state-space search, planning, vector search, quality diversity and studies on bundled data")
    Console.line("")
    try slidingTiles()
    try await DemoSections.extra(quick: quick)
    try await DemoStudy.run(quick: quick)
    Console.line("")
    Console.line("demo finished in \(fmt(seconds(ContinuousClock.now - started), 1)) s")
  }

  func slidingTiles() throws {
    let (text, path) = try BundledData.text("korf100.txt")
    let all = try SlidingTileInstanceReader.parse(text, file: path)
    // Korf's instances that IDA* with Manhattan distance solves in well under a second each.
    let ids: Set<Int> = quick ? [79, 97] : [79, 97, 19, 94, 45, 42, 16]
    let chosen = all.filter { ids.contains($0.id) }
    Console.line("1. Korf's 15-puzzle instances (Korf 1985), IDA* with incremental Manhattan distance")
    let options = CommonSolveOptions.defaults
    let report = SolveReport(json: false, title: "   ida-star manhattan")
    for inst in chosen {
      report.add(solveTileInstance(inst, algorithm: .idaStar, heuristic: .manhattan, options: options))
    }
    report.finish()
    Console.line("")

    Console.line("2. One 8-puzzle (27 moves to Korf's goal, checked by BFS), every algorithm")
    let eight = SlidingTileInstance(
      id: 1, optimal: 27, line: 0, puzzle: try SlidingTilePuzzle(tiles: [8, 6, 7, 2, 5, 4, 3, 0, 1]))
    let r2 = SolveReport(json: false, title: "   algorithm comparison (27 is optimal; ! marks a cost above it)")
    for algorithm in AlgorithmName.allCases {
      var rec = solveTileInstance(eight, algorithm: algorithm, heuristic: .manhattan, options: options)
      rec.id = algorithm.rawValue
      r2.add(rec)
    }
    Console.line("   (weighted-a-star w=2 and greedy trade optimality for speed; beam width 100)")
    Console.line("")
    let unsolvable = SlidingTileInstance(
      id: 2, optimal: nil, line: 0, puzzle: try SlidingTilePuzzle(tiles: [0, 2, 1, 3, 4, 5, 6, 7, 8]))
    let rec = solveTileInstance(unsolvable, algorithm: .idaStar, heuristic: .manhattan, options: options)
    Console.line("   [0 2 1 / 3 4 5 / 6 7 8] -> \(rec.outcome) (parity check, no search)")
    Console.line("")
  }
}

func seconds(_ d: Duration) -> Double {
  let c = d.components
  return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

extension CommonSolveOptions {
  static var defaults: CommonSolveOptions {
    // swift-argument-parser builds the defaults from an empty argument list.
    (try? CommonSolveOptions.parse([])) ?? CommonSolveOptions()
  }
}

/// Demo sections contributed by other capabilities (grids, planning, ...).
enum DemoSections {
  static func extra(quick: Bool) async throws {
    try grids(quick: quick)
    Console.line("")
    try planning(quick: quick)
    Console.line("")
    try vectors(quick: quick)
    Console.line("")
    try qualityDiversity(quick: quick)
  }

  static func planning(quick: Bool) throws {
    Console.line("4. PDDL planning (the classical planner of LLM+P): PlanBench Blocksworld, plans validated")
    let domain = try BundledData.url("blocksworld-domain.pddl").path
    for i in quick ? [1] : [1, 250, 500] {
      let problem = try BundledData.url("blocksworld-\(i).pddl").path
      let task = try loadPlanningTask(domain: domain, problem: problem, strict: false)
      let ground: GroundTask
      do { ground = try Grounder.ground(task) } catch { throw InputError(error) }
      for search in [PlannerSearch.lama, .gbfsFF, .astarHmax] {
        let r = Planner.solve(ground, configuration: PlannerConfiguration(search: search))
        var valid = "no plan"
        if let plan = r.plan {
          let report = PlanValidator(task: task).validate(try PlanValidator.parsePlan(ground.ipcPlan(plan)))
          valid = report.isValid ? "valid" : "INVALID"
        }
        Console.line(
          "   instance-\(i) " + pad(search.rawValue, 11, right: false) + " cost " + pad(r.cost.map(String.init) ?? "-", 3)
            + "  expanded " + pad(grouped(r.statistics.expanded), 8) + "  " + valid)
      }
    }
    Console.line(
      "   (lama: `frontier plan`'s default, h_FF + landmarks as FD's lama-first; gbfs-ff: greedy best-first with h_FF;"
        + " astar-hmax: optimal)")
  }

  static func grids(quick: Bool) throws {
    Console.line("3. MovingAI grid maps (Sturtevant 2012): 8-connected, √2 diagonals, no corner cutting")
    for name in ["arena.map", "den312d.map"] {
      let map = try BundledData.url(name).path
      let scen = try BundledData.url(name + ".scen").path
      let set = try loadScenarioSet(map: map, scen: scen)
      var scenarios = set.scenarios.filter { $0.optimalLength > 0 }
      if quick { scenarios = Array(scenarios.prefix(50)) }
      Console.line("   \(name) (\(set.map.width)x\(set.map.height)), \(scenarios.count) scenarios:")
      for algorithm in [AlgorithmName.aStar, .bidirectional, .dijkstra, .weightedAStar] {
        let report = SolveReport(json: true, title: "")
        var solver = GridSolver(
          map: set.map, connectivity: .eight, algorithm: gridAlgorithm(algorithm, CommonSolveOptions.defaults))
        var total = SearchStatistics()
        var optimal = 0
        for s in scenarios {
          let r = gridRecord(solver.solve(s), s)
          total.accumulate(r.statistics)
          if r.matchesOptimal == true { optimal += 1 }
          _ = report
        }
        Console.line(
          "     " + pad(algorithm.rawValue, 16, right: false) + " optimal \(optimal)/\(scenarios.count)"
            + "  expanded " + pad(grouped(total.expanded), 11) + "  " + pad(fmt(total.seconds * 1000, 1), 7) + " ms")
      }
    }
    Console.line("   (weighted-a-star uses w = 2: fewer expansions, costs within 2x)")
  }
}
