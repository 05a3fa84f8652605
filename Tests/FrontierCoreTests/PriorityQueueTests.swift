// BinaryHeap and BucketQueue against simple reference implementations.
//
// Operation lists are drawn by PropertyBased: a negative number is a pop, a non-negative
// one a push of that value (or priority).

@testable import FrontierCore
import PropertyBased
import Testing

@Suite("BinaryHeap")
struct BinaryHeapTests {
  @Test("Interleaved pushes and pops match a sorted array; the heap property always holds")
  func matchesSortedReference() async {
    await propertyCheck(count: 300, input: Gen.int(in: -40...60).array(of: 0...250)) { ops in
      var heap = BinaryHeap<Int>()
      var reference: [Int] = []  // sorted ascending
      for (step, op) in ops.enumerated() {
        if op < 0 {
          let expected = reference.isEmpty ? nil : reference.removeFirst()
          let got = heap.popMin()
          check(got == expected, "step \(step): popped \(String(describing: got)), expected \(String(describing: expected))")
        } else {
          heap.push(op)
          reference.insert(op, at: reference.firstIndex { $0 > op } ?? reference.endIndex)
        }
        check(heap.count == reference.count, "step \(step): count \(heap.count), expected \(reference.count)")
        check(heap.isEmpty == reference.isEmpty, "step \(step): isEmpty")
        check(heap.min == reference.first, "step \(step): min \(String(describing: heap.min))")
        check(heap._checkInvariants(), "step \(step): heap property violated: \(heap.unorderedElements)")
      }
      check(heap.unorderedElements.sorted() == reference, "unordered elements are not the multiset pushed")
      var drained: [Int] = []
      while let x = heap.popMin() { drained.append(x) }
      check(drained == reference, "drained \(drained), expected \(reference)")
      check(heap.popMin() == nil && heap.min == nil, "empty heap")
    }
  }

  @Test("Heapsort of random Doubles (with duplicates and signed zeros) is sorted")
  func sortsDoubles() async {
    await propertyCheck(count: 100, input: Gen.double(in: -5...5).array(of: 0...200)) { values in
      var heap = BinaryHeap<Double>(minimumCapacity: values.count)
      for v in values { heap.push(v.rounded() == 0 ? -0.0 : v) }
      var out: [Double] = []
      while let x = heap.popMin() { out.append(x) }
      check(out == values.map { $0.rounded() == 0 ? -0.0 : $0 }.sorted(), "not sorted: \(out)")
    }
  }

  @Test("Elements with equal keys all come out, each exactly once")
  func equalKeysKeepPayloads() {
    struct Item: Comparable {
      var key: Int
      var payload: Int
      static func < (a: Item, b: Item) -> Bool { a.key < b.key }
      static func == (a: Item, b: Item) -> Bool { a.key == b.key }
    }
    var heap = BinaryHeap<Item>()
    var rng = Xoshiro256StarStar(seed: 5)
    for i in 0..<500 { heap.push(Item(key: Int.random(in: 0..<5, using: &rng), payload: i)) }
    var payloads: [Int] = []
    var lastKey = Int.min
    while let item = heap.popMin() {
      #expect(item.key >= lastKey)
      lastKey = item.key
      payloads.append(item.payload)
    }
    #expect(payloads.sorted() == Array(0..<500))
  }

  @Test("removeAll keeps the storage; capacity honours minimumCapacity")
  func removeAllKeepsCapacity() {
    var heap = BinaryHeap<Int>(minimumCapacity: 100)
    #expect(heap.capacity >= 100)
    for i in (0..<1000).reversed() { heap.push(i) }
    let capacity = heap.capacity
    heap.removeAll()
    #expect(heap.isEmpty && heap.count == 0 && heap.min == nil)
    #expect(heap.capacity == capacity)
    heap.push(3)
    heap.push(1)
    #expect(heap.popMin() == 1)
    #expect(heap._checkInvariants())
  }
}

@Suite("BucketQueue")
struct BucketQueueTests {
  @Test("Interleaved pushes and pops match a reference: smallest priority, LIFO among equals")
  func matchesReference() async {
    await propertyCheck(count: 300, input: Gen.int(in: -30...90).array(of: 0...250)) { ops in
      // A small initial range, so pushes past it grow the buckets.
      var queue = BucketQueue<Int>(maxPriority: 16)
      var reference: [(priority: Int, id: Int)] = []
      var nextID = 0
      for (step, op) in ops.enumerated() {
        if op < 0 {
          let got = queue.popMin()
          guard let best = reference.indices.min(by: {
            (reference[$0].priority, -reference[$0].id) < (reference[$1].priority, -reference[$1].id)
          }) else {
            check(got == nil, "step \(step): popped from an empty queue")
            continue
          }
          let expected = reference.remove(at: best)
          check(
            got?.element == expected.id && got?.priority == expected.priority,
            "step \(step): popped \(String(describing: got)), expected \(expected)")
        } else {
          queue.push(nextID, priority: op)
          reference.append((op, nextID))
          nextID += 1
        }
        check(queue.count == reference.count, "step \(step): count")
        check(queue.isEmpty == reference.isEmpty, "step \(step): isEmpty")
        check(queue.minPriority == reference.map(\.priority).min(), "step \(step): minPriority")
      }
      queue.removeAll()
      check(queue.isEmpty && queue.popMin() == nil && queue.minPriority == nil, "removeAll")
      queue.push(1, priority: 7)
      queue.push(2, priority: 3)
      check(queue.popMin()?.element == 2 && queue.popMin()?.element == 1, "reuse after removeAll")
    }
  }

  @Test("A monotone run (as in A* with integer costs) pops in priority order")
  func monotoneRun() {
    var queue = BucketQueue<Int>()
    var rng = Xoshiro256StarStar(seed: 1)
    queue.push(0, priority: 0)
    var last = 0
    var popped = 0
    while case let (e, p)? = queue.popMin() {
      #expect(p >= last)
      last = p
      popped += 1
      if e < 2_000 {
        for k in 1...2 { queue.push(e * 2 + k, priority: p + Int.random(in: 0...3, using: &rng)) }
      }
    }
    #expect(popped == 2_000 + 2_001)
  }
}
