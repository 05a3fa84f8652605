import FrontierCore

/// The vectors of an index in one row-major `Float` buffer, with their integer attributes
/// (row-major too) and deletion marks. Shared by ``FlatIndex`` and ``HNSWIndex``.

internal struct VectorStore: Sendable {
  var dimension: Int
  var metric: VectorMetric
  var attributeNames: [String]
  /// `count × dimension` floats (unit rows under cosine).
  var values: ContiguousArray<Float> = []
  /// `count × attributeNames.count` values.
  var attributes: ContiguousArray<Int32> = []
  var deleted: ContiguousArray<Bool> = []
  var deletedCount = 0
  /// Reused for incoming queries.
  var queryBuffer: ContiguousArray<Float> = []

  init(dimension: Int, metric: VectorMetric, attributeNames: [String]) {
    precondition(dimension > 0, "dimension must be positive, got \(dimension)")
    precondition(Set(attributeNames).count == attributeNames.count, "attribute names must be distinct")
    self.dimension = dimension
    self.metric = metric
    self.attributeNames = attributeNames
  }

  var count: Int { deleted.count }
  var liveCount: Int { deleted.count - deletedCount }

  mutating func reserveCapacity(_ n: Int) {
    values.reserveCapacity(n * dimension)
    attributes.reserveCapacity(n * attributeNames.count)
    deleted.reserveCapacity(n)
  }

  /// Validates, normalises (cosine) and appends; returns the new id.
  mutating func append(_ vector: [Float], attributes attrs: [Int32]) throws(VectorSearchError) -> Int {
    guard attrs.count == attributeNames.count else {
      throw VectorSearchError(
        .invalidArgument,
        "vector \(count) has \(attrs.count) attribute values, but the index has \(attributeNames.count)"
          + (attributeNames.isEmpty ? "" : " (\(attributeNames.joined(separator: ", ")))"))
    }
    guard count < Int(Int32.max) else { throw VectorSearchError(.invalidArgument, "index is full (2^31 - 1 vectors)") }
    let id = count
    try vector.withUnsafeBufferPointer { (v) throws(VectorSearchError) in
      try prepareVector(v, dimension: dimension, metric: metric, role: "vector \(id)", into: &values)
    }
    attributes.append(contentsOf: attrs)
    deleted.append(false)
    return id
  }

  /// Validates and normalises `query` into `queryBuffer`.
  mutating func prepareQuery(_ query: [Float]) throws(VectorSearchError) {
    queryBuffer.removeAll(keepingCapacity: true)
    try query.withUnsafeBufferPointer { (q) throws(VectorSearchError) in
      try prepareVector(q, dimension: dimension, metric: metric, role: "query", into: &queryBuffer)
    }
  }

  func checkK(_ k: Int) throws(VectorSearchError) {
    guard k >= 1 else { throw VectorSearchError(.invalidK, "k must be at least 1, got \(k)") }
    guard k <= liveCount else {
      throw VectorSearchError(.invalidK, "k = \(k) is larger than the number of vectors in the index (\(liveCount))")
    }
  }

  mutating func markDeleted(_ id: Int) throws(VectorSearchError) {
    guard id >= 0 && id < count else {
      throw VectorSearchError(.invalidArgument, "no vector with id \(id) (the index holds ids 0..<\(count))")
    }
    if !deleted[id] {
      deleted[id] = true
      deletedCount += 1
    }
  }

  /// The vector `id` as stored (normalised under cosine).
  func vector(_ id: Int) -> [Float] {
    Array(values[id * dimension..<(id + 1) * dimension])
  }

  /// Estimated fraction of live vectors passing `filter`, from up to `samples` vectors spread
  /// evenly over the ids (deterministic).
  func estimateSelectivity(_ filter: VectorFilter, samples: Int = 1024) -> Double {
    let n = count
    guard n > 0 else { return 0 }
    let a = attributeNames.count
    let m = min(n, samples)
    var pass = 0
    attributes.withUnsafeBufferPointer { attrs in
      for s in 0..<m {
        let id = (s * n + n / 2) / m  // evenly spaced
        if !deleted[id] && filter.matches(attrs.baseAddress! + id * a) { pass += 1 }
      }
    }
    return Double(pass) / Double(m)
  }
}

// MARK: - Top-k helpers

/// A heap entry ordered nearest first.

internal struct NearFirst: Comparable, Sendable {
  var distance: Float
  var id: Int32
  @inline(__always) init(_ distance: Float, _ id: Int32) {
    self.distance = distance
    self.id = id
  }
  @inline(__always) static func < (l: Self, r: Self) -> Bool {
    l.distance < r.distance || (l.distance == r.distance && l.id < r.id)
  }
}

/// A heap entry ordered farthest first (so a min-heap of these keeps the worst on top).

internal struct FarFirst: Comparable, Sendable {
  var distance: Float
  var id: Int32
  @inline(__always) init(_ distance: Float, _ id: Int32) {
    self.distance = distance
    self.id = id
  }
  @inline(__always) static func < (l: Self, r: Self) -> Bool {
    l.distance > r.distance || (l.distance == r.distance && l.id > r.id)
  }
}

/// Visited marks by generation stamp: clearing is O(1) (bump the generation) except once
/// every 2^32 - 1 searches.

internal struct VisitedTable: Sendable {
  var stamps: ContiguousArray<UInt32> = []
  var generation: UInt32 = 0

  /// Starts a new search over `count` ids.
  mutating func reset(count: Int) {
    if stamps.count < count {
      stamps.append(contentsOf: repeatElement(0, count: count - stamps.count))
    }
    generation &+= 1
    if generation == 0 {
      for i in stamps.indices { stamps[i] = 0 }
      generation = 1
    }
  }
}

/// Sorts heap contents (farthest-first entries) into nearest-first neighbours.
internal func sortedNeighbors(_ heap: BinaryHeap<FarFirst>, limit: Int, into out: inout [Neighbor]) {
  out.removeAll(keepingCapacity: true)
  for e in heap.unorderedElements { out.append(Neighbor(id: Int(e.id), distance: e.distance)) }
  out.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
  if out.count > limit { out.removeLast(out.count - limit) }
}

extension VectorStore {
  /// Refuses a filter compiled for a different attribute list.
  func checkFilter(_ filter: VectorFilter?) throws(VectorSearchError) {
    guard let f = filter else { return }
    let a = attributeNames.count
    for ins in f.program where (ins.op == .range || ins.op == .member) && Int(ins.column) >= a {
      throw VectorSearchError(.unknownAttribute, "filter '\(f.source)' refers to attribute #\(ins.column + 1), but the index has only \(a)")
    }
  }
}

/// +∞ spelled without `Float.infinity`: FrontierCore's `SearchCost` conformance declares its
/// own `Float.infinity` whose body `.infinity` resolves to itself and recurses forever in
/// any module that imports FrontierCore (reported; not fixed here).
internal let positiveInfinity = Float(bitPattern: 0x7F80_0000)
