import FrontierCore
import FrontierVectorSearch
import PropertyBased
import Testing

/// Builds an HNSW and a flat index over the same data and returns recall@10 of HNSW.
func hnswRecall(
  data: [[Float]], queries: [[Float]], metric: VectorMetric, M: Int = 8, efConstruction: Int = 48, ef: Int = 48,
  seed: UInt64
) throws -> Double {
  let d = data[0].count
  var flat = FlatIndex(dimension: d, metric: metric)
  var hnsw = HNSWIndex(
    dimension: d, metric: metric, parameters: HNSWParameters(M: M, efConstruction: efConstruction, efSearch: ef, seed: seed))
  for v in data {
    try flat.add(v)
    try hnsw.add(v)
  }
  var found: [[Neighbor]] = []
  var truth: [[Neighbor]] = []
  for q in queries {
    found.append(try hnsw.search(q, k: 10))
    truth.append(try flat.search(q, k: 10))
  }
  return Fixtures.recall(found, truth)
}

@Suite struct HNSWTests {
  @Test(arguments: VectorMetric.allCases)
  func recallOnUniformData(metric: VectorMetric) async {
    await propertyCheck(count: 2, input: Gen.uint64(in: 0...1_000_000)) { seed in
      let data = Fixtures.uniform(count: 300, dimension: 12, seed: seed)
      let queries = Fixtures.uniform(count: 15, dimension: 12, seed: seed &+ 1)
      let r = try hnswRecall(data: data, queries: queries, metric: metric, seed: seed)
      #expect(r >= 0.9, "recall@10 \(r) on uniform data, \(metric), seed \(seed)")
    }
  }

  @Test(arguments: VectorMetric.allCases)
  func recallOnClusteredData(metric: VectorMetric) async {
    await propertyCheck(count: 2, input: Gen.uint64(in: 0...1_000_000)) { seed in
      let data = Fixtures.clustered(count: 300, dimension: 12, seed: seed)
      let queries = Fixtures.clustered(count: 15, dimension: 12, seed: seed &+ 7)
      // Raw inner product is not a metric: on far-apart clusters the answer often lies in
      // another cluster than the query, and the pruned graph needs a wider beam and more
      // links to cross (M = 8, ef = 48 gave recall 0.77-0.97 over seeds). Cosine and L2 with
      // ef = 48 dipped to 0.867 on one seed (490804), so they search with ef = 64.
      let wide = metric == .innerProduct
      let r = try hnswRecall(
        data: data, queries: queries, metric: metric, M: wide ? 16 : 8, efConstruction: wide ? 100 : 64,
        ef: wide ? 100 : 64, seed: seed)
      #expect(r >= 0.9, "recall@10 \(r) on clustered data, \(metric), seed \(seed)")
    }
  }

  @Test func buildIsDeterministicForASeed() throws {
    let data = Fixtures.uniform(count: 200, dimension: 8, seed: 5)
    var a = HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 6, efConstruction: 32, seed: 9))
    var b = HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 6, efConstruction: 32, seed: 9))
    for v in data {
      try a.add(v)
      try b.add(v)
    }
    #expect(a.maxLevel == b.maxLevel)
    for i in 0..<200 {
      #expect(a.level(of: i) == b.level(of: i))
      #expect(a.neighbors(of: i, level: 0) == b.neighbors(of: i, level: 0))
    }
  }

  @Test func graphRespectsDegreeBoundsAndLevels() throws {
    let data = Fixtures.clustered(count: 250, dimension: 8, seed: 3)
    var h = HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 4, efConstruction: 32, seed: 1))
    for v in data { try h.add(v) }
    for i in 0..<h.count {
      for l in 0...h.level(of: i) {
        let nb = h.neighbors(of: i, level: l)
        #expect(nb.count <= (l == 0 ? 8 : 4))
        #expect(!nb.contains(i))
        #expect(nb.allSatisfy { h.level(of: $0) >= l })
      }
    }
  }

  @Test func exactMatchIsFoundFirstAndDeletedNeverReturned() throws {
    let data = Fixtures.uniform(count: 200, dimension: 8, seed: 11)
    var h = HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 6, efConstruction: 40, efSearch: 40))
    for v in data { try h.add(v) }
    #expect(try h.search(data[17], k: 1).first?.id == 17)
    try h.markDeleted(17)
    let r = try h.search(data[17], k: 5)
    #expect(!r.contains { $0.id == 17 })
    #expect(r.count == 5)
    #expect(h.liveCount == 199)
  }
}

@Suite struct FlatTests {
  @Test func flatMatchesSortedDistances() throws {
    let data = Fixtures.uniform(count: 100, dimension: 7, seed: 2)
    var f = FlatIndex(dimension: 7, metric: .l2)
    for v in data { try f.add(v) }
    let q = Fixtures.uniform(count: 1, dimension: 7, seed: 99)[0]
    let expected = data.enumerated().map { Neighbor(id: $0.offset, distance: vectorDistance($0.element, q, metric: .l2)) }
      .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }.prefix(10)
    #expect(try f.search(q, k: 10) == Array(expected))
  }

  @Test func batchEqualsSingleQueries() throws {
    let data = Fixtures.uniform(count: 150, dimension: 19, seed: 4)
    let queries = Fixtures.uniform(count: 11, dimension: 19, seed: 8)
    for metric in VectorMetric.allCases {
      var f = FlatIndex(dimension: 19, metric: metric)
      for v in data { try f.add(v) }
      let m = VectorMatrix(rows: 11, dimension: 19, values: ContiguousArray(queries.joined()))
      let batch = try f.searchBatch(m, k: 7)
      for (i, q) in queries.enumerated() { #expect(batch[i] == (try f.search(q, k: 7))) }
    }
  }

  @Test func cosineNormalisesAtInsert() throws {
    var f = FlatIndex(dimension: 3, metric: .cosine)
    try f.add([3, 0, 4])
    let v = f.vector(0)
    #expect(abs(v[0] - 0.6) < 1e-6 && abs(v[2] - 0.8) < 1e-6)
    let r = try f.search([6, 0, 8], k: 1)
    #expect(abs(r[0].distance) < 1e-6)
  }

  @Test func kernelsMatchScalarReference() {
    for d in [1, 7, 8, 15, 16, 31, 32, 33, 64, 100, 384] {
      let ab = Fixtures.uniform(count: 2, dimension: d, seed: UInt64(d))
      var dot: Float = 0
      var l2: Float = 0
      for i in 0..<d {
        dot += ab[0][i] * ab[1][i]
        l2 += (ab[0][i] - ab[1][i]) * (ab[0][i] - ab[1][i])
      }
      #expect(abs(vectorDistance(ab[0], ab[1], metric: .innerProduct) - (1 - dot)) < 1e-4)
      #expect(abs(vectorDistance(ab[0], ab[1], metric: .l2) - l2) < 1e-3)
    }
  }
}
