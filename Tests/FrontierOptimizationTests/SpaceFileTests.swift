import Foundation
import FrontierOptimization
import PropertyBased
import Testing

@Suite struct SpaceFileTests {
  /// `hpo_problems.py --dump`'s mixed_hpo space, as Python's json.dumps(indent=1) writes it.
  static let mixedJSON = """
    [
     {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam", "rmsprop"]},
     {"name": "lr", "type": "float", "low": 1e-05, "high": 1.0, "log": true},
     {
      "name": "momentum", "type": "float", "low": 0.0, "high": 0.99, "log": false,
      "condition": {"param": "optimizer", "equals": "sgd"}
     },
     {"name": "n_layers", "type": "int", "low": 1, "high": 8, "log": false},
     {"name": "units", "type": "int", "low": 16, "high": 1024, "log": true},
     {"name": "activation", "type": "categorical", "choices": ["relu", "tanh", "sigmoid", "gelu"]},
     {"name": "dropout", "type": "float", "low": 0.0, "high": 0.8, "log": false}
    ]
    """

  @Test func jsonFromTheBenchmarkLoadsAsTheSwiftSpace() throws {
    #expect(try SearchSpaceFile.parse(text: Self.mixedJSON, file: "mixed.json") == BenchmarkProblem.mixedHPO.space)
  }

  @Test func yamlWithEveryKind() throws {
    let yaml = """
      parameters:
        - {name: optimizer, type: categorical, choices: [sgd, adam, 3, 2.5, true]}
        - name: lr
          type: float
          low: 1.0e-5
          high: 1
          log: true
        - {name: momentum, type: float, low: 0, high: 0.9, step: 0.1, condition: {param: optimizer, equals: [sgd, 3]}}
        - {name: layers, type: int, low: 2, high: 10, step: 2}
        - {name: units, type: int, low: 16, high: 1024, log: true}
        - {name: seed, type: fixed, value: 42}
        - {name: tag, type: fixed, value: "007"}
      """
    let space = try SearchSpaceFile.parse(text: yaml, file: "s.yaml")
    let expected = try SearchSpace([
      ParameterSpec("optimizer", .categorical([.string("sgd"), .string("adam"), .int(3), .float(2.5), .bool(true)])),
      ParameterSpec("lr", .float(low: 1e-5, high: 1, log: true)),
      ParameterSpec(
        "momentum", .float(low: 0, high: 0.9, step: 0.1), when: .init(parameter: "optimizer", equals: [.string("sgd"), .int(3)])),
      ParameterSpec("layers", .int(low: 2, high: 10, step: 2)),
      ParameterSpec("units", .int(low: 16, high: 1024, log: true)),
      ParameterSpec("seed", .fixed(.int(42))),
      ParameterSpec("tag", .fixed(.string("007"))),
    ])
    #expect(space == expected)
    // A mapping with `space:` (as in the benchmark dump) works too.
    #expect(try SearchSpaceFile.parse(text: "space:\n  - {name: x, type: float, low: 0, high: 1}\n").count == 1)
  }

