import CFrontierKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FrontierCore

/// Construction and search knobs of an ``HNSWIndex``.
public struct HNSWParameters: Sendable, Hashable {
  /// Links per node on the upper levels; level 0 keeps up to `2M` (``M0``).
  public var M: Int
  /// Beam width while inserting.
  public var efConstruction: Int
  /// Default beam width while searching (per-search override in ``SearchParameters``).
  public var efSearch: Int
  /// Seed of the level generator: single-threaded builds with equal seeds and equal
  /// insertion order produce identical graphs.
  public var seed: UInt64
  /// Whether searches walk the graph on int8 codes (re-ranking the beam with exact float
  /// distances); the graph itself is always built on the float vectors.
  public var quantization: VectorQuantization

  public init(
    M: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 100,
    quantization: VectorQuantization = .none
  ) {
    precondition(M >= 2 && M <= 1024, "HNSW M must be in 2...1024, got \(M)")
    precondition(efConstruction >= 1, "efConstruction must be positive, got \(efConstruction)")
    precondition(efSearch >= 1, "efSearch must be positive, got \(efSearch)")
    self.M = M
    self.efConstruction = efConstruction
    self.efSearch = efSearch
    self.seed = seed
    self.quantization = quantization
  }

  /// Maximum degree on level 0.
  public var M0: Int { 2 * M }
  /// Level normalisation mL = 1 / ln(M).
  public var levelMultiplier: Double { 1 / log(Double(M)) }
}

/// Hierarchical navigable small world graph (Malkov & Yashunin, "Efficient and robust
/// approximate nearest neighbor search using Hierarchical Navigable Small World graphs",
/// IEEE TPAMI 2018; arXiv:1603.09320).
///
/// Layout: vectors in one row-major buffer; level-0 adjacency in one `Int32` array with a
/// fixed slot of `1 + M0` per node (degree, then ids); upper levels in a second array of
/// `1 + M` slots per (node, level), located through a per-node offset. Search state
/// (visited stamps, heaps, selection buffers) lives in a scratch value reused by every
/// insertion and query.
///
/// Filtered search chooses among brute force (exact), a predicate-aware graph walk that
/// expands failing neighbours to their neighbours (two-hop, in the spirit of ACORN, Patel et
/// al., SIGMOD 2024) and post-filtering, from a sampled selectivity estimate.
///
/// - Complexity: insertion and search are O(log n) distance evaluations in expectation
///   (times `efConstruction` or `ef` and the degree); memory is `4·d + 4·(2M+1)` bytes per
///   vector plus about `4·(M+1)/(M-1)` more for upper levels.
public struct HNSWIndex: VectorIndex {
  internal var store: VectorStore
  public internal(set) var parameters: HNSWParameters
  internal var graph: HNSWGraph
  /// The int8 codes when `parameters.quantization == .int8` (nil until there are rows).
  internal var sq8: SQ8Codes? = nil
  internal var sqWeights = ContiguousArray<Int8>()
  internal var bitmap = FilterBitmap()
  /// The last selectivity estimate, reused while the filter and the rows are unchanged (a
  /// batch of queries sharing one filter estimates it once).
  internal var lastEstimate: (filter: VectorFilter, count: Int, deleted: Int, selectivity: Double)? = nil
  internal var rng: SplitMix64
  internal var scratch = HNSWScratch()
  internal var heap = BinaryHeap<FarFirst>()
  internal var out: [Neighbor] = []

  public init(dimension: Int, metric: VectorMetric, attributeNames: [String] = [], parameters: HNSWParameters = HNSWParameters()) {
    store = VectorStore(dimension: dimension, metric: metric, attributeNames: attributeNames)
    self.parameters = parameters
    graph = HNSWGraph(M: parameters.M)
    rng = SplitMix64(seed: parameters.seed)
  }

  public var dimension: Int { store.dimension }
  public var metric: VectorMetric { store.metric }
  public var count: Int { store.count }
  public var liveCount: Int { store.liveCount }
  public var attributeNames: [String] { store.attributeNames }
  /// Highest level in the graph (-1 when empty).
  public var maxLevel: Int { graph.maxLevel }
  /// The level of node `id`.
  public func level(of id: Int) -> Int { Int(graph.level[id]) }
  /// The neighbours of node `id` on `level`.
  public func neighbors(of id: Int, level: Int) -> [Int] {
    precondition(level <= Int(graph.level[id]), "node \(id) has no level \(level)")
    let start = graph.slot(Int32(id), level)
    let arr = level == 0 ? graph.level0 : graph.upper
    return (0..<Int(arr[start])).map { Int(arr[start + 1 + $0]) }
  }
  /// The stored vector `id` (unit length under cosine).
  public func vector(_ id: Int) -> [Float] { store.vector(id) }
  /// Estimated fraction of vectors passing `filter` (what `.automatic` decides on).
  public func estimateSelectivity(_ filter: VectorFilter) -> Double { store.estimateSelectivity(filter) }
  /// Bytes held per vector by vectors, attributes and links (excluding scratch).
  public var bytesPerVector: Double {
    guard count > 0 else { return 0 }
    let b = store.values.count * 4 + store.attributes.count * 4 + store.deleted.count
      + graph.level0.count * 4 + graph.upper.count * 4 + graph.upperOffset.count * 4 + graph.level.count
      + (sq8?.byteCount ?? 0)
    return Double(b) / Double(count)
  }

  public mutating func reserveCapacity(_ n: Int) {
    store.reserveCapacity(n)
    graph.reserveCapacity(n)
  }

  @discardableResult
  public mutating func add(_ vector: [Float], attributes: [Int32]) throws -> Int {
    let id = try store.append(vector, attributes: attributes)
    insert(Int32(id))
    return id
  }

  /// Adds every row of `vectors` (with the matching row of `attributes`, if any), calling
  /// `progress` with the number added every 1,000 rows and at the end.
  public mutating func add(
    contentsOf vectors: VectorMatrix, attributes: IntMatrix? = nil, progress: (Int) -> Void = { _ in }
  ) throws {
    if let a = attributes, a.rows != vectors.rows {
      throw VectorSearchError(.invalidArgument, "\(vectors.rows) vectors but \(a.rows) attribute rows")
    }
    reserveCapacity(count + vectors.rows)
    for i in 0..<vectors.rows {
      try add(vectors.row(i), attributes: attributes?.row(i) ?? [])
      if (i + 1) % 1000 == 0 { progress(i + 1) }
    }
    updateCodes()
    progress(vectors.rows)
  }

