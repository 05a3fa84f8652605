public import FrontierCore

/// Which moves a grid path may make.
public enum GridConnectivity: String, Sendable, Hashable, CaseIterable {
  /// Up, down, left, right; each step costs 1.
  case four
  /// The four orthogonal steps (cost 1) and the four diagonal steps (cost √2). A diagonal
  /// step needs both orthogonal cells it passes to be passable (no corner cutting), the
  /// rule of the MovingAI benchmarks.
  case eight
}

/// A shortest-path query on a ``GridMap``: from `start` to `goal`, 4- or 8-connected.
///
/// States are ``GridCell``s, costs `Double`, and the state table is a
/// ``DenseStateTable`` over the map's cells, so a ``SearchWorkspace`` built once for a map
/// serves every query on it with an O(1) reset. The problem holds the map's shared
/// storage: copying it, or making a new query with ``with(start:goal:)``, copies no cells.
///
/// Moves are precomputed per cell when the map is built (a bit set of the legal moves,
/// corner cutting already excluded), so ``expand(_:into:)`` is one byte load and one
/// append per legal move.
///
/// ```swift
/// let map = try GridMap.parse(text, file: "arena.map")
/// let problem = GridPathProblem(map: map, start: map.cell(x: 1, y: 11), goal: map.cell(x: 1, y: 12))
/// let result = aStar(problem, heuristic: OctileDistance(toGoalOf: problem))
/// ```
public struct GridPathProblem: BidirectionalSearchProblem, Sendable {
  public typealias State = GridCell
  public typealias Cost = Double
  public typealias Table = DenseStateTable<GridCell>

  /// The map searched.
  public let map: GridMap
  /// 4- or 8-connected moves.
  public let connectivity: GridConnectivity
  public var start: GridCell
  public var goal: GridCell

  /// The map's per-cell move bit sets (shared storage).
  @usableFromInline internal let _moves: ContiguousArray<UInt8>
  /// Bits of `_moves` that this connectivity uses.
  @usableFromInline internal let _mask: UInt8
  /// `width` as a cell-index offset.
  @usableFromInline internal let _width: Int32
  /// √2, computed once.
  @usableFromInline internal let _diagonal: Double

  /// A query from `start` to `goal` on `map`.
  /// - Precondition: both cells are on the map (they may be blocked: the search then
  ///   finds no path, or a zero-length one when `start == goal`).
  public init(map: GridMap, start: GridCell, goal: GridCell, connectivity: GridConnectivity = .eight) {
    precondition(
      start.denseIndex >= 0 && start.denseIndex < map.cellCount && goal.denseIndex >= 0
        && goal.denseIndex < map.cellCount, "start and goal must be cells of the map")
    self.map = map
    self.connectivity = connectivity
    self.start = start
    self.goal = goal
    _moves = map._storage.moves
    _mask = connectivity == .eight ? 0xFF : 0x0F
    _width = Int32(map.width)
    _diagonal = 2.0.squareRoot()
  }

  /// The same map and connectivity with another start and goal. O(1): no cell is copied.
  @inlinable public func with(start: GridCell, goal: GridCell) -> GridPathProblem {
    precondition(
      start.denseIndex >= 0 && start.denseIndex < _moves.count && goal.denseIndex >= 0
        && goal.denseIndex < _moves.count, "start and goal must be cells of the map")
    var p = self
    p.start = start
    p.goal = goal
    return p
  }

  @inlinable @inline(__always) public func isGoal(_ state: GridCell) -> Bool { state == goal }

  @inlinable @inline(__always)
  public func expand(_ state: GridCell, into successors: inout Successors<GridCell, Double>) {
    let i = state.index
    let m = _moves[Int(i)] & _mask
    if m == 0 { return }
    let w = _width
    if m & GridMap.north != 0 { successors.append(GridCell(i &- w), cost: 1) }
    if m & GridMap.west != 0 { successors.append(GridCell(i &- 1), cost: 1) }
    if m & GridMap.east != 0 { successors.append(GridCell(i &+ 1), cost: 1) }
    if m & GridMap.south != 0 { successors.append(GridCell(i &+ w), cost: 1) }
    if m < 0x10 { return }
    let d = _diagonal
    if m & GridMap.northWest != 0 { successors.append(GridCell(i &- w &- 1), cost: d) }
    if m & GridMap.northEast != 0 { successors.append(GridCell(i &- w &+ 1), cost: d) }
    if m & GridMap.southWest != 0 { successors.append(GridCell(i &+ w &- 1), cost: d) }
    if m & GridMap.southEast != 0 { successors.append(GridCell(i &+ w &+ 1), cost: d) }
  }