  @Test func loadReadsAFileAndNamesAMissingOne() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-space-\(UInt64.random(in: 0...UInt64.max)).json").path
    try Self.mixedJSON.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try SearchSpaceFile.load(path: path) == BenchmarkProblem.mixedHPO.space)
    #expect {
      try SearchSpaceFile.load(path: path + ".missing")
    } throws: { e in
      let e = e as! SearchSpaceFileError
      return e.file == path + ".missing" && e.line == nil && e.reason.hasPrefix("cannot read the space file")
    }
  }

  /// Every bad input, with the line, column and reason it is reported at.
  static let badFiles: [(text: String, line: Int, column: Int, reason: String)] = [
    ("[{name: x, type: float, low: 0, high: 1},\n {name: y, type: real, low: 0, high: 1}]", 2, 18,
     "parameter 'y': unknown type 'real' (expected float, int, categorical or fixed)"),
    ("- {name: x, type: float, low: 2, high: 1}", 1, 31, "parameter 'x': empty range: low 2.0 > high 1.0"),
    ("- {name: n, type: int, low: 5, high: 4}", 1, 29, "parameter 'n': empty range: low 5 > high 4"),
    ("- {name: lr, type: float, low: 0, high: 1, log: true}", 1, 32, "parameter 'lr': log range must be positive, got low 0.0"),
    ("- {name: lr, type: float, low: -1, high: 1, log: true}", 1, 32, "parameter 'lr': log range must be positive, got low -1.0"),
    ("- {name: k, type: int, low: 0, high: 9, log: true}", 1, 29, "parameter 'k': log range must be positive, got low 0"),
    ("- {name: x, type: float, low: 0, high: 1}\n- {name: x, type: int, low: 0, high: 1}", 2, 10,
     "parameter 'x': duplicate name"),
    ("- {name: m, type: float, low: 0, high: 1, condition: {param: opt, equals: sgd}}", 1, 62,
     "parameter 'm': condition on unknown parameter 'opt'"),
    ("- {name: m, type: float, low: 0, high: 1, condition: {param: opt, equals: sgd}}\n- {name: opt, type: categorical, choices: [sgd]}",
     1, 62, "parameter 'm': condition on 'opt', which is declared later; declare it first"),
    ("- {name: opt, type: categorical, choices: [sgd]}\n- {name: m, type: float, low: 0, high: 1, condition: {param: opt, equals: adam}}",
     2, 75, "parameter 'm': condition value adam is not a value of 'opt'"),
    ("- {name: x, type: float, high: 1}", 1, 3, "parameter 'x': missing key 'low'"),
    ("- {type: float, low: 0, high: 1}", 1, 3, "missing key 'name'"),
    ("- {name: x, low: 0, high: 1}", 1, 3, "missing key 'type'"),
    ("- {name: c, type: categorical}", 1, 3, "parameter 'c': missing key 'choices'"),
    ("- {name: f, type: fixed}", 1, 3, "parameter 'f': missing key 'value'"),
    ("- {name: o, type: fixed, value: 1}\n- {name: m, type: float, low: 0, high: 1, condition: {param: o}}", 2, 54, "parameter 'm': missing key 'equals'"),
    ("- {name: x, type: float, low: zero, high: 1}", 1, 31, "parameter 'x': wrong value type: 'low' must be a number"),
    ("- {name: x, type: float, low: '0', high: 1}", 1, 31, "parameter 'x': wrong value type: 'low' must be a number"),
    ("- {name: n, type: int, low: 0.5, high: 4}", 1, 29,
     "parameter 'n': wrong value type: 'low' of an int parameter must be an integer"),
    ("- {name: x, type: float, low: 0, high: 1, log: maybe}", 1, 48, "parameter 'x': wrong value type: 'log' must be true or false"),
    ("- {name: c, type: categorical, choices: sgd}", 1, 41, "parameter 'c': wrong value type: 'choices' must be a list"),
    ("- {name: c, type: categorical, choices: [[1]]}", 1, 42,
     "parameter 'c': wrong value type: a choice must be a string, number or boolean"),
    ("- {name: 7, type: float, low: 0, high: 1}", 1, 10, "wrong value type: 'name' must be a string"),
    ("- {name: x, type: float, low: 0, high: 1, setp: 0.1}", 1, 43, "parameter 'x': unknown key 'setp' for a float parameter"),
    ("- {name: c, type: categorical, choices: []}", 1, 41, "parameter 'c': no choices"),
    ("- {name: c, type: categorical, choices: [a, a]}", 1, 41, "parameter 'c': duplicate choices"),
    ("- {name: x, type: float, low: 0, high: 1, step: 0}", 1, 49, "parameter 'x': step must be positive"),
    ("- {name: x, type: float, low: 1, high: 2, step: 0.5, log: true}", 1, 49, "parameter 'x': step cannot be combined with log"),
    ("- {name: x, type: float, low: 0, high: .inf}", 1, 40, "parameter 'x': 'high' must be finite"),
    ("- [x, float]", 1, 3, "a parameter must be a mapping with 'name' and 'type'"),
    ("[]", 1, 1, "the space has no parameters"),
    ("- {name: x, type: float, low: 0, high: 1, low: 2}", 1, 26, "duplicate key 'low'"),
    ("", 1, 1, "the space file is empty"),
    ("name: x", 1, 1, "expected a list of parameters, or a mapping with a 'parameters' list"),
    ("parameters: {name: x}", 1, 13, "'parameters' must be a list"),
    ("- {name: x, type: float, low: 0, high: 1", 2, 1, "invalid YAML/JSON: did not find expected ',' or '}'"),
    ("[{\"name\": \"x\", \"type\": \"float\", \"low\": 0,, \"high\": 1}]", 1, 42, "invalid YAML/JSON: did not find expected node content"),
  ]

  @Test(arguments: 0..<badFiles.count) func badInputIsRejectedWithItsPlace(_ i: Int) {
    let bad = Self.badFiles[i]
    let expected = SearchSpaceFileError(file: "bad.yaml", line: bad.line, column: bad.column, bad.reason)
    #expect(throws: expected) { try SearchSpaceFile.parse(text: bad.text, file: "bad.yaml") }
  }

  @Test func errorsRenderLikeTheCLIsOtherInputErrors() {
    #expect(SearchSpaceFileError(file: "s.yaml", line: 3, column: 7, "parameter 'x': duplicate name").description
      == "s.yaml:3:7: error: parameter 'x': duplicate name")
    #expect(SearchSpaceFileError(file: "s.yaml", "cannot read").description == "s.yaml: error: cannot read")
  }

  @Test func floatBoundsRoundTripThroughText() async {
    // Any finite float range written in the file is read back exactly.
    await propertyCheck(count: 100, input: Gen.double(in: -1e6...1e6), Gen.double(in: 0...1e6)) { low, width in
      let text = "- {name: x, type: float, low: \(low), high: \(low + width)}"
      let space = try! SearchSpaceFile.parse(text: text)
      #expect(space["x"]?.distribution == .float(low: low, high: low + width))
    }
  }

  @Test func everyBenchmarkSpaceFromThePythonDumpLoads() throws {
    // Reads the shared anchor in place when it is there (it is on developer machines and CI).
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../../shared/anchors/hpo/hpo_problems.py").standardized.path
    guard FileManager.default.fileExists(atPath: script) else { return }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, "--dump"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return }
    let dump = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    #expect(Set(dump.keys) == Set(BenchmarkProblem.names))
    for (name, entry) in dump {
      let json = try JSONSerialization.data(withJSONObject: ["parameters": entry["space"]!])
      let space = try SearchSpaceFile.parse(text: String(decoding: json, as: UTF8.self), file: name)
      #expect(space == BenchmarkProblem.all[name]!.space, "\(name)")
    }
  }
}
