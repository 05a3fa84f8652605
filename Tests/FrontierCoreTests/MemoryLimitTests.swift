import FrontierCore
import Testing

/// A state for the packed table: the key is the value.
private struct Key: PackedState {
  var value: UInt64
  var packedKey: UInt64 { value }
}

@Suite struct MemoryLimitTests {
  @Test("A doubling buffer's growth counts as pending within a quarter of its capacity")
  func doublingBufferGrowth() {
    let idle = MemoryFootprint.doublingBuffer(count: 10, capacity: 100, stride: 8)
    #expect(idle == MemoryFootprint(held: 800, growth: 0))
    let near = MemoryFootprint.doublingBuffer(count: 75, capacity: 100, stride: 8)
    #expect(near == MemoryFootprint(held: 800, growth: 1_600))
    #expect(near.projected == 2_400)
    #expect((idle + near) == MemoryFootprint(held: 1_600, growth: 1_600))
  }

  @Test("The projected bytes add the growth step, the baseline and the reserve of process accounting")
  func projectedBytes() {
    let m = MemoryFootprint(held: 100, growth: 200)
    let plain = LimitWatch(SearchLimits(maxMemoryBytes: 1_000), baseline: 300)
    #expect(plain.baselineBytes == 0)
    #expect(plain.projectedBytes(m, measured: nil) == 300)
    let process = LimitWatch(SearchLimits(maxMemoryBytes: 1_600, countsProcessMemory: true), baseline: 300)
    #expect(process.baselineBytes == 300)
    // baseline + held + growth + reserve (1/16 of the limit)
    #expect(process.projectedBytes(m, measured: nil) == 300 + 100 + 200 + 100)
    // A measured process larger than the estimate wins.
    #expect(process.projectedBytes(m, measured: 1_000) == 1_000 + 200 + 100)
  }

  @Test("The memory check stops when the next growth step would pass the limit, not only the held bytes")
  func checkCountsGrowth() {
    var watch = LimitWatch(SearchLimits(maxMemoryBytes: 1_000, checkInterval: 1))
    #expect(watch.check(expanded: 0, memory: MemoryFootprint(held: 600)) == nil)
    #expect(watch.check(expanded: 1, memory: MemoryFootprint(held: 600, growth: 1_200)) == .memoryLimit)
    // Process accounting: a baseline close to the limit stops a small search.
    var process = LimitWatch(SearchLimits(maxMemoryBytes: 1 << 30, countsProcessMemory: true, checkInterval: 1), baseline: 1 << 30)
    #expect(process.check(expanded: 0, memory: MemoryFootprint(held: 0)) == .memoryLimit)
  }

  @Test("Tables and heaps predict the bytes of their next growth")
  func predictedGrowthMatchesActual() {
    var packed = PackedStateTable<Key>(capacity: 1_000)
    var hashed = HashedStateTable<Int>(capacity: 1_000)
    var heap = BinaryHeap<Int>(minimumCapacity: 1_000)
    #expect(packed.memoryFootprint.growth == 0 && hashed.memoryFootprint.growth == 0 && heap.memoryFootprint.growth == 0)
    var i = 0
    var seen = (packed: 0, hashed: 0, heap: 0)
    var predicted = (packed: 0, hashed: 0, heap: 0)
    let held0 = (packed.memoryFootprint.held, hashed.memoryFootprint.held, heap.memoryFootprint.held)
    while seen != (3, 3, 3) {
      // Record the prediction while the old storage is still in place.
      let f = (packed.memoryFootprint, hashed.memoryFootprint, heap.memoryFootprint)
      if f.0.growth > 0 && seen.packed == 0 { predicted.packed = f.0.growth; seen.packed = 1 }
      if f.1.growth > 0 && seen.hashed == 0 { predicted.hashed = f.1.growth; seen.hashed = 1 }
      if f.2.growth > 0 && seen.heap == 0 { predicted.heap = f.2.growth; seen.heap = 1 }
      _ = packed.findOrInsert(Key(value: UInt64(i)), node: Int32(i))
      _ = hashed.findOrInsert(i, node: Int32(i))
      heap.push(i)
      i += 1
      if packed.memoryFootprint.held != held0.0 && seen.packed == 1 {
        #expect(packed.memoryFootprint.held == predicted.packed)
        seen.packed = 3
      }
      if hashed.memoryFootprint.held != held0.1 && seen.hashed == 1 {
        #expect(hashed.memoryFootprint.held == predicted.hashed)
        seen.hashed = 3
      }
      if heap.memoryFootprint.held != held0.2 && seen.heap == 1 {
        // The array may round its new capacity up to the allocator's block size.
        let h = heap.memoryFootprint.held
        #expect(h >= predicted.heap && h <= predicted.heap + predicted.heap / 8)
        seen.heap = 3
      }
      if i > 100_000 { break }
    }
    #expect(seen == (3, 3, 3))
  }

  @Test("The process's memory is readable on Linux")
  func processMemory() {
    #if os(Linux)
    let v = ProcessMemory.virtualBytes()
    let r = ProcessMemory.residentBytes()
    #expect(v != nil && r != nil)
    #expect((r ?? 0) > 0 && (v ?? 0) >= (r ?? 0))
    #expect(ProcessMemory.currentBytes() != nil)
    #endif
  }
}
