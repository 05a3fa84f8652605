import ArgumentParser
import Foundation
import FrontierCore
import FrontierStateSearch

struct Solve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Solve state-space search instances.",
    discussion: """
      Examples:
        frontier solve sliding-tile --instances korf100.txt --algorithm ida-star --heuristic manhattan
        frontier solve grid --map arena.map --scen arena.map.scen --algorithm a-star --json
      """,
    subcommands: [SolveSlidingTile.self, SolveGrid.self])
}

/// Algorithms the CLI can run on a state space.
enum AlgorithmName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case idaStar = "ida-star"
  case aStar = "a-star"
  case weightedAStar = "weighted-a-star"
  case greedy
  case beam
  case bfs
  case dijkstra
  case bidirectional
}

enum TileHeuristicName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case manhattan
  case linearConflict = "linear-conflict"
  /// Korf & Felner's additive 7-8 pattern databases (15-puzzle only).
  case pdb78 = "pdb-7-8"
  /// Additive pattern databases with the standard partition of the board
  /// (2x3, 3x3, 3x4, 4x4).
  case pdb
  /// The 7-8 databases, maximised with the lookup of the board mirrored about the main
  /// diagonal (Felner, Korf & Hanan 2004).
  case pdb78Reflected = "pdb-7-8-reflected"
}

/// Options shared by the `solve` subcommands.
struct CommonSolveOptions: ParsableArguments {
  @Option(help: "Weight for weighted-a-star (w ≥ 1).")
  var weight: Double = 2

  @Option(help: "Beam width for beam search.")
  var width: Int = 100

  @Option(name: .customLong("limit-seconds"), help: "Stop each instance after this many seconds (reported as stopped).")
  var limitSeconds: Double?

  @Option(name: .customLong("limit-expansions"), help: "Stop each instance after this many expansions.")
  var limitExpansions: Int?

  @Option(name: .customLong("limit-memory"), help: "Stop each instance when its nodes exceed this many MB (estimated).")
  var limitMemoryMB: Int?

  @Option(help: "Tie-breaking among equal f: larger-g, smaller-g or none.")
  var tieBreaking: TieName = .largerG

  @Flag(help: "Print one JSON object per instance instead of a table.")
  var json = false

  func validate() throws {
    if weight < 1 { throw ValidationError("--weight must be at least 1, got \(weight)") }
    if width < 1 { throw ValidationError("--width must be at least 1, got \(width)") }
    if let s = limitSeconds, !(s > 0) { throw ValidationError("--limit-seconds must be positive, got \(s)") }
    if let e = limitExpansions, e < 1 { throw ValidationError("--limit-expansions must be positive, got \(e)") }
    if let m = limitMemoryMB, m < 1 { throw ValidationError("--limit-memory must be positive, got \(m)") }
  }

  var searchOptions: SearchOptions {
    var limits = SearchLimits()
    if let s = limitSeconds { limits.maxDuration = .milliseconds(Int64(s * 1000)) }
    if let e = limitExpansions { limits.maxExpansions = e }
    if let m = limitMemoryMB { limits.maxMemoryBytes = m * 1_048_576 }
    return SearchOptions(limits: limits, tieBreaking: TieBreaking(g: tieBreaking.preference))
  }
}

enum TieName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case largerG = "larger-g", smallerG = "smaller-g", none
  var preference: TieBreaking.GPreference {
    switch self {
    case .largerG: return .preferLarger
    case .smallerG: return .preferSmaller
    case .none: return .none
    }
  }
}

