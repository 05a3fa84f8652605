#if canImport(Glibc)
import Glibc
#endif
import FrontierCore
import FrontierVectorSearch
import PropertyBased
import Testing

/// `cat` (integer 0..<10), `price` (float in [0, 1)), `weight` (float in [-100, 100)).
let floatColumns: [AttributeColumn] = [.int("cat"), .float("price"), .float("weight")]

func floatAttributes(count: Int, seed: UInt64) -> [[AttributeValue]] {
  var rng = Xoshiro256StarStar(seed: seed ^ 0xF10A7)
  return (0..<count).map { _ in
    [
      .int(Int32.random(in: 0..<10, using: &rng)), .float(Float.random(in: 0..<1, using: &rng)),
      .float(Float.random(in: -100..<100, using: &rng)),
    ]
  }
}

/// An HNSW and a flat index over the same data with float attributes.
func floatAttributedIndexes(count: Int, seed: UInt64) throws -> (HNSWIndex, FlatIndex, [[Float]], [[AttributeValue]]) {
  let data = Fixtures.clustered(count: count, dimension: 10, seed: seed)
  let attrs = floatAttributes(count: count, seed: seed)
  var h = HNSWIndex(
    dimension: 10, metric: .l2, attributes: floatColumns,
    parameters: HNSWParameters(M: 8, efConstruction: 48, efSearch: 48, seed: seed))
  var f = FlatIndex(dimension: 10, metric: .l2, attributes: floatColumns)
  for (v, a) in zip(data, attrs) {
    try h.add(v, values: a)
    try f.add(v, values: a)
  }
  return (h, f, data, attrs)
}

func price(_ row: [AttributeValue]) -> Float { if case .float(let p) = row[1] { return p } else { return -1 } }
func weight(_ row: [AttributeValue]) -> Float { if case .float(let w) = row[2] { return w } else { return -1 } }
func cat(_ row: [AttributeValue]) -> Int32 { if case .int(let c) = row[0] { return c } else { return -1 } }

/// Float filters from very selective to everything, each with an oracle written in Swift.
let floatFilters: [(String, @Sendable ([AttributeValue]) -> Bool)] = [
  ("price < 0.005", { price($0) < 0.005 }),
  ("price < 0.05", { price($0) < 0.05 }),
  ("price >= 0.25 and price < 0.5", { price($0) >= 0.25 && price($0) < 0.5 }),
  ("price > 0.5 || cat == 3", { price($0) > 0.5 || cat($0) == 3 }),
  ("not (price <= 0.9) && weight > -50.5", { !(price($0) <= 0.9) && weight($0) > -50.5 }),
  ("weight >= -1e2 and price != 0.5", { weight($0) >= -100 && price($0) != 0.5 }),
  ("weight < 0 || weight >= 0", { _ in true }),
]

@Suite struct FloatFilterLanguageTests {
  @Test func comparesFloatColumns() throws {
    let row: [AttributeValue] = [.int(3), .float(2.5), .float(-0.125)]
    let cases: [(String, Bool)] = [
      ("price == 2.5", true), ("price != 2.5", false), ("price < 2.5", false), ("price <= 2.5", true),
      ("price > 2.4999", true), ("price >= 2.5000003", false),
      ("price >= 2.5000001", true),  // the literal rounds to the Float 2.5 ("price > 2", true), ("price < 3", true),
      ("price >= 1.5 and price < 3.25", true), ("price >= 1.5 and price < 2.5", false),
      ("weight < 0 && cat in {3}", true), ("weight == -1.25e-1", true), ("weight > -0.125", false),
      ("not weight < 0 or cat == 3", true), ("not (weight < 0 or cat == 3)", false), ("price < 25E-1", false),
      ("price == +2.5", true), ("price > 2.", true), ("price == .25e1", true),
    ]
    for (text, expected) in cases {
      let f = try VectorFilter(text, columns: floatColumns)
      #expect(f.matches(row) == expected, "\(text)")
    }
    // Both sides round to Float: 0.1 stored equals the literal 0.1.
    #expect(try VectorFilter("price == 0.1", columns: floatColumns).matches([.int(0), .float(0.1), .float(0)]))
    // Signed zeros compare equal, as in IEEE 754.
    #expect(try VectorFilter("weight == 0", columns: floatColumns).matches([.int(0), .float(0), .float(-0.0)]))
    #expect(!(try VectorFilter("weight < 0", columns: floatColumns).matches([.int(0), .float(0), .float(-0.0)])))
  }

  @Test func misusedFloatColumnsAreNamed() {
    let bad: [(String, Int, String)] = [
      ("price in {1, 2}", 7, "'in' needs an integer attribute, but 'price' is a float attribute"),
      ("price < 1.2.3", 9, "malformed number '1.2.3'"), ("price < 1e", 9, "malformed number '1e'"),
      ("price < 1e39", 9, "out of the 32-bit float range"), ("price < nan", 9, "finite number"),
      ("price < abc", 9, "malformed number 'abc'"), ("price <", 8, "expected a number"),
      ("cat == 2.5", 8, "'cat' is an integer attribute; expected an integer, found '2.5'"),
      ("cat < 1e3", 7, "'cat' is an integer attribute"),
    ]
    for (text, column, fragment) in bad {
      do {
        _ = try VectorFilter(text, columns: floatColumns)
        Issue.record("'\(text)' parsed")
      } catch let e as VectorSearchError {
        #expect(e.code == .malformedFilter, "\(text): \(e)")
        #expect(e.column == column, "\(text): \(e)")
        #expect(e.message.contains(fragment), "\(text): \(e)")
      } catch { Issue.record("\(error)") }
    }
    expectError(.unknownAttribute, "unknown attribute 'cost' at column 1; known attributes: cat, price, weight") {
      _ = try VectorFilter("cost < 1.5", columns: floatColumns)
    }
  }

