import ArgumentParser
import Foundation
import FrontierCore
import FrontierStateSearch

struct SolveGrid: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grid",
    abstract: "Solve MovingAI grid pathfinding scenarios (.map + .scen).",
    discussion: """
      8-connected by default: diagonal steps cost √2 and may not cut corners (both orthogonal \
      neighbours must be passable); the heuristic is the octile distance. With \
      --connectivity four, steps cost 1 and the heuristic is the Manhattan distance. \
      Scenarios whose optimal length is 0 (unknown) are solved but not compared.
      """)

  @Option(help: "MovingAI .map file.")
  var map: String

  @Option(help: "MovingAI .scen file (scenarios on this map).")
  var scen: String

  @Option(help: "Algorithm: a-star, dijkstra, weighted-a-star, greedy, bfs, bidirectional, beam.")
  var algorithm: AlgorithmName = .aStar

  @Option(help: "eight (octile, no corner cutting) or four.")
  var connectivity: ConnectivityName = .eight

  @Option(help: "Only the first N scenarios.")
  var count: Int?

  @Flag(help: "Skip scenarios whose optimal length is 0 (unknown).")
  var skipUnknown = false

  @OptionGroup var common: CommonSolveOptions

  func validate() throws {
    if algorithm == .idaStar {
      throw ValidationError("ida-star is not offered on grids (exponential on graphs with many transpositions); use a-star")
    }
  }

  func run() async throws {
    let set = try loadScenarioSet(map: map, scen: scen)
    var scenarios = set.scenarios
    if skipUnknown { scenarios = scenarios.filter { $0.optimalLength > 0 } }
    if let n = count { scenarios = Array(scenarios.prefix(n)) }
    let report = SolveReport(
      json: common.json,
      title: "grid \((map as NSString).lastPathComponent) \(algorithm.rawValue) \(connectivity.rawValue)-connected")
    var solver = GridSolver(
      map: set.map, connectivity: connectivity.value, algorithm: gridAlgorithm(algorithm, common),
      options: common.searchOptions)
    for s in scenarios {
      let r = solver.solve(s)
      report.add(gridRecord(r, s))
    }
    report.finish()
  }
}

enum ConnectivityName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case eight, four
  var value: GridConnectivity { self == .eight ? .eight : .four }
}

func gridAlgorithm(_ a: AlgorithmName, _ o: CommonSolveOptions) -> GridAlgorithm {
  switch a {
  case .aStar, .idaStar: return .aStar
  case .dijkstra: return .dijkstra
  case .weightedAStar: return .weightedAStar(weight: o.weight)
  case .greedy: return .greedy
  case .bfs: return .breadthFirst
  case .bidirectional: return .bidirectional
  case .beam: return .beam(width: o.width)
  }
}

func gridRecord(_ r: GridQueryResult, _ s: GridScenario) -> SolveRecord {
  let outcome: String
  if r.cost != nil {
    outcome = "solved"
  } else if let stop = r.stopReason {
    outcome = "stopped:\(stop)"
  } else {
    outcome = "exhausted"
  }
  var rec = SolveRecord(
    id: "\(s.index + 1)", outcome: outcome, cost: r.cost,
    optimal: s.optimalLength > 0 ? s.optimalLength : nil, statistics: r.statistics,
    pathLength: r.cost == nil ? nil : Swift.max(0, r.pathCellCount - 1))
  rec.extra = [("line", "\(s.line)")]
  return rec
}

/// Reads and validates a map and its scenarios; every problem is an `InputError` naming
/// the file and line.
func loadScenarioSet(map: String, scen: String) throws -> GridScenarioSet {
  func read(_ path: String) throws -> String {
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw InputError(file: path, "cannot read the file (\(error.localizedDescription))")
    }
  }
  let mapText = try read(map)
  let scenText = try read(scen)
  do {
    return try GridScenarioSet.parse(map: mapText, mapFile: map, scenarios: scenText, scenarioFile: scen)
  } catch {
    throw InputError(file: error.file, line: error.line, column: error.column, error.message)
  }
}
