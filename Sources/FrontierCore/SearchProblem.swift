/// A state-space search problem: a start state, a goal test and a successor function.
///
/// Every state-space algorithm in `FrontierStateSearch` (breadth-first, uniform-cost, A*,
/// weighted A*, greedy best-first, IDA*, beam and bidirectional search) consumes this one
/// protocol; every domain (sliding tiles, grid maps, grounded PDDL tasks, …) implements it.
///
/// Successors are appended to a buffer that the algorithm owns and reuses, so expanding a
/// node allocates nothing once the buffer has grown to the largest branching factor.
///
/// ```swift
/// struct Line: SearchProblem {
///   var start: Int { 0 }
///   func isGoal(_ s: Int) -> Bool { s == 10 }
///   func expand(_ s: Int, into successors: inout Successors<Int, Int>) {
///     successors.append(s + 1, cost: 1)
///     if s > 0 { successors.append(s - 1, cost: 1) }
///   }
/// }
/// ```
///
/// The heuristic is deliberately *not* part of the problem: it is a separate generic
/// parameter of the informed algorithms, so `h = 0`, admissible and inadmissible
/// heuristics share one specialised algorithm.
public protocol SearchProblem<State, Cost> {
  /// A state: a small value (pack boards into machine words; see the performance rules).
  associatedtype State: Hashable & Sendable
  /// The path-cost type.
  associatedtype Cost: SearchCost = Int
  /// How the algorithms index states already seen. The default is a `Dictionary`;
  /// problems with packed or dense states pick a faster table (see ``StateTable``).
  associatedtype Table: StateTable = HashedStateTable<State> where Table.State == State

  /// The start state.
  var start: State { get }
  /// Whether `state` is a goal.
  func isGoal(_ state: State) -> Bool
  /// Appends every successor of `state` with its step cost to `successors`.
  /// The buffer arrives empty; do not remove what is in it.
  func expand(_ state: State, into successors: inout Successors<State, Cost>)
  /// A fresh, empty state table with room for about `capacity` states.
  func makeStateTable(capacity: Int) -> Table
}

extension SearchProblem where Table == HashedStateTable<State> {
  @inlinable
  public func makeStateTable(capacity: Int) -> HashedStateTable<State> {
    HashedStateTable(capacity: capacity)
  }
}

/// A problem whose actions can also be applied backwards, for bidirectional search.
public protocol BidirectionalSearchProblem<State, Cost>: SearchProblem {
  /// The goal state (bidirectional search needs one explicit goal).
  var goal: State { get }
  /// Appends every predecessor of `state` with the cost of the step into `state`.
  func expandBackward(_ state: State, into predecessors: inout Successors<State, Cost>)
}

/// An estimate of the cost from a state to the nearest goal.
///
/// A heuristic is *admissible* if it never overestimates and *consistent* if
/// `h(s) <= c(s, t) + h(t)` for every step `s -> t`. A*, IDA* and bidirectional search
/// return optimal paths with admissible heuristics; A* never reopens a node with
/// consistent ones.
public protocol Heuristic<State, Cost> {
  associatedtype State
  associatedtype Cost: SearchCost
  /// The estimated cost from `state` to the nearest goal.
  func estimate(_ state: State) -> Cost
}

/// The heuristic that always answers zero (A* with it is uniform-cost search).
public struct ZeroHeuristic<State, Cost: SearchCost>: Heuristic, Sendable {
  @inlinable public init() {}
  @inlinable public func estimate(_ state: State) -> Cost { .zero }
}

/// A heuristic defined by a closure; convenient, but a concrete type specialises better.
public struct ClosureHeuristic<State, Cost: SearchCost>: Heuristic {
  @usableFromInline let body: (State) -> Cost
  @inlinable public init(_ body: @escaping (State) -> Cost) { self.body = body }
  @inlinable public func estimate(_ state: State) -> Cost { body(state) }
}

/// The buffer that a problem's `expand` appends successors to.
///
/// Algorithms own one buffer (per depth for depth-first ones) and clear it with
/// ``removeAll()``, which keeps its capacity, so steady-state expansion never allocates.
public struct Successors<State, Cost> {
  // Storage only grows; `_count` says how much of it is live. Clearing is O(1) and
  // never touches the arrays (removeAll(keepingCapacity:) showed up in grid profiles).
  @usableFromInline internal var _states: ContiguousArray<State>
  @usableFromInline internal var _costs: ContiguousArray<Cost>
  @usableFromInline internal var _count: Int

  @inlinable public init(capacity: Int = 8) {
    _states = []
    _costs = []
    _states.reserveCapacity(capacity)
    _costs.reserveCapacity(capacity)
    _count = 0
  }

  /// Appends a successor reached by a step of cost `cost`.
  @inlinable @inline(__always) public mutating func append(_ state: State, cost: Cost) {
    if _count < _states.count {
      _states.withUnsafeMutableBufferPointer { $0[_count] = state }
      _costs.withUnsafeMutableBufferPointer { $0[_count] = cost }
    } else {
      _states.append(state)
      _costs.append(cost)
    }
    _count &+= 1
  }

  /// Number of successors in the buffer.
  @inlinable public var count: Int { _count }
  @inlinable public var isEmpty: Bool { _count == 0 }
  /// The successor at `index`.
  @inlinable public func state(at index: Int) -> State {
    assert(index < _count)
    return _states.withUnsafeBufferPointer { $0[index] }
  }
  /// The step cost to the successor at `index`.
  @inlinable public func cost(at index: Int) -> Cost {
    assert(index < _count)
    return _costs.withUnsafeBufferPointer { $0[index] }
  }
  /// Empties the buffer in O(1), keeping its storage (stale elements stay until
  /// overwritten; states are plain values, so this holds no resources).
  @inlinable public mutating func removeAll() { _count = 0 }
}

extension Successors: Sendable where State: Sendable, Cost: Sendable {}
