#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index file format (little-endian):
///
///     offset 0   8 bytes  magic "FRNTVIDX"
///     offset 8   u32      format version (3; versions 1 and 2 are still read)
///     offset 12  u32      index kind (1 flat, 2 HNSW)
///     offset 16  u64      payload length in bytes
///     offset 24  u64      checksum of the payload (see ``checksum64``)
///     offset 32  payload  sections written by ``IndexWriter``
///
/// Version 2 (float attribute columns, mappable arrays) differs from version 1 in two
/// places: the vector store writes one u32 kind per attribute after the names (0 integer,
/// 1 float), and every array is `u64 count`, zero padding up to the next file offset that is
/// a multiple of 64, then the elements, so a memory-mapped file can be read in place.
/// Version-1 files have neither; all their attributes are integers.
///
/// Version 3 appends one section to an HNSW payload: a u32 quantisation code (0 none,
/// 1 int8) and, for int8, a u64 flag (1 when codes follow) then four arrays: the
/// per-dimension offsets and steps (``ScalarQuantizer``), the `n × d` codes (mapped in place
/// like the vectors) and `|x̂|²` per row (L2 only, else empty). Flat payloads are unchanged
/// from version 2. Files of versions 1 and 2 load as unquantised indexes.
///
/// Loading maps the file read-only (``FileBytes``) and lets the vectors and attribute cells
/// point into the mapping instead of copying them; the graph and deletion marks are copied
/// (they are small and the graph is rewritten by insertions). The checksum is still verified
/// over the whole payload, which reads every page of the file once (the main cost of a
/// mapped load; the pages stay in the shared page cache). Setting the environment variable
/// `FRONTIER_INDEX_MMAP=0` reads the file into memory and copies every array instead.
///
/// Loading checks every field before trusting any count in the payload, and validates the
/// graph (ids in range, degrees within bounds), so a truncated, foreign or corrupt file is
/// refused with an error and never crashes a later search.
internal enum IndexFile {
  static let magic: [UInt8] = Array("FRNTVIDX".utf8)
  /// The version written; every version from 1 up to this one is read.
  static let version: UInt32 = 3
  static let headerSize = 32
  /// Arrays of version-2 files start at file offsets that are multiples of this.
  static let arrayAlignment = 64

  enum Kind: UInt32 {
    case flat = 1
    case hnsw = 2
  }

  /// How ``open(_:expecting:)`` gets at the bytes.
  enum LoadMode: Sendable {
    /// Memory-map the file; large arrays point into the mapping.
    case mapped
    /// Read the file into memory and copy every array out of it.
    case copied
  }

  /// Overrides the load mode for the current task (tests compare both modes).
  @TaskLocal static var loadModeOverride: LoadMode? = nil