  // MARK: quantisation

  /// Turns int8 traversal on (learning the per-dimension ranges from the vectors present
  /// now and encoding every row) or off (dropping the codes). Rows added later are encoded
  /// with the same ranges, values outside them clamped; call this again to re-learn them.
  ///
  /// - Throws: `.invalidArgument` when turning quantisation on for an index without vectors
  ///   (there is nothing to learn the ranges from).
  /// - Complexity: O(n·d).
  public mutating func quantize(_ q: VectorQuantization) throws {
    if q == .int8 && count == 0 {
      throw VectorSearchError(
        .invalidArgument, "cannot quantise an index without vectors: the int8 ranges are learned from the stored vectors")
    }
    parameters.quantization = q
    sq8 = nil
    updateCodes()
  }

  /// Whether searches currently walk int8 codes.
  public var isQuantized: Bool { sq8 != nil }

  /// Encodes rows added since the last call (learning the ranges on first use).
  internal mutating func updateCodes() {
    guard parameters.quantization == .int8, count > 0 else { return }
    if sq8 == nil {
      let q = store.values.withUnsafeBufferPointer {
        ScalarQuantizer.train($0, dimension: store.dimension, rows: store.count)
      }
      sq8 = SQ8Codes(quantizer: q)
    }
    if sq8!.rows < count { sq8!.encode(store.values, count: count, metric: store.metric) }
  }

  /// The int8 query for `store.queryBuffer`, or nil without codes.
  internal mutating func prepareQuantizedQuery() -> SQ8Query? {
    guard parameters.quantization == .int8 else { return nil }
    if sq8 == nil || sq8!.rows < count { updateCodes() }
    guard let c = sq8 else { return nil }
    let (base, scale, norm2) = store.queryBuffer.withUnsafeBufferPointer {
      c.quantizer.prepareQuery($0.baseAddress!, weights: &sqWeights)
    }
    let l2 = store.metric == .l2
    return SQ8Query(
      weights: sqWeights, codes: c.codes, norms: c.norms, dimension: store.dimension,
      c0: l2 ? norm2 - 2 * base : 1 - base, c1: l2 ? -2 * scale : -scale)
  }

  public mutating func markDeleted(_ id: Int) throws { try store.markDeleted(id) }

  // MARK: insertion

  internal mutating func randomLevel() -> Int {
    let u = (Double(rng.next() >> 11) + 1) * 0x1p-53  // (0, 1]
    return min(Int(-log(u) * parameters.levelMultiplier), 30)
  }

  internal mutating func insert(_ node: Int32) {
    let lvl = randomLevel()
    graph.appendNode(level: lvl)
    if graph.entryPoint < 0 {
      graph.entryPoint = node
      graph.maxLevel = lvl
      return
    }
    var g = graph
    graph = HNSWGraph.placeholder  // g now holds the only reference: mutated in place
    var sc = scratch
    scratch = HNSWScratch.placeholder
    let vectors = store.values
    let params = parameters
    let d = store.dimension
    let n = store.count
    switch store.metric {
    case .l2: HNSWCore<L2Kernel>.insert(node, level: lvl, vectors: vectors, dimension: d, count: n, graph: &g, params: params, scratch: &sc)
    case .innerProduct, .cosine:
      HNSWCore<DotKernel>.insert(node, level: lvl, vectors: vectors, dimension: d, count: n, graph: &g, params: params, scratch: &sc)
    }
    if lvl > g.maxLevel {
      g.maxLevel = lvl
      g.entryPoint = node
    }
    graph = g
    scratch = sc
  }

  // MARK: search

  public mutating func search(
    _ query: [Float], k: Int, filter: VectorFilter?, parameters sp: SearchParameters = SearchParameters()
  ) throws -> [Neighbor] {
    try store.checkK(k)
    try store.checkFilter(filter)
    try store.prepareQuery(query)
    let ef = max(sp.ef ?? parameters.efSearch, k)
    var strategy = sp.strategy
    var selectivity: Double? = nil
    if let f = filter, strategy == .automatic || strategy == .postFilter {
      let s: Double
      if let e = lastEstimate, e.count == store.count, e.deleted == store.deletedCount, e.filter == f {
        s = e.selectivity
      } else {
        s = store.estimateSelectivity(f)
        lastEstimate = (f, store.count, store.deletedCount, s)
      }
      selectivity = s
      if strategy == .automatic { strategy = FilterStrategy.choose(selectivity: s, count: store.count) }
    }
    let q = store.queryBuffer
    if filter != nil && strategy == .bruteForce {
      q.withUnsafeBufferPointer { qp in
        exactSearch(store, query: qp.baseAddress!, k: k, filter: filter, heap: &heap, bitmap: &bitmap)
      }
      sortedNeighbors(heap, limit: k, into: &out)
      return out
    }
    var mode = HNSWSearchMode.plain
    var beam = ef
    if filter != nil {
      if strategy == .postFilter {
        let s = max(selectivity ?? 1, 1 / Double(store.count))
        beam = min(store.count, max(ef, Int((Double(k) / s * 1.5).rounded(.up))))
        mode = .postFilter
      } else {
        mode = .twoHop
      }
    }
    let sq = prepareQuantizedQuery()
    var g = graph
    graph = HNSWGraph.placeholder
    var sc = scratch
    scratch = HNSWScratch.placeholder
    defer {
      graph = g
      scratch = sc
    }
    switch store.metric {
    case .l2:
      HNSWCore<L2Kernel>.search(q, store: store, graph: &g, ef: beam, filter: filter, mode: mode, sq8: sq, scratch: &sc)
    case .innerProduct, .cosine:
      HNSWCore<DotKernel>.search(q, store: store, graph: &g, ef: beam, filter: filter, mode: mode, sq8: sq, scratch: &sc)
    }
    sortedNeighbors(sc.results, limit: k, into: &out)
    return out
  }

  // MARK: persistence

  public func save(to path: String) throws {
    var w = IndexWriter()
    store.write(to: &w)
    w.i64(parameters.M)
    w.i64(parameters.efConstruction)
    w.i64(parameters.efSearch)
    w.u64(parameters.seed)
    w.u64(rng.state)
    w.i64(graph.maxLevel + 1)
    w.i64(Int(graph.entryPoint) + 1)
    w.array(graph.level)
    w.array(graph.upperOffset)
    w.array(graph.level0)
    w.array(graph.upper)
    // Version 3: the quantisation section.
    var codes = sq8
    if parameters.quantization == .int8 && count > 0 && (codes == nil || codes!.rows < count) {
      var copy = self
      copy.updateCodes()
      codes = copy.sq8
    }
    w.u32(parameters.quantization.code)
    if parameters.quantization == .int8 {
      w.i64(codes == nil ? 0 : 1)
      if let c = codes {
        w.array(c.quantizer.lo)
        w.array(c.quantizer.step)
        c.codes.withUnsafeBufferPointer { w.array($0) }
        c.norms.withUnsafeBufferPointer { w.array($0) }
      }
    }
    try IndexFile.save(w, kind: .hnsw, to: path)
  }

