import FrontierOptimization
import FrontierStore
import PropertyBased
import Testing

/// SplitMix64, to build random values from one generated seed.
struct Mix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Any double, from raw bits (so subnormals, -0, infinities and NaNs too), or a "nice" one.
  mutating func double() -> Double {
    switch next() % 4 {
    case 0: return Double(bitPattern: next())
    case 1: return [0.0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1e-300][Int(next() % 9)]
    case 2: return Double(Int64(bitPattern: next()) % 1000) / 8
    default: return Double.random(in: -1e6...1e6, using: &self)
    }
  }

  mutating func string() -> String {
    let alphabet: [Character] = ["a", "Z", " ", ":", ",", "\"", "\\", "\n", "\t", "é", "😀", "\u{1}", "[", "}", "0"]
    return String((0..<Int(next() % 8)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
  }

  mutating func value() -> ParameterValue {
    switch next() % 4 {
    case 0: return .float(double())
    case 1: return .int(Int(bitPattern: UInt(next())) >> Int(next() % 64))
    case 2: return .bool(next() % 2 == 0)
    default: return .string(string())
    }
  }

  mutating func distribution() -> Distribution {
    switch next() % 5 {
    case 0: return .float(low: double(), high: double(), log: next() % 2 == 0)
    case 1: return .float(low: double(), high: double(), step: double())
    case 2:
      let a = Int(bitPattern: UInt(next())), b = Int(bitPattern: UInt(next()))
      return .int(low: Swift.min(a, b), high: Swift.max(a, b), log: next() % 2 == 0, step: Int(next() % 5) + 1)
    case 3: return .categorical((0..<Int(next() % 5 + 1)).map { _ in value() })
    default: return .fixed(value())
    }
  }
}

/// Equal, with doubles compared bit for bit (NaN equals NaN, -0 differs from 0).
func same(_ a: ParameterValue, _ b: ParameterValue) -> Bool {
  switch (a, b) {
  case (.float(let x), .float(let y)): return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
  default: return a == b
  }
}

func same(_ a: Double, _ b: Double) -> Bool { a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern }

func same(_ a: Distribution, _ b: Distribution) -> Bool {
  switch (a, b) {
  case (.float(let l1, let h1, let g1, let s1), .float(let l2, let h2, let g2, let s2)):
    return same(l1, l2) && same(h1, h2) && g1 == g2 && (s1 == nil ? s2 == nil : s2 != nil && same(s1!, s2!))
  case (.categorical(let c1), .categorical(let c2)):
    return c1.count == c2.count && zip(c1, c2).allSatisfy { same($0, $1) }
  case (.fixed(let v1), .fixed(let v2)): return same(v1, v2)
  default: return a == b
  }
}

@Suite struct CodecTests {
  @Test func valuesRoundTripBitExactly() async {
    await propertyCheck(count: 300, input: Gen.uint64()) { seed in
      var rng = Mix(state: seed)
      for _ in 0..<20 {
        let v = rng.value()
        let text = StoreCodec.encode(v)
        let back = try? StoreCodec.decodeValue(text)
        #expect(back.map { same($0, v) } == true, "\(v) -> \(text) -> \(String(describing: back))")
      }
    }
  }

  @Test func distributionsRoundTripBitExactly() async {
    await propertyCheck(count: 200, input: Gen.uint64()) { seed in
      var rng = Mix(state: seed)
      for _ in 0..<5 {
        let d = rng.distribution()
        let text = StoreCodec.encode(d)
        let back = try? StoreCodec.decodeDistribution(text)
        #expect(back.map { same($0, d) } == true, "\(d) -> \(text) -> \(String(describing: back))")
      }
    }
  }

  @Test func encodingIsCanonicalAndReadable() throws {
    #expect(StoreCodec.encode(.float(0.1)) == "f:0.1")
    #expect(StoreCodec.encode(.int(-3)) == "i:-3")
    #expect(StoreCodec.encode(.string("a:b")) == "s:a:b")
    #expect(StoreCodec.encode(Distribution.float(low: 0.001, high: 0.1, log: true))
      == #"{"high":0.1,"log":true,"low":0.001,"type":"float"}"#)
    #expect(StoreCodec.encode(Distribution.categorical([.string("adam"), .int(1)]))
      == #"{"choices":["s:adam","i:1"],"type":"categorical"}"#)
    #expect(StoreCodec.encode([.minimize, .maximize]) == "minimize,maximize")
    #expect(try StoreCodec.decodeDirections("maximize") == [.maximize])
  }

  @Test func badTextsAreRejectedWithTheReason() {
    #expect(throws: StoreCodecError(text: "x", reason: "expected a tag f:, i:, b: or s: before the value")) {
      try StoreCodec.decodeValue("x")
    }
    #expect(throws: StoreCodecError(text: "q:1", reason: "unknown tag; expected f:, i:, b: or s:")) {
      try StoreCodec.decodeValue("q:1")
    }
    #expect(throws: StoreCodecError(text: "f:abc", reason: "not a number")) { try StoreCodec.decodeValue("f:abc") }
    #expect(throws: StoreCodecError(text: "i:1.5", reason: "not an integer")) { try StoreCodec.decodeValue("i:1.5") }
    #expect(throws: StoreCodecError(text: "b:yes", reason: "a boolean is true or false")) { try StoreCodec.decodeValue("b:yes") }
    #expect(throws: StoreCodecError(text: #"{"type":"beta"}"#, reason: "unknown distribution type 'beta'")) {
      try StoreCodec.decodeDistribution(#"{"type":"beta"}"#)
    }
    #expect(throws: StoreCodecError.self) { try StoreCodec.decodeDistribution("not json") }
    #expect(throws: StoreCodecError.self) { try StoreCodec.decodeDistribution(#"{"type":"int","low":1.5,"high":2}"#) }
    #expect(throws: StoreCodecError(text: "minimize,up", reason: "unknown direction 'up'; expected minimize or maximize")) {
      try StoreCodec.decodeDirections("minimize,up")
    }
  }
}
