public import FrontierCore

/// The maximum of a heuristic on a board and on its mirror image about the main diagonal
/// (Felner, Korf & Hanan, "Additive pattern database heuristics", JAIR 22, 2004, §5.3:
/// "reflected lookups").
///
/// Reflecting a square puzzle about the main diagonal maps cell (r, c) to (c, r) and
/// relabels tile t as the tile whose goal cell is the mirror of t's goal cell. The goal is
/// its own mirror, so the mirrored board has the same optimal cost and any admissible
/// heuristic of it is an admissible heuristic of the original; the maximum of the two is
/// admissible too. With the 7-8 pattern databases it cuts the nodes IDA* generates on
/// Korf's 100 instances by about 3.7×.
///
/// - Complexity: two full evaluations of `base` per node (not incremental).
public struct ReflectedMaxHeuristic<Base: Heuristic>: IncrementalHeuristic, Sendable
where Base.State == TileBoard, Base.Cost == Int, Base: Sendable {
  public typealias State = TileBoard
  public typealias Cost = Int
  public typealias Move = TileMove
  public let base: Base
  /// `mirror[cell]`: the mirrored cell; also the mirrored label of the tile whose goal is `cell`.
  @usableFromInline internal let mirror: LookupTable<UInt8>
  @usableFromInline internal let cells: Int

  /// - Precondition: `puzzle` is square and has the standard goal (tile t on cell t).
  public init(_ base: Base, puzzle: SlidingTilePuzzle) {
    precondition(puzzle.rows == puzzle.columns, "reflection needs a square board")
    let n = puzzle.rows
    var m = [UInt8](repeating: 0, count: n * n)
    for r in 0..<n { for c in 0..<n { m[r * n + c] = UInt8(c * n + r) } }
    self.base = base
    self.mirror = LookupTable(m)
    self.cells = n * n
  }

  /// The board mirrored about the main diagonal.
  @inlinable public func reflect(_ s: TileBoard) -> TileBoard {
    var out = TileBoard(tiles: [])
    for c in 0..<cells {
      let t = Int(s.cell(c))
      let mc = Int(mirror[c])
      if t == 0 {
        out._blank = UInt8(mc)
      } else {
        out.setCell(mc, to: mirror[t])
      }
    }
    return out
  }

  @inlinable public func estimate(_ state: TileBoard) -> Int {
    Swift.max(base.estimate(state), base.estimate(reflect(state)))
  }

  @inlinable
  public func estimate(after move: TileMove, from state: TileBoard, estimate: Int) -> Int {
    var s = state
    s._xorTile(move.tile, at: Int(move.from), and: Int(move.to))
    s._blank = move.to
    return self.estimate(s)
  }
}
