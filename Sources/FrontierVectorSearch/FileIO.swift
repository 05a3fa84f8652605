#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes through the C library (no Foundation).
internal enum FileIO {
  static func errnoText() -> String { String(cString: strerror(errno)) }

  /// The bytes of `path`.
  static func read(_ path: String) throws(VectorSearchError) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
      throw VectorSearchError(.io, "cannot open for reading: \(errnoText())", file: path)
    }
    defer { fclose(f) }
    var st = stat()
    guard fstat(fileno(f), &st) == 0 else {
      throw VectorSearchError(.io, "cannot stat: \(errnoText())", file: path)
    }
    let size = Int(st.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    let got = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, f) }
    guard got == size else {
      throw VectorSearchError(.io, "read \(got) of \(size) bytes: \(errnoText())", file: path)
    }
    return bytes
  }

  /// Writes `chunks` to `path` through a temporary file renamed into place, so a crash never
  /// leaves a half-written index under the final name.
  static func write(_ path: String, _ chunks: [[UInt8]]) throws(VectorSearchError) {
    let tmp = path + ".tmp-\(getpid())"
    guard let f = fopen(tmp, "wb") else {
      throw VectorSearchError(.io, "cannot open for writing: \(errnoText())", file: path)
    }
    for c in chunks where c.count > 0 {
      if c.withUnsafeBytes({ fwrite($0.baseAddress, 1, c.count, f) }) != c.count {
        let e = errnoText()
        fclose(f)
        unlink(tmp)
        throw VectorSearchError(.io, "write failed: \(e)", file: path)
      }
    }
    if fclose(f) != 0 {
      unlink(tmp)
      throw VectorSearchError(.io, "close failed: \(errnoText())", file: path)
    }
    if rename(tmp, path) != 0 {
      let e = errnoText()
      unlink(tmp)
      throw VectorSearchError(.io, "cannot rename into place: \(e)", file: path)
    }
  }
}