  public static func load(from path: String) throws -> HNSWIndex {
    var r = try IndexFile.open(path, expecting: .hnsw)
    let s = try VectorStore.read(from: &r)
    let M = try r.int(max: 1024, "M")
    let efc = try r.int("efConstruction")
    let efs = try r.int("efSearch")
    guard M >= 2, efc >= 1, efs >= 1 else { throw r.fail("invalid parameters M=\(M) efConstruction=\(efc) efSearch=\(efs)") }
    let seed = try r.u64()
    let state = try r.u64()
    let maxLevel = try r.int(max: 31, "max level") - 1
    let entry = try r.int("entry point") - 1
    let n = s.count
    var g = HNSWGraph(M: M)
    g.level = try r.array(UInt8.self, count: n, "levels")
    g.upperOffset = try r.array(Int32.self, count: n, "upper offsets")
    g.level0 = try r.array(Int32.self, count: n * g.stride0, "level-0 links")
    g.upper = try r.array(Int32.self, "upper links")
    var quantization = VectorQuantization.none
    var codes: SQ8Codes? = nil
    if r.version >= 3 {
      let qc = try r.u32()
      guard let q = VectorQuantization(code: qc) else { throw r.fail("unknown quantisation code \(qc)") }
      quantization = q
      let present = q == .int8 ? try r.int(max: 1, "quantiser present") : 0
      if present == 1 {
        let d = s.dimension
        let lo = try r.array(Float.self, count: d, "quantiser offsets")
        let step = try r.array(Float.self, count: d, "quantiser steps")
        guard lo.allSatisfy(\.isFinite), step.allSatisfy({ $0.isFinite && $0 > 0 }) else {
          throw r.fail("quantiser ranges are not finite and positive")
        }
        var c = SQ8Codes(quantizer: ScalarQuantizer(dimension: d, lo: lo, step: step))
        c.codes = try r.storedArray(UInt8.self, count: n * d, "int8 codes")
        c.norms = try r.storedArray(Float.self, count: s.metric == .l2 ? n : 0, "int8 row norms")
        codes = c
      }
    }
    try r.finish()
    g.maxLevel = maxLevel
    g.entryPoint = Int32(entry)
    if let problem = g.validate(count: n) { throw r.fail("invalid graph: \(problem)") }
    var idx = HNSWIndex(
      dimension: s.dimension, metric: s.metric, attributeNames: s.attributeNames,
      parameters: HNSWParameters(M: M, efConstruction: efc, efSearch: efs, seed: seed, quantization: quantization))
    idx.store = s
    idx.graph = g
    idx.sq8 = codes
    idx.rng = SplitMix64(seed: 0)
    idx.rng.state = state
    return idx
  }
}

// MARK: - Graph storage


internal struct HNSWGraph: Sendable {
  let M: Int
  /// Slots per node on level 0: degree + M0 ids.
  let stride0: Int
  /// Slots per (node, upper level): degree + M ids.
  let strideU: Int
  var level: ContiguousArray<UInt8> = []
  /// Block index in `upper` of a node's level-1 list (its level-l list is at
  /// `offset + l - 1`); -1 for nodes on level 0 only.
  var upperOffset: ContiguousArray<Int32> = []
  var level0: ContiguousArray<Int32> = []
  /// Block 0 is a never-used placeholder so the buffer is never empty.
  var upper: ContiguousArray<Int32>
  var entryPoint: Int32 = -1
  var maxLevel = -1

  init(M: Int) {
    self.M = M
    stride0 = 2 * M + 1
    strideU = M + 1
    upper = ContiguousArray(repeating: 0, count: M + 1)
  }

  private init(placeholderM M: Int) {
    self.M = M
    stride0 = 2 * M + 1
    strideU = M + 1
    upper = []
  }

  /// Holds no storage: swapped in while the real graph is borrowed (no allocation).
  static let placeholder = HNSWGraph(placeholderM: 2)

  mutating func reserveCapacity(_ n: Int) {
    level.reserveCapacity(n)
    upperOffset.reserveCapacity(n)
    level0.reserveCapacity(n * stride0)
  }

  mutating func appendNode(level l: Int) {
    level.append(UInt8(l))
    level0.append(contentsOf: repeatElement(0, count: stride0))
    if l > 0 {
      upperOffset.append(Int32(upper.count / strideU))
      upper.append(contentsOf: repeatElement(0, count: l * strideU))
    } else {
      upperOffset.append(-1)
    }
  }

  /// Index of the degree slot of `node`'s list on `level` (in `level0` or `upper`).
  func slot(_ node: Int32, _ l: Int) -> Int {
    l == 0 ? Int(node) * stride0 : (Int(upperOffset[Int(node)]) + l - 1) * strideU
  }

  /// A description of the first inconsistency, or nil: checked on load so that no later
  /// search can read out of bounds.
  func validate(count n: Int) -> String? {
    if n == 0 { return entryPoint == -1 && maxLevel == -1 ? nil : "entry point in an empty graph" }
    guard entryPoint >= 0 && Int(entryPoint) < n else { return "entry point \(entryPoint) out of range" }
    guard Int(level[Int(entryPoint)]) == maxLevel else { return "entry point is not on the top level" }
    guard upper.count >= strideU, upper.count % strideU == 0 else { return "upper link storage has a partial block" }
    let blocks = upper.count / strideU
    for i in 0..<n {
      let l = Int(level[i])
      if l > maxLevel { return "node \(i) has level \(l) above the top level \(maxLevel)" }
      if l > 0 {
        let o = Int(upperOffset[i])
        if o < 1 || o + l > blocks { return "node \(i) has upper offset \(o) out of range" }
      } else if upperOffset[i] != -1 {
        return "node \(i) on level 0 has an upper offset"
      }
      for lc in 0...l {
        let s = slot(Int32(i), lc)
        let arr = lc == 0 ? level0 : upper
        let deg = Int(arr[s])
        if deg < 0 || deg > (lc == 0 ? 2 * M : M) { return "node \(i) has degree \(deg) on level \(lc)" }
        for j in 0..<deg {
          let e = Int(arr[s + 1 + j])
          if e < 0 || e >= n { return "node \(i) links to \(e), out of range" }
          if Int(level[e]) < lc { return "node \(i) links to \(e) on level \(lc), above that node's level" }
        }
      }
    }
    return nil
  }
}

