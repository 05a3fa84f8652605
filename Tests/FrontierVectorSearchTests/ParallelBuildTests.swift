import FrontierCore
import FrontierVectorSearch
import Testing

@Suite struct ParallelBuildTests {
  static func matrix(_ rows: [[Float]]) -> VectorMatrix {
    VectorMatrix(rows: rows.count, dimension: rows[0].count, values: ContiguousArray(rows.joined()))
  }

  static func recall(_ index: HNSWIndex, flat: FlatIndex, queries: [[Float]]) throws -> Double {
    var idx = index
    var fl = flat
    var found: [[Neighbor]] = []
    var truth: [[Neighbor]] = []
    for q in queries {
      found.append(try idx.search(q, k: 10, filter: nil, parameters: SearchParameters(ef: 64)))
      truth.append(try fl.search(q, k: 10))
    }
    return Fixtures.recall(found, truth)
  }

  @Test(arguments: [VectorMetric.l2, .cosine])
  func parallelBuildKeepsEveryNodeAndRecall(metric: VectorMetric) async throws {
    // Cosine on these offset clusters reduces to few directions (recall ~0.7 even
    // single-threaded at this M), so cosine runs on uniform data.
    let data = metric == .l2
      ? Fixtures.clustered(count: 2_000, dimension: 16, seed: 3) : Fixtures.uniform(count: 2_000, dimension: 16, seed: 3)
    let queries = metric == .l2
      ? Fixtures.clustered(count: 50, dimension: 16, seed: 4) : Fixtures.uniform(count: 50, dimension: 16, seed: 4)
    let params = HNSWParameters(M: 8, efConstruction: 64, seed: 11)
    var flat = FlatIndex(dimension: 16, metric: metric)
    for v in data { try flat.add(v) }
    var serial = HNSWIndex(dimension: 16, metric: metric, parameters: params)
    try await serial.add(contentsOf: Self.matrix(data), threads: 1)
    var parallel = HNSWIndex(dimension: 16, metric: metric, parameters: params)
    try await parallel.add(contentsOf: Self.matrix(data), threads: 4)
    #expect(parallel.count == data.count)
    // Same levels (drawn from the seed in row order) and every node linked on level 0.
    for id in 0..<data.count {
      #expect(parallel.level(of: id) == serial.level(of: id))
      #expect(!parallel.neighbors(of: id, level: 0).isEmpty, "node \(id) has no links")
      #expect(Set(parallel.neighbors(of: id, level: 0)).count == parallel.neighbors(of: id, level: 0).count)
    }
    // Nodes are found by a search for their own vector. Not every one: a node whose in-links
    // were all pruned by concurrent inserts is linked but unreachable (HNSW gives no
    // guarantee; one of 286 under cosine in a loaded CI run), so at most 1 % may be missed.
    var missed = 0
    var sampled = 0
    for id in stride(from: 0, to: data.count, by: 7) {
      let r = try parallel.search(data[id], k: 1, filter: nil, parameters: SearchParameters(ef: 64))
      sampled += 1
      if vectorDistance(parallel.vector(r[0].id), parallel.vector(id), metric: metric) > 1e-5 { missed += 1 }
    }
    #expect(missed * 100 <= sampled, "\(missed) of \(sampled) nodes not found by their own vector")
    let rs = try Self.recall(serial, flat: flat, queries: queries)
    let rp = try Self.recall(parallel, flat: flat, queries: queries)
    #expect(rp >= 0.9, "parallel recall \(rp)")
    // The parallel graph depends on how the threads interleave (500 neighbours: one miss is
    // 0.002); under heavy load it was 0.04 below the serial one once, so the bound is 0.06.
    #expect(rp >= rs - 0.06, "parallel recall \(rp) vs single-threaded \(rs)")
    // The file format is unchanged: a parallel-built index round-trips.
    let path = Fixtures.tempPath("parallel.hnsw")
    try parallel.save(to: path)
    let back = try HNSWIndex.load(from: path)
    #expect(back.count == parallel.count && back.maxLevel == parallel.maxLevel)
  }

  @Test func singleThreadedBuildIsTheSequentialBuild() async throws {
    let data = Fixtures.uniform(count: 300, dimension: 8, seed: 21)
    let params = HNSWParameters(M: 6, efConstruction: 32, seed: 9)
    var a = HNSWIndex(dimension: 8, metric: .l2, parameters: params)
    for v in data { try a.add(v) }
    var b = HNSWIndex(dimension: 8, metric: .l2, parameters: params)
    try await b.add(contentsOf: Self.matrix(data), threads: 1)
    let pa = Fixtures.tempPath("seq-a.hnsw")
    let pb = Fixtures.tempPath("seq-b.hnsw")
    try a.save(to: pa)
    try b.save(to: pb)
    #expect(Fixtures.readFile(pa) == Fixtures.readFile(pb))
  }

  @Test func parallelBuildAppendsToANonEmptyIndexAndRefusesBadRows() async throws {
    let data = Fixtures.uniform(count: 600, dimension: 8, seed: 5)
    var idx = HNSWIndex(dimension: 8, metric: .l2, parameters: HNSWParameters(M: 6, efConstruction: 32, seed: 1))
    try await idx.add(contentsOf: Self.matrix(Array(data[..<300])), threads: 2)
    try await idx.add(contentsOf: Self.matrix(Array(data[300...])), threads: 2)
    #expect(idx.count == 600)
    var bad = Array(data[..<10])
    bad[5][2] = .nan
    await #expect(throws: VectorSearchError.self) { try await idx.add(contentsOf: Self.matrix(bad), threads: 2) }
    #expect(idx.count == 600)
    let r = try idx.search(data[450], k: 1)
    #expect(r[0].id == 450)
  }
}

@Suite struct CappedTwoHopTests {
  @Test func graphStrategyKeepsRecallAtLowSelectivity() throws {
    let n = 3_000
    let data = Fixtures.clustered(count: n, dimension: 12, seed: 8)
    let attrs = Fixtures.attributes(count: n, seed: 8)
    var hnsw = HNSWIndex(
      dimension: 12, metric: .l2, attributeNames: Fixtures.attributeNames,
      parameters: HNSWParameters(M: 8, efConstruction: 64, seed: 2))
    var flat = FlatIndex(dimension: 12, metric: .l2, attributeNames: Fixtures.attributeNames)
    for (v, a) in zip(data, attrs) {
      try hnsw.add(v, attributes: a)
      try flat.add(v, attributes: a)
    }
    let queries = Fixtures.clustered(count: 30, dimension: 12, seed: 9)
    for expr in ["value < 1000", "cat == 3 && pos < 3", "value >= 5000"] {
      let f = try hnsw.filter(expr)
      var found: [[Neighbor]] = []
      var truth: [[Neighbor]] = []
      for q in queries {
        found.append(try hnsw.search(q, k: 10, filter: f, parameters: SearchParameters(ef: 64, strategy: .graph)))
        truth.append(try flat.search(q, k: 10, filter: f))
      }
      let r = Fixtures.recall(found, truth)
      #expect(r >= 0.9, "two-hop recall \(r) for \(expr)")
      for list in found { for nb in list { #expect(f.matches(attrs[nb.id])) } }
    }
  }
}
