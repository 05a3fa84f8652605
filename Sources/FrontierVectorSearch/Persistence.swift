/// The index file format (little-endian):
///
///     offset 0   8 bytes  magic "FRNTVIDX"
///     offset 8   u32      format version (1)
///     offset 12  u32      index kind (1 flat, 2 HNSW)
///     offset 16  u64      payload length in bytes
///     offset 24  u64      checksum of the payload (see ``checksum64``)
///     offset 32  payload  sections written by ``IndexWriter``
///
/// Loading checks every field before trusting any count in the payload, and validates the
/// graph (ids in range, degrees within bounds), so a truncated, foreign or corrupt file is
/// refused with an error and never crashes a later search.
internal enum IndexFile {
  static let magic: [UInt8] = Array("FRNTVIDX".utf8)
  static let version: UInt32 = 1
  static let headerSize = 32

  enum Kind: UInt32 {
    case flat = 1
    case hnsw = 2
  }

  static func save(_ payload: IndexWriter, kind: Kind, to path: String) throws(VectorSearchError) {
    var header = IndexWriter()
    header.bytes.append(contentsOf: magic)
    header.u32(version)
    header.u32(kind.rawValue)
    header.u64(UInt64(payload.bytes.count))
    header.u64(checksum64(payload.bytes))
    try FileIO.write(path, [header.bytes, payload.bytes])
  }

  /// Reads and checks the header; returns a reader over the payload.
  static func open(_ path: String, expecting kind: Kind) throws(VectorSearchError) -> IndexReader {
    let bytes = try FileIO.read(path)
    func fail(_ m: String) -> VectorSearchError { VectorSearchError(.corruptIndex, m, file: path) }
    guard bytes.count >= headerSize else {
      throw fail("not a Frontier index: \(bytes.count) bytes, shorter than the \(headerSize)-byte header")
    }
    guard Array(bytes[0..<8]) == magic else { throw fail("not a Frontier index (wrong magic bytes)") }
    var r = IndexReader(bytes: bytes, file: path, position: 8)
    let v = try r.u32()
    guard v == version else { throw fail("index format version \(v); this build reads version \(version)") }
    let k = try r.u32()
    guard k == kind.rawValue else {
      let name = Kind(rawValue: k).map { "\($0)" } ?? "unknown kind \(k)"
      throw fail("the file holds a \(name) index, not a \(kind) index")
    }
    let length = try r.u64()
    let sum = try r.u64()
    guard length == UInt64(bytes.count - headerSize) else {
      throw fail(
        "truncated or padded: header says \(length) payload bytes, file has \(bytes.count - headerSize)")
    }
    let actual = bytes.withUnsafeBytes { checksum64(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
    guard actual == sum else { throw fail("checksum mismatch: the file is corrupt") }
    return r
  }
}

/// A 64-bit checksum over 8-byte words (multiply-rotate mixing, tail bytes folded in) with
/// the length mixed last. Fast enough for hundreds of MB; detects any truncation and
/// practically any corruption (it is not a cryptographic hash).
internal func checksum64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
  var h: UInt64 = 0x243F_6A88_85A3_08D3
  let n = bytes.count
  var i = 0
  while i &+ 8 <= n {
    let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
    h = (h ^ (w &* 0x9E37_79B9_7F4A_7C15))
    h = ((h << 27) | (h >> 37)) &* 0xBF58_476D_1CE4_E5B9
    i &+= 8
  }
  var tail: UInt64 = 0
  var shift: UInt64 = 0
  while i < n {
    tail |= UInt64(bytes[i]) << shift
    shift &+= 8
    i &+= 1
  }
  h ^= tail &* 0x94D0_49BB_1331_11EB
  h ^= UInt64(n)
  h = (h ^ (h >> 31)) &* 0xD6E8_FEB8_6659_FD93
  return h ^ (h >> 32)
}

internal func checksum64(_ bytes: [UInt8]) -> UInt64 {
  bytes.withUnsafeBytes { checksum64($0) }
}

/// Appends little-endian values and arrays.
internal struct IndexWriter {
  var bytes: [UInt8] = []

  mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
  mutating func string(_ s: String) {
    let u = Array(s.utf8)
    u64(UInt64(u.count))
    bytes.append(contentsOf: u)
  }
  /// A count followed by the raw elements (the machine is little-endian: checked at load).
  mutating func array<T: BitwiseCopyable>(_ a: ContiguousArray<T>) {
    u64(UInt64(a.count))
    a.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }
}

/// Reads what ``IndexWriter`` wrote, refusing to read past the end.
internal struct IndexReader {
  let bytes: [UInt8]
  let file: String
  var position: Int

  func fail(_ m: String) -> VectorSearchError { VectorSearchError(.corruptIndex, m, file: file) }

  mutating func take(_ n: Int) throws(VectorSearchError) -> Int {
    guard n >= 0, n <= bytes.count - position else {
      throw fail("payload ends early at byte \(position) (needed \(n) more)")
    }
    let p = position
    position += n
    return p
  }

  mutating func u32() throws(VectorSearchError) -> UInt32 {
    let p = try take(4)
    return UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt32.self) })
  }
  mutating func u64() throws(VectorSearchError) -> UInt64 {
    let p = try take(8)
    return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt64.self) })
  }
  mutating func int(max: Int = Int(Int32.max), _ what: String) throws(VectorSearchError) -> Int {
    let v = Int64(bitPattern: try u64())
    guard v >= 0 && v <= Int64(max) else { throw fail("\(what) = \(v) is out of range") }
    return Int(v)
  }
  mutating func string() throws(VectorSearchError) -> String {
    let n = try int(max: 1 << 20, "string length")
    let p = try take(n)
    return String(decoding: bytes[p..<p + n], as: UTF8.self)
  }
  mutating func array<T: BitwiseCopyable>(_: T.Type, count expected: Int? = nil, _ what: String) throws(VectorSearchError) -> ContiguousArray<T> {
    let n = try int(max: Int.max / MemoryLayout<T>.stride, "\(what) count")
    if let e = expected, e != n { throw fail("\(what) has \(n) elements, expected \(e)") }
    let p = try take(n * MemoryLayout<T>.stride)
    let stride = MemoryLayout<T>.stride
    let out = ContiguousArray<T>(unsafeUninitializedCapacity: n) { buf, initialized in
      bytes.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(buf).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: raw[p..<p + n * stride]))
      }
      initialized = n
    }
    return out
  }
  func finish() throws(VectorSearchError) {
    guard position == bytes.count else { throw fail("\(bytes.count - position) unexpected bytes after the payload") }
  }
}

extension VectorStore {
  func write(to w: inout IndexWriter) {
    w.u32(0x0102_0304)  // byte-order mark
    w.i64(dimension)
    w.u32(metric.code)
    w.i64(attributeNames.count)
    for n in attributeNames { w.string(n) }
    w.array(values)
    w.array(attributes)
    w.array(ContiguousArray(deleted.map { $0 ? UInt8(1) : 0 }))
  }

  static func read(from r: inout IndexReader) throws(VectorSearchError) -> VectorStore {
    guard try r.u32() == 0x0102_0304 else { throw r.fail("written on a machine of the other byte order") }
    let d = try r.int(max: 1 << 24, "dimension")
    guard d > 0 else { throw r.fail("dimension is 0") }
    let mc = try r.u32()
    guard let metric = VectorMetric(code: mc) else { throw r.fail("unknown metric code \(mc)") }
    let na = try r.int(max: 1 << 16, "attribute count")
    var names: [String] = []
    for _ in 0..<na { names.append(try r.string()) }
    guard Set(names).count == names.count else { throw r.fail("duplicate attribute names") }
    var s = VectorStore(dimension: d, metric: metric, attributeNames: names)
    s.values = try r.array(Float.self, "vectors")
    guard s.values.count % d == 0 else { throw r.fail("vector data is not a whole number of rows") }
    let n = s.values.count / d
    s.attributes = try r.array(Int32.self, count: n * na, "attributes")
    let del = try r.array(UInt8.self, count: n, "deletion marks")
    s.deleted = ContiguousArray(del.map { $0 != 0 })
    s.deletedCount = s.deleted.reduce(0) { $0 + ($1 ? 1 : 0) }
    return s
  }
}
