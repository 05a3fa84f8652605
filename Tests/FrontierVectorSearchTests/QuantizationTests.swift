#if canImport(Glibc)
import Glibc
#endif
import CFrontierKernels
import FrontierCore
@testable import FrontierVectorSearch
import PropertyBased
import Testing

/// An index of `data` (with attributes) and the flat oracle over the same rows.
private func quantizedIndexes(
  _ data: [[Float]], metric: VectorMetric, seed: UInt64, quantization: VectorQuantization = .int8
) throws -> (HNSWIndex, FlatIndex) {
  let d = data[0].count
  let attrs = Fixtures.attributes(count: data.count, seed: seed)
  var h = HNSWIndex(
    dimension: d, metric: metric, attributeNames: Fixtures.attributeNames,
    parameters: HNSWParameters(M: 8, efConstruction: 64, efSearch: 64, seed: seed, quantization: quantization))
  var f = FlatIndex(dimension: d, metric: metric, attributeNames: Fixtures.attributeNames)
  let rows = VectorMatrix(rows: data.count, dimension: d, values: ContiguousArray(data.joined()))
  let cells = IntMatrix(rows: attrs.count, dimension: 3, values: ContiguousArray(attrs.joined()))
  try h.add(contentsOf: rows, attributes: cells)
  for (v, a) in zip(data, attrs) { try f.add(v, attributes: a) }
  return (h, f)
}

@Suite struct QuantizationTests {
  @Test func int8KernelEqualsThePlainLoop() {
    var rng = Xoshiro256StarStar(seed: 4)
    for n in [1, 7, 63, 64, 65, 127, 128, 129, 384, 1000] {
      let codes = (0..<(3 * n)).map { _ in UInt8.random(in: 0...255, using: &rng) }
      let q = (0..<n).map { _ in Int8.random(in: -127...127, using: &rng) }
      var ids: [Int32] = [2, 0, 1]
      var out = [Float](repeating: 0, count: 3)
      frontier_sq8_rows_by_id(q, codes, n, &ids, 3, 0.5, 2, nil, &out)
      for (t, id) in ids.enumerated() {
        let ref = codes.withUnsafeBufferPointer { frontier_dot_u8s8_portable($0.baseAddress! + Int(id) * n, q, n) }
        #expect(out[t] == 0.5 + 2 * Float(ref), "n=\(n) row \(id) (\(quantizedKernelVariant))")
      }
    }
  }

  @Test func decodeErrorIsAtMostHalfAStep() async {
    await propertyCheck(count: 4, input: Gen.uint64(in: 0...1_000_000)) { seed in
      let data = Fixtures.clustered(count: 200, dimension: 24, seed: seed)
      let flat = ContiguousArray(data.joined())
      let q = flat.withUnsafeBufferPointer { ScalarQuantizer.train($0, dimension: 24, rows: 200) }
      var codes = [UInt8](repeating: 0, count: 24)
      for v in data {
        v.withUnsafeBufferPointer { vp in codes.withUnsafeMutableBufferPointer { q.encode(vp.baseAddress!, into: $0.baseAddress!) } }
        let back = codes.withUnsafeBufferPointer { q.decode($0.baseAddress!) }
        for j in 0..<24 {
          #expect(abs(back[j] - v[j]) <= q.step[j] * 0.5 + 1e-5 * max(1, abs(v[j])))
        }
      }
      // The approximate inner product is within the bound of the two roundings (the row's
      // codes and the query's 8-bit weights).
      let query = Fixtures.uniform(count: 1, dimension: 24, seed: seed &+ 1)[0]
      var w = ContiguousArray<Int8>()
      let (base, scale, _) = query.withUnsafeBufferPointer { q.prepareQuery($0.baseAddress!, weights: &w) }
      for v in data.prefix(20) {
        v.withUnsafeBufferPointer { vp in codes.withUnsafeMutableBufferPointer { q.encode(vp.baseAddress!, into: $0.baseAddress!) } }
        let dot = (0..<24).reduce(0) { $0 + Int(codes[$1]) * Int(w[$1]) }
        let approx = base + scale * Float(dot)
        let exact = zip(query, v).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let bound = (0..<24).reduce(Float(0)) { $0 + abs(query[$1]) * q.step[$1] * 0.5 } + scale * 0.5 * 255 * 24
        #expect(abs(approx - exact) <= bound * 1.001 + 1e-4)
      }
    }
  }

