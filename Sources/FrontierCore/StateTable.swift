/// An index from states to node ids (`Int32`), used as the closed/open membership table of
/// graph-search algorithms.
///
/// Three implementations ship: ``HashedStateTable`` (a `Dictionary`; any `Hashable`
/// state), ``PackedStateTable`` (open addressing over a unique 64-bit key, no `Hasher`)
/// and ``DenseStateTable`` (a flat array for states that are small integers, such as grid
/// cells). A problem selects one through its `Table` associated type.
public protocol StateTable {
  associatedtype State
  /// The node id stored for `state`, or `-1` if it is not in the table.
  func lookup(_ state: State) -> Int32
  /// If `state` is in the table returns its node id; otherwise stores `node` for it and
  /// returns `-1`. One probe either way.
  mutating func findOrInsert(_ state: State, node: Int32) -> Int32
  /// Replaces the node id stored for a state already in the table.
  mutating func update(_ state: State, node: Int32)
  /// Empties the table, keeping its storage when it can.
  mutating func reset()
  /// Number of states stored.
  var count: Int { get }
  /// Bytes of storage held (approximate), for memory limits and reports.
  var bytesUsed: Int { get }
  /// Bytes held and the growth pending: a table about to grow needs its old and new
  /// storage at once. The default assumes a doubling is always pending.
  var memoryFootprint: MemoryFootprint { get }
}

extension StateTable {
  @inlinable public var memoryFootprint: MemoryFootprint {
    MemoryFootprint(held: bytesUsed, growth: 2 &* bytesUsed)
  }
}

/// A state table over `Dictionary`: works for every `Hashable` state.
public struct HashedStateTable<State: Hashable>: StateTable {
  @usableFromInline internal var _storage: [State: Int32]

  @inlinable public init(capacity: Int = 1024) {
    _storage = [:]
    _storage.reserveCapacity(capacity)
  }

  @inlinable public func lookup(_ state: State) -> Int32 { _storage[state] ?? -1 }

  @inlinable
  internal static func _observe(_ slot: inout Int32, into out: inout Int32) { out = slot }

  @inlinable public mutating func findOrInsert(_ state: State, node: Int32) -> Int32 {
    var seen: Int32 = -1
    let before = _storage.count
    Self._observe(&_storage[state, default: node], into: &seen)
    return _storage.count == before ? seen : -1
  }

  @inlinable public mutating func update(_ state: State, node: Int32) { _storage[state] = node }
  @inlinable public mutating func reset() { _storage.removeAll(keepingCapacity: true) }
  @inlinable public var count: Int { _storage.count }
  /// Bytes of one bucket: key, value and a bit of the occupancy bitmap, rounded up.
  @inlinable internal static var _bucketBytes: Int { MemoryLayout<State>.stride + MemoryLayout<Int32>.stride + 1 }
  /// `Dictionary` keeps a power-of-two number of buckets at most 3/4 full; `capacity`
  /// is the count it holds before it doubles.
  @inlinable internal var _buckets: Int {
    var b = 1
    while b * 3 / 4 < _storage.capacity { b <<= 1 }
    return b
  }
  @inlinable public var bytesUsed: Int { _buckets * Self._bucketBytes }
  @inlinable public var memoryFootprint: MemoryFootprint {
    let c = _storage.capacity
    let pending = _storage.count >= c - c / 4
    return MemoryFootprint(held: bytesUsed, growth: pending ? 2 * _buckets * Self._bucketBytes : 0)
  }
}

extension HashedStateTable: Sendable where State: Sendable {}

/// A state whose whole content fits, without loss, in one 64-bit key.
///
/// Two states are equal exactly when their keys are equal. The 15-puzzle (16 cells of
/// 4 bits) and grid cells qualify.
public protocol PackedState: Hashable {
  /// The unique 64-bit encoding of the state.
  var packedKey: UInt64 { get }
}

/// Open-addressing hash table keyed by ``PackedState/packedKey``: one multiply-shift hash
/// and linear probing, no `Hasher`, no per-entry allocation.
///
/// - Complexity: expected O(1) per operation at load factor ≤ 1/2.
public struct PackedStateTable<State: PackedState>: StateTable {
  @usableFromInline internal var _keys: ContiguousArray<UInt64>
  @usableFromInline internal var _values: ContiguousArray<Int32>
  @usableFromInline internal var _shift: UInt64
  @usableFromInline internal var _count: Int

