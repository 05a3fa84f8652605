import Testing
import FrontierCore
@testable import FrontierStateSearch

@Test func idaStarSolvesSmallEightPuzzle() throws {
  let p = try SlidingTilePuzzle(tiles: [1, 2, 0, 3, 4, 5, 6, 7, 8])
  let r = idaStar(p, heuristic: ManhattanDistance(p))
  #expect(r.cost == 2)
}
