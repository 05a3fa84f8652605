import Foundation
import FrontierVectorSearch

extension DemoSections {
  /// Semantic search over 800 bundled WordNet glosses embedded by all-MiniLM-L6-v2: plain
  /// and filtered (part of speech) HNSW search for held-out example sentences.
  static func vectors(quick: Bool) throws {
    Console.line("5. Semantic search (FANNS-style): 800 WordNet glosses, all-MiniLM-L6-v2 embeddings, HNSW")
    let base = try VectorFiles.readFvecs(try BundledData.url("wordnet-demo/base.fvecs").path)
    let pos = try VectorFiles.readIvecs(try BundledData.url("wordnet-demo/attrs.ivecs").path)
    let queries = try VectorFiles.readFvecs(try BundledData.url("wordnet-demo/query.fvecs").path)
    let glosses = try String(contentsOf: try BundledData.url("wordnet-demo/texts.tsv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).last.map(String.init) ?? "" }
    let sentences = try String(contentsOf: try BundledData.url("wordnet-demo/queries.tsv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    var index = HNSWIndex(
      dimension: base.dimension, metric: .cosine, attributeNames: ["pos"],
      parameters: HNSWParameters(M: 16, efConstruction: 100, seed: 1))
    for i in 0..<base.rows { try index.add(base.row(i), attributes: pos.row(i)) }
    var flat = FlatIndex(dimension: base.dimension, metric: .cosine, attributeNames: ["pos"])
    for i in 0..<base.rows { try flat.add(base.row(i), attributes: pos.row(i)) }
    let shown = quick ? 2 : 4
    for q in 0..<shown {
      let hits = try index.search(queries.row(q), k: 2)
      Console.line("   \"\(sentences[q])\"")
      for h in hits { Console.line("     \(fmt(1 - Double(h.distance), 2))  \(glosses[h.id].prefix(90))") }
    }
    let verbs = try index.filter("pos == 1")
    let q = 3
    let hits = try index.search(queries.row(q), k: 2, filter: verbs)
    Console.line("   \"\(sentences[q])\", verbs only (filter pos == 1):")
    for h in hits { Console.line("     \(fmt(1 - Double(h.distance), 2))  \(glosses[h.id].prefix(90))") }
    // Recall of the graph search against exact search over all held-out queries.
    var agree = 0
    for q in 0..<queries.rows {
      let a = Set(try index.search(queries.row(q), k: 10).map(\.id))
      let b = Set(try flat.search(queries.row(q), k: 10).map(\.id))
      agree += a.intersection(b).count
    }
    Console.line(
      "   recall@10 of HNSW against exact search on \(queries.rows) queries: "
        + fmt(Double(agree) / Double(10 * queries.rows), 3) + " (similarity = cosine)")
  }
}
