#if canImport(Glibc)
import Glibc
#endif
import FrontierCore
@testable import FrontierVectorSearch
import Testing

/// `Tests/Fixtures/vector/` (outside every target, so SwiftPM does not treat it as resources).
let vectorFixtures: String = {
  var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(2)  // FrontierVectorSearchTests/<this file>
  return parts.joined(separator: "/") + "/Fixtures/vector"
}()

func loadCopied<I: VectorIndex>(_: I.Type, _ path: String) throws -> I {
  try IndexFile.$loadModeOverride.withValue(.copied) { try I.load(from: path) }
}

@Suite struct MappedPersistenceTests {
  @Test func mappedLoadRoundTripsBitForBitWithFloatColumns() async throws {
    var (h, f, data, _) = try floatAttributedIndexes(count: 250, seed: 12)
    try h.markDeleted(7)
    let p1 = Fixtures.tempPath("fmap1.idx")
    let p2 = Fixtures.tempPath("fmap2.idx")
    let p3 = Fixtures.tempPath("fmap3.idx")
    defer { unlink(p1); unlink(p2); unlink(p3) }
    try h.save(to: p1)
    var mapped = try HNSWIndex.load(from: p1)
    var copied = try loadCopied(HNSWIndex.self, p1)
    #expect(mapped.store.values.isMapped && mapped.store.attributes.isMapped)
    #expect(!copied.store.values.isMapped && !copied.store.attributes.isMapped)
    try mapped.save(to: p2)
    #expect(Fixtures.readFile(p1) == Fixtures.readFile(p2))
    #expect(mapped.attributeColumns == floatColumns && mapped.count == 250 && mapped.liveCount == 249)
    for i in 0..<250 {
      #expect(mapped.vector(i) == h.vector(i))
      #expect(mapped.attributeValues(of: i) == h.attributeValues(of: i))
    }
    for text in ["price < 0.3", "price >= 0.25 and price < 0.5", "weight > 0 || cat == 1"] {
      let filter = try mapped.filter(text)
      for strategy in FilterStrategy.allCases {
        for q in data.prefix(4) {
          let sp = SearchParameters(ef: 40, strategy: strategy)
          let want = try h.search(q, k: 8, filter: filter, parameters: sp)
          #expect(try mapped.search(q, k: 8, filter: filter, parameters: sp) == want)
          #expect(try copied.search(q, k: 8, filter: filter, parameters: sp) == want)
        }
      }
    }
    // Parallel search shares the mapping between tasks.
    let queries = Array(data.prefix(16))
    let serial = try queries.map { try h.search($0, k: 5, filter: nil) }
    #expect(try await mapped.searchAll(queries, k: 5, threads: 2) == serial)

    // Adding after a mapped load copies the vectors out first and continues as the original.
    let extra = Fixtures.uniform(count: 3, dimension: 10, seed: 99)
    for v in extra {
      try h.add(v, values: [.int(1), .float(0.5), .float(1)])
      try mapped.add(v, values: [.int(1), .float(0.5), .float(1)])
    }
    #expect(!mapped.store.values.isMapped)
    for i in 250..<253 { #expect(mapped.neighbors(of: i, level: 0) == h.neighbors(of: i, level: 0)) }

    // Flat indexes too.
    try f.save(to: p3)
    var fm = try FlatIndex.load(from: p3)
    #expect(fm.store.values.isMapped)
    let filter = try fm.filter("price < 0.5")
    for q in data.prefix(3) { #expect(try fm.search(q, k: 6, filter: filter) == (try f.search(q, k: 6, filter: filter))) }
  }

  @Test func mappingOutlivesTheLoadingScope() throws {
    let p = Fixtures.tempPath("fscope.idx")
    defer { unlink(p) }
    let (h, _, data, _) = try floatAttributedIndexes(count: 80, seed: 3)
    try h.save(to: p)
    // The loaded value dies with this function; the copy returned keeps the mapping alive,
    // even after the file is unlinked.
    func loadedCopy() throws -> HNSWIndex {
      let loaded = try HNSWIndex.load(from: p)
      unlink(p)
      return loaded
    }
    var again = try loadedCopy()
    #expect(again.store.values.isMapped)
    #expect(try again.search(data[5], k: 1).first?.id == 5)
  }

  @Test func formatVersion1FileStillLoads() throws {
    // Written by the format-version-1 code of commit f1a1c65 (see Tests/Fixtures/vector/README.md).
    let path = vectorFixtures + "/v1-hnsw.idx"
    let bytes = Fixtures.readFile(path)
    #expect(bytes[8] == 1, "the fixture is not a version-1 file")
    let rows = try VectorFiles.readCSV(vectorFixtures + "/v1-vectors.csv")
    let loaders: [() throws -> HNSWIndex] = [{ try HNSWIndex.load(from: path) }, { try loadCopied(HNSWIndex.self, path) }]
    for load in loaders {
      var h = try load()
      #expect(h.count == 40 && h.attributeColumns == [.int("cat"), .int("value")])
      for i in 0..<40 {
        #expect(h.vector(i) == rows.row(i))
        #expect(h.attributeValues(of: i) == [.int(Int32(i % 5)), .int(Int32(i * 37 % 1000))])
      }
      var flat = FlatIndex(dimension: 4, metric: .l2, attributeNames: ["cat", "value"])
      for i in 0..<40 { try flat.add(rows.row(i), attributes: [Int32(i % 5), Int32(i * 37 % 1000)]) }
      let filter = try h.filter("cat in {1, 3} && value < 700")
      for i in [0, 9, 17] {
        let q = rows.row(i)
        let sp = SearchParameters(strategy: .bruteForce)
        #expect(try h.search(q, k: 5, filter: filter, parameters: sp) == (try flat.search(q, k: 5, filter: filter)))
        #expect(try h.search(q, k: 1, filter: nil, parameters: SearchParameters(ef: 40)).first?.id == i)
      }
      // Saving writes the current version, which loads back to the same index.
      let p = Fixtures.tempPath("v1-resaved.idx")
      defer { unlink(p) }
      try h.save(to: p)
      #expect(Fixtures.readFile(p)[8] == UInt8(IndexFile.version))
      let back = try HNSWIndex.load(from: p)
      for i in 0..<40 { #expect(back.neighbors(of: i, level: 0) == h.neighbors(of: i, level: 0)) }
    }
  }

  @Test func truncatedAndCorruptMappedFilesAreRefused() throws {
    let (h, _, _, _) = try floatAttributedIndexes(count: 60, seed: 1)
    let p = Fixtures.tempPath("fbad.idx")
    defer { unlink(p) }
    try h.save(to: p)
    let good = Fixtures.readFile(p)
    for mode in [IndexFile.LoadMode.mapped, .copied] {
      try IndexFile.$loadModeOverride.withValue(mode) { () throws in
        for cut in [1, 7, 4096, good.count - 40] where cut < good.count {
          Fixtures.writeFile(p, Array(good.prefix(good.count - cut)))
          expectError(.corruptIndex, "\(p): error: truncated or padded") { _ = try HNSWIndex.load(from: p) }
        }
        Fixtures.writeFile(p, [])
        expectError(.corruptIndex, "0 bytes, shorter than the 32-byte header") { _ = try HNSWIndex.load(from: p) }
        Fixtures.writeFile(p, good + [0])
        expectError(.corruptIndex, "padded") { _ = try HNSWIndex.load(from: p) }
        var flipped = good
        flipped[200] ^= 0x01  // inside the vectors
        Fixtures.writeFile(p, flipped)
        expectError(.corruptIndex, "checksum mismatch") { _ = try HNSWIndex.load(from: p) }
        var future = good
        future[8] = 9
        Fixtures.writeFile(p, future)
        expectError(.corruptIndex, "index format version 9; this build reads versions 1 to 3") { _ = try HNSWIndex.load(from: p) }
        Fixtures.writeFile(p, good)
        expectError(.corruptIndex, "not a flat index") { _ = try FlatIndex.load(from: p) }
        #expect(try HNSWIndex.load(from: p).count == 60)
      }
    }
    expectError(.io, "cannot open") { _ = try HNSWIndex.load(from: "/tmp/nonexistent-frontier-index-\(getpid())") }
  }

  @Test func arraysOfVersion2FilesAreAligned() throws {
    let (h, _, _, _) = try floatAttributedIndexes(count: 20, seed: 2)
    let p = Fixtures.tempPath("falign.idx")
    defer { unlink(p) }
    try h.save(to: p)
    let back = try HNSWIndex.load(from: p)
    back.store.values.withUnsafeBufferPointer { #expect(Int(bitPattern: $0.baseAddress!) % IndexFile.arrayAlignment == 0) }
    back.store.attributes.withUnsafeBufferPointer { #expect(Int(bitPattern: $0.baseAddress!) % IndexFile.arrayAlignment == 0) }
  }
}

@Suite struct AttributeFileTests {
  @Test func csvHeaderKindsAreDeclaredOrInferred() throws {
    let text = "# shop\ncat, price, stock:float ,code:int\n1,2,3,4\n\n2, 2.5 ,4,-5\n3,1e-3,0.5e1,2147483647\n"
    let t = try VectorFiles.parseAttributeCSV(Array(text.utf8), file: "a.csv")
    #expect(t.columns == [.int("cat"), .float("price"), .float("stock"), .int("code")])
    #expect(t.rows == 3)
    #expect(t.values(ofRow: 0) == [.int(1), .float(2), .float(3), .int(4)])
    #expect(t.values(ofRow: 1) == [.int(2), .float(2.5), .float(4), .int(-5)])
    #expect(t.values(ofRow: 2) == [.int(3), .float(0.001), .float(5), .int(Int32.max)])
  }

  @Test func readAttributesByExtensionAndRenames() throws {
    let p = Fixtures.tempPath("attrs.csv")
    defer { unlink(p) }
    Fixtures.writeFile(p, Array("a,b\n1,0.5\n2,1.5\n".utf8))
    let t = try VectorFiles.readAttributes(p, names: ["cat", "price"])
    #expect(t.columns == [.int("cat"), .float("price")] && t.cells.rows == 2)
    expectError(.invalidArgument, "3 attribute names given, but the file has 2 columns") {
      _ = try VectorFiles.readAttributes(p, names: ["x", "y", "z"])
    }
    expectError(.malformedFile, "unknown attribute file type") { _ = try VectorFiles.readAttributes(p + ".json") }
  }

  @Test func badAttributeValuesNameFileLineAndColumn() {
    let cases: [(String, String)] = [
      ("cat,price\n1,0.5\n2,nan\n", "a.csv:3:3: error: value 'nan' of attribute 'price' is not a finite number"),
      ("cat,price\n1,0.5\n2,-inf\n", "a.csv:3:3: error: value '-inf' of attribute 'price' is not a finite number"),
      ("cat,price:float\n1,abc\n", "a.csv:2:3: error: value 'abc' of attribute 'price' is not a number"),
      ("cat,price\n1,0.5.1\n", "a.csv:2:3: error: value '0.5.1' of attribute 'price' is not a number"),
      ("cat:int,price\n1.5,2\n", "a.csv:2:1: error: attribute 'cat' is declared int, but the value is '1.5'"),
      ("cat,price\n1,2\n3000000000,4\n", "a.csv:3:1: error: value 3000000000 of the integer attribute 'cat' is outside the 32-bit range"),
      ("cat,price\n1,1e39\n", "a.csv:2:3: error: value '1e39' of attribute 'price' is out of the 32-bit float range"),
      ("cat,price\n1, \n", "a.csv:2:4: error: empty value for attribute 'price'"),
      ("cat,price\n1,2,3\n", "a.csv:2:1: error: line has 3 values, but the header names 2 columns"),
      ("1,2\n3,4\n", "a.csv:1:1: error: attribute name '1' is not an identifier"),
      ("cat,price:double\n", "a.csv:1:5: error: column type 'double' of 'price' is not 'int' or 'float'"),
      ("cat,cat\n", "a.csv:1:5: error: attribute 'cat' is named twice"),
      ("# nothing\n", "a.csv: error: no header line"),
    ]
    for (text, message) in cases {
      expectError(.malformedFile, message) { _ = try VectorFiles.parseAttributeCSV(Array(text.utf8), file: "a.csv") }
    }
  }
}
