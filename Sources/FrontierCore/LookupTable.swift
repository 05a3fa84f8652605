/// An immutable array read through a raw pointer: no bounds check (beyond a debug
/// assertion), no reference counting per read. For small precomputed tables in hot
/// loops (move tables, heuristic tables, pattern databases).
///
/// Copying a `LookupTable` copies a reference and a pointer. The storage is freed when the
/// last copy goes away. It is `Sendable` because its contents never change after `init`.
public struct LookupTable<Element: BitwiseCopyable>: @unchecked Sendable {
  @usableFromInline internal let _owner: _LookupTableStorage
  @usableFromInline internal let _base: UnsafePointer<Element>
  /// Number of elements.
  public let count: Int

  /// A table holding `elements`.
  @inlinable public init(_ elements: some Collection<Element>) {
    let n = elements.count
    let p = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(1, n))
    var i = 0
    for e in elements {
      (p + i).initialize(to: e)
      i += 1
    }
    _owner = _LookupTableStorage(UnsafeMutableRawPointer(p))
    _base = UnsafePointer(p)
    count = n
  }

  /// The element at `index` (unchecked in release builds).
  @inlinable @inline(__always) public subscript(index: Int) -> Element {
    assert(index >= 0 && index < count, "LookupTable index out of range")
    return _base[index]
  }

  /// The elements as an array.
  public var elements: [Element] { (0..<count).map { _base[$0] } }
}

/// Owns the memory of a ``LookupTable``.
public final class _LookupTableStorage {
  @usableFromInline internal let pointer: UnsafeMutableRawPointer
  @usableFromInline internal init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
  deinit { pointer.deallocate() }
}
