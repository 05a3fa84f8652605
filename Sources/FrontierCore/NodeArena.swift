/// Search nodes stored as a struct of arrays and addressed by `Int32` ids.
///
/// No node is an object: a node is its index, its parent is an index, and the arrays are
/// reserved up front and reused across searches, so steady-state search allocates nothing
/// per node and causes no reference counting.
public struct NodeArena<State, Cost: SearchCost> {
  @usableFromInline internal var _states: ContiguousArray<State>
  @usableFromInline internal var _g: ContiguousArray<Cost>
  @usableFromInline internal var _h: ContiguousArray<Cost>
  @usableFromInline internal var _parent: ContiguousArray<Int32>

  @inlinable public init(capacity: Int = 0) {
    _states = []
    _g = []
    _h = []
    _parent = []
    reserveCapacity(capacity)
  }

  @inlinable public mutating func reserveCapacity(_ n: Int) {
    _states.reserveCapacity(n)
    _g.reserveCapacity(n)
    _h.reserveCapacity(n)
    _parent.reserveCapacity(n)
  }

  /// Number of nodes.
  @inlinable public var count: Int { _states.count }

  /// Appends a node and returns its id.
  @inlinable @inline(__always)
  public mutating func append(_ state: State, g: Cost, h: Cost, parent: Int32) -> Int32 {
    let id = Int32(truncatingIfNeeded: _states.count)
    _states.append(state)
    _g.append(g)
    _h.append(h)
    _parent.append(parent)
    return id
  }

  @inlinable public func state(_ id: Int32) -> State { _states[Int(id)] }
  @inlinable public func g(_ id: Int32) -> Cost { _g[Int(id)] }
  @inlinable public func h(_ id: Int32) -> Cost { _h[Int(id)] }
  @inlinable public func parent(_ id: Int32) -> Int32 { _parent[Int(id)] }

  /// Records a cheaper path to an existing node.
  @inlinable public mutating func improve(_ id: Int32, g: Cost, parent: Int32) {
    _g[Int(id)] = g
    _parent[Int(id)] = parent
  }

  /// The states from the root to `id` (root first), following parent links.
  @inlinable public func path(to id: Int32) -> [State] {
    var out: [State] = []
    var n = id
    while n >= 0 {
      out.append(_states[Int(n)])
      n = _parent[Int(n)]
    }
    out.reverse()
    return out
  }

  /// Removes every node, keeping storage.
  @inlinable public mutating func removeAll() {
    _states.removeAll(keepingCapacity: true)
    _g.removeAll(keepingCapacity: true)
    _h.removeAll(keepingCapacity: true)
    _parent.removeAll(keepingCapacity: true)
  }

  /// Estimated bytes per stored node.
  @inlinable public static var bytesPerNode: Int {
    MemoryLayout<State>.stride + 2 * MemoryLayout<Cost>.stride + 4
  }
  /// Estimated bytes held.
  @inlinable public var bytesUsed: Int { _states.capacity * Self.bytesPerNode }
  /// Bytes held and the growth pending: the four arrays double together when full.
  /// (States that own heap storage, such as arrays, hold more than this counts.)
  @inlinable public var memoryFootprint: MemoryFootprint {
    .doublingBuffer(count: _states.count, capacity: _states.capacity, stride: Self.bytesPerNode)
  }
}

extension NodeArena: Sendable where State: Sendable {}