/// Runs `algorithm` on any problem with the given heuristic. Generic so every path is
/// specialised for the concrete problem and heuristic.
func runAlgorithm<P: BidirectionalSearchProblem, H: Heuristic>(
  _ algorithm: AlgorithmName, problem: P, heuristic: H, backward: H? = nil,
  options: CommonSolveOptions
) -> SearchResult<P.State, P.Cost> where H.State == P.State, H.Cost == P.Cost {
  let o = options.searchOptions
  switch algorithm {
  case .aStar: return aStar(problem, heuristic: heuristic, options: o)
  case .weightedAStar:
    var wo = o
    wo.reopenClosed = false
    return weightedAStar(problem, heuristic: heuristic, weight: options.weight, options: wo)
  case .greedy: return greedyBestFirstSearch(problem, heuristic: heuristic, options: o)
  case .beam: return beamSearch(problem, heuristic: heuristic, width: options.width, options: o)
  case .bfs: return breadthFirstSearch(problem, options: o)
  case .dijkstra: return uniformCostSearch(problem, options: o)
  case .idaStar: return idaStar(problem, heuristic: heuristic, options: o)
  case .bidirectional:
    if let b = backward {
      return bidirectionalSearch(problem, forwardHeuristic: heuristic, backwardHeuristic: b, options: o)
    }
    return bidirectionalSearch(problem, options: o)
  }
}

/// Outcome label for tables and JSON.
func outcomeLabel<S, C>(_ o: SearchOutcome<S, C>) -> String {
  switch o {
  case .solved: return "solved"
  case .exhausted: return "exhausted"
  case .stopped(let r): return "stopped:\(r)"
  }
}

struct SolveSlidingTile: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sliding-tile",
    abstract: "Solve sliding-tile puzzles (8-, 15-, 24-puzzle; any board up to 25 cells).",
    discussion: """
      Instance files hold one instance per line: either `id optimal t0 ... t15` (Korf's format) or \
      the tiles alone, row-major, 0 for the blank; `#` starts a comment. The goal has the blank \
      on cell 0 and tile i on cell i. Unsolvable instances (wrong permutation parity) are reported \
      without searching.
      """)

  @Option(help: "Instance file.")
  var instances: String

  @Option(help: "Algorithm.")
  var algorithm: AlgorithmName = .idaStar

  @Option(help: "Heuristic.")
  var heuristic: TileHeuristicName = .manhattan

  @Option(help: "Board shape RxC for non-square boards (e.g. 2x4); default: square from the tile count.")
  var board: String?

  @Option(help: "Only the first N instances.")
  var count: Int?

  @Option(help: "Directory where pattern databases are cached (built on first use; the 7-8 pair is ~550 MB).")
  var pdbDir: String = ".frontier/pdb"

  @OptionGroup var common: CommonSolveOptions

  func run() async throws {
    var rows: Int? = nil
    var columns: Int? = nil
    if let b = board {
      let parts = b.lowercased().split(separator: "x").compactMap { Int($0) }
      guard parts.count == 2 else { throw ValidationError("--board must look like 4x4, got '\(b)'") }
      rows = parts[0]
      columns = parts[1]
    }
    let text: String
    do {
      text = try String(contentsOfFile: instances, encoding: .utf8)
    } catch {
      throw InputError(file: instances, "cannot read the instance file (\(error.localizedDescription))")
    }
    var list = try SlidingTileInstanceReader.parse(text, file: instances, rows: rows, columns: columns)
    if let n = count { list = Array(list.prefix(n)) }
    let report = SolveReport(json: common.json, title: "sliding-tile \(algorithm.rawValue) \(heuristic.rawValue)")
    if heuristic == .pdb || heuristic == .pdb78 || heuristic == .pdb78Reflected {
      let p = list[0].puzzle
      for inst in list where inst.puzzle.rows != p.rows || inst.puzzle.columns != p.columns {
        throw InputError(file: instances, line: inst.line, "pattern databases need one board shape; this instance differs from line \(list[0].line)")
      }
      let pdbs = try loadPatternDatabases(heuristic, puzzle: p, directory: pdbDir, quiet: common.json)
      if heuristic == .pdb78Reflected {
        let reflected = ReflectedMaxHeuristic(pdbs, puzzle: p)
        for inst in list {
          report.add(tileRecord(inst) { runTile(algorithm, $0, reflected, common) })
        }
      } else {
        for inst in list {
          report.add(tileRecord(inst) { runTile(algorithm, $0, pdbs, common) })
        }
      }
    } else {
      for inst in list {
        report.add(solveTileInstance(inst, algorithm: algorithm, heuristic: heuristic, options: common))
      }
    }
    report.finish()
  }
}

