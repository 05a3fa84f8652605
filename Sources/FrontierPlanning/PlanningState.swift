public import FrontierCore

/// A planning state: the set of true facts as a bitset of 64-bit words.
///
/// Three representations share one generic successor generator and heuristics, chosen
/// by the number of facts: ``SmallPlanningState`` (one word, a ``PackedState`` so the
/// search uses the open-addressing ``PackedStateTable``), ``MediumPlanningState`` (four
/// inline words, ≤ 256 facts, no allocation) and ``WidePlanningState`` (any size, a
/// word array with a precomputed hash).
public protocol PlanningState: Hashable, Sendable {
  associatedtype Table: StateTable where Table.State == Self
  /// The largest number of words the representation holds (`Int.max`: unbounded).
  static var maxWords: Int { get }
  /// A fresh state table.
  static func makeTable(capacity: Int) -> Table
  /// The empty state with `wordCount` words.
  init(wordCount: Int)
  /// Word `i` of the bitset.
  func word(_ i: Int) -> UInt64
  /// Replaces word `i`.
  mutating func setWord(_ i: Int, _ value: UInt64)
  /// Called after a batch of changes (wide states recompute their hash here).
  mutating func finishUpdate()
}

extension PlanningState {
  /// Whether fact `f` is true.
  @inlinable @inline(__always)
  public func contains(_ f: Int32) -> Bool {
    word(Int(f &>> 6)) & (1 &<< UInt64(f & 63)) != 0
  }
  /// Makes fact `f` true.
  @inlinable @inline(__always)
  public mutating func insert(_ f: Int32) {
    let i = Int(f &>> 6)
    setWord(i, word(i) | (1 &<< UInt64(f & 63)))
  }
  /// Makes fact `f` false.
  @inlinable @inline(__always)
  public mutating func remove(_ f: Int32) {
    let i = Int(f &>> 6)
    setWord(i, word(i) & ~(1 &<< UInt64(f & 63)))
  }
  /// A state with exactly `facts` true.
  @inlinable
  public init(wordCount: Int, facts: [Int32]) {
    self.init(wordCount: wordCount)
    for f in facts { insert(f) }
    finishUpdate()
  }
  /// The true facts, in increasing order.
  public func facts(wordCount: Int) -> [Int32] {
    var out: [Int32] = []
    for i in 0..<wordCount {
      var w = word(i)
      while w != 0 {
        out.append(Int32(i * 64 + w.trailingZeroBitCount))
        w &= w &- 1
      }
    }
    return out
  }
}

/// A state of a task with at most 64 facts: one word, its own packed key.
@frozen
public struct SmallPlanningState: PlanningState, PackedState {
  public var bits: UInt64
  @inlinable public static var maxWords: Int { 1 }
  @inlinable public static func makeTable(capacity: Int) -> PackedStateTable<Self> { PackedStateTable(capacity: capacity) }
  @inlinable public init(wordCount: Int) { bits = 0 }
  @inlinable @inline(__always) public func word(_ i: Int) -> UInt64 { bits }
  @inlinable @inline(__always) public mutating func setWord(_ i: Int, _ value: UInt64) { bits = value }
  @inlinable @inline(__always) public mutating func finishUpdate() {}
  @inlinable public var packedKey: UInt64 { bits }
}

/// A state of a task with at most 256 facts: four inline words.
@frozen
public struct MediumPlanningState: PlanningState {
  public var bits: SIMD4<UInt64>
  @inlinable public static var maxWords: Int { 4 }
  @inlinable public static func makeTable(capacity: Int) -> HashedStateTable<Self> { HashedStateTable(capacity: capacity) }
  @inlinable public init(wordCount: Int) { bits = .zero }
  @inlinable @inline(__always) public func word(_ i: Int) -> UInt64 { bits[i] }
  @inlinable @inline(__always) public mutating func setWord(_ i: Int, _ value: UInt64) { bits[i] = value }
  @inlinable @inline(__always) public mutating func finishUpdate() {}
  @inlinable public static func == (a: Self, b: Self) -> Bool { a.bits == b.bits }
  @inlinable public func hash(into hasher: inout Hasher) {
    // One mixed word instead of four hasher rounds.
    let m = (bits[0] &* 0x9E37_79B9_7F4A_7C15) ^ (bits[1] &* 0xC2B2_AE3D_27D4_EB4F)
      ^ (bits[2] &* 0x1656_67B1_9E37_79F9) ^ (bits[3] &* 0x27D4_EB2F_1656_67C5)
    hasher.combine(m)
  }
}

/// A state of any size: a word array with a hash computed once per state.
public struct WidePlanningState: PlanningState {
  @usableFromInline var words: ContiguousArray<UInt64>
  @usableFromInline var hashCode: UInt64
  @inlinable public static var maxWords: Int { .max }
  @inlinable public static func makeTable(capacity: Int) -> HashedStateTable<Self> { HashedStateTable(capacity: capacity) }
  @inlinable public init(wordCount: Int) {
    words = ContiguousArray(repeating: 0, count: wordCount)
    hashCode = 0
  }
  @inlinable @inline(__always) public func word(_ i: Int) -> UInt64 { words[i] }
  @inlinable @inline(__always) public mutating func setWord(_ i: Int, _ value: UInt64) { words[i] = value }
  @inlinable public mutating func finishUpdate() {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for w in words { h = (h ^ w) &* 0x0000_0100_0000_01B3 &+ (h &>> 29) }
    hashCode = h
  }
  @inlinable public static func == (a: Self, b: Self) -> Bool { a.hashCode == b.hashCode && a.words == b.words }
  @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(hashCode) }
}
