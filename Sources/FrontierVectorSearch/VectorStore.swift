import FrontierCore

/// The vectors of an index in one row-major `Float` buffer, with their attributes (row-major
/// 32-bit cells, see ``AttributeValue/cell``) and deletion marks. Shared by ``FlatIndex``
/// and ``HNSWIndex``.
///
/// After a load, `values` and `attributes` may point into the memory-mapped index file
/// (see ``StoredArray``); the first mutation copies them into owned arrays.

internal struct VectorStore: Sendable {
  var dimension: Int
  var metric: VectorMetric
  var attributeNames: [String]
  /// One kind per attribute: `.int` cells hold the value, `.float` cells a `Float` bit pattern.
  var attributeKinds: [AttributeKind]
  /// `count × dimension` floats (unit rows under cosine).
  var values = StoredArray<Float>()
  /// `count × attributeNames.count` cells.
  var attributes = StoredArray<Int32>()
  var deleted: ContiguousArray<Bool> = []
  var deletedCount = 0
  /// Reused for incoming queries.
  var queryBuffer: ContiguousArray<Float> = []

  init(dimension: Int, metric: VectorMetric, attributeNames: [String], kinds: [AttributeKind]? = nil) {
    precondition(dimension > 0, "dimension must be positive, got \(dimension)")
    precondition(Set(attributeNames).count == attributeNames.count, "attribute names must be distinct")
    precondition(kinds == nil || kinds!.count == attributeNames.count, "one kind per attribute")
    self.dimension = dimension
    self.metric = metric
    self.attributeNames = attributeNames
    self.attributeKinds = kinds ?? Array(repeating: .int, count: attributeNames.count)
  }

  var count: Int { deleted.count }
  var liveCount: Int { deleted.count - deletedCount }
  var columns: [AttributeColumn] {
    zip(attributeNames, attributeKinds).map { AttributeColumn($0, $1) }
  }

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
    for (c, kind) in attributeKinds.enumerated() where kind == .float {
      let f = Float(bitPattern: UInt32(bitPattern: attrs[c]))
      guard f.isFinite else {
        throw VectorSearchError(
          .nonFiniteComponent,
          "vector \(id): float attribute '\(attributeNames[c])' is \(f.isNaN ? "NaN" : "infinite"); attribute values must be finite")
      }
    }
    values.makeOwned()
    try vector.withUnsafeBufferPointer { (v) throws(VectorSearchError) in
      try prepareVector(v, dimension: dimension, metric: metric, role: "vector \(id)", into: &values.owned)
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
  /// Refuses a filter compiled for a different attribute list, or one that compares an
  /// attribute as the other kind (an integer comparison on a float column or vice versa:
  /// parse filters with the index's own `filter(_:)`).
  ///
  /// - Complexity: O(program length); no allocation.
  func checkFilter(_ filter: VectorFilter?) throws(VectorSearchError) {
    guard let f = filter else { return }
    let a = attributeNames.count
    for ins in f.program where ins.op != .not && ins.op != .and && ins.op != .or {
      let c = Int(ins.column)
      guard c < a else {
        throw VectorSearchError(.unknownAttribute, "filter '\(f.source)' refers to attribute #\(c + 1), but the index has only \(a)")
      }
      let wanted: AttributeKind = ins.op == .floatRange ? .float : .int
      guard attributeKinds[c] == wanted else {
        throw VectorSearchError(
          .malformedFilter,
          "filter '\(f.source)' compares attribute '\(attributeNames[c])' as \(wanted == .int ? "an integer" : "a float"), "
            + "but the index stores it as \(attributeKinds[c] == .int ? "an integer" : "a float"); "
            + "parse the filter with the index's filter(_:)")
      }
    }
  }
}

/// +∞ spelled without `Float.infinity`: FrontierCore's `SearchCost` conformance declares its
/// own `Float.infinity` whose body `.infinity` resolves to itself and recurses forever in
/// any module that imports FrontierCore (reported; not fixed here).
internal let positiveInfinity = Float(bitPattern: 0x7F80_0000)

// MARK: - Storage that may live in a mapped file

/// A read-only run of elements that is either an owned `ContiguousArray` or a view into a
/// memory-mapped index file (``FileBytes``), which it keeps alive. Read access is the same
/// either way (`withUnsafeBufferPointer`, indexing); the first mutation of a mapped value
/// copies it into an owned array (copy-on-write from the file).
internal struct StoredArray<Element: BitwiseCopyable & Sendable>: RandomAccessCollection, Sendable {
  /// The elements when not mapped (empty while mapped).
  var owned: ContiguousArray<Element>
  private var file: FileBytes?
  private var offset = 0
  private var mappedCount = 0

  init() { owned = [] }
  init(_ elements: ContiguousArray<Element>) { owned = elements }

  /// `count` elements at byte `offset` of `file`, which must be aligned for `Element`.
  init(file: FileBytes, offset: Int, count: Int) {
    precondition(offset >= 0 && count >= 0 && offset + count * MemoryLayout<Element>.stride <= file.count)
    precondition(Int(bitPattern: file.base + offset) % MemoryLayout<Element>.alignment == 0, "misaligned mapped array")
    owned = []
    self.file = file
    self.offset = offset
    self.mappedCount = count
    // Bind once so typed access below is well-defined (the memory is otherwise untyped).
    _ = UnsafeMutableRawPointer(mutating: file.base + offset).bindMemory(to: Element.self, capacity: count)
  }

  /// Whether the elements are read from a mapped file.
  var isMapped: Bool { file?.isMapped ?? false }

  var startIndex: Int { 0 }
  var endIndex: Int { file == nil ? owned.count : mappedCount }

  @inline(__always)
  subscript(i: Int) -> Element {
    if let f = file {
      precondition(i >= 0 && i < mappedCount, "index \(i) out of range 0..<\(mappedCount)")
      return f.base.load(fromByteOffset: offset + i * MemoryLayout<Element>.stride, as: Element.self)
    }
    return owned[i]
  }

  /// Calls `body` with the elements; the pointer is valid only inside `body`.
  @inline(__always)
  func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
    guard let f = file else { return try owned.withUnsafeBufferPointer { (b) throws(E) -> R in try body(b) } }
    defer { withExtendedLifetime(f) {} }
    let p = (f.base + offset).assumingMemoryBound(to: Element.self)
    return try body(UnsafeBufferPointer(start: p, count: mappedCount))
  }

  /// Copies mapped elements into `owned` and drops the reference to the file.
  mutating func makeOwned() {
    guard file != nil else { return }
    let copy = withUnsafeBufferPointer { ContiguousArray($0) }
    file = nil
    offset = 0
    mappedCount = 0
    owned = copy
  }

  mutating func reserveCapacity(_ n: Int) {
    makeOwned()
    owned.reserveCapacity(n)
  }

  mutating func append(contentsOf elements: some Sequence<Element>) {
    makeOwned()
    owned.append(contentsOf: elements)
  }

  mutating func removeAll() {
    file = nil
    offset = 0
    mappedCount = 0
    owned.removeAll()
  }
}
