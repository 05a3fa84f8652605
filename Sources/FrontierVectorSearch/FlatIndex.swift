import CFrontierKernels
import FrontierCore

/// Exact nearest-neighbour search by scanning every vector: the oracle that approximate
/// indexes are measured against, and the right choice for small collections.
///
/// - Complexity: O(n·d) per query, O(k) extra space (a bounded max-heap of the best `k`).
///   ``searchBatch(_:k:filter:)`` scans the rows once per block of queries so each row is
///   loaded from memory once per block.
public struct FlatIndex: VectorIndex {
  internal var store: VectorStore
  internal var heap = BinaryHeap<FarFirst>()
  internal var out: [Neighbor] = []
  internal var bitmap = FilterBitmap()

  /// An empty index of `dimension`-long vectors with the given attribute names.
  public init(dimension: Int, metric: VectorMetric, attributeNames: [String] = []) {
    store = VectorStore(dimension: dimension, metric: metric, attributeNames: attributeNames)
  }

  public var dimension: Int { store.dimension }
  public var metric: VectorMetric { store.metric }
  public var count: Int { store.count }
  public var liveCount: Int { store.liveCount }
  public var attributeNames: [String] { store.attributeNames }

  /// The stored vector `id` (unit length under cosine).
  public func vector(_ id: Int) -> [Float] { store.vector(id) }
  /// The attribute values of vector `id`.
  public func attributes(of id: Int) -> [Int32] {
    let a = store.attributeNames.count
    return Array(store.attributes[id * a..<(id + 1) * a])
  }

  public mutating func reserveCapacity(_ n: Int) { store.reserveCapacity(n) }

  @discardableResult
  public mutating func add(_ vector: [Float], attributes: [Int32]) throws -> Int {
    try store.append(vector, attributes: attributes)
  }

  public mutating func markDeleted(_ id: Int) throws { try store.markDeleted(id) }

  public mutating func search(
    _ query: [Float], k: Int, filter: VectorFilter?, parameters: SearchParameters = SearchParameters()
  ) throws -> [Neighbor] {
    try store.checkK(k)
    try store.checkFilter(filter)
    try store.prepareQuery(query)
    let q = store.queryBuffer
    q.withUnsafeBufferPointer { qp in
      exactSearch(store, query: qp.baseAddress!, k: k, filter: filter, heap: &heap, bitmap: &bitmap)
    }
    sortedNeighbors(heap, limit: k, into: &out)
    return out
  }

  /// The exact top `k` of every row of `queries`, scanning the vectors once per block of 8
  /// queries.
  public mutating func searchBatch(_ queries: VectorMatrix, k: Int, filter: VectorFilter? = nil) throws -> [[Neighbor]] {
    try store.checkK(k)
    try store.checkFilter(filter)
    var prepared = ContiguousArray<Float>()
    prepared.reserveCapacity(queries.values.count)
    for i in 0..<queries.rows {
      try queries.values.withUnsafeBufferPointer { (all) throws(VectorSearchError) in
        let row = UnsafeBufferPointer(rebasing: all[i * queries.dimension..<(i + 1) * queries.dimension])
        try prepareVector(row, dimension: store.dimension, metric: store.metric, role: "query \(i)", into: &prepared)
      }
    }
    var results: [[Neighbor]] = []
    results.reserveCapacity(queries.rows)
    let block = 8
    var heaps = [BinaryHeap<FarFirst>](repeating: BinaryHeap(minimumCapacity: k + 1), count: block)
    var start = 0
    while start < queries.rows {
      let m = min(block, queries.rows - start)
      prepared.withUnsafeBufferPointer { qp in
        exactSearchBlock(
          store, queries: qp.baseAddress! + start * store.dimension, queryCount: m, k: k, filter: filter,
          heaps: &heaps, bitmap: &bitmap)
      }
      for j in 0..<m {
        var o: [Neighbor] = []
        sortedNeighbors(heaps[j], limit: k, into: &o)
        results.append(o)
      }
      start += m
    }
    return results
  }

  public func save(to path: String) throws {
    var w = IndexWriter()
    store.write(to: &w)
    try IndexFile.save(w, kind: .flat, to: path)
  }

  public static func load(from path: String) throws -> FlatIndex {
    var r = try IndexFile.open(path, expecting: .flat)
    let s = try VectorStore.read(from: &r)
    try r.finish()
    var idx = FlatIndex(dimension: s.dimension, metric: s.metric, attributeNames: s.attributeNames)
    idx.store = s
    return idx
  }
}

// MARK: - Exact scans (shared with HNSW's brute-force strategy)

/// Fills `heap` with the `k` nearest live vectors passing `filter`. A filter is evaluated
/// column-at-a-time into `bitmap` first (``FilterBitmap``); distances are then computed only
/// for the passing rows, a block of ids per kernel call.
internal func exactSearch(
  _ store: VectorStore, query: UnsafePointer<Float>, k: Int, filter: VectorFilter?,
  heap: inout BinaryHeap<FarFirst>, bitmap: inout FilterBitmap
) {
  if let f = filter {
    store.attributes.withUnsafeBufferPointer { ap in
      bitmap.evaluate(f, attributes: ap.baseAddress!, width: store.attributeNames.count, count: store.count)
    }
    switch store.metric {
    case .l2: exactSearchMasked(L2Kernel.self, store, query: query, k: k, bitmap: bitmap, heap: &heap)
    case .innerProduct, .cosine: exactSearchMasked(DotKernel.self, store, query: query, k: k, bitmap: bitmap, heap: &heap)
    }
    return
  }
  switch store.metric {
  case .l2: exactSearch(L2Kernel.self, store, query: query, k: k, filter: nil, heap: &heap)
  case .innerProduct, .cosine: exactSearch(DotKernel.self, store, query: query, k: k, filter: nil, heap: &heap)
  }
}

