public import FrontierCore

/// How best-first searches order nodes whose priorities are equal.
///
/// The default prefers the larger `g` among equal `f` (nodes nearer a goal, as most
/// fast A* implementations do) and then the most recently generated node.
public struct TieBreaking: Sendable, Hashable {
  public enum GPreference: String, Sendable, Hashable, CaseIterable {
    case preferLarger = "larger-g", preferSmaller = "smaller-g", none
  }
  public enum Order: String, Sendable, Hashable, CaseIterable {
    case lifo, fifo
  }
  public var g: GPreference
  public var order: Order

  @inlinable public init(g: GPreference = .preferLarger, order: Order = .lifo) {
    self.g = g
    self.order = order
  }
}

/// Options shared by the state-space algorithms.
public struct SearchOptions: Sendable, Hashable {
  /// Limits on expansions, time and memory.
  public var limits: SearchLimits
  /// Tie-breaking among equal priorities (best-first searches).
  public var tieBreaking: TieBreaking
  /// Whether a closed node reached by a cheaper path is expanded again. Needed for
  /// optimality with admissible but inconsistent heuristics; weighted A* commonly
  /// turns it off.
  public var reopenClosed: Bool
  /// Initial capacity of the node arena and tables.
  public var initialCapacity: Int

  @inlinable
  public init(
    limits: SearchLimits = .none, tieBreaking: TieBreaking = .init(),
    reopenClosed: Bool = true, initialCapacity: Int = 1 << 12
  ) {
    self.limits = limits
    self.tieBreaking = tieBreaking
    self.reopenClosed = reopenClosed
    self.initialCapacity = initialCapacity
  }
}

/// An open-list entry: ordered by `primary` (f), then `secondary` (the g tie-break),
/// then `order` (insertion order or its reverse). Tie-breaking is encoded in the keys
/// when the entry is made, so comparing costs nothing at run time.
@frozen
public struct OpenEntry<Cost: SearchCost>: Comparable, Sendable {
  public var primary: Cost
  public var secondary: Cost
  public var order: Int32
  public var node: Int32

  @inlinable @inline(__always)
  public init(primary: Cost, secondary: Cost, order: Int32, node: Int32) {
    self.primary = primary
    self.secondary = secondary
    self.order = order
    self.node = node
  }

  @inlinable @inline(__always)
  public static func < (a: Self, b: Self) -> Bool {
    if a.primary != b.primary { return a.primary < b.primary }
    if a.secondary != b.secondary { return a.secondary < b.secondary }
    return a.order < b.order
  }

  @inlinable @inline(__always)
  public static func == (a: Self, b: Self) -> Bool {
    a.primary == b.primary && a.secondary == b.secondary && a.order == b.order
  }

  /// Builds an entry with tie-breaking encoded.
  @inlinable @inline(__always)
  public static func make(priority: Cost, g: Cost, node: Int32, tie: TieBreaking) -> Self {
    let secondary: Cost
    switch tie.g {
    case .preferLarger: secondary = .zero - g
    case .preferSmaller: secondary = g
    case .none: secondary = .zero
    }
    return Self(
      primary: priority, secondary: secondary,
      order: tie.order == .fifo ? node : ~node, node: node)
  }
}

/// How a best-first search turns `g` and `h` into a priority. Each rule is a type, so the
/// search specialises for it and pays nothing for the choice.
public protocol PriorityRule: Sendable {
  func priority<C: SearchCost>(g: C, h: C) -> C
}

/// `f = g + h` (Hart, Nilsson & Raphael 1968).
public struct AStarPriority: PriorityRule {
  @inlinable public init() {}
  @inlinable @inline(__always) public func priority<C: SearchCost>(g: C, h: C) -> C { g + h }
}

/// `f = g + w·h` (Pohl 1970): solutions cost at most `w` times the optimum for admissible h.
public struct WeightedAStarPriority: PriorityRule {
  public var weight: Double
  @inlinable public init(weight: Double) {
    precondition(weight >= 1, "weighted A* needs a weight of at least 1")
    self.weight = weight
  }
  @inlinable @inline(__always) public func priority<C: SearchCost>(g: C, h: C) -> C {
    g + h.scaled(by: weight)
  }
}

/// `f = h`: greedy best-first search (Doran & Michie 1966).
public struct GreedyPriority: PriorityRule {
  @inlinable public init() {}
  @inlinable @inline(__always) public func priority<C: SearchCost>(g: C, h: C) -> C { h }
}

/// `f = g`: uniform-cost search (Dijkstra 1959).
public struct UniformCostPriority: PriorityRule {
  @inlinable public init() {}
  @inlinable @inline(__always) public func priority<C: SearchCost>(g: C, h: C) -> C { g }
}
