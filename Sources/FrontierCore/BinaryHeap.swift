/// A binary min-heap (Williams 1964) over any `Comparable` element, stored in one
/// contiguous array.
///
/// Best-first searches push `(priority, tie-break, node id)` entries and delete stale ones
/// lazily when popped (no decrease-key), which is faster in practice than an indexed heap.
///
/// - Complexity: `push` and `popMin` are O(log n); `min` is O(1).
public struct BinaryHeap<Element: Comparable> {
  @usableFromInline internal var _storage: ContiguousArray<Element>

  /// An empty heap with room for `minimumCapacity` elements.
  @inlinable public init(minimumCapacity: Int = 0) {
    _storage = []
    _storage.reserveCapacity(minimumCapacity)
  }

  @inlinable public var count: Int { _storage.count }
  @inlinable public var isEmpty: Bool { _storage.isEmpty }
  /// The smallest element, if any.
  @inlinable public var min: Element? { _storage.first }
  /// Number of elements the storage holds without growing.
  @inlinable public var capacity: Int { _storage.capacity }
  /// Bytes held and the growth pending (the storage doubles when full).
  @inlinable public var memoryFootprint: MemoryFootprint {
    .doublingBuffer(count: _storage.count, capacity: _storage.capacity, stride: MemoryLayout<Element>.stride)
  }

  /// Inserts `element`.
  @inlinable public mutating func push(_ element: Element) {
    _storage.append(element)
    _storage.withUnsafeMutableBufferPointer { buf in
      var i = buf.count - 1
      let e = buf[i]
      while i > 0 {
        let parent = (i - 1) >> 1
        let p = buf[parent]
        if !(e < p) { break }
        buf[i] = p
        i = parent
      }
      buf[i] = e
    }
  }

  /// Removes and returns the smallest element.
  @inlinable public mutating func popMin() -> Element? {
    guard let last = _storage.popLast() else { return nil }
    if _storage.isEmpty { return last }
    return _storage.withUnsafeMutableBufferPointer { buf -> Element in
      let top = buf[0]
      let n = buf.count
      var i = 0
      while true {
        let l = 2 &* i &+ 1
        if l >= n { break }
        let r = l &+ 1
        var c = l
        if r < n && buf[r] < buf[l] { c = r }
        if !(buf[c] < last) { break }
        buf[i] = buf[c]
        i = c
      }
      buf[i] = last
      return top
    }
  }

  /// Removes every element, keeping the storage.
  @inlinable public mutating func removeAll() { _storage.removeAll(keepingCapacity: true) }

  /// The elements in heap order (unsorted).
  @inlinable public var unorderedElements: ContiguousArray<Element> { _storage }

  /// Checks the heap property (for tests).
  public func _checkInvariants() -> Bool {
    for i in 1..<Swift.max(1, _storage.count) where _storage[i] < _storage[(i - 1) / 2] {
      return false
    }
    return true
  }
}

extension BinaryHeap: Sendable where Element: Sendable {}

/// A bucket (Dial) priority queue for small non-negative integer priorities.
///
/// Elements with equal priority come out last-in first-out. Popping scans forward from
/// the smallest non-empty bucket, so the total cost of a monotone run (priorities never
/// below the last popped one, as in A* with a consistent heuristic and integer costs) is
/// O(n + maximum priority).
///
/// - Complexity: `push` O(1) amortized; `popMin` O(1) amortized for monotone use.
public struct BucketQueue<Element> {
  @usableFromInline internal var _buckets: ContiguousArray<ContiguousArray<Element>>
  @usableFromInline internal var _minBucket: Int
  @usableFromInline internal var _count: Int

  @inlinable public init(maxPriority: Int = 64) {
    _buckets = ContiguousArray(repeating: [], count: maxPriority + 1)
    _minBucket = Int.max
    _count = 0
  }

  @inlinable public var count: Int { _count }
  @inlinable public var isEmpty: Bool { _count == 0 }

  /// The smallest priority present, if any.
  @inlinable public var minPriority: Int? {
    guard _count > 0 else { return nil }
    var b = _minBucket
    while _buckets[b].isEmpty { b += 1 }
    return b
  }

  /// Inserts `element` with `priority` (≥ 0). Buckets grow as needed.
  @inlinable public mutating func push(_ element: Element, priority: Int) {
    precondition(priority >= 0, "BucketQueue priorities must be non-negative")
    if priority >= _buckets.count {
      _buckets.append(contentsOf: repeatElement([], count: priority + 1 - _buckets.count))
    }
    _buckets[priority].append(element)
    if priority < _minBucket { _minBucket = priority }
    _count += 1
  }

  /// Removes and returns an element of the smallest priority, with that priority.
  @inlinable public mutating func popMin() -> (element: Element, priority: Int)? {
    guard _count > 0 else { return nil }
    while _buckets[_minBucket].isEmpty { _minBucket += 1 }
    let e = _buckets[_minBucket].removeLast()
    _count -= 1
    let p = _minBucket
    if _count == 0 { _minBucket = Int.max }
    return (e, p)
  }

  /// Removes every element, keeping bucket storage.
  @inlinable public mutating func removeAll() {
    for i in 0..<_buckets.count { _buckets[i].removeAll(keepingCapacity: true) }
    _minBucket = Int.max
    _count = 0
  }
}

extension BucketQueue: Sendable where Element: Sendable {}
