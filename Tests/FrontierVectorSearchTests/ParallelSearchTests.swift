import FrontierCore
import FrontierVectorSearch
import Testing

@Suite struct ParallelSearchTests {
  @Test func parallelBatchEqualsSequentialSearch() async throws {
    var rng = SplitMix64(seed: 7)
    let d = 16
    var index = HNSWIndex(dimension: d, metric: .l2, parameters: HNSWParameters(M: 8, efConstruction: 64, seed: 1))
    for _ in 0..<600 {
      try index.add((0..<d).map { _ in Float(rng.next() % 1000) / 1000 })
    }
    let queries = (0..<37).map { _ in (0..<d).map { _ in Float(rng.next() % 1000) / 1000 } }
    var sequential: [[Neighbor]] = []
    for q in queries { sequential.append(try index.search(q, k: 5)) }
    let parallel = try await index.searchAll(queries, k: 5, threads: 4)
    #expect(parallel == sequential)
    let flat = try await index.searchAll([], k: 5, threads: 4)
    #expect(flat.isEmpty)
  }
}
