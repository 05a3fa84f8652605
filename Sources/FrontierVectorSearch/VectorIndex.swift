/// One search result: the id of a stored vector (its insertion number, from 0) and its
/// distance to the query (smaller is nearer; see ``VectorMetric``).
public struct Neighbor: Sendable, Hashable, CustomStringConvertible {
  public var id: Int
  public var distance: Float
  @inlinable public init(id: Int, distance: Float) {
    self.id = id
    self.distance = distance
  }
  public var description: String { "\(id)@\(distance)" }
}

/// How a filtered search finds the vectors that pass its filter.
public enum FilterStrategy: String, Sendable, Hashable, CaseIterable {
  /// Choose from a sample-based estimate of the filter's selectivity (see
  /// ``FilterStrategy/choose(selectivity:count:)``).
  case automatic
  /// Evaluate the filter on every vector and rank the passing ones exactly: exact results;
  /// best when few vectors pass.
  case bruteForce = "brute-force"
  /// Walk the graph; only passing vectors enter the results, and a failing neighbour is
  /// expanded to its own neighbours (two-hop, in the spirit of ACORN). Approximate.
  case graph
  /// Search unfiltered with a larger beam and drop failing vectors. Approximate; best when
  /// most vectors pass.
  case postFilter = "post-filter"

  /// Below this many estimated passing vectors, brute force is cheaper than a graph walk.
  public static let bruteForceMaxPassing = 2_000
  /// From this selectivity up, post-filtering loses little. Measured on
  /// wordnet-minilm-50k (M = 16): at 10% (a range filter uncorrelated with the vectors)
  /// post-filtering reached recall 0.954 at 1.6-1.7x the speed of the two-hop walk, while at
  /// 5.6% (a category filter) the two-hop walk was far ahead (recall 0.96 where
  /// post-filtering never passed 0.95).
  public static let postFilterMinSelectivity = 0.08

  /// The strategy `.automatic` picks for an estimated `selectivity` over `count` vectors.
  public static func choose(selectivity: Double, count: Int) -> FilterStrategy {
    if selectivity * Double(count) <= Double(bruteForceMaxPassing) { return .bruteForce }
    if selectivity >= postFilterMinSelectivity { return .postFilter }
    return .graph
  }
}

/// Knobs of one search.
public struct SearchParameters: Sendable, Hashable {
  /// Beam width of a graph search (HNSW `efSearch`); `nil` means the index's default.
  /// Raised to `k` when smaller. Ignored by exact indexes.
  public var ef: Int?
  /// How to apply a filter.
  public var strategy: FilterStrategy
  public init(ef: Int? = nil, strategy: FilterStrategy = .automatic) {
    self.ef = ef
    self.strategy = strategy
  }
}

/// An index of fixed-dimension float vectors with integer and float attributes, searched for the `k`
/// nearest neighbours of a query, optionally among only the vectors that pass a filter.
///
/// Ids are insertion numbers `0..<count`. Search is `mutating` because an index reuses its
/// scratch buffers across queries (no allocation per query in steady state).
public protocol VectorIndex: Sendable {
  /// Length of every vector.
  var dimension: Int { get }
  var metric: VectorMetric { get }
  /// Vectors added, including those marked deleted.
  var count: Int { get }
  /// Vectors not marked deleted.
  var liveCount: Int { get }
  /// Names of the per-vector attributes, in the order `add` takes them.
  var attributeNames: [String] { get }
  /// The attribute columns (names and kinds: integer or float), in the order `add` takes them.
  var attributeColumns: [AttributeColumn] { get }

  /// Adds a vector with one 32-bit cell per attribute (an integer, or a float's bit
  /// pattern for a float column; `add(_:values:)` on the concrete indexes takes typed
  /// values); returns its id.
  @discardableResult
  mutating func add(_ vector: [Float], attributes: [Int32]) throws -> Int
  /// Excludes `id` from all later results (the vector stays in the structure).
  mutating func markDeleted(_ id: Int) throws
  /// The `k` nearest live vectors to `query` that pass `filter`, nearest first. Fewer than
  /// `k` only when fewer pass.
  mutating func search(
    _ query: [Float], k: Int, filter: VectorFilter?, parameters: SearchParameters
  ) throws -> [Neighbor]
  /// Writes the whole index to one file (magic, version, checksum).
  func save(to path: String) throws
  /// Reads an index written by ``save(to:)``.
  static func load(from path: String) throws -> Self
}

extension VectorIndex {
  @discardableResult
  public mutating func add(_ vector: [Float]) throws -> Int { try add(vector, attributes: []) }

  public mutating func search(_ query: [Float], k: Int, filter: VectorFilter? = nil) throws -> [Neighbor] {
    try search(query, k: k, filter: filter, parameters: SearchParameters())
  }

  /// Parses `expression` against this index's attribute names and kinds.
  public func filter(_ expression: String) throws -> VectorFilter {
    try VectorFilter(expression, columns: attributeColumns)
  }
}

extension VectorIndex {
  /// Searches every query in `queries`, split over up to `threads` concurrent tasks.
  ///
  /// Each task searches a copy of the index: the stored vectors and the graph are shared
  /// (copy-on-write storage that searching never writes), only the small per-query scratch
  /// buffers are duplicated. Results are in query order and identical to searching the
  /// queries one by one.
  ///
  /// - Complexity: the sum of the single searches, divided over `threads` cores.
  public func searchAll(
    _ queries: [[Float]], k: Int, filter: VectorFilter? = nil,
    parameters: SearchParameters = SearchParameters(), threads: Int
  ) async throws -> [[Neighbor]] {
    let n = queries.count
    let parts = Swift.max(1, Swift.min(threads, n))
    if parts == 1 {
      var local = self
      return try queries.map { try local.search($0, k: k, filter: filter, parameters: parameters) }
    }
    let chunk = (n + parts - 1) / parts
    return try await withThrowingTaskGroup(of: (Int, [[Neighbor]]).self) { group in
      for p in 0..<parts {
        let lo = p * chunk
        let hi = Swift.min(n, lo + chunk)
        guard lo < hi else { continue }
        let base = self
        group.addTask {
          var local = base
          var out: [[Neighbor]] = []
          out.reserveCapacity(hi - lo)
          for i in lo..<hi {
            try Task.checkCancellation()
            out.append(try local.search(queries[i], k: k, filter: filter, parameters: parameters))
          }
          return (lo, out)
        }
      }
      var results = [[Neighbor]](repeating: [], count: n)
      for try await (lo, out) in group {
        for (j, r) in out.enumerated() { results[lo + j] = r }
      }
      return results
    }
  }
}