/// Visited marks of one layer search as a bitset: 50,000 nodes take 6 KB, which stays in
/// the L1 cache while the search streams vectors through it (a 4-byte stamp per node took
/// 200 KB and its loads missed). Clearing costs n/8 bytes of memset per layer search,
/// negligible next to the distances.
internal struct VisitedBits: Sendable {
  var words: ContiguousArray<UInt64> = []

  /// Starts a new search over `count` ids (all unmarked).
  mutating func reset(count: Int) {
    let need = (count + 63) >> 6
    if words.count < need { words.append(contentsOf: repeatElement(0, count: need - words.count)) }
    words.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }

  struct View {
    let words: UnsafeMutablePointer<UInt64>
    @inline(__always) func contains(_ id: Int32) -> Bool {
      words[Int(id) &>> 6] & (1 &<< UInt64(Int(id) & 63)) != 0
    }
    /// Marks `id`; returns whether it was unmarked.
    @inline(__always) @discardableResult func insert(_ id: Int32) -> Bool {
      let w = Int(id) &>> 6
      let bit: UInt64 = 1 &<< UInt64(Int(id) & 63)
      let old = words[w]
      words[w] = old | bit
      return old & bit == 0
    }
  }
}

/// Buffers reused by every insertion and search.

internal struct HNSWScratch: Sendable {
  var visited = VisitedBits()
  var candidates = BinaryHeap<NearFirst>()
  var results = BinaryHeap<FarFirst>()
  var entries = ContiguousArray<NearFirst>()
  var work = ContiguousArray<NearFirst>()
  var selected = ContiguousArray<NearFirst>()
  var shrinkIn = ContiguousArray<NearFirst>()
  var shrinkOut = ContiguousArray<NearFirst>()
  var deferred = ContiguousArray<Int32>()
  var distances = ContiguousArray<Float>()

  /// Holds no storage: swapped in while the real scratch is borrowed.
  static let placeholder = HNSWScratch()
}

internal enum HNSWSearchMode {
  /// Every node may be a candidate; only nodes passing the predicate enter the results.
  case plain
  /// Only passing nodes are candidates or results; a failing neighbour is expanded to its
  /// own neighbours.
  case twoHop
  /// Plain search (live nodes only), then the filter is applied to the beam.
  case postFilter
}

/// Which nodes may enter the results.
internal protocol NodePredicate {
  func passes(_ id: Int32) -> Bool
}

internal struct AcceptAll: NodePredicate {
  @inline(__always) func passes(_ id: Int32) -> Bool { true }
}

internal struct LiveNodes: NodePredicate {
  let deleted: UnsafePointer<Bool>
  @inline(__always) func passes(_ id: Int32) -> Bool { !deleted[Int(id)] }
}

internal struct FilteredNodes: NodePredicate {
  let filter: VectorFilter
  let attributes: UnsafePointer<Int32>
  let width: Int
  let deleted: UnsafePointer<Bool>
  @inline(__always) func passes(_ id: Int32) -> Bool {
    !deleted[Int(id)] && filter.matches(attributes + Int(id) &* width)
  }
}

/// Distances from one query to stored rows, by id: exact floats or int8 codes.
internal protocol QueryScorer {
  func distance(_ id: Int32) -> Float
  /// Distances to the rows `ids[0..<count]` into `out[0..<count]`.
  func distances(_ ids: UnsafeMutablePointer<Int32>, _ count: Int, into out: UnsafeMutablePointer<Float>)
  /// Starts fetching row `id` (no effect on results).
  func prefetch(_ id: Int32)
}

/// Exact float distances (kernel `K`) from `query` to rows of `vectors`.
internal struct FloatScorer<K: DistanceKernel>: QueryScorer {
  let query: UnsafePointer<Float>
  let vectors: UnsafePointer<Float>
  let dimension: Int
  @inline(__always) func distance(_ id: Int32) -> Float {
    K.distance(query, vectors + Int(id) &* dimension, dimension)
  }
  @inline(__always) func distances(_ ids: UnsafeMutablePointer<Int32>, _ count: Int, into out: UnsafeMutablePointer<Float>) {
    frontier_rows_by_id_f32(query, vectors, dimension, ids, count, K.rowsKind, out)
  }
  @inline(__always) func prefetch(_ id: Int32) { frontier_prefetch(vectors + Int(id) &* dimension) }
}

/// Approximate distances on int8 codes (see ``ScalarQuantizer``):
/// `c0 + c1 · Σ weights·codes (+ rowTerm[id])`.
internal struct SQ8Scorer: QueryScorer {
  let weights: UnsafePointer<Int8>
  let codes: UnsafePointer<UInt8>
  let dimension: Int
  let c0: Float
  let c1: Float
  let rowTerm: UnsafePointer<Float>?
  @inline(__always) func distance(_ id: Int32) -> Float {
    var i = id
    var d: Float = 0
    frontier_sq8_rows_by_id(weights, codes, dimension, &i, 1, c0, c1, rowTerm, &d)
    return d
  }
  @inline(__always) func distances(_ ids: UnsafeMutablePointer<Int32>, _ count: Int, into out: UnsafeMutablePointer<Float>) {
    frontier_sq8_rows_by_id(weights, codes, dimension, ids, count, c0, c1, rowTerm, out)
  }
  @inline(__always) func prefetch(_ id: Int32) {
    let row = codes + Int(id) &* dimension
    var o = 0
    while o < dimension {
      frontier_prefetch(row + o)
      o &+= 64
    }
  }
}

/// A prepared int8 query: the weights and constants of one search, with the index's codes.
internal struct SQ8Query {
  let weights: ContiguousArray<Int8>
  let codes: StoredArray<UInt8>
  let norms: StoredArray<Float>
  let dimension: Int
  let c0: Float
  let c1: Float

  @inline(__always)
  func withScorer<R>(_ body: (SQ8Scorer) -> R) -> R {
    weights.withUnsafeBufferPointer { w in
      codes.withUnsafeBufferPointer { c in
        norms.withUnsafeBufferPointer { nb in
          body(
            SQ8Scorer(
              weights: w.baseAddress!, codes: c.baseAddress!, dimension: dimension, c0: c0, c1: c1,
              rowTerm: nb.isEmpty ? nil : nb.baseAddress))
        }
      }
    }
  }
}