  /// The mode loads use: the task-local override, else `copied` when the environment sets
  /// `FRONTIER_INDEX_MMAP=0`, else `mapped`.
  static var loadMode: LoadMode {
    if let m = loadModeOverride { return m }
    if let e = getenv("FRONTIER_INDEX_MMAP"), String(cString: e) == "0" { return .copied }
    return .mapped
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

  /// Maps (or reads) the file, checks the header, the length and the checksum; returns a
  /// reader over the payload.
  ///
  /// - Complexity: O(file size) for the checksum.
  static func open(_ path: String, expecting kind: Kind) throws(VectorSearchError) -> IndexReader {
    let mode = loadMode
    let data = try FileBytes.open(path, map: mode == .mapped)
    let size = data.count
    func fail(_ m: String) -> VectorSearchError { VectorSearchError(.corruptIndex, m, file: path) }
    guard size >= headerSize else {
      throw fail("not a Frontier index: \(size) bytes, shorter than the \(headerSize)-byte header")
    }
    guard Array(UnsafeRawBufferPointer(rebasing: data.buffer[0..<8])) == magic else {
      throw fail("not a Frontier index (wrong magic bytes)")
    }
    var r = IndexReader(data: data, file: path, position: 8, copyArrays: mode == .copied)
    let v = try r.u32()
    guard v >= 1 && v <= version else {
      throw fail("index format version \(v); this build reads versions 1 to \(version)")
    }
    r.version = v
    let k = try r.u32()
    guard k == kind.rawValue else {
      let name = Kind(rawValue: k).map { "\($0)" } ?? "unknown kind \(k)"
      throw fail("the file holds a \(name) index, not a \(kind) index")
    }
    let length = try r.u64()
    let sum = try r.u64()
    guard length == UInt64(size - headerSize) else {
      throw fail(
        "truncated or padded: header says \(length) payload bytes, file has \(size - headerSize)")
    }
    data.advise(MADV_SEQUENTIAL)
    let actual = checksum64(UnsafeRawBufferPointer(rebasing: data.buffer[headerSize...]))
    data.advise(MADV_RANDOM)
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
  /// A count, zero padding up to a file offset that is a multiple of
  /// ``IndexFile/arrayAlignment`` (the payload starts at offset ``IndexFile/headerSize``),
  /// then the raw elements (the machine is little-endian: checked at load).
  mutating func array<T: BitwiseCopyable>(_ a: ContiguousArray<T>) {
    a.withUnsafeBufferPointer { array($0) }
  }
  mutating func array<T: BitwiseCopyable>(_ a: UnsafeBufferPointer<T>) {
    u64(UInt64(a.count))
    let align = IndexFile.arrayAlignment
    let pad = (align - (IndexFile.headerSize + bytes.count) % align) % align
    bytes.append(contentsOf: repeatElement(0, count: pad))
    bytes.append(contentsOf: UnsafeRawBufferPointer(a))
  }
}

/// Reads what ``IndexWriter`` wrote, refusing to read past the end.
internal struct IndexReader {
  /// The whole file (mapped or read); positions are file offsets.
  let data: FileBytes
  let file: String
  var position: Int
  /// Copy arrays out of the file even when it is mapped.
  var copyArrays = false
  /// Format version from the header (decides the layout of what follows).
  var version: UInt32 = IndexFile.version

  init(data: FileBytes, file: String, position: Int, copyArrays: Bool) {
    self.data = data
    self.file = file
    self.position = position
    self.copyArrays = copyArrays
  }

  func fail(_ m: String) -> VectorSearchError { VectorSearchError(.corruptIndex, m, file: file) }

  mutating func take(_ n: Int) throws(VectorSearchError) -> Int {
    guard n >= 0, n <= data.count - position else {
      throw fail("payload ends early at byte \(position) (needed \(n) more)")
    }
    let p = position
    position += n
    return p
  }

  mutating func u32() throws(VectorSearchError) -> UInt32 {
    let p = try take(4)
    return UInt32(littleEndian: data.base.loadUnaligned(fromByteOffset: p, as: UInt32.self))
  }
  mutating func u64() throws(VectorSearchError) -> UInt64 {
    let p = try take(8)
    return UInt64(littleEndian: data.base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
  }
  mutating func int(max: Int = Int(Int32.max), _ what: String) throws(VectorSearchError) -> Int {
    let v = Int64(bitPattern: try u64())
    guard v >= 0 && v <= Int64(max) else { throw fail("\(what) = \(v) is out of range") }
    return Int(v)
  }
  mutating func string() throws(VectorSearchError) -> String {
    let n = try int(max: 1 << 20, "string length")
    let p = try take(n)
    return String(decoding: UnsafeRawBufferPointer(rebasing: data.buffer[p..<p + n]), as: UTF8.self)
  }

  /// Reads an array's count and (version 2) skips the padding; returns the count and the
  /// file offset of the elements.
  private mutating func arrayHeader<T>(_: T.Type, count expected: Int?, _ what: String) throws(VectorSearchError) -> (Int, Int) {
    let n = try int(max: Int.max / MemoryLayout<T>.stride, "\(what) count")
    if let e = expected, e != n { throw fail("\(what) has \(n) elements, expected \(e)") }
    if version >= 2 {
      let a = IndexFile.arrayAlignment
      _ = try take((a - position % a) % a)
    }
    let p = try take(n * MemoryLayout<T>.stride)
    return (n, p)
  }

  /// An array copied out of the file.
  mutating func array<T: BitwiseCopyable>(_: T.Type, count expected: Int? = nil, _ what: String) throws(VectorSearchError) -> ContiguousArray<T> {
    let (n, p) = try arrayHeader(T.self, count: expected, what)
    let stride = MemoryLayout<T>.stride
    let src = UnsafeRawBufferPointer(rebasing: data.buffer[p..<p + n * stride])
    return ContiguousArray<T>(unsafeUninitializedCapacity: n) { buf, initialized in
      UnsafeMutableRawBufferPointer(buf).copyMemory(from: src)
      initialized = n
    }
  }

  /// An array that points into the mapped file when it is mapped and the elements are
  /// aligned (always in version 2), else a copy.
  mutating func storedArray<T: BitwiseCopyable & Sendable>(_: T.Type, count expected: Int? = nil, _ what: String) throws(VectorSearchError) -> StoredArray<T> {
    let start = position
    let (n, p) = try arrayHeader(T.self, count: expected, what)
    if !copyArrays && data.isMapped && n > 0 && Int(bitPattern: data.base + p) % MemoryLayout<T>.alignment == 0 {
      return StoredArray(file: data, offset: p, count: n)
    }
    position = start
    return StoredArray(try array(T.self, count: expected, what))
  }

  func finish() throws(VectorSearchError) {
    guard position == data.count else { throw fail("\(data.count - position) unexpected bytes after the payload") }
  }
}

extension VectorStore {
  func write(to w: inout IndexWriter) {
    w.u32(0x0102_0304)  // byte-order mark
    w.i64(dimension)
    w.u32(metric.code)
    w.i64(attributeNames.count)
    for n in attributeNames { w.string(n) }
    for k in attributeKinds { w.u32(k.code) }
    values.withUnsafeBufferPointer { w.array($0) }
    attributes.withUnsafeBufferPointer { w.array($0) }
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
    var kinds = [AttributeKind](repeating: .int, count: na)
    if r.version >= 2 {
      for i in 0..<na {
        let c = try r.u32()
        guard let k = AttributeKind(code: c) else { throw r.fail("attribute '\(names[i])' has unknown kind code \(c)") }
        kinds[i] = k
      }
    }
    var s = VectorStore(dimension: d, metric: metric, attributeNames: names, kinds: kinds)
    s.values = try r.storedArray(Float.self, "vectors")
    guard s.values.count % d == 0 else { throw r.fail("vector data is not a whole number of rows") }
    let n = s.values.count / d
    s.attributes = try r.storedArray(Int32.self, count: n * na, "attributes")
    for (c, k) in kinds.enumerated() where k == .float {
      let bad = s.attributes.withUnsafeBufferPointer { a in
        (0..<n).first { !Float(bitPattern: UInt32(bitPattern: a[$0 * na + c])).isFinite }
      }
      if let i = bad { throw r.fail("float attribute '\(names[c])' of vector \(i) is not finite") }
    }
    let del = try r.array(UInt8.self, count: n, "deletion marks")
    s.deleted = ContiguousArray(del.map { $0 != 0 })
    s.deletedCount = s.deleted.reduce(0) { $0 + ($1 ? 1 : 0) }
    return s
  }
}
