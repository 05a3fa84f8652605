#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// Limits that stop a search early. A search that reaches one reports
/// ``SearchOutcome/stopped(_:)`` with its statistics; that is a result, not an error.
public struct SearchLimits: Sendable, Hashable {
  /// Stop after this many expansions.
  public var maxExpansions: Int
  /// Stop after this much wall-clock time (checked every ``checkInterval`` expansions).
  public var maxDuration: Duration?
  /// Stop before the memory would exceed this many bytes after the search's next growth
  /// step (see ``MemoryFootprint``): by default the search's own structures (arena, open
  /// lists, table; estimated from their capacities), with ``countsProcessMemory`` the
  /// whole process.
  public var maxMemoryBytes: Int
  /// Whether ``maxMemoryBytes`` bounds the whole process rather than the search's
  /// structures alone: the check then adds what the process held when the search started
  /// (the task, the heuristics' tables, the runtime) and, where the system reports it
  /// (Linux), compares with the process's measured address space, and keeps a reserve
  /// (1/16 of the limit, at most 64 MiB) for what the search allocates between two checks.
  /// Use it when the limit is the one the operating system enforces (`ulimit -v`); with
  /// glibc, see also ``ProcessMemory/useOneMallocArena()``.
  public var countsProcessMemory: Bool
  /// How many expansions pass between clock and memory checks.
  public var checkInterval: Int

  @inlinable
  public init(
    maxExpansions: Int = .max, maxDuration: Duration? = nil,
    maxMemoryBytes: Int = .max, countsProcessMemory: Bool = false, checkInterval: Int = 4096
  ) {
    self.maxExpansions = maxExpansions
    self.maxDuration = maxDuration
    self.maxMemoryBytes = maxMemoryBytes
    self.countsProcessMemory = countsProcessMemory
    self.checkInterval = max(1, checkInterval)
  }

  /// No limits.
  public static let none = SearchLimits()
}

/// Why a search stopped before it finished.
public enum StopReason: String, Sendable, Hashable, CustomStringConvertible {
  case expansionLimit = "expansion-limit"
  case timeLimit = "time-limit"
  case memoryLimit = "memory-limit"
  case cancelled = "cancelled"
  /// Beam search and other incomplete algorithms ran out of candidates without a goal.
  case incomplete = "incomplete"
  public var description: String { rawValue }
}

/// What a search did: counters and time. Counting conventions are the ones used in the
/// heuristic-search literature and by our C anchors:
/// - `expanded`: nodes whose successors were generated;
/// - `generated`: successor nodes produced (after pruning the inverse of the last move in
///   depth-first searches);
/// - `duplicates`: generated states already known and not improved;
/// - `reopened`: closed nodes reached again by a cheaper path and expanded again;
/// - `peakOpen`: the most nodes on the open list at once.
public struct SearchStatistics: Sendable, Hashable {
  public var expanded: Int = 0
  public var generated: Int = 0
  public var duplicates: Int = 0
  public var reopened: Int = 0
  public var peakOpen: Int = 0
  /// Nodes stored at the end (arena size).
  public var stored: Int = 0
  /// IDA* iterations (f-bounds tried); 1 for single-pass algorithms.
  public var iterations: Int = 0
  /// Wall-clock time of the search.
  public var duration: Duration = .zero
  /// Estimated peak bytes held by the search.
  public var peakBytes: Int = 0

  @inlinable public init() {}

  /// Wall-clock seconds.
  public var seconds: Double {
    let c = duration.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
  }

  /// Adds the counters of `other` (times add; peaks take the maximum).
  public mutating func accumulate(_ other: SearchStatistics) {
    expanded += other.expanded
    generated += other.generated
    duplicates += other.duplicates
    reopened += other.reopened
    peakOpen = Swift.max(peakOpen, other.peakOpen)
    stored = Swift.max(stored, other.stored)
    iterations += other.iterations
    duration += other.duration
    peakBytes = Swift.max(peakBytes, other.peakBytes)
  }
}

/// The outcome of a search, as a value.
public enum SearchOutcome<State, Cost> {
  /// A goal was reached; `path` runs from the start to the goal, both included.
  case solved(path: [State], cost: Cost)
  /// The whole reachable space was searched without reaching a goal: none exists
  /// (for complete algorithms).
  case exhausted
  /// A limit stopped the search (or an incomplete algorithm gave up).
  case stopped(StopReason)
}

extension SearchOutcome: Sendable where State: Sendable, Cost: Sendable {}
extension SearchOutcome: Equatable where State: Equatable, Cost: Equatable {}

/// An outcome with the statistics of the search that produced it.
public struct SearchResult<State, Cost> {
  public var outcome: SearchOutcome<State, Cost>
  public var statistics: SearchStatistics

  @inlinable public init(outcome: SearchOutcome<State, Cost>, statistics: SearchStatistics) {
    self.outcome = outcome
    self.statistics = statistics
  }