  @Test(arguments: [VectorMetric.l2, .innerProduct, .cosine])
  func int8RecallMatchesBruteForce(metric: VectorMetric) async {
    await propertyCheck(count: 2, input: Gen.uint64(in: 0...1_000_000)) { seed in
      for clustered in [false, true] {
        let data =
          clustered
          ? Fixtures.clustered(count: 600, dimension: 32, seed: seed)
          : Fixtures.uniform(count: 600, dimension: 32, seed: seed)
        var (h, f) = try quantizedIndexes(data, metric: metric, seed: seed)
        #expect(h.isQuantized)
        var plain = h
        try plain.quantize(.none)
        var floatFound: [[Neighbor]] = []
        let queries = clustered ? Fixtures.clustered(count: 20, dimension: 32, seed: seed &+ 9) : Fixtures.uniform(count: 20, dimension: 32, seed: seed &+ 9)
        var found: [[Neighbor]] = []
        var truth: [[Neighbor]] = []
        for q in queries {
          let r = try h.search(q, k: 10, filter: nil, parameters: SearchParameters(ef: 96))
          floatFound.append(try plain.search(q, k: 10, filter: nil, parameters: SearchParameters(ef: 96)))
          let t = try f.search(q, k: 10)
          // Re-ranked: the distances reported are the exact float ones.
          let exact = Dictionary(uniqueKeysWithValues: t.map { ($0.id, $0.distance) })
          for n in r { if let e = exact[n.id] { #expect(abs(n.distance - e) <= 1e-4 * max(1, abs(e))) } }
          found.append(r)
          truth.append(t)
        }
        // The int8 walk loses (almost) nothing against the float walk on the same graph; under
        // L2 and cosine both are near exact (inner product on unnormalised clusters is a hard
        // case for any HNSW, floats included).
        let recall = Fixtures.recall(found, truth)
        let floatRecall = Fixtures.recall(floatFound, truth)
        #expect(recall >= floatRecall - 0.05, "\(metric) clustered=\(clustered): int8 \(recall) vs float \(floatRecall)")
        if metric != .innerProduct { #expect(recall >= 0.9, "\(metric) clustered=\(clustered): recall@10 \(recall)") }
      }
    }
  }

  @Test(arguments: [FilterStrategy.graph, .postFilter, .bruteForce, .automatic])
  func int8WorksWithEveryFilterStrategy(strategy: FilterStrategy) throws {
    let data = Fixtures.clustered(count: 500, dimension: 16, seed: 31)
    var (h, f) = try quantizedIndexes(data, metric: .l2, seed: 31)
    let attrs = Fixtures.attributes(count: 500, seed: 31)
    let queries = Fixtures.clustered(count: 10, dimension: 16, seed: 32)
    for (text, recall) in try filteredRecalls(&h, &f, attributes: attrs, queries: queries, strategy: strategy) {
      #expect(recall >= (strategy == .bruteForce ? 1 : 0.85), "\(strategy) \(text): recall@10 \(recall)")
    }
  }

  @Test func quantizedIndexRoundTripsCopiedAndMapped() async throws {
    let data = Fixtures.clustered(count: 300, dimension: 20, seed: 8)
    var (h, _) = try quantizedIndexes(data, metric: .l2, seed: 8)
    try h.markDeleted(5)
    let p1 = Fixtures.tempPath("sq8-1.idx")
    let p2 = Fixtures.tempPath("sq8-2.idx")
    defer { unlink(p1); unlink(p2) }
    try h.save(to: p1)
    var mapped = try HNSWIndex.load(from: p1)
    var copied = try loadCopied(HNSWIndex.self, p1)
    #expect(mapped.parameters.quantization == .int8 && copied.parameters.quantization == .int8)
    #expect(mapped.sq8!.codes.isMapped && !copied.sq8!.codes.isMapped)
    #expect(mapped.sq8!.quantizer == h.sq8!.quantizer)
    #expect(Array(mapped.sq8!.codes) == Array(h.sq8!.codes) && Array(copied.sq8!.norms) == Array(h.sq8!.norms))
    try mapped.save(to: p2)
    #expect(Fixtures.readFile(p1) == Fixtures.readFile(p2))
    let filter = try h.filter("value < 5000")
    for q in data.prefix(5) {
      for strategy in FilterStrategy.allCases {
        let sp = SearchParameters(ef: 40, strategy: strategy)
        let want = try h.search(q, k: 7, filter: filter, parameters: sp)
        #expect(try mapped.search(q, k: 7, filter: filter, parameters: sp) == want)
        #expect(try copied.search(q, k: 7, filter: filter, parameters: sp) == want)
      }
    }
    // Rows added after a mapped load are encoded with the loaded ranges.
    try mapped.add(data[0], attributes: [1, 1, 1])
    #expect(try mapped.search(data[0], k: 2, filter: nil).map(\.distance) == [0, 0])
    #expect(mapped.sq8!.rows == 301 && !mapped.sq8!.codes.isMapped)
  }

  @Test func version2FilesStillLoadUnquantized() throws {
    // A version-2 file is a version-3 file without the trailing quantisation section.
    let data = Fixtures.clustered(count: 120, dimension: 8, seed: 2)
    var (h, _) = try quantizedIndexes(data, metric: .innerProduct, seed: 2, quantization: .none)
    let p3 = Fixtures.tempPath("v3.idx")
    let p2 = Fixtures.tempPath("v2.idx")
    defer { unlink(p3); unlink(p2) }
    try h.save(to: p3)
    var bytes = Fixtures.readFile(p3)
    #expect(bytes[8] == 3)
    #expect(Array(bytes.suffix(4)) == [0, 0, 0, 0])  // quantisation code 0
    bytes.removeLast(4)
    bytes[8] = 2
    let payload = Array(bytes[32...])
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { for i in 0..<8 { bytes[16 + i] = $0[i] } }
    withUnsafeBytes(of: checksum64(payload).littleEndian) { for i in 0..<8 { bytes[24 + i] = $0[i] } }
    Fixtures.writeFile(p2, bytes)
    var old = try HNSWIndex.load(from: p2)
    #expect(old.parameters.quantization == .none && !old.isQuantized)
    for q in data.prefix(5) { #expect(try old.search(q, k: 5) == (try h.search(q, k: 5))) }
    // ... and can be quantised after loading.
    try old.quantize(.int8)
    #expect(old.isQuantized)
    let wide = SearchParameters(ef: 120)  // the whole index: the re-ranked top 5 is exact
    #expect(try old.search(data[3], k: 5, filter: nil, parameters: wide).map(\.id) == (try h.search(data[3], k: 5, filter: nil, parameters: wide)).map(\.id))
  }

  @Test func quantizingAnEmptyIndexIsRefused() throws {
    var h = HNSWIndex(dimension: 4, metric: .l2)
    #expect(throws: VectorSearchError.self) { try h.quantize(.int8) }
    // Building with quantisation on and no rows yet is fine: codes come with the first rows.
    var q = HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(quantization: .int8))
    #expect(!q.isQuantized)
    let p = Fixtures.tempPath("sq8-empty.idx")
    defer { unlink(p) }
    try q.save(to: p)
    var back = try HNSWIndex.load(from: p)
    #expect(back.parameters.quantization == .int8 && back.count == 0)
    try back.add([1, 2, 3, 4])
    try back.add([0, 0, 0, 1])
    #expect(try back.search([1, 2, 3, 4], k: 1).first?.id == 0)
    #expect(back.isQuantized)
    _ = try q.add([1, 1, 1, 1])
  }

  @Test func corruptQuantizationSectionIsRefused() throws {
    let data = Fixtures.clustered(count: 50, dimension: 8, seed: 6)
    let (h, _) = try quantizedIndexes(data, metric: .l2, seed: 6)
    let p = Fixtures.tempPath("sq8-bad.idx")
    defer { unlink(p) }
    try h.save(to: p)
    var bytes = Fixtures.readFile(p)
    bytes.removeLast(100)
    let payload = Array(bytes[32...])
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { for i in 0..<8 { bytes[16 + i] = $0[i] } }
    withUnsafeBytes(of: checksum64(payload).littleEndian) { for i in 0..<8 { bytes[24 + i] = $0[i] } }
    Fixtures.writeFile(p, bytes)
    #expect(throws: VectorSearchError.self) { _ = try HNSWIndex.load(from: p) }
  }
}

@Suite struct FilterBitmapTests {
  /// A random filter over `cat` (0..<10), `pos` (0..<5) and `value` (0..<10000).
  static func randomFilter(_ rng: inout Xoshiro256StarStar, depth: Int = 0) -> String {
    let r = Int.random(in: 0..<(depth >= 3 ? 4 : 8), using: &rng)
    switch r {
    case 0: return "cat \(["==", "!=", "<", "<=", ">", ">="].randomElement(using: &rng)!) \(Int.random(in: -2...11, using: &rng))"
    case 1: return "value \(["<", ">=", "<=", ">"].randomElement(using: &rng)!) \(Int.random(in: -5...10005, using: &rng))"
    case 2:
      let m = Int.random(in: 1...4, using: &rng)
      return "pos in {\((0..<m).map { _ in String(Int.random(in: -1...6, using: &rng)) }.joined(separator: ", "))}"
    case 3: return "value >= \(Int.random(in: 0...9000, using: &rng)) && value <= \(Int.random(in: 0...10000, using: &rng))"
    case 4: return "!(" + randomFilter(&rng, depth: depth + 1) + ")"
    case 5, 6:
      return "(" + randomFilter(&rng, depth: depth + 1) + (r == 5 ? " && " : " || ") + randomFilter(&rng, depth: depth + 1) + ")"
    default: return "cat == \(Int.random(in: 0..<10, using: &rng)) || value < -2147483648"
    }
  }

  @Test func bitmapEqualsTheInterpreter() async {
    await propertyCheck(count: 40, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var rng = Xoshiro256StarStar(seed: seed)
      let n = Int.random(in: 1...300, using: &rng)
      let attrs = Fixtures.attributes(count: n, seed: seed)
      let cells = ContiguousArray(attrs.joined())
      let text = Self.randomFilter(&rng)
      let filter = try VectorFilter(text, attributes: Fixtures.attributeNames)
      var bm = FilterBitmap()
      cells.withUnsafeBufferPointer { bm.evaluate(filter, attributes: $0.baseAddress!, width: 3, count: n) }
      for i in 0..<n { #expect(bm.contains(i) == filter.matches(attrs[i]), "\(text) row \(i)") }
      #expect(bm.popcount == attrs.filter { filter.matches($0) }.count, "\(text): bits past the last row")
    }
  }

  @Test func floatColumnsUseTheBitmapToo() throws {
    let (_, f, _, values) = try floatAttributedIndexes(count: 200, seed: 4)
    for text in ["price < 0.3", "price >= 0.25 and price < 0.5", "weight > 0 || cat == 1", "!(price == 0.5)"] {
      let filter = try f.filter(text)
      var bm = FilterBitmap()
      f.store.attributes.withUnsafeBufferPointer { bm.evaluate(filter, attributes: $0.baseAddress!, width: 3, count: 200) }
      for i in 0..<200 { #expect(bm.contains(i) == filter.matches(values[i]), "\(text) row \(i)") }
    }
  }

  @Test func bruteForceWithDeletionsAndBatchUseTheBitmap() throws {
    var (h, f, data, attrs) = try attributedIndexes(count: 400, seed: 12)
    for id in stride(from: 0, to: 400, by: 7) {
      try h.markDeleted(id)
      try f.markDeleted(id)
    }
    let queries = Array(data.prefix(9))
    for text in ["value < 800", "cat in {1, 2} && !(pos == 3)", "value >= 0"] {
      let filter = try f.filter(text)
      let batch = try f.searchBatch(VectorMatrix(rows: 9, dimension: 10, values: ContiguousArray(queries.joined())), k: 5, filter: filter)
      for (i, q) in queries.enumerated() {
        // Reference: rank the passing live rows by hand.
        let passing = (0..<400).filter { $0 % 7 != 0 && filter.matches(attrs[$0]) }
        var ranked: [Neighbor] = passing.map { (id: Int) -> Neighbor in
          Neighbor(id: id, distance: vectorDistance(q, data[id], metric: .l2))
        }
        ranked.sort { (x: Neighbor, y: Neighbor) -> Bool in x.distance < y.distance || (x.distance == y.distance && x.id < y.id) }
        let want: [Int] = ranked.prefix(5).map { $0.id }
        let single = try f.search(q, k: 5, filter: filter)
        #expect(single.map(\.id) == Array(want), "\(text)")
        #expect(batch[i].map(\.id) == Array(want), "\(text) (batch)")
        #expect(try h.search(q, k: 5, filter: filter, parameters: SearchParameters(strategy: .bruteForce)).map(\.id) == Array(want))
      }
    }
  }
}
