import ArgumentParser
import Foundation
import FrontierCore
import FrontierStateSearch
import Testing
@testable import FrontierCLI

@Suite("CLI: instance files, JSON records, bad input")
struct CLITests {
  @Test("Korf-format and tiles-only lines parse; comments and blank lines are skipped")
  func parsesInstances() throws {
    let text = """
      # a comment
      1 57 14 13 15 7 11 12 9 5 6 0 2 1 4 8 10 3

      1 2 0 3 4 5 6 7 8   # tiles alone, 8-puzzle
      """
    let list = try SlidingTileInstanceReader.parse(text, file: "x.txt")
    #expect(list.count == 2)
    #expect(list[0].id == 1 && list[0].optimal == 57 && list[0].line == 2)
    #expect(list[1].id == 2 && list[1].optimal == nil && list[1].puzzle.cellCount == 9)
  }

  @Test(
    "Bad instance lines name the file, the line and what was expected",
    arguments: [
      ("1 2 3", 1, "expected 4, 9, 16 or 25 tiles"),
      ("0 1 2 3 4 5 6 7 7", 1, "tile 7 appears more than once"),
      ("# c\n0 1 2 3 4 5 6 7 9", 2, "tile 9 is out of range"),
      ("0 1 2 x 4 5 6 7 8", 1, "expected an integer, found 'x'"),
      ("# nothing", nil, "no instances found"),
    ])
  func badInstances(text: String, line: Int?, message: String) {
    do {
      _ = try SlidingTileInstanceReader.parse(text, file: "bad.txt")
      Issue.record("no error for \(text)")
    } catch {
      #expect(error.file == "bad.txt")
      #expect(error.line == line)
      #expect(error.message.contains(message), "\(error.message)")
      #expect(error.description.hasPrefix("bad.txt"))
    }
  }

  @Test("A non-square board needs --board, and then parses")
  func boardShape() throws {
    let list = try SlidingTileInstanceReader.parse("1 2 3 0 4 5 6 7", file: "b.txt", rows: 2, columns: 4)
    #expect(list[0].puzzle.rows == 2 && list[0].puzzle.columns == 4)
  }