/// Raw pointers into the graph and vectors, valid only inside `HNSWCore.withView` (or, for a
/// parallel build, while ``HNSWSharedBuild`` owns the buffers).
internal struct GraphView {
  let vectors: UnsafePointer<Float>
  let dimension: Int
  let level0: UnsafeMutablePointer<Int32>
  let stride0: Int
  let upper: UnsafeMutablePointer<Int32>
  let strideU: Int
  let upperOffset: UnsafePointer<Int32>

  @inline(__always) func links(_ node: Int32, _ level: Int) -> UnsafeMutablePointer<Int32> {
    level == 0
      ? level0 + Int(node) &* stride0
      : upper + (Int(upperOffset[Int(node)]) &+ level &- 1) &* strideU
  }
  @inline(__always) func vector(_ node: Int32) -> UnsafePointer<Float> { vectors + Int(node) &* dimension }
}

/// Guards the link lists of nodes while several tasks insert at once.
internal protocol LinkLocks {
  func lock(_ node: Int32)
  func unlock(_ node: Int32)
}

/// Single-threaded insertion and every search: locking compiles away.
internal struct NoLocks: LinkLocks {
  @inline(__always) func lock(_ node: Int32) {}
  @inline(__always) func unlock(_ node: Int32) {}
}

/// One 32-bit spin lock per node (see `frontier_spin_lock`). A task never holds two node
/// locks at once, so no lock order is needed and no deadlock is possible.
internal struct NodeSpinLocks: LinkLocks {
  let words: UnsafeMutablePointer<UInt32>
  @inline(__always) func lock(_ node: Int32) { frontier_spin_lock(words + Int(node)) }
  @inline(__always) func unlock(_ node: Int32) { frontier_spin_unlock(words + Int(node)) }
}

/// The HNSW algorithms, specialised per distance kernel.
internal enum HNSWCore<K: DistanceKernel> {
  @inline(__always)
  static func withView<R>(
    vectors: StoredArray<Float>, dimension: Int, graph g: inout HNSWGraph, _ body: (GraphView) -> R
  ) -> R {
    let s0 = g.stride0
    let su = g.strideU
    let offsets = g.upperOffset
    var l0 = g.level0
    var up = g.upper
    g.level0 = []
    g.upper = []
    defer {
      g.level0 = l0
      g.upper = up
    }
    return vectors.withUnsafeBufferPointer { vp in
      offsets.withUnsafeBufferPointer { op in
        l0.withUnsafeMutableBufferPointer { l0p in
          up.withUnsafeMutableBufferPointer { u in
            body(
              GraphView(
                vectors: vp.baseAddress!, dimension: dimension, level0: l0p.baseAddress!, stride0: s0,
                upper: u.baseAddress!, strideU: su, upperOffset: op.baseAddress!))
          }
        }
      }
    }
  }

  /// Greedy walk on one level from `cur` to a local minimum (ef = 1).
  @inline(__always)
  static func greedy<S: QueryScorer, L: LinkLocks>(
    _ v: GraphView, _ q: S, level: Int, cur: inout Int32, dist: inout Float, locks: L
  ) {
    var changed = true
    while changed {
      changed = false
      let node = cur
      locks.lock(node)
      let l = v.links(node, level)
      let deg = Int(l[0])
      var j = 1
      while j <= deg {
        let e = l[j]
        let d = q.distance(e)
        if d < dist {
          dist = d
          cur = e
          changed = true
        }
        j &+= 1
      }
      locks.unlock(node)
    }
  }

