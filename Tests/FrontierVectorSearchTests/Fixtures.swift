#if canImport(Glibc)
import Glibc
#endif
import FrontierCore
import FrontierVectorSearch

/// Reproducible test data.
enum Fixtures {
  /// Uniform vectors in [-1, 1]^d.
  static func uniform(count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) } }
  }

  /// Vectors around `clusters` random centres with small noise.
  static func clustered(count: Int, dimension: Int, clusters: Int = 8, seed: UInt64) -> [[Float]] {
    var rng = Xoshiro256StarStar(seed: seed)
    let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in Float.random(in: -4...4, using: &rng) } }
    return (0..<count).map { _ in
      let c = centres[Int.random(in: 0..<clusters, using: &rng)]
      return c.map { $0 + Float.random(in: -0.5...0.5, using: &rng) + Float.random(in: -0.5...0.5, using: &rng) }
    }
  }

  /// Attributes `cat` (0..<10), `pos` (0..<5), `value` (0..<10000).
  static let attributeNames = ["cat", "pos", "value"]
  static func attributes(count: Int, seed: UInt64) -> [[Int32]] {
    var rng = Xoshiro256StarStar(seed: seed ^ 0xA77)
    return (0..<count).map { _ in
      [Int32.random(in: 0..<10, using: &rng), Int32.random(in: 0..<5, using: &rng), Int32.random(in: 0..<10000, using: &rng)]
    }
  }

  /// Mean |found ∩ truth| / |truth| over queries.
  static func recall(_ found: [[Neighbor]], _ truth: [[Neighbor]]) -> Double {
    var total = 0.0
    var n = 0
    for (f, t) in zip(found, truth) where !t.isEmpty {
      let ts = Set(t.map(\.id))
      total += Double(f.filter { ts.contains($0.id) }.count) / Double(t.count)
      n += 1
    }
    return n == 0 ? 1 : total / Double(n)
  }

  /// A fresh path under /tmp for this test.
  static func tempPath(_ name: String) -> String {
    "/tmp/frontier-vector-tests-\(getpid())-\(name)"
  }

  static func writeFile(_ path: String, _ bytes: [UInt8]) {
    let f = fopen(path, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
    fclose(f)
  }

  static func readFile(_ path: String) -> [UInt8] {
    let f = fopen(path, "rb")!
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n == 0 { break }
      out.append(contentsOf: buf[0..<n])
    }
    return out
  }

  static func le32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  static func le32(_ v: Float) -> [UInt8] { withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}