  @inlinable public init(capacity: Int = 1024) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    _keys = ContiguousArray(repeating: 0, count: size)
    _values = ContiguousArray(repeating: -1, count: size)
    _shift = UInt64(64 - size.trailingZeroBitCount)
    _count = 0
  }

  @inlinable @inline(__always)
  internal func _slot(_ key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> _shift)
  }

  @inlinable public func lookup(_ state: State) -> Int32 {
    let key = state.packedKey
    let mask = _keys.count - 1
    var i = _slot(key)
    while true {
      let v = _values[i]
      if v < 0 { return -1 }
      if _keys[i] == key { return v }
      i = (i + 1) & mask
    }
  }

  @inlinable public mutating func findOrInsert(_ state: State, node: Int32) -> Int32 {
    if (_count + 1) * 2 > _keys.count { _grow() }
    let key = state.packedKey
    let mask = _keys.count - 1
    var i = _slot(key)
    while true {
      let v = _values[i]
      if v < 0 {
        _keys[i] = key
        _values[i] = node
        _count += 1
        return -1
      }
      if _keys[i] == key { return v }
      i = (i + 1) & mask
    }
  }

  @inlinable public mutating func update(_ state: State, node: Int32) {
    let key = state.packedKey
    let mask = _keys.count - 1
    var i = _slot(key)
    while _values[i] >= 0 {
      if _keys[i] == key {
        _values[i] = node
        return
      }
      i = (i + 1) & mask
    }
    _ = findOrInsert(state, node: node)
  }

  @usableFromInline internal mutating func _grow() {
    let oldKeys = _keys
    let oldValues = _values
    let size = oldKeys.count * 2
    _keys = ContiguousArray(repeating: 0, count: size)
    _values = ContiguousArray(repeating: -1, count: size)
    _shift = UInt64(64 - size.trailingZeroBitCount)
    let mask = size - 1
    for j in 0..<oldKeys.count where oldValues[j] >= 0 {
      var i = _slot(oldKeys[j])
      while _values[i] >= 0 { i = (i + 1) & mask }
      _keys[i] = oldKeys[j]
      _values[i] = oldValues[j]
    }
  }

  @inlinable public mutating func reset() {
    if _count > 0 {
      for i in 0..<_values.count { _values[i] = -1 }
    }
    _count = 0
  }

  @inlinable public var count: Int { _count }
  @inlinable public var bytesUsed: Int { _keys.count * 12 }
  /// The arrays double once the table is half full; pending from 3/8.
  @inlinable public var memoryFootprint: MemoryFootprint {
    let pending = _count * 8 >= _keys.count * 3
    return MemoryFootprint(held: bytesUsed, growth: pending ? 2 * bytesUsed : 0)
  }
}

extension PackedStateTable: Sendable where State: Sendable {}

/// A state that is a small non-negative integer index (a grid cell, a vertex number).
public protocol DenseState: Hashable {
  /// The index of the state in `0..<table size`.
  var denseIndex: Int { get }
}

/// A flat array indexed by ``DenseState/denseIndex``. Resetting is O(1) (a generation
/// stamp), so one table serves thousands of queries on the same map.
public struct DenseStateTable<State: DenseState>: StateTable {
  @usableFromInline internal var _stamps: ContiguousArray<UInt32>
  @usableFromInline internal var _values: ContiguousArray<Int32>
  @usableFromInline internal var _generation: UInt32
  @usableFromInline internal var _count: Int

  /// A table for states with `denseIndex` in `0..<size`.
  @inlinable public init(size: Int) {
    _stamps = ContiguousArray(repeating: 0, count: size)
    _values = ContiguousArray(repeating: -1, count: size)
    _generation = 1
    _count = 0
  }

  /// Number of distinct indices the table can hold.
  @inlinable public var size: Int { _stamps.count }

  @inlinable public func lookup(_ state: State) -> Int32 {
    let i = state.denseIndex
    return _stamps[i] == _generation ? _values[i] : -1
  }

  @inlinable public mutating func findOrInsert(_ state: State, node: Int32) -> Int32 {
    let i = state.denseIndex
    if _stamps[i] == _generation { return _values[i] }
    _stamps[i] = _generation
    _values[i] = node
    _count += 1
    return -1
  }

  @inlinable public mutating func update(_ state: State, node: Int32) {
    let i = state.denseIndex
    if _stamps[i] != _generation { _count += 1 }
    _stamps[i] = _generation
    _values[i] = node
  }

  @inlinable public mutating func reset() {
    _count = 0
    if _generation == .max {
      for i in 0..<_stamps.count { _stamps[i] = 0 }
      _generation = 1
    } else {
      _generation += 1
    }
  }

  @inlinable public var count: Int { _count }
  @inlinable public var bytesUsed: Int { _stamps.count * 8 }
  /// The table never grows.
  @inlinable public var memoryFootprint: MemoryFootprint { MemoryFootprint(held: bytesUsed) }
}

extension DenseStateTable: Sendable where State: Sendable {}