  /// Beam search on one level from `entries`; leaves the best `ef` passing nodes in `results`.
  ///
  /// Plain mode: every node may be a candidate, only passing nodes enter the results. Two-hop
  /// mode (filtered search): only passing nodes are candidates; a failing neighbour is
  /// expanded to its own passing neighbours, and at most `M0` passing nodes are gathered per
  /// expansion (the truncation of ACORN-1, Patel et al. 2024), so a low selectivity does not
  /// blow up the work per step.
  @inline(__always)
  static func searchLayer<S: QueryScorer, P: NodePredicate, L: LinkLocks>(
    _ v: GraphView, _ q: S, level: Int, ef: Int, predicate: P, twoHop: Bool, locks: L,
    entries: ContiguousArray<NearFirst>, count: Int,
    visited: inout VisitedBits, candidates: inout BinaryHeap<NearFirst>, results: inout BinaryHeap<FarFirst>,
    deferred: inout ContiguousArray<Int32>
  ) {
    visited.reset(count: count)
    candidates.removeAll()
    results.removeAll()
    visited.words.withUnsafeMutableBufferPointer { visBuf in
      let vis = VisitedBits.View(words: visBuf.baseAddress!)
      var worst = positiveInfinity
      for e in entries {
        vis.insert(e.id)
        candidates.push(e)
        if predicate.passes(e.id) {
          results.push(FarFirst(e.distance, e.id))
          if results.count > ef { _ = results.popMin() }
          if results.count >= ef { worst = results.min!.distance }
        }
      }
      deferred.removeAll(keepingCapacity: true)
      let maxDegree = max(v.stride0, v.strideU)
      let cap = v.stride0 &- 1
      withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * maxDegree) { idBuf in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: maxDegree) { distBuf in
      let ids = idBuf.baseAddress!
      let fails = ids + maxDegree
      let dists = distBuf.baseAddress!
      while true {
        while let c = candidates.popMin() {
          if results.count >= ef && c.distance > worst { break }
          var nb = 0
          if !twoHop {
            // Gather the unvisited neighbours (under the node's lock while a parallel build
            // may be rewriting the list), then compute their distances four at a time.
            locks.lock(c.id)
            let l = v.links(c.id, level)
            let deg = Int(l[0])
            var j = 1
            while j <= deg {
              let e = l[j]
              j &+= 1
              if !vis.insert(e) { continue }
              // Start fetching the row now: its distance is computed after the gather, so
              // the memory latency of up to `deg` rows overlaps.
              q.prefetch(e)
              ids[nb] = e
              nb &+= 1
            }
            locks.unlock(c.id)
          } else {
            let l = v.links(c.id, level)
            let deg = Int(l[0])
            var nf = 0
            var j = 1
            while j <= deg {
              let e = l[j]
              j &+= 1
              if vis.contains(e) { continue }
              if predicate.passes(e) {
                vis.insert(e)
                q.prefetch(e)
                ids[nb] = e
                nb &+= 1
              } else {
                fails[nf] = e
                nf &+= 1
              }
            }
            var f = 0
            while f < nf && nb < cap {
              let e = fails[f]
              f &+= 1
              if !vis.insert(e) { continue }
              deferred.append(e)
              let l2 = v.links(e, level)
              let deg2 = Int(l2[0])
              var i = 1
              while i <= deg2 && nb < cap {
                let e2 = l2[i]
                i &+= 1
                if vis.contains(e2) || !predicate.passes(e2) { continue }
                vis.insert(e2)
                q.prefetch(e2)
                ids[nb] = e2
                nb &+= 1
              }
            }
          }
          if let next = candidates.min { frontier_prefetch(v.links(next.id, level)) }
          q.distances(ids, nb, into: dists)
          var t = 0
          while t < nb {
            let e = ids[t]
            let d = dists[t]
            t &+= 1
            guard results.count < ef || d < worst else { continue }
            candidates.push(NearFirst(d, e))
            if twoHop || predicate.passes(e) {
              results.push(FarFirst(d, e))
              if results.count > ef { _ = results.popMin() }
              if results.count >= ef { worst = results.min!.distance }
            }
          }
        }
        // Two-hop frontier exhausted before `ef` results: the passing nodes reachable in
        // two hops form an island. Continue through the failing neighbours seen so far.
        guard twoHop, results.count < ef, !deferred.isEmpty else { break }
        for e in deferred { candidates.push(NearFirst(q.distance(e), e)) }
        deferred.removeAll(keepingCapacity: true)
      }
      }
      }
    }
  }

  /// Algorithm 4 of the paper (without the optional candidate extension and pruned-link
  /// refill): scan `candidates` nearest first and keep one only if it is nearer to the base
  /// than to every one kept so far, up to `m`.
  @inline(__always)
  static func selectNeighbors(
    _ v: GraphView, candidates: ContiguousArray<NearFirst>, m: Int, into out: inout ContiguousArray<NearFirst>
  ) {
    out.removeAll(keepingCapacity: true)
    for c in candidates {
      if out.count >= m { break }
      let cv = v.vector(c.id)
      var good = true
      for r in out where K.distance(cv, v.vector(r.id), v.dimension) < c.distance {
        good = false
        break
      }
      if good { out.append(c) }
    }
  }

  /// Sequential insertion into the graph `g` (the single-threaded, deterministic path).
  static func insert(
    _ node: Int32, level nodeLevel: Int, vectors: StoredArray<Float>, dimension: Int, count: Int,
    graph g: inout HNSWGraph, params: HNSWParameters, scratch sc: inout HNSWScratch
  ) {
    let entry = g.entryPoint
    let top = g.maxLevel
    withView(vectors: vectors, dimension: dimension, graph: &g) { v in
      insert(node, level: nodeLevel, entry: entry, top: top, v, count: count, params: params, scratch: &sc, locks: NoLocks())
    }
  }

  /// Algorithm 1 of the paper: greedy descent from `entry` on level `top`, then a beam search
  /// and neighbour selection on every level from `min(level, top)` down to 0.
  @inline(__always)
  static func insert<L: LinkLocks>(
    _ node: Int32, level nodeLevel: Int, entry: Int32, top: Int, _ v: GraphView, count: Int,
    params: HNSWParameters, scratch sc: inout HNSWScratch, locks: L
  ) {
    let q = FloatScorer<K>(query: v.vector(node), vectors: v.vectors, dimension: v.dimension)
    var cur = entry
    var curDist = q.distance(cur)
    var lc = top
    while lc > nodeLevel {
      greedy(v, q, level: lc, cur: &cur, dist: &curDist, locks: locks)
      lc -= 1
    }
    sc.entries.removeAll(keepingCapacity: true)
    sc.entries.append(NearFirst(curDist, cur))
    lc = min(nodeLevel, top)
    while lc >= 0 {
      searchLayer(
        v, q, level: lc, ef: params.efConstruction, predicate: AcceptAll(), twoHop: false, locks: locks,
        entries: sc.entries, count: count, visited: &sc.visited, candidates: &sc.candidates, results: &sc.results,
        deferred: &sc.deferred)
      sc.work.removeAll(keepingCapacity: true)
      for r in sc.results.unorderedElements where r.id != node { sc.work.append(NearFirst(r.distance, r.id)) }
      sc.work.sort()
      selectNeighbors(v, candidates: sc.work, m: params.M, into: &sc.selected)
      let maxDegree = lc == 0 ? params.M0 : params.M
      locks.lock(node)
      let own = v.links(node, lc)
      let foreign = Int(own[0])
      if foreign == 0 {
        own[0] = Int32(sc.selected.count)
        for (j, s) in sc.selected.enumerated() { own[j + 1] = s.id }
      } else {
        // Parallel build only: another task reached this node from a higher level and
        // linked it already. Keep those links after the selected ones.
        sc.deferred.removeAll(keepingCapacity: true)
        for j in 0..<foreign { sc.deferred.append(own[j + 1]) }
        var d = 0
        for s in sc.selected where d < maxDegree {
          d += 1
          own[d] = s.id
        }
        for e in sc.deferred where d < maxDegree && !sc.selected.contains(where: { $0.id == e }) {
          d += 1
          own[d] = e
        }
        own[0] = Int32(d)
      }
      locks.unlock(node)
      for s in sc.selected {
        connect(v, from: s.id, to: node, distance: s.distance, level: lc, maxDegree: maxDegree, scratch: &sc, locks: locks)
      }
      swap(&sc.entries, &sc.work)
      lc -= 1
    }
  }

  /// Adds the link `from → to`; when `from` is full, re-selects its links by the heuristic.
  @inline(__always)
  static func connect<L: LinkLocks>(
    _ v: GraphView, from: Int32, to: Int32, distance: Float, level: Int, maxDegree: Int, scratch sc: inout HNSWScratch,
    locks: L
  ) {
    locks.lock(from)
    defer { locks.unlock(from) }
    let l = v.links(from, level)
    let deg = Int(l[0])
    var j = 1
    while j <= deg {
      if l[j] == to { return }  // parallel build: already linked
      j &+= 1
    }
    if deg < maxDegree {
      l[deg + 1] = to
      l[0] = Int32(deg + 1)
      return
    }
    sc.shrinkIn.removeAll(keepingCapacity: true)
    sc.shrinkIn.append(NearFirst(distance, to))
    let fv = v.vector(from)
    for j in 1...deg {
      sc.shrinkIn.append(NearFirst(K.distance(fv, v.vector(l[j]), v.dimension), l[j]))
    }
    sc.shrinkIn.sort()
    selectNeighbors(v, candidates: sc.shrinkIn, m: maxDegree, into: &sc.shrinkOut)
    l[0] = Int32(sc.shrinkOut.count)
    for (j, s) in sc.shrinkOut.enumerated() { l[j + 1] = s.id }
  }

  /// A search on level 0 after a greedy descent through the upper levels. With `sq8`, the
  /// walk runs on the int8 codes and the beam left in `sc.results` is re-ranked with exact
  /// float distances (after the post-filter, when there is one).
  static func search(
    _ query: ContiguousArray<Float>, store: VectorStore, graph g: inout HNSWGraph, ef: Int, filter: VectorFilter?,
    mode: HNSWSearchMode, sq8: SQ8Query?, scratch sc: inout HNSWScratch
  ) {
    let entry = g.entryPoint
    let top = g.maxLevel
    query.withUnsafeBufferPointer { qb in
      withView(vectors: store.values, dimension: store.dimension, graph: &g) { v in
        let fq = FloatScorer<K>(query: qb.baseAddress!, vectors: v.vectors, dimension: v.dimension)
        if let s = sq8 {
          s.withScorer { scorer in
            searchLevels(scorer, v, entry: entry, top: top, store: store, ef: ef, filter: filter, mode: mode, scratch: &sc)
          }
          rerank(fq, scratch: &sc)
        } else {
          searchLevels(fq, v, entry: entry, top: top, store: store, ef: ef, filter: filter, mode: mode, scratch: &sc)
        }
      }
    }
  }

  /// Replaces the (approximate) distances in `sc.results` with exact ones.
  @inline(__always)
  static func rerank(_ fq: FloatScorer<K>, scratch sc: inout HNSWScratch) {
    let m = sc.results.count
    guard m > 0 else { return }
    sc.deferred.removeAll(keepingCapacity: true)
    for r in sc.results.unorderedElements { sc.deferred.append(r.id) }
    if sc.distances.count < m { sc.distances.append(contentsOf: repeatElement(0, count: m - sc.distances.count)) }
    sc.results.removeAll()
    sc.deferred.withUnsafeMutableBufferPointer { ids in
      sc.distances.withUnsafeMutableBufferPointer { ds in
        fq.distances(ids.baseAddress!, m, into: ds.baseAddress!)
        for t in 0..<m { sc.results.push(FarFirst(ds[t], ids[t])) }
      }
    }
  }

  @inline(never)
  static func searchLevels<S: QueryScorer>(
    _ q: S, _ v: GraphView, entry: Int32, top: Int, store: VectorStore, ef: Int, filter: VectorFilter?,
    mode: HNSWSearchMode, scratch sc: inout HNSWScratch
  ) {
    let n = store.count
    let anyDeleted = store.deletedCount > 0
    store.deleted.withUnsafeBufferPointer { del in
      store.attributes.withUnsafeBufferPointer { attrs in
        var cur = entry
        var curDist = q.distance(cur)
        var lc = top
        while lc > 0 {
          greedy(v, q, level: lc, cur: &cur, dist: &curDist, locks: NoLocks())
          lc -= 1
        }
        sc.entries.removeAll(keepingCapacity: true)
        sc.entries.append(NearFirst(curDist, cur))
        switch mode {
        case .twoHop:
          let p = FilteredNodes(
            filter: filter!, attributes: attrs.baseAddress!, width: store.attributeNames.count,
            deleted: del.baseAddress!)
          searchLayer(
            v, q, level: 0, ef: ef, predicate: p, twoHop: true, locks: NoLocks(), entries: sc.entries, count: n,
            visited: &sc.visited, candidates: &sc.candidates, results: &sc.results, deferred: &sc.deferred)
        case .plain, .postFilter:
          if anyDeleted {
            searchLayer(
              v, q, level: 0, ef: ef, predicate: LiveNodes(deleted: del.baseAddress!), twoHop: false,
              locks: NoLocks(), entries: sc.entries, count: n, visited: &sc.visited, candidates: &sc.candidates,
              results: &sc.results, deferred: &sc.deferred)
          } else {
            searchLayer(
              v, q, level: 0, ef: ef, predicate: AcceptAll(), twoHop: false, locks: NoLocks(), entries: sc.entries,
              count: n, visited: &sc.visited, candidates: &sc.candidates, results: &sc.results,
              deferred: &sc.deferred)
          }
          if mode == .postFilter, let f = filter {
            // Keep only passing entries: rebuild the result heap from its survivors.
            sc.work.removeAll(keepingCapacity: true)
            let w = store.attributeNames.count
            for r in sc.results.unorderedElements where f.matches(attrs.baseAddress! + Int(r.id) * w) {
              sc.work.append(NearFirst(r.distance, r.id))
            }
            sc.results.removeAll()
            for e in sc.work { sc.results.push(FarFirst(e.distance, e.id)) }
          }
        }
      }
    }
  }
}

