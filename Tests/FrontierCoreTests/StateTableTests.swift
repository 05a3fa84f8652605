// The three StateTable implementations against Dictionary.

@testable import FrontierCore
import PropertyBased
import Testing

/// A packed state whose key is given directly.
struct RawPackedState: PackedState, Sendable {
  var packedKey: UInt64
}

/// A dense state whose index is given directly.
struct RawDenseState: DenseState, Sendable {
  var denseIndex: Int
}

/// The inverse of the golden-ratio multiplier PackedStateTable hashes with: keys
/// `k · inverse` hash to `k`, whose top bits are 0 for small `k`, so they all want slot 0.
let goldenInverse: UInt64 = 0xF1DE_83E1_9937_733D

/// Ways of turning key numbers `0..<keySpace` into packed keys.
let packedKeyMaps: [(String, @Sendable (Int) -> UInt64)] = [
  ("identity (includes 0)", { UInt64($0) }),
  ("high bits", { UInt64($0) << 44 | 0xFFFF }),
  ("all in slot 0", { UInt64($0) &* goldenInverse }),
]

/// Applies the operations encoded in `ops` to `table` and to a `Dictionary`, comparing every
/// answer and the count. Each op: `op % 100` chooses findOrInsert (50%), lookup (35%),
/// update (13%) or reset (2%); `op >> 8` chooses the key. Node ids are fresh (as in the
/// algorithms).
func checkAgainstDictionary<T: StateTable>(
  _ table: inout T, ops: [UInt64], keySpace: Int, label: String, state: (Int) -> T.State
) {
  var reference: [Int: Int32] = [:]
  var nextNode: Int32 = 0
  for (step, op) in ops.enumerated() {
    let key = Int((op >> 8) % UInt64(keySpace))
    let tag = "\(label) step \(step) key \(key)"
    switch op % 100 {
    case 0..<50:
      let expected = reference[key] ?? -1
      let got = table.findOrInsert(state(key), node: nextNode)
      check(got == expected, "\(tag): findOrInsert returned \(got), expected \(expected)")
      if reference[key] == nil { reference[key] = nextNode }
      nextNode += 1
    case 50..<85:
      let got = table.lookup(state(key))
      check(got == reference[key] ?? -1, "\(tag): lookup returned \(got), expected \(reference[key] ?? -1)")
    case 85..<98:
      table.update(state(key), node: nextNode)
      reference[key] = nextNode
      nextNode += 1
    default:
      table.reset()
      reference.removeAll()
    }
    check(table.count == reference.count, "\(tag): count \(table.count), expected \(reference.count)")
  }
  for key in 0..<keySpace {
    check(table.lookup(state(key)) == reference[key] ?? -1, "\(label) final lookup of \(key)")
  }
}

@Suite("State tables")
struct StateTableTests {
  static let opLists = Gen.uint64().array(of: 0...400)

  @Test("HashedStateTable behaves like a Dictionary")
  func hashedMatchesDictionary() async {
    await propertyCheck(count: 100, input: Self.opLists, Gen.int(in: 1...300)) { ops, keySpace in
      var table = HashedStateTable<Int>(capacity: 0)
      checkAgainstDictionary(&table, ops: ops, keySpace: keySpace, label: "hashed", state: { $0 })
    }
  }

  @Test("PackedStateTable behaves like a Dictionary, whatever the key distribution")
  func packedMatchesDictionary() async {
    for (name, map) in packedKeyMaps {
      await propertyCheck(count: 60, input: Self.opLists, Gen.int(in: 1...300)) { ops, keySpace in
        var table = PackedStateTable<RawPackedState>(capacity: 1)
        checkAgainstDictionary(&table, ops: ops, keySpace: keySpace, label: "packed \(name)") {
          RawPackedState(packedKey: map($0))
        }
      }
    }
  }

  @Test("DenseStateTable behaves like a Dictionary")
  func denseMatchesDictionary() async {
    await propertyCheck(count: 100, input: Self.opLists, Gen.int(in: 1...300)) { ops, keySpace in
      var table = DenseStateTable<RawDenseState>(size: keySpace)
      checkAgainstDictionary(&table, ops: ops, keySpace: keySpace, label: "dense", state: RawDenseState.init)
    }
  }

  /// Inserts `n` distinct states, checks every lookup, resets, checks that all are gone,
  /// and reuses the table with new ids.
  func growAndReuse<T: StateTable>(_ table: inout T, n: Int, state: (Int) -> T.State) {
    for i in 0..<n {
      check(table.findOrInsert(state(i), node: Int32(i)) == -1, "insert \(i)")
      check(table.findOrInsert(state(i), node: Int32(n + i)) == Int32(i), "re-insert \(i)")
    }
    #expect(table.count == n)
    #expect(table.bytesUsed > 0)
    for i in 0..<n { check(table.lookup(state(i)) == Int32(i), "lookup \(i)") }
    for i in stride(from: 0, to: n, by: 3) { table.update(state(i), node: Int32(-2 - i) & .max) }
    for i in 0..<n {
      let expected = i % 3 == 0 ? Int32(-2 - i) & .max : Int32(i)
      check(table.lookup(state(i)) == expected, "lookup after update \(i)")
    }
    #expect(table.count == n)
    table.reset()
    #expect(table.count == 0)
    for i in 0..<n { check(table.lookup(state(i)) == -1, "lookup after reset \(i)") }
    for i in stride(from: 0, to: n, by: 2) {
      check(table.findOrInsert(state(i), node: Int32(7 * i)) == -1, "insert after reset \(i)")
    }
    #expect(table.count == (n + 1) / 2)
    for i in 0..<n { check(table.lookup(state(i)) == (i % 2 == 0 ? Int32(7 * i) : -1), "reuse \(i)") }
  }