/// The rows whose bit is set in `bitmap` (and that are live), ranked exactly into `heap`
/// (with the same one-row kernel as the unfiltered scan, so both give bit-identical
/// distances).
@inline(__always)
internal func exactSearchMasked<K: DistanceKernel>(
  _: K.Type, _ store: VectorStore, query: UnsafePointer<Float>, k: Int, bitmap: FilterBitmap,
  heap: inout BinaryHeap<FarFirst>
) {
  heap.removeAll()
  let d = store.dimension
  let anyDeleted = store.deletedCount > 0
  let block = 128
  store.values.withUnsafeBufferPointer { vp in
    store.deleted.withUnsafeBufferPointer { del in
      bitmap.stack.withUnsafeBufferPointer { bits in
        guard let base = vp.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: block) { idb in
          withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { db in
            let ids = idb.baseAddress!
            let dists = db.baseAddress!
            var worst = positiveInfinity
            var nb = 0
            func flush(_ nb: Int) {
              for t in 0..<nb { dists[t] = K.distance(query, base + Int(ids[t]) &* d, d) }
              for t in 0..<nb {
                let dist = dists[t]
                if heap.count < k {
                  heap.push(FarFirst(dist, ids[t]))
                  if heap.count == k { worst = heap.min!.distance }
                } else if dist < worst {
                  _ = heap.popMin()
                  heap.push(FarFirst(dist, ids[t]))
                  worst = heap.min!.distance
                }
              }
            }
            for w in 0..<bitmap.words {
              var word = bits[w]
              while word != 0 {
                let i = (w << 6) | word.trailingZeroBitCount
                word &= word &- 1
                if anyDeleted && del[i] { continue }
                ids[nb] = Int32(i)
                nb &+= 1
                if nb == block {
                  flush(nb)
                  nb = 0
                }
              }
            }
            if nb > 0 { flush(nb) }
          }
        }
      }
    }
  }
}

@inline(__always)
internal func exactSearch<K: DistanceKernel>(
  _: K.Type, _ store: VectorStore, query: UnsafePointer<Float>, k: Int, filter: VectorFilter?,
  heap: inout BinaryHeap<FarFirst>
) {
  heap.removeAll()
  let d = store.dimension
  let a = store.attributeNames.count
  let n = store.count
  let anyDeleted = store.deletedCount > 0
  store.values.withUnsafeBufferPointer { vp in
    store.attributes.withUnsafeBufferPointer { ap in
      store.deleted.withUnsafeBufferPointer { del in
        guard let base = vp.baseAddress else { return }
        var worst = positiveInfinity
        for i in 0..<n {
          if anyDeleted && del[i] { continue }
          if let f = filter, !f.matches(ap.baseAddress! + i * a) { continue }
          let dist = K.distance(query, base + i &* d, d)
          if heap.count < k {
            heap.push(FarFirst(dist, Int32(i)))
            if heap.count == k { worst = heap.min!.distance }
          } else if dist < worst {
            _ = heap.popMin()
            heap.push(FarFirst(dist, Int32(i)))
            worst = heap.min!.distance
          }
        }
      }
    }
  }
}

internal func exactSearchBlock(
  _ store: VectorStore, queries: UnsafePointer<Float>, queryCount: Int, k: Int, filter: VectorFilter?,
  heaps: inout [BinaryHeap<FarFirst>], bitmap: inout FilterBitmap
) {
  var mask: FilterBitmap? = nil
  if let f = filter {
    store.attributes.withUnsafeBufferPointer { ap in
      bitmap.evaluate(f, attributes: ap.baseAddress!, width: store.attributeNames.count, count: store.count)
    }
    mask = bitmap
  }
  switch store.metric {
  case .l2: exactSearchBlock(L2Kernel.self, store, queries: queries, queryCount: queryCount, k: k, mask: mask, heaps: &heaps)
  case .innerProduct, .cosine:
    exactSearchBlock(DotKernel.self, store, queries: queries, queryCount: queryCount, k: k, mask: mask, heaps: &heaps)
  }
}

@inline(__always)
internal func exactSearchBlock<K: DistanceKernel>(
  _: K.Type, _ store: VectorStore, queries: UnsafePointer<Float>, queryCount: Int, k: Int,
  mask: FilterBitmap?, heaps: inout [BinaryHeap<FarFirst>]
) {
  for j in 0..<queryCount { heaps[j].removeAll() }
  let d = store.dimension
  let n = store.count
  let anyDeleted = store.deletedCount > 0
  var worst = [Float](repeating: positiveInfinity, count: queryCount)
  store.values.withUnsafeBufferPointer { vp in
    do {
      store.deleted.withUnsafeBufferPointer { del in
        guard let base = vp.baseAddress else { return }
        for i in 0..<n {
          if anyDeleted && del[i] { continue }
          if let m = mask, !m.contains(i) { continue }
          let row = base + i &* d
          for j in 0..<queryCount {
            let dist = K.distance(queries + j &* d, row, d)
            if heaps[j].count < k {
              heaps[j].push(FarFirst(dist, Int32(i)))
              if heaps[j].count == k { worst[j] = heaps[j].min!.distance }
            } else if dist < worst[j] {
              _ = heaps[j].popMin()
              heaps[j].push(FarFirst(dist, Int32(i)))
              worst[j] = heaps[j].min!.distance
            }
          }
        }
      }
    }
  }
}
