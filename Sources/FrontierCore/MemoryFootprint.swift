#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The memory a search structure holds, and what its next growth step adds on top.
///
/// Growable storage (arrays, hash tables, heaps) doubles when full, and while it copies it
/// holds the old and the new buffers at once: a table of 600 MB about to double needs
/// 1.8 GB for a moment. A memory limit checked against the bytes held alone is passed
/// between two checks; ``LimitWatch`` checks `held + growth` instead.
@frozen
public struct MemoryFootprint: Sendable, Hashable {
  /// Bytes of storage held now (from capacities, not counts).
  public var held: Int
  /// Bytes the next growth step allocates while the current storage is still held: the
  /// new buffers of the structures close to their capacity (0 for the others).
  public var growth: Int

  @inlinable public init(held: Int, growth: Int = 0) {
    self.held = held
    self.growth = growth
  }

  /// Nothing held.
  public static let zero = MemoryFootprint(held: 0)

  /// The bytes held at the peak of the next growth step: `held + growth`.
  @inlinable public var projected: Int { held &+ growth }

  /// The footprint of two structures together. Both may grow before the next check, so
  /// the growths add up.
  @inlinable public static func + (a: Self, b: Self) -> Self {
    MemoryFootprint(held: a.held &+ b.held, growth: a.growth &+ b.growth)
  }

  @inlinable public static func += (a: inout Self, b: Self) { a = a + b }

  /// The footprint of a buffer that doubles when full (a `ContiguousArray`, a heap): it
  /// holds `capacity × stride` bytes, and once it is within a quarter of its capacity its
  /// next growth counts as pending and allocates `2 × capacity × stride` bytes.
  ///
  /// Limits are checked every few expansions, not on every insertion; a quarter of the
  /// capacity is far more than a structure large enough to matter fills between checks.
  @inlinable
  public static func doublingBuffer(count: Int, capacity: Int, stride: Int) -> Self {
    let held = capacity &* stride
    let pending = count >= capacity &- capacity / 4
    return MemoryFootprint(held: held, growth: pending ? 2 &* Swift.max(capacity, 1) &* stride : 0)
  }
}

/// The memory of the running process, as the operating system counts it.
///
/// On Linux this reads `/proc/self/statm` (two integers; no Foundation, no allocation):
/// cheap, but a system call, so call it every few thousand expansions, not per node.
/// Elsewhere the values are unavailable (`nil`).
public enum ProcessMemory {
  /// The size of the process's address space in bytes (`VmSize`): what `RLIMIT_AS`
  /// (`ulimit -v`, `prlimit --as`) limits. `nil` where unavailable.
  public static func virtualBytes() -> Int? { _statm()?.virtual }

  /// The process's resident set in bytes (`VmRSS`). `nil` where unavailable.
  public static func residentBytes() -> Int? { _statm()?.resident }

  /// The bytes a memory limit should compare with: the address space, since that is
  /// what fails an allocation first under `RLIMIT_AS` (it is at least the resident set).
  @inlinable public static func currentBytes() -> Int? { virtualBytes() }

  /// Makes glibc's `malloc` serve every thread from its main arena
  /// (`mallopt(M_ARENA_MAX, 1)`); returns whether it could.
  ///
  /// By default each thread that allocates gets its own arena, whose heaps reserve 64 MB
  /// of address space at a time (128 MB for a moment while one is aligned). Under an
  /// address-space limit a search running on such a thread can fail an allocation of a
  /// few bytes with a hundred MB still free, or fall back to one `mmap` page per small
  /// allocation. With one arena the heap grows in small steps. Call it first thing in
  /// `main`, before any other thread allocates (threads keep the arena they have); it
  /// suits single-threaded work, since the threads then share one lock.
  @discardableResult
  public static func useOneMallocArena() -> Bool {
    #if os(Linux) && canImport(Glibc)
    // Looked up at run time: Swift's Glibc module does not import <malloc.h>, and other C
    // libraries (musl) have no `mallopt`.
    guard let symbol = dlsym(nil, "mallopt") else { return false }
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let M_ARENA_MAX: Int32 = -8
    return mallopt(M_ARENA_MAX, 1) == 1
    #else
    return false
    #endif
  }

  internal static func _statm() -> (virtual: Int, resident: Int)? {
    #if os(Linux)
    let fd = open("/proc/self/statm", O_RDONLY)
    if fd < 0 { return nil }
    defer { close(fd) }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buf -> (Int, Int)? in
      guard let base = buf.baseAddress else { return nil }
      let n = read(fd, base, 128)
      if n <= 0 { return nil }
      // "size resident shared text lib data dt", in pages.
      var fields = (0, 0)
      var index = 0
      var value = 0
      var inNumber = false
      for i in 0..<n {
        let c = buf[i]
        if c >= 48 && c <= 57 {
          value = value &* 10 &+ Int(c &- 48)
          inNumber = true
        } else if inNumber {
          if index == 0 { fields.0 = value } else { fields.1 = value }
          index += 1
          value = 0
          inNumber = false
          if index == 2 { break }
        }
      }
      if index < 2 { return nil }
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      return (fields.0 &* page, fields.1 &* page)
    }
    #else
    return nil
    #endif
  }
}