  @Test func keywordsAndAttributesNamedLikeKeywords() throws {
    let cols: [AttributeColumn] = [.int("not"), .float("and")]
    let f = try VectorFilter("not == 1 and and < 0.5", columns: cols)
    #expect(f.matches([.int(1), .float(0.25)]))
    #expect(!f.matches([.int(1), .float(0.75)]))
    #expect(try VectorFilter("not not == 1", columns: cols).matches([.int(2), .float(0)]))
  }

  @Test func filterParsedForOtherKindsIsRefusedAtSearch() throws {
    var (h, f, _, _) = try floatAttributedIndexes(count: 30, seed: 4)
    let intTyped = try VectorFilter("price < 3", attributes: floatColumns.map(\.name))
    let q = [Float](repeating: 0, count: 10)
    expectError(.malformedFilter, "compares attribute 'price' as an integer, but the index stores it as a float") {
      _ = try h.search(q, k: 3, filter: intTyped)
    }
    expectError(.malformedFilter, "compares attribute 'price' as an integer") { _ = try f.search(q, k: 3, filter: intTyped) }
    // The index's own filter(_:) knows the kinds.
    #expect(try h.search(q, k: 3, filter: try h.filter("price < 3")).count == 3)
  }

  @Test func typedValuesAreValidated() throws {
    var f = FlatIndex(dimension: 2, metric: .l2, attributes: floatColumns)
    expectError(.nonFiniteComponent, "float attribute 'price' is NaN") {
      try f.add([1, 0], values: [.int(1), .float(.nan), .float(0)])
    }
    expectError(.nonFiniteComponent, "float attribute 'weight' is infinite") {
      try f.add([1, 0], values: [.int(1), .float(0), .float(-Float(bitPattern: 0x7F80_0000))])
    }
    expectError(.invalidArgument, "'cat' is an integer column, got the float 1.5") {
      try f.add([1, 0], values: [.float(1.5), .float(0), .float(0)])
    }
    #expect(f.count == 0)
    try f.add([1, 0], values: [.int(1), .int(2), .float(0.5)])  // an integer for a float column converts
    #expect(f.attributeValues(of: 0) == [.int(1), .float(2), .float(0.5)])
    #expect(f.attributeColumns == floatColumns)
  }
}

@Suite struct FloatFilteredSearchTests {
  @Test func exactStrategiesEqualRestrictedFlatSearch() async {
    await propertyCheck(count: 3, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var (h, f, data, attrs) = try floatAttributedIndexes(count: 300, seed: seed)
      let queries = Fixtures.clustered(count: 4, dimension: 10, seed: seed &+ 3)
      for (text, oracle) in floatFilters {
        let filter = try h.filter(text)
        let passing = (0..<data.count).filter { oracle(attrs[$0]) }
        #expect(passing == (0..<data.count).filter { filter.matches(attrs[$0]) }, "\(text)")
        for q in queries {
          var only = FlatIndex(dimension: 10, metric: .l2)
          for i in passing { try only.add(data[i]) }
          let k = min(10, passing.count)
          guard k > 0 else { continue }
          let expected = try only.search(q, k: k).map { Neighbor(id: passing[$0.id], distance: $0.distance) }
          #expect(try f.search(q, k: 10, filter: filter) == expected, "\(text)")
          let exact = try h.search(q, k: 10, filter: filter, parameters: SearchParameters(strategy: .bruteForce))
          #expect(exact == expected, "\(text)")
        }
      }
    }
  }

  @Test(arguments: [FilterStrategy.graph, .postFilter, .automatic])
  func approximateStrategiesKeepRecall(strategy: FilterStrategy) throws {
    var (h, f, _, attrs) = try floatAttributedIndexes(count: 400, seed: 21)
    let queries = Fixtures.clustered(count: 10, dimension: 10, seed: 77)
    for (text, oracle) in floatFilters.dropFirst() {
      let filter = try h.filter(text)
      var found: [[Neighbor]] = []
      var truth: [[Neighbor]] = []
      for q in queries {
        let r = try h.search(q, k: 10, filter: filter, parameters: SearchParameters(ef: 64, strategy: strategy))
        #expect(r.allSatisfy { oracle(attrs[$0.id]) }, "\(text): a result fails the filter")
        found.append(r)
        truth.append(try f.search(q, k: 10, filter: filter))
      }
      let recall = Fixtures.recall(found, truth)
      #expect(recall >= 0.85, "\(strategy) \(text): recall@10 \(recall)")
    }
  }

  @Test func selectivityEstimateFollowsFloatRanges() throws {
    let (h, _, _, attrs) = try floatAttributedIndexes(count: 600, seed: 5)
    for (text, oracle) in floatFilters {
      let filter = try h.filter(text)
      let actual = Double(attrs.filter(oracle).count) / 600
      #expect(abs(h.estimateSelectivity(filter) - actual) < 0.1, "\(text)")
    }
  }
}
