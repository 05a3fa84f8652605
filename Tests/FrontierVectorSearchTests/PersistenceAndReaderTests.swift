#if canImport(Glibc)
import Glibc
#endif
import FrontierCore
import FrontierVectorSearch
import Testing

func expectError(_ code: VectorSearchError.Code, _ fragment: String = "", _ body: () throws -> Void,
                 sourceLocation: SourceLocation = #_sourceLocation) {
  do {
    try body()
    Issue.record("expected \(code) error", sourceLocation: sourceLocation)
  } catch let e as VectorSearchError {
    #expect(e.code == code, "\(e)", sourceLocation: sourceLocation)
    #expect(e.description.contains(fragment), "'\(e)' lacks '\(fragment)'", sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
  }
}

@Suite struct PersistenceTests {
  @Test func hnswRoundTripsBitForBit() throws {
    var (h, _, data, _) = try attributedIndexes(count: 200, seed: 8)
    try h.markDeleted(3)
    let p1 = Fixtures.tempPath("hnsw1.idx")
    let p2 = Fixtures.tempPath("hnsw2.idx")
    defer { unlink(p1); unlink(p2) }
    try h.save(to: p1)
    var back = try HNSWIndex.load(from: p1)
    try back.save(to: p2)
    #expect(Fixtures.readFile(p1) == Fixtures.readFile(p2))
    #expect(back.count == 200 && back.liveCount == 199 && back.attributeNames == names)
    for i in 0..<200 { #expect(back.vector(i) == h.vector(i)) }
    let filter = try h.filter("cat < 5")
    for q in data.prefix(5) {
      #expect(try back.search(q, k: 5) == (try h.search(q, k: 5)))
      #expect(try back.search(q, k: 5, filter: filter) == (try h.search(q, k: 5, filter: filter)))
    }
    // Inserting after a reload continues the same level sequence as the original.
    let extra = Fixtures.uniform(count: 5, dimension: 10, seed: 1)
    for v in extra {
      try h.add(v, attributes: [1, 1, 1])
      try back.add(v, attributes: [1, 1, 1])
    }
    for i in 200..<205 { #expect(back.neighbors(of: i, level: 0) == h.neighbors(of: i, level: 0)) }
  }

  @Test func flatRoundTripsBitForBit() throws {
    var f = FlatIndex(dimension: 5, metric: .cosine, attributeNames: ["a"])
    for (i, v) in Fixtures.uniform(count: 30, dimension: 5, seed: 2).enumerated() { try f.add(v, attributes: [Int32(i)]) }
    let p1 = Fixtures.tempPath("flat1.idx")
    let p2 = Fixtures.tempPath("flat2.idx")
    defer { unlink(p1); unlink(p2) }
    try f.save(to: p1)
    try FlatIndex.load(from: p1).save(to: p2)
    #expect(Fixtures.readFile(p1) == Fixtures.readFile(p2))
  }

  @Test func truncatedForeignAndCorruptFilesAreRefused() throws {
    var (h, _, _, _) = try attributedIndexes(count: 60, seed: 1)
    _ = try h.search(Fixtures.uniform(count: 1, dimension: 10, seed: 0)[0], k: 1)
    let p = Fixtures.tempPath("bad.idx")
    defer { unlink(p) }
    try h.save(to: p)
    let good = Fixtures.readFile(p)

    Fixtures.writeFile(p, Array(good.prefix(good.count - 7)))
    expectError(.corruptIndex, "truncated") { _ = try HNSWIndex.load(from: p) }
    Fixtures.writeFile(p, Array(good.prefix(20)))
    expectError(.corruptIndex, "shorter than") { _ = try HNSWIndex.load(from: p) }
    Fixtures.writeFile(p, Array("hello, this is not an index at all....".utf8))
    expectError(.corruptIndex, "magic") { _ = try HNSWIndex.load(from: p) }
    var flipped = good
    flipped[good.count / 2] ^= 0x40
    Fixtures.writeFile(p, flipped)
    expectError(.corruptIndex, "checksum") { _ = try HNSWIndex.load(from: p) }
    Fixtures.writeFile(p, good)
    expectError(.corruptIndex, "not a flat index") { _ = try FlatIndex.load(from: p) }
    expectError(.io, "nonexistent") { _ = try HNSWIndex.load(from: "/tmp/nonexistent-frontier-index") }
  }
}

@Suite struct ReaderTests {
  func vecsBytes(_ rows: [[Float]]) -> [UInt8] {
    rows.flatMap { r in Fixtures.le32(Int32(r.count)) + r.flatMap { Fixtures.le32($0) } }
  }

  @Test func fvecsIvecsBvecsRead() throws {
    let p = Fixtures.tempPath("a.fvecs")
    defer { unlink(p) }
    let rows: [[Float]] = [[1, 2, 3], [4, 5, 6.5]]
    Fixtures.writeFile(p, vecsBytes(rows))
    let m = try VectorFiles.readFvecs(p)
    #expect(m.rows == 2 && m.dimension == 3 && m.row(1) == [4, 5, 6.5])
    Fixtures.writeFile(p, [2, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0] + Fixtures.le32(Int32(2)) + Fixtures.le32(Int32(-7)) + Fixtures.le32(Int32(9)))
    // As ivecs: records [2 | 513, 0] [2 | -7, 9]
    let iv = try VectorFiles.readIvecs(p)
    #expect(iv.rows == 2 && iv.row(1) == [-7, 9])
    Fixtures.writeFile(p, Fixtures.le32(Int32(2)) + [7, 255] + Fixtures.le32(Int32(2)) + [0, 1])
    let bv = try VectorFiles.readBvecs(p)
    #expect(bv.values == [7, 255, 0, 1])
  }

  @Test func truncatedVecsFileNamesFileAndSize() throws {
    let p = Fixtures.tempPath("trunc.fvecs")
    defer { unlink(p) }
    let bytes = vecsBytes([[1, 2, 3], [4, 5, 6]])
    Fixtures.writeFile(p, Array(bytes.dropLast(2)))
    expectError(.malformedFile, "\(p): error: file size 30 bytes is not a whole number of records of 16 bytes") {
      _ = try VectorFiles.readFvecs(p)
    }
    Fixtures.writeFile(p, vecsBytes([[1, 2, 3], [4, 5, 6, 7]]).dropLast(4) + [])
    expectError(.malformedFile, "record 1 has dimension 4") { _ = try VectorFiles.readFvecs(p) }
    expectError(.io, "trunc-missing") { _ = try VectorFiles.readFvecs(p + "trunc-missing") }
  }

  func npyBytes(header: String, payload: [UInt8]) -> [UInt8] {
    var h = Array(header.utf8)
    while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
    h.append(0x0A)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + payload
  }

  @Test func npyReadsFloat32Matrices() throws {
    let p = Fixtures.tempPath("a.npy")
    defer { unlink(p) }
    let payload = [Float(1), 2, 3, 4, 5, 6].flatMap { Fixtures.le32($0) }
    Fixtures.writeFile(p, npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: payload))
    let m = try VectorFiles.readNpy(p)
    #expect(m.rows == 2 && m.dimension == 3 && m.row(1) == [4, 5, 6])
    Fixtures.writeFile(p, npyBytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", payload: payload))
    expectError(.malformedFile, "dtype <f8") { _ = try VectorFiles.readNpy(p) }
    Fixtures.writeFile(p, npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", payload: payload))
    expectError(.malformedFile, "2-D") { _ = try VectorFiles.readNpy(p) }
    Fixtures.writeFile(p, npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", payload: payload))
    expectError(.malformedFile, "truncated") { _ = try VectorFiles.readNpy(p) }
  }

  @Test func npyReadsTheSharedDataSet() throws {
    let p = "../shared/data/vectors/wordnet-minilm-50k/query_own_cat.npy"
    guard access(p, R_OK) == 0 else { return }
    do {
      let m = try VectorFiles.readNpy(p)
      #expect(m.rows > 0)
    } catch let e as VectorSearchError {
      // Not float32: the error must say which dtype it found.
      #expect(e.message.contains("dtype"))
    }
  }

  @Test func csvReadsAndReportsLineAndColumn() throws {
    let ok = try VectorFiles.parseCSV(Array("# comment\n1, 2,3\n\n4,5,6\r\n".utf8), file: "v.csv")
    #expect(ok.rows == 2 && ok.values == [1, 2, 3, 4, 5, 6])
    let header = try VectorFiles.parseCSV(Array("x,y\n1,2\n".utf8), file: "v.csv", header: true)
    #expect(header.rows == 1)
    expectError(.malformedFile, "v.csv:3:5: error: field 3 is 'abc'") {
      _ = try VectorFiles.parseCSV(Array("1,2,3\n4,5,6\n7,8,abc\n".utf8), file: "v.csv")
    }
    expectError(.malformedFile, "v.csv:2:1: error: line has 2 values, but the first vector has 3") {
      _ = try VectorFiles.parseCSV(Array("1,2,3\n4,5\n".utf8), file: "v.csv")
    }
    expectError(.malformedFile, "empty field 2") { _ = try VectorFiles.parseCSV(Array("1,,3\n".utf8), file: "v.csv") }
  }
}

@Suite struct BadInputTests {
  @Test func vectorsAndQueriesAreValidated() throws {
    var h = HNSWIndex(dimension: 3, metric: .cosine, attributeNames: ["cat"])
    expectError(.dimensionMismatch, "vector 0 has dimension 2, but the index has dimension 3") { try h.add([1, 2], attributes: [0]) }
    expectError(.zeroVector, "zero vector") { try h.add([0, 0, 0], attributes: [0]) }
    expectError(.nonFiniteComponent, "at index 1") { try h.add([1, .nan, 0], attributes: [0]) }
    expectError(.nonFiniteComponent, "inf") { try h.add([1, 0, -Float(bitPattern: 0xFF80_0000)], attributes: [0]) }
    expectError(.invalidArgument, "has 0 attribute values, but the index has 1 (cat)") { try h.add([1, 0, 0]) }
    #expect(h.count == 0)
    try h.add([1, 0, 0], attributes: [1])
    try h.add([0, 1, 0], attributes: [2])
    expectError(.invalidK, "at least 1") { _ = try h.search([1, 0, 0], k: 0) }
    expectError(.invalidK, "larger than the number of vectors in the index (2)") { _ = try h.search([1, 0, 0], k: 3) }
    expectError(.dimensionMismatch, "query has dimension 4") { _ = try h.search([1, 0, 0, 0], k: 1) }
    expectError(.zeroVector) { _ = try h.search([0, 0, 0], k: 1) }
    expectError(.nonFiniteComponent) { _ = try h.search([.nan, 0, 0], k: 1) }
    expectError(.unknownAttribute, "known attributes: cat") { _ = try h.filter("pos == 1") }
    expectError(.malformedFilter, "column 5") { _ = try h.filter("cat = 1") }
    let foreign = try VectorFilter("a == 1 || b == 2", attributes: ["a", "b"])
    expectError(.unknownAttribute, "refers to attribute #2, but the index has only 1") { _ = try h.search([1, 0, 0], k: 1, filter: foreign) }
    expectError(.invalidArgument, "no vector with id 5") { try h.markDeleted(5) }
    // Still usable after every refusal.
    #expect(try h.search([1, 0.1, 0], k: 1).first?.id == 0)
  }

  @Test func fewerResultsWhenFewPass() throws {
    var f = FlatIndex(dimension: 2, metric: .l2, attributeNames: ["cat"])
    for i in 0..<10 { try f.add([Float(i), 0], attributes: [Int32(i % 3)]) }
    let r = try f.search([0, 0], k: 5, filter: try f.filter("cat == 2"))
    #expect(r.map(\.id) == [2, 5, 8])
  }
}
