import FrontierCore
import FrontierVectorSearch
import PropertyBased
import Testing

let names = Fixtures.attributeNames

@Suite struct FilterLanguageTests {
  @Test func evaluatesComparisonsAndBooleans() throws {
    let row: [Int32] = [3, 1, 4200]
    let cases: [(String, Bool)] = [
      ("cat == 3", true), ("cat != 3", false), ("cat < 3", false), ("cat <= 3", true), ("cat > 2", true),
      ("cat >= 4", false), ("pos in {1,2}", true), ("pos in { 0 , 2 }", false),
      ("value >= 10 && value < 5000", true), ("value >= 10 && value < 4200", false),
      ("!(cat == 3)", false), ("!cat == 3", false), ("cat == 1 || pos == 1", true),
      ("cat == 1 || pos == 2", false), ("(cat == 1 || cat == 3) && !(pos in {2})", true),
      ("cat == 1 || cat == 2 && pos == 1", false), ("cat == 3 || cat == 2 && pos == 9", true),
      ("value > -5", true), ("value == +4200", true),
    ]
    for (text, expected) in cases {
      let f = try VectorFilter(text, attributes: names)
      #expect(f.matches(row) == expected, "\(text)")
    }
  }

  @Test func malformedFiltersNameTheColumn() {
    let bad: [(String, Int, String)] = [
      ("cat = 3", 5, "comparison operator"), ("cat == ", 8, "integer"), ("cat == 3 &&", 12, "end of the input"),
      ("(cat == 3", 10, "')'"), ("pos in {1,2", 12, "','"), ("cat == 3 pos == 1", 10, "'&&'"), ("", 1, "filter expression"),
      ("== 3", 1, "attribute name"), ("cat == 99999999999999999999", 8, "range"),
    ]
    for (text, column, fragment) in bad {
      do {
        _ = try VectorFilter(text, attributes: names)
        Issue.record("'\(text)' parsed")
      } catch let e as VectorSearchError {
        #expect(e.code == .malformedFilter, "\(text): \(e)")
        #expect(e.column == column, "\(text): \(e)")
        #expect(e.message.contains(fragment), "\(text): \(e)")
      } catch { Issue.record("\(error)") }
    }
  }

  @Test func unknownAttributeListsTheKnownOnes() {
    do {
      _ = try VectorFilter("cat == 1 && colour == 2", attributes: names)
      Issue.record("parsed")
    } catch let e as VectorSearchError {
      #expect(e.code == .unknownAttribute)
      #expect(e.column == 13)
      #expect(e.message.contains("'colour'") && e.message.contains("cat, pos, value"))
    } catch { Issue.record("\(error)") }
  }
}

/// An HNSW and a flat index over the same attributed data.
/// Searches `h` with `strategy` (ef 64) and `f` exactly for five filters from selective to
/// broad; expects every result of `h` to pass its filter and returns recall@10 per filter.
func filteredRecalls(
  _ h: inout HNSWIndex, _ f: inout FlatIndex, attributes: [[Int32]], queries: [[Float]], strategy: FilterStrategy
) throws -> [(String, Double)] {
  try ["value < 300", "cat == 4", "pos in {0, 1}", "value < 5000", "!(cat == 2)"].map { text in
    let filter = try h.filter(text)
    var found: [[Neighbor]] = []
    var truth: [[Neighbor]] = []
    for q in queries {
      let r = try h.search(q, k: 10, filter: filter, parameters: SearchParameters(ef: 64, strategy: strategy))
      #expect(r.allSatisfy { filter.matches(attributes[$0.id]) }, "\(text): a result fails the filter")
      found.append(r)
      truth.append(try f.search(q, k: 10, filter: filter))
    }
    return (text, Fixtures.recall(found, truth))
  }
}

func attributedIndexes(count: Int, seed: UInt64) throws -> (HNSWIndex, FlatIndex, [[Float]], [[Int32]]) {
  let data = Fixtures.clustered(count: count, dimension: 10, seed: seed)
  let attrs = Fixtures.attributes(count: count, seed: seed)
  var h = HNSWIndex(dimension: 10, metric: .l2, attributeNames: names, parameters: HNSWParameters(M: 8, efConstruction: 48, efSearch: 48, seed: seed))
  var f = FlatIndex(dimension: 10, metric: .l2, attributeNames: names)
  for (v, a) in zip(data, attrs) {
    try h.add(v, attributes: a)
    try f.add(v, attributes: a)
  }
  return (h, f, data, attrs)
}

/// Filters from very selective to almost everything.
let selectivityFilters = [
  "value < 30", "value < 300", "cat == 4", "pos in {0, 1}", "value < 5000", "!(cat == 2)", "value >= 0",
]

@Suite struct FilteredSearchTests {
  @Test func bruteForceEqualsRestrictedFlatSearch() async {
    await propertyCheck(count: 3, input: Gen.uint64(in: 0...1_000_000)) { seed in
      var (h, f, data, attrs) = try attributedIndexes(count: 300, seed: seed)
      let queries = Fixtures.clustered(count: 4, dimension: 10, seed: seed &+ 3)
      for text in selectivityFilters {
        let filter = try h.filter(text)
        let passing = (0..<data.count).filter { filter.matches(attrs[$0]) }
        for q in queries {
          // Reference: a flat index holding only the passing vectors.
          var only = FlatIndex(dimension: 10, metric: .l2)
          for i in passing { try only.add(data[i]) }
          let k = min(10, passing.count)
          guard k > 0 else { continue }
          let expected = try only.search(q, k: k).map { Neighbor(id: passing[$0.id], distance: $0.distance) }
          let exact = try h.search(q, k: 10, filter: filter, parameters: SearchParameters(strategy: .bruteForce))
          #expect(exact == expected, "\(text)")
          #expect(try f.search(q, k: 10, filter: filter) == expected, "\(text)")
        }
      }
    }
  }

  @Test(arguments: [FilterStrategy.graph, .postFilter, .automatic])
  func approximateStrategiesKeepRecall(strategy: FilterStrategy) throws {
    var (h, f, _, attrs) = try attributedIndexes(count: 400, seed: 21)
    let queries = Fixtures.clustered(count: 10, dimension: 10, seed: 77)
    for (text, recall) in try filteredRecalls(&h, &f, attributes: attrs, queries: queries, strategy: strategy) {
      #expect(recall >= 0.85, "\(strategy) \(text): recall@10 \(recall)")
    }
  }

  @Test func automaticChoiceFollowsSelectivity() throws {
    #expect(FilterStrategy.choose(selectivity: 0.001, count: 1_000_000) == .bruteForce)
    #expect(FilterStrategy.choose(selectivity: 0.03, count: 1_000_000) == .graph)
    #expect(FilterStrategy.choose(selectivity: 0.1, count: 1_000_000) == .postFilter)
    #expect(FilterStrategy.choose(selectivity: 0.9, count: 1_000_000) == .postFilter)
    let (h, _, _, attrs) = try attributedIndexes(count: 300, seed: 5)
    let filter = try h.filter("pos in {0, 1}")
    let actual = Double(attrs.filter { filter.matches($0) }.count) / 300
    #expect(abs(h.estimateSelectivity(filter) - actual) < 0.1)
  }
}