  @Test("Growth across many inserts, then reset and reuse")
  func growthAndReset() {
    let n = 20_000
    var hashed = HashedStateTable<Int>(capacity: 1)
    growAndReuse(&hashed, n: n) { $0 &* 7919 }
    for (name, map) in packedKeyMaps where name != "all in slot 0" {
      var packed = PackedStateTable<RawPackedState>(capacity: 1)
      let initialBytes = packed.bytesUsed
      growAndReuse(&packed, n: n) { RawPackedState(packedKey: map($0)) }
      #expect(packed.bytesUsed > initialBytes, "\(name)")
      // Load factor stays at most 1/2.
      #expect(packed._keys.count >= 2 * n, "\(name)")
    }
    // Clustered keys: every key hashes to slot 0 (long probe runs, still correct).
    var clustered = PackedStateTable<RawPackedState>(capacity: 1)
    growAndReuse(&clustered, n: 1_000) { RawPackedState(packedKey: UInt64($0) &* goldenInverse) }
    var dense = DenseStateTable<RawDenseState>(size: n)
    growAndReuse(&dense, n: n, state: RawDenseState.init)
  }

  @Test("PackedStateTable handles the extreme keys 0 and UInt64.max")
  func packedExtremeKeys() {
    var table = PackedStateTable<RawPackedState>(capacity: 4)
    #expect(table.lookup(RawPackedState(packedKey: 0)) == -1)
    #expect(table.findOrInsert(RawPackedState(packedKey: 0), node: 5) == -1)
    #expect(table.findOrInsert(RawPackedState(packedKey: .max), node: 6) == -1)
    #expect(table.lookup(RawPackedState(packedKey: 0)) == 5)
    #expect(table.lookup(RawPackedState(packedKey: .max)) == 6)
    #expect(table.lookup(RawPackedState(packedKey: 1)) == -1)
    #expect(table.count == 2)
  }

  @Test("DenseStateTable resets in O(1) and survives the generation counter wrapping")
  func denseGenerationWrap() {
    var table = DenseStateTable<RawDenseState>(size: 8)
    table._generation = .max - 1
    #expect(table.findOrInsert(RawDenseState(denseIndex: 3), node: 30) == -1)
    table.reset()  // generation becomes .max
    #expect(table.lookup(RawDenseState(denseIndex: 3)) == -1)
    #expect(table.findOrInsert(RawDenseState(denseIndex: 4), node: 40) == -1)
    table.reset()  // wraps: stamps cleared, generation 1
    #expect(table._generation == 1)
    #expect(table.count == 0)
    for i in 0..<8 { #expect(table.lookup(RawDenseState(denseIndex: i)) == -1) }
    #expect(table.findOrInsert(RawDenseState(denseIndex: 4), node: 41) == -1)
    #expect(table.lookup(RawDenseState(denseIndex: 4)) == 41)
    #expect(table.size == 8)
  }

  // The StateTable contract: findOrInsert of a state already present returns its id, and
  // leaves it unchanged, whatever `node` is passed.

  @Test("HashedStateTable.findOrInsert reports a present state even when offered its own id")
  func hashedFindOrInsertSameNode() {
    // Bug: findOrInsert decides "inserted" by `seen == node`, so a state already stored
    // with id `node` is reported as newly inserted (-1).
    var table = HashedStateTable<Int>()
    #expect(table.findOrInsert(7, node: 3) == -1)
    #expect(table.findOrInsert(7, node: 3) == 3)
    #expect(table.count == 1)
  }

  @Test("PackedStateTable.findOrInsert reports a present state even when offered its own id")
  func packedFindOrInsertSameNode() {
    var table = PackedStateTable<RawPackedState>()
    #expect(table.findOrInsert(RawPackedState(packedKey: 7), node: 3) == -1)
    #expect(table.findOrInsert(RawPackedState(packedKey: 7), node: 3) == 3)
    #expect(table.count == 1)
  }

  @Test("DenseStateTable.findOrInsert reports a present state even when offered its own id")
  func denseFindOrInsertSameNode() {
    var table = DenseStateTable<RawDenseState>(size: 10)
    #expect(table.findOrInsert(RawDenseState(denseIndex: 7), node: 3) == -1)
    #expect(table.findOrInsert(RawDenseState(denseIndex: 7), node: 3) == 3)
    #expect(table.count == 1)
  }
}