  @Test("JSON records carry the documented keys and values")
  func jsonRecord() throws {
    let inst = try SlidingTileInstanceReader.parse("7 4 1 2 0 3 4 5 6 7 8", file: "j.txt")[0]
    let rec = solveTileInstance(inst, algorithm: .idaStar, heuristic: .manhattan, options: .defaults)
    let obj = try #require(
      try JSONSerialization.jsonObject(with: Data(rec.jsonLine.utf8)) as? [String: Any])
    for key in ["id", "solved", "outcome", "cost", "optimal", "optimal_match", "expanded", "generated", "seconds"] {
      #expect(obj[key] != nil, "missing \(key)")
    }
    #expect(obj["id"] as? Int == 7)
    #expect(obj["solved"] as? Bool == true)
    #expect(obj["cost"] as? Int == 2)
    #expect(obj["optimal_match"] as? Bool == false)  // the file claimed 4
  }

  @Test("Unsolvable instances are reported without searching")
  func unsolvable() throws {
    let inst = try SlidingTileInstanceReader.parse("0 2 1 3 4 5 6 7 8", file: "u.txt")[0]
    let rec = solveTileInstance(inst, algorithm: .aStar, heuristic: .linearConflict, options: .defaults)
    #expect(rec.outcome == "unsolvable")
    #expect(rec.statistics.expanded == 0)
    #expect(!rec.solved)
  }

  @Test("Every algorithm name runs on an 8-puzzle; the optimal ones agree")
  func everyAlgorithm() throws {
    let inst = try SlidingTileInstanceReader.parse("1 4 2 3 7 5 6 0 8", file: "e.txt")[0]
    let optimal = solveTileInstance(inst, algorithm: .idaStar, heuristic: .manhattan, options: .defaults).cost
    for a in AlgorithmName.allCases {
      let rec = solveTileInstance(inst, algorithm: a, heuristic: .manhattan, options: .defaults)
      #expect(rec.solved, "\(a)")
      if [.aStar, .bfs, .dijkstra, .bidirectional].contains(a) {
        #expect(rec.cost == optimal, "\(a)")
      }
    }
  }

  @Test("A limit reports stopped, not an error")
  func limits() throws {
    let inst = try SlidingTileInstanceReader.parse("8 6 7 2 5 4 3 0 1", file: "e.txt")[0]
    var o = CommonSolveOptions.defaults
    o.limitExpansions = 10
    let rec = solveTileInstance(inst, algorithm: .aStar, heuristic: .manhattan, options: o)
    #expect(rec.outcome == "stopped:expansion-limit")
    #expect(rec.statistics.expanded == 10)
  }

  @Test("Bundled grid data solves to the listed optimal costs")
  func bundledGrid() throws {
    let set = try loadScenarioSet(
      map: try BundledData.url("arena.map").path, scen: try BundledData.url("arena.map.scen").path)
    var solver = GridSolver(map: set.map, algorithm: .aStar)
    for s in set.scenarios where s.optimalLength > 0 {
      let rec = gridRecord(solver.solve(s), s)
      #expect(rec.matchesOptimal == true, "scenario \(s.index)")
    }
  }

  @Test("Bad grid files are input errors naming file and line")
  func badGrid() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-cli-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let map = dir.appendingPathComponent("m.map").path
    let scen = dir.appendingPathComponent("m.scen").path
    try "type octile\nheight 2\nwidth 3\nmap\n...\n.@.\n".write(toFile: map, atomically: true, encoding: .utf8)
    try "version 1\n0\tm.map\t3\t2\t0\t0\t1\t1\t1.41421\n".write(toFile: scen, atomically: true, encoding: .utf8)
    #expect(throws: InputError.self) { try loadScenarioSet(map: map, scen: scen) }  // blocked goal
    do {
      _ = try loadScenarioSet(map: map, scen: scen)
    } catch let e as InputError {
      #expect(e.file == scen && e.line == 2, "\(e)")
    }
    #expect(throws: InputError.self) { try loadScenarioSet(map: dir.appendingPathComponent("none.map").path, scen: scen) }
  }

  @Test("Option validation rejects bad numbers")
  func optionValidation() {
    #expect(throws: (any Error).self) { try FrontierCommand.parseAsRoot(["solve", "sliding-tile", "--instances", "x", "--weight", "0.5"]) }
    #expect(throws: (any Error).self) { try FrontierCommand.parseAsRoot(["solve", "sliding-tile", "--instances", "x", "--algorithm", "nope"]) }
    #expect(throws: (any Error).self) { try FrontierCommand.parseAsRoot(["solve", "grid", "--map", "a", "--scen", "b", "--algorithm", "ida-star"]) }
  }

  @Test("Pattern databases: built, cached and reloaded; optimal like Manhattan; wrong board refused")
  func patternDatabases() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-pdb-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let inst = try SlidingTileInstanceReader.parse("8 6 7 2 5 4 3 0 1", file: "p.txt")[0]
    let built = try loadPatternDatabases(.pdb, puzzle: inst.puzzle, directory: dir, quiet: true)
    let reloaded = try loadPatternDatabases(.pdb, puzzle: inst.puzzle, directory: dir, quiet: true)
    let a = tileRecord(inst) { runTile(.idaStar, $0, built, .defaults) }
    let b = tileRecord(inst) { runTile(.idaStar, $0, reloaded, .defaults) }
    #expect(a.cost == 27 && b.cost == 27)
    #expect(a.statistics.generated == b.statistics.generated)
    #expect(throws: InputError.self) {
      try loadPatternDatabases(.pdb78, puzzle: inst.puzzle, directory: dir, quiet: true)
    }
  }
}