  /// The solution path, if solved.
  @inlinable public var path: [State]? {
    if case .solved(let path, _) = outcome { return path }
    return nil
  }
  /// The solution cost, if solved.
  @inlinable public var cost: Cost? {
    if case .solved(_, let cost) = outcome { return cost }
    return nil
  }
  @inlinable public var isSolved: Bool {
    if case .solved = outcome { return true }
    return false
  }
}

extension SearchResult: Sendable where State: Sendable, Cost: Sendable {}

/// Reads a monotonic clock in nanoseconds.
///
/// `ContinuousClock.Instant` is a resilient type, so storing it in a search struct forces
/// the whole struct to be laid out at run time (measured: 10x slower IDA*); this returns
/// a plain integer instead.
@inlinable @inline(__always)
public func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Checks limits cheaply: the clock and the memory are read every `checkInterval`
/// expansions only.
@frozen
public struct LimitWatch: Sendable {
  @usableFromInline internal let _maxExpansions: Int
  @usableFromInline internal let _maxNanoseconds: UInt64
  @usableFromInline internal let _maxBytes: Int
  @usableFromInline internal let _interval: Int
  @usableFromInline internal let _start: UInt64
  @usableFromInline internal var _countdown: Int
  /// Whether the process is measured (``SearchLimits/countsProcessMemory``).
  @usableFromInline internal let _measuresProcess: Bool
  /// Bytes the process held when the watch was created (0 without process accounting).
  @usableFromInline internal let _baseline: Int
  /// Bytes kept free for allocations between two checks (0 without process accounting).
  @usableFromInline internal let _reserve: Int

  @inlinable public init(_ limits: SearchLimits) {
    self.init(limits, baseline: limits.countsProcessMemory && limits.maxMemoryBytes != .max
      ? ProcessMemory.currentBytes() ?? 0 : 0)
  }

  /// A watch that takes `baseline` as the bytes the process held at the start (tests).
  @inlinable public init(_ limits: SearchLimits, baseline: Int) {
    _maxExpansions = limits.maxExpansions
    if let d = limits.maxDuration {
      let c = d.components
      _maxNanoseconds = UInt64(max(0, c.seconds)) &* 1_000_000_000 &+ UInt64(max(0, c.attoseconds / 1_000_000_000))
    } else {
      _maxNanoseconds = .max
    }
    _maxBytes = limits.maxMemoryBytes
    _interval = limits.checkInterval
    _start = monotonicNanoseconds()
    _countdown = Swift.min(limits.checkInterval, Swift.max(1, limits.maxExpansions))
    let process = limits.countsProcessMemory && limits.maxMemoryBytes != .max
    _measuresProcess = process
    _baseline = process ? baseline : 0
    _reserve = process ? Swift.min(64 << 20, limits.maxMemoryBytes / 16) : 0
  }

  /// Elapsed wall-clock time since the watch was created.
  @inlinable public var elapsed: Duration { .nanoseconds(Int64(monotonicNanoseconds() &- _start)) }

  /// Bytes the process held when the watch was created (0 without process accounting).
  @inlinable public var baselineBytes: Int { _baseline }

  /// The bytes compared with ``SearchLimits/maxMemoryBytes``: what will be held at the
  /// peak of the search's next growth step. With process accounting that is the larger
  /// of `baseline + memory.held` and the `measured` process size, plus `memory.growth`
  /// and the reserve; otherwise `memory.held + memory.growth`.
  @inlinable
  public func projectedBytes(_ memory: MemoryFootprint, measured: Int?) -> Int {
    let now = Swift.max(_baseline &+ memory.held, measured ?? 0)
    return now &+ memory.growth &+ _reserve
  }

  /// Call once per expansion. Returns the reason to stop, if any. `bytes` is what the
  /// search holds, with no growth pending; prefer ``check(expanded:memory:)``.
  @inlinable @inline(__always)
  public mutating func check(expanded: Int, bytes: @autoclosure () -> Int) -> StopReason? {
    _countdown &-= 1
    if _countdown > 0 { return nil }
    return _slowCheck(expanded: expanded, memory: MemoryFootprint(held: bytes()))
  }

  /// Call once per expansion with the search's footprint (evaluated only when the limits
  /// are checked). Returns the reason to stop, if any.
  @inlinable @inline(__always)
  public mutating func check(expanded: Int, memory: @autoclosure () -> MemoryFootprint) -> StopReason? {
    _countdown &-= 1
    if _countdown > 0 { return nil }
    return _slowCheck(expanded: expanded, memory: memory())
  }

  @inlinable
  internal mutating func _slowCheck(expanded: Int, memory: MemoryFootprint) -> StopReason? {
    if expanded >= _maxExpansions { return .expansionLimit }
    // Next check after `interval` expansions, or exactly at the expansion limit.
    _countdown = Swift.min(_interval, _maxExpansions - expanded)
    if _maxBytes != .max {
      let measured = _measuresProcess ? ProcessMemory.currentBytes() : nil
      if projectedBytes(memory, measured: measured) > _maxBytes { return .memoryLimit }
    }
    if _maxNanoseconds != .max && monotonicNanoseconds() &- _start >= _maxNanoseconds { return .timeLimit }
    return nil
  }
}