  /// Moves are symmetric with symmetric costs, so predecessors are successors.
  @inlinable @inline(__always)
  public func expandBackward(_ state: GridCell, into predecessors: inout Successors<GridCell, Double>) {
    expand(state, into: &predecessors)
  }

  /// A table over every cell of the map (`capacity` is ignored): O(cells) to make once,
  /// O(1) to reset between queries.
  @inlinable public func makeStateTable(capacity: Int) -> DenseStateTable<GridCell> {
    DenseStateTable(size: _moves.count)
  }
}

/// Splits a cell index into `(x, y)` with one multiply-high instead of a division.
///
/// With `magic = ⌊2⁶⁴ / w⌋ + 1` (`w ≥ 2`), `⌊i · magic / 2⁶⁴⌋ = ⌊i / w⌋` exactly whenever
/// `i · w < 2⁶⁴` (Granlund & Montgomery, "Division by invariant integers using
/// multiplication", PLDI 1994), which holds for every cell index.
@usableFromInline
internal struct _CellDecoder: Sendable, Hashable {
  @usableFromInline let width: UInt64
  @usableFromInline let magic: UInt64

  @usableFromInline init(width: Int) {
    self.width = UInt64(width)
    self.magic = width >= 2 ? UInt64.max / UInt64(width) &+ 1 : 0
  }

  @inlinable @inline(__always)
  func decode(_ cell: GridCell) -> (x: Int, y: Int) {
    let i = UInt64(UInt32(bitPattern: cell.index))
    let y = magic == 0 ? i : i.multipliedFullWidth(by: magic).high
    return (Int(truncatingIfNeeded: i &- y &* width), Int(truncatingIfNeeded: y))
  }
}

/// The octile distance to a target cell: `max(dx, dy) − min(dx, dy) + √2·min(dx, dy)`,
/// the cost of the shortest 8-connected path on an empty map. Admissible and consistent
/// for ``GridConnectivity/eight`` (and admissible, though weaker than
/// ``ManhattanGridDistance``, for ``GridConnectivity/four``).
///
/// For bidirectional search build one toward the goal (forward) and one toward the start
/// (backward): `OctileDistance(toGoalOf: p)`, `OctileDistance(toStartOf: p)`.
public struct OctileDistance: Heuristic, Sendable, Hashable {
  public typealias State = GridCell
  public typealias Cost = Double
  /// The cell estimated to.
  public let target: GridCell
  @usableFromInline internal let _decoder: _CellDecoder
  @usableFromInline internal let _tx: Int
  @usableFromInline internal let _ty: Int
  /// √2, computed once.
  @usableFromInline internal let _diagonal: Double

  /// Estimates distances to `target` on `map`.
  public init(to target: GridCell, on map: GridMap) {
    self.target = target
    _decoder = _CellDecoder(width: map.width)
    (_tx, _ty) = _decoder.decode(target)
    _diagonal = 2.0.squareRoot()
  }

  /// Estimates to the problem's goal (forward searches).
  public init(toGoalOf problem: GridPathProblem) { self.init(to: problem.goal, on: problem.map) }
  /// Estimates to the problem's start (the backward side of bidirectional search).
  public init(toStartOf problem: GridPathProblem) { self.init(to: problem.start, on: problem.map) }

  @inlinable @inline(__always)
  public func estimate(_ state: GridCell) -> Double {
    let (x, y) = _decoder.decode(state)
    let dx = abs(x &- _tx)
    let dy = abs(y &- _ty)
    let lo = Swift.min(dx, dy)
    return Double(dx + dy - 2 &* lo) + _diagonal * Double(lo)
  }
}

/// The Manhattan distance `dx + dy` to a target cell: admissible and consistent for
/// ``GridConnectivity/four`` (not admissible for eight-connected grids).
public struct ManhattanGridDistance: Heuristic, Sendable, Hashable {
  public typealias State = GridCell
  public typealias Cost = Double
  public let target: GridCell
  @usableFromInline internal let _decoder: _CellDecoder
  @usableFromInline internal let _tx: Int
  @usableFromInline internal let _ty: Int

  public init(to target: GridCell, on map: GridMap) {
    self.target = target
    _decoder = _CellDecoder(width: map.width)
    (_tx, _ty) = _decoder.decode(target)
  }

  public init(toGoalOf problem: GridPathProblem) { self.init(to: problem.goal, on: problem.map) }
  public init(toStartOf problem: GridPathProblem) { self.init(to: problem.start, on: problem.map) }

  @inlinable @inline(__always)
  public func estimate(_ state: GridCell) -> Double {
    let (x, y) = _decoder.decode(state)
    return Double(abs(x &- _tx) &+ abs(y &- _ty))
  }
}
