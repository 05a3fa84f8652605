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

/// The bytes of a file held for as long as any value refers to them: either a read-only
/// private memory mapping (`mmap`, unmapped in `deinit`) or, when mapping is off or
/// impossible, a heap copy read with `fread` (freed in `deinit`).
///
/// `@unchecked Sendable`: the bytes are never written after `init` (the mapping is
/// `PROT_READ`, the heap copy is filled before `init` returns), `base` and `count` are
/// immutable, and the memory is released only in `deinit`, when no value refers to it. A
/// mapped file must not be truncated in place while mapped (reading a page beyond the new
/// end raises SIGBUS); ``FileIO/write(_:_:)`` replaces files by renaming, which is safe.
internal final class FileBytes: @unchecked Sendable {
  let base: UnsafeRawPointer
  let count: Int
  /// Whether `base` points into a memory mapping (else into a heap copy).
  let isMapped: Bool

  private init(base: UnsafeRawPointer, count: Int, isMapped: Bool) {
    self.base = base
    self.count = count
    self.isMapped = isMapped
  }

  deinit {
    if isMapped {
      munmap(UnsafeMutableRawPointer(mutating: base), count)
    } else {
      base.deallocate()
    }
  }

  var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  /// Maps `path` read-only (`map`) or reads it into memory. Falls back to reading when the
  /// file cannot be mapped (an empty file, a pipe, a file system without mmap).
  ///
  /// - Complexity: mapping is O(1) (pages are read on first touch); reading is O(size).
  static func open(_ path: String, map: Bool) throws(VectorSearchError) -> FileBytes {
    let fd = openReadOnly(path)
    guard fd >= 0 else { throw VectorSearchError(.io, "cannot open for reading: \(FileIO.errnoText())", file: path) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw VectorSearchError(.io, "cannot stat: \(FileIO.errnoText())", file: path) }
    let size = Int(st.st_size)
    if map && size > 0 && (st.st_mode & S_IFMT) == S_IFREG {
      let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
      if let p, p != MAP_FAILED {
        return FileBytes(base: UnsafeRawPointer(p), count: size, isMapped: true)
      }
    }
    let mem = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 64)
    var got = 0
    while got < size {
      let r = read(fd, mem + got, size - got)
      if r < 0 && errno == EINTR { continue }
      guard r > 0 else {
        let e = r < 0 ? FileIO.errnoText() : "unexpected end of file"
        mem.deallocate()
        throw VectorSearchError(.io, "read \(got) of \(size) bytes: \(e)", file: path)
      }
      got += r
    }
    return FileBytes(base: UnsafeRawPointer(mem), count: size, isMapped: false)
  }

  /// Hints the kernel about the coming access pattern of a mapping (no-op for heap copies).
  func advise(_ advice: Int32) {
    guard isMapped else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base), count, advice)
  }
}

/// `open(2)` read-only (a free function: inside ``FileBytes`` the name `open` is the factory).
private func openReadOnly(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