// MARK: - Parallel build

/// The link storage of a graph under parallel construction: plain buffers shared by the
/// insertion tasks, with one spin lock per node guarding its link lists.
///
/// `@unchecked Sendable` is sound because every read or write of a node's link list happens
/// under that node's lock (``NodeSpinLocks``), the entry point and top level only under
/// `global`, and the buffers outlive the task group that uses them (``HNSWIndex/add(contentsOf:attributes:threads:progress:)``
/// frees them after `withTaskGroup` returns).
internal struct HNSWSharedBuild: @unchecked Sendable {
  let level0: UnsafeMutableBufferPointer<Int32>
  let upper: UnsafeMutableBufferPointer<Int32>
  let upperOffset: UnsafeMutableBufferPointer<Int32>
  let locks: UnsafeMutableBufferPointer<UInt32>
  /// [1]: next node to insert (atomic); [2]: nodes inserted (atomic); [3]: entry point and
  /// [4]: top level (both under ``globalLock``); [0] unused.
  let state: UnsafeMutablePointer<Int>
  let stride0: Int
  let strideU: Int

  init(graph g: HNSWGraph, count: Int, next: Int) {
    level0 = .allocate(capacity: g.level0.count)
    _ = level0.initialize(from: g.level0)
    upper = .allocate(capacity: g.upper.count)
    _ = upper.initialize(from: g.upper)
    upperOffset = .allocate(capacity: g.upperOffset.count)
    _ = upperOffset.initialize(from: g.upperOffset)
    locks = .allocate(capacity: count + 1)
    locks.initialize(repeating: 0)
    state = .allocate(capacity: 5)
    state.initialize(repeating: 0, count: 5)
    state[1] = next
    state[3] = Int(g.entryPoint)
    state[4] = g.maxLevel
    stride0 = g.stride0
    strideU = g.strideU
  }

