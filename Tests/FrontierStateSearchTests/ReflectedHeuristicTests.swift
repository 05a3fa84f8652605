import FrontierCore
import Testing
@testable import FrontierStateSearch

@Suite("Reflected lookups")
struct ReflectedHeuristicTests {
  @Test("Mirroring twice is the identity, the goal is its own mirror, and the max stays admissible")
  func reflection() throws {
    let goal = try SlidingTilePuzzle(tiles: Array(0..<9))
    let pdbs = try AdditivePatternDatabases.build(
      partition: AdditivePatternDatabases.standardPartition(rows: 3, columns: 3)!, puzzle: goal)
    let reflected = ReflectedMaxHeuristic(pdbs, puzzle: goal)
    #expect(reflected.reflect(goal.goal) == goal.goal)
    var rng = Xoshiro256StarStar(seed: 7)
    for _ in 0..<40 {
      let tiles = Array(0..<9).shuffled(using: &rng)
      let p = try SlidingTilePuzzle(tiles: tiles)
      let board = p.start
      #expect(reflected.reflect(reflected.reflect(board)) == board)
      #expect(reflected.estimate(board) >= pdbs.estimate(board))
      guard p.isSolvable else { continue }
      let optimal = try #require(idaStar(p, heuristic: ManhattanDistance(p)).cost)
      #expect(reflected.estimate(board) <= optimal)
      #expect(idaStar(p, heuristic: reflected).cost == optimal)
    }
  }
}