func solveTileInstance(
  _ inst: SlidingTileInstance, algorithm: AlgorithmName, heuristic: TileHeuristicName,
  options: CommonSolveOptions
) -> SolveRecord {
  tileRecord(inst) { p in
    switch heuristic {
    case .manhattan, .pdb78, .pdb, .pdb78Reflected:
      return runTile(algorithm, p, ManhattanDistance(p), options)
    case .linearConflict:
      return runTile(algorithm, p, LinearConflict(p), options)
    }
  }
}

/// Loads (or builds and caches) the pattern databases named by `heuristic`, reporting
/// progress on standard error.
func loadPatternDatabases(
  _ heuristic: TileHeuristicName, puzzle: SlidingTilePuzzle, directory: String, quiet: Bool
) throws -> AdditivePatternDatabases {
  let partition: [[Int]]
  if heuristic == .pdb78 || heuristic == .pdb78Reflected {
    guard puzzle.rows == 4 && puzzle.columns == 4 else {
      throw InputError(file: "--heuristic", "pdb-7-8 is for the 15-puzzle (4x4); these instances are \(puzzle.rows)x\(puzzle.columns): use --heuristic pdb")
    }
    partition = AdditivePatternDatabases.korfFelner78Partition
  } else {
    guard let p = AdditivePatternDatabases.standardPartition(rows: puzzle.rows, columns: puzzle.columns) else {
      throw InputError(file: "--heuristic", "no standard pattern partition for \(puzzle.rows)x\(puzzle.columns) boards (there is one for 2x3, 3x3, 3x4 and 4x4)")
    }
    partition = p
  }
  let start = ContinuousClock.now
  do {
    let dbs = try AdditivePatternDatabases.loadOrBuild(
      partition: partition, puzzle: puzzle, cacheDirectory: directory
    ) { event in
      switch event {
      case .loaded(let path): Console.error("pattern database: loaded \(path)")
      case .rejected(let path, let error): Console.error("pattern database: rebuilding \(path): \(error)")
      case .building(let tiles, let progress):
        Console.error("pattern database \(tiles): depth \(progress.depth), \(grouped(progress.entriesFilled))/\(grouped(progress.entryCount)) entries")
      case .saved(let path): Console.error("pattern database: saved \(path)")
      case .saveFailed(let path, let error): Console.error("pattern database: could not save \(path): \(error)")
      }
    }
    Console.error("pattern databases ready in \(fmt(seconds(ContinuousClock.now - start), 2)) s")
    return dbs
  } catch {
    throw InputError(file: error.path ?? directory, error.message)
  }
}

/// Runs `body` on a solvable instance and turns its result into a record.
func tileRecord(
  _ inst: SlidingTileInstance, _ body: (SlidingTilePuzzle) -> SearchResult<TileBoard, Int>
) -> SolveRecord {
  let p = inst.puzzle
  guard p.isSolvable else {
    return SolveRecord(id: "\(inst.id)", outcome: "unsolvable", cost: nil, optimal: inst.optimal.map(Double.init),
                       statistics: SearchStatistics(), pathLength: nil)
  }
  let result = body(p)
  return SolveRecord(
    id: "\(inst.id)", outcome: outcomeLabel(result.outcome), cost: result.cost.map(Double.init),
    optimal: inst.optimal.map(Double.init), statistics: result.statistics,
    pathLength: result.path.map { $0.count - 1 })
}

/// Sliding tiles: IDA* takes the in-place path; everything else the generic one.
func runTile<H: IncrementalHeuristic>(
  _ algorithm: AlgorithmName, _ p: SlidingTilePuzzle, _ h: H, _ options: CommonSolveOptions
) -> SearchResult<TileBoard, Int> where H.State == TileBoard, H.Cost == Int, H.Move == TileMove {
  if algorithm == .idaStar {
    return idaStar(p, heuristic: h, options: options.searchOptions)
  }
  if algorithm == .bidirectional {
    // Backward heuristic: estimates toward the start, i.e. the same heuristic on the
    // puzzle whose goal is the start (relabel tiles). Manhattan to an arbitrary target is
    // not provided here, so bidirectional runs with h = 0 on tiles.
    return bidirectionalSearch(p, options: options.searchOptions)
  }
  return runAlgorithm(algorithm, problem: p, heuristic: h, options: options)
}