  /// Copies the links back into `g` and frees every buffer.
  func finish(into g: inout HNSWGraph) {
    g.level0 = ContiguousArray(level0)
    g.upper = ContiguousArray(upper)
    g.entryPoint = Int32(state[3])
    g.maxLevel = state[4]
    level0.deallocate()
    upper.deallocate()
    upperOffset.deallocate()
    locks.deallocate()
    state.deallocate()
  }

  /// The lock of the entry point and top level (the word after the node locks).
  var globalLock: UnsafeMutablePointer<UInt32> { locks.baseAddress! + (locks.count - 1) }

  func view(vectors: UnsafePointer<Float>, dimension: Int) -> GraphView {
    GraphView(
      vectors: vectors, dimension: dimension, level0: level0.baseAddress!, stride0: stride0,
      upper: upper.baseAddress!, strideU: strideU, upperOffset: UnsafePointer(upperOffset.baseAddress!))
  }
}

extension HNSWCore {
  /// One insertion task of a parallel build: takes node numbers from the shared counter until
  /// `end` and inserts each (Algorithm 1) with per-node locking. A node whose level is above
  /// the current top keeps the global lock for its whole insertion, so the entry point
  /// changes only when that node is fully linked (as in the reference implementation).
  static func insertTask(
    _ shared: HNSWSharedBuild, levels: ContiguousArray<UInt8>, vectors: StoredArray<Float>, dimension: Int,
    count: Int, end: Int, params: HNSWParameters, progress: @Sendable (Int) -> Void
  ) {
    var sc = HNSWScratch()
    let locks = NodeSpinLocks(words: shared.locks.baseAddress!)
    let counter = shared.state + 1
    let done = shared.state + 2
    vectors.withUnsafeBufferPointer { vp in
      let v = shared.view(vectors: vp.baseAddress!, dimension: dimension)
      while true {
        let i = frontier_fetch_add(counter, 1)
        if i >= end || Task.isCancelled { break }
        let node = Int32(i)
        let lvl = Int(levels[i])
        frontier_spin_lock(shared.globalLock)
        let entry = Int32(shared.state[3])
        let top = shared.state[4]
        let raisesTop = lvl > top
        if !raisesTop { frontier_spin_unlock(shared.globalLock) }
        insert(node, level: lvl, entry: entry, top: top, v, count: count, params: params, scratch: &sc, locks: locks)
        if raisesTop {
          shared.state[3] = i
          shared.state[4] = lvl
          frontier_spin_unlock(shared.globalLock)
        }
        let finished = frontier_fetch_add(done, 1) + 1
        if finished % 1000 == 0 { progress(finished) }
      }
    }
  }
}

extension HNSWIndex {
  /// Adds every row of `vectors` (with the matching row of `attributes`, if any), inserting
  /// into the graph from up to `threads` concurrent tasks; `progress` receives the number of
  /// rows inserted every 1,000 rows and at the end.
  ///
  /// With `threads == 1` this is exactly ``add(contentsOf:attributes:progress:)``: the graph
  /// is bit-for-bit determined by the seed and the insertion order. With more threads the
  /// levels are still drawn from the seed in row order, but the order in which nodes meet
  /// each other depends on scheduling, so the links (not the recall) vary from run to run.
  ///
  /// Each task inserts whole nodes (Algorithm 1 of Malkov & Yashunin, arXiv:1603.09320) and
  /// locks one node's link list at a time while it reads or rewrites it; a node that raises
  /// the top level holds a global lock until it is linked, as in the reference
  /// implementation's parallel `add_items`.
  ///
  /// - Complexity: O(n · log n) distance evaluations in expectation (times `efConstruction`
  ///   and the degree), divided over `threads` cores; the rows are validated and stored
  ///   first, single-threaded, in O(n · d).
  /// - Throws: what ``add(_:attributes:)`` throws for the first invalid row (no row is added
  ///   then), or `CancellationError` when the calling task is cancelled: the index then holds
  ///   every row but some are not linked into the graph (graph searches may miss them), so
  ///   discard it.
  public mutating func add(
    contentsOf vectors: VectorMatrix, attributes: IntMatrix? = nil, threads: Int,
    progress: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws {
    precondition(threads >= 1, "threads must be at least 1, got \(threads)")
    if threads == 1 || vectors.rows < 2 * threads {
      try add(contentsOf: vectors, attributes: attributes, progress: progress)
      return
    }
    if let a = attributes, a.rows != vectors.rows {
      throw VectorSearchError(.invalidArgument, "\(vectors.rows) vectors but \(a.rows) attribute rows")
    }
    // Validate and store every row first, so a bad row leaves the index unchanged.
    var staged = store
    staged.reserveCapacity(count + vectors.rows)
    for i in 0..<vectors.rows { _ = try staged.append(vectors.row(i), attributes: attributes?.row(i) ?? []) }
    let first = count
    store = staged
    graph.reserveCapacity(store.count)
    // Levels in row order from the seeded generator, as a sequential build draws them.
    for _ in first..<store.count { graph.appendNode(level: randomLevel()) }
    var next = first
    if graph.entryPoint < 0 {
      graph.entryPoint = Int32(first)
      graph.maxLevel = Int(graph.level[first])
      next += 1
    }
    let shared = HNSWSharedBuild(graph: graph, count: store.count, next: next)
    let levels = graph.level
    let values = store.values
    let d = store.dimension
    let n = store.count
    let params = parameters
    let metric = store.metric
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<threads {
        group.addTask {
          switch metric {
          case .l2:
            HNSWCore<L2Kernel>.insertTask(
              shared, levels: levels, vectors: values, dimension: d, count: n, end: n, params: params,
              progress: progress)
          case .innerProduct, .cosine:
            HNSWCore<DotKernel>.insertTask(
              shared, levels: levels, vectors: values, dimension: d, count: n, end: n, params: params,
              progress: progress)
          }
        }
      }
    }
    shared.finish(into: &graph)
    try Task.checkCancellation()
    updateCodes()
    progress(vectors.rows)
  }
}
