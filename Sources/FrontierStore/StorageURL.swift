import Foundation
public import FrontierOptimization

/// Where a study database is, parsed from the text a user gives (`--storage URL`).
///
/// Accepted forms:
/// - `sqlite:///study.db` (SQLAlchemy's and so Optuna's convention: three slashes and a
///   relative path, four for an absolute one, `sqlite:////tmp/study.db`), `sqlite:path`, or
///   a bare path ending in `.db`, `.sqlite` or `.sqlite3`;
/// - `postgresql://user[:password]@host[:port]/database` (also `postgres://`), with optional
///   `?sslmode=disable|prefer|require` and `?host=/socket/dir` (then the host part may be
///   empty: `postgresql://user@/db?host=/var/run/postgresql`);
/// - `memory:`: a throwaway in-process study.
public enum StudyStorageURL: Sendable, Hashable, CustomStringConvertible {
  case memory
  case sqlite(path: String)
  case postgres(PostgresLocation)

  /// Parses `text`.
  /// - Throws: ``StudyStorageError/unavailable(url:reason:)`` naming the text and what is wrong
  ///   with it.
  public init(_ text: String) throws(StudyStorageError) {
    func malformed(_ reason: String) -> StudyStorageError { .unavailable(url: text, reason: "malformed storage URL: \(reason)") }
    let t = text.trimmingCharacters(in: .whitespaces)
    if t == "memory:" || t == "memory" || t == ":memory:" {
      self = .memory
    } else if t.hasPrefix("sqlite:") {
      var rest = t.dropFirst("sqlite:".count)
      if rest.hasPrefix("//") {
        guard rest.hasPrefix("///") else {
          throw malformed("expected sqlite:///relative/path.db or sqlite:////absolute/path.db (three or four slashes)")
        }
        rest = rest.dropFirst(3)
      }
      guard !rest.isEmpty else { throw malformed("no file path after sqlite:") }
      self = .sqlite(path: String(rest))
    } else if t.hasPrefix("postgresql://") || t.hasPrefix("postgres://") {
      self = .postgres(try PostgresLocation(parsing: t))
    } else if t.contains("://") {
      let scheme = t.prefix { $0 != ":" }
      throw malformed("unknown scheme '\(scheme)'; expected sqlite, postgresql or memory")
    } else if [".db", ".sqlite", ".sqlite3"].contains(where: { t.lowercased().hasSuffix($0) }) {
      self = .sqlite(path: t)
    } else {
      throw malformed(
        "expected sqlite:///study.db, a path ending in .db, postgresql://user@host/database or memory:")
    }
  }

  /// The URL again, without a password.
  public var description: String {
    switch self {
    case .memory: return "memory:"
    case .sqlite(let path): return "sqlite:///\(path)"
    case .postgres(let p): return p.description
    }
  }
}

/// A PostgreSQL server and database, parsed from a `postgresql://` URL.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
  /// How to use TLS (libpq's `sslmode`).
  public enum TLSMode: String, Sendable, Hashable {
    case disable, prefer, require
  }
  /// Host name or address; `nil` when connecting through a Unix socket.
  public var host: String?
  /// Directory holding the server's Unix socket (`?host=/dir`), when not over TCP.
  public var socketDirectory: String?
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  public var tls: TLSMode
  /// Seconds to wait for the server to answer a connection.
  public var connectTimeout: Double

  /// A location given field by field.
  public init(
    host: String? = "127.0.0.1", socketDirectory: String? = nil, port: Int = 5432, user: String,
    password: String? = nil, database: String, tls: TLSMode = .disable, connectTimeout: Double = 5
  ) {
    self.host = host
    self.socketDirectory = socketDirectory
    self.port = port
    self.user = user
    self.password = password
    self.database = database
    self.tls = tls
    self.connectTimeout = connectTimeout
  }

  /// Parses `postgresql://user[:password]@host[:port]/database[?sslmode=...&host=...]`.
  /// - Throws: ``StudyStorageError/unavailable(url:reason:)`` naming what is wrong.
  public init(parsing text: String) throws(StudyStorageError) {
    let redacted = Self.redact(text)
    func malformed(_ reason: String) -> StudyStorageError {
      .unavailable(url: redacted, reason: "malformed PostgreSQL URL: \(reason); expected postgresql://user[:password]@host[:port]/database")
    }
    guard let c = URLComponents(string: text) else { throw malformed("cannot parse it (a bad port or a character that needs %-escaping?)") }
    guard c.scheme == "postgresql" || c.scheme == "postgres" else { throw malformed("the scheme must be postgresql") }
    var socketDirectory: String?
    var tls = TLSMode.disable
    var timeout = 5.0
    for item in c.queryItems ?? [] {
      switch item.name {
      case "sslmode":
        switch item.value ?? "" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default: throw malformed("sslmode must be disable, prefer or require, not '\(item.value ?? "")'")
        }
      case "host":
        guard let v = item.value, v.hasPrefix("/") else { throw malformed("?host= must be a socket directory starting with /") }
        socketDirectory = v
      case "connect_timeout":
        guard let v = item.value.flatMap(Double.init), v > 0 else { throw malformed("connect_timeout must be a positive number of seconds") }
        timeout = v
      default:
        throw malformed("unknown parameter '\(item.name)' (known: sslmode, host, connect_timeout)")
      }
    }
    if let port = c.port, !(1...65535).contains(port) { throw malformed("port \(port) is not between 1 and 65535") }
    let host = c.host.flatMap { $0.isEmpty ? nil : $0 }
    if host == nil && socketDirectory == nil { throw malformed("no host") }
    guard let user = c.user, !user.isEmpty else { throw malformed("no user name before @") }
    let database = String(c.path.drop { $0 == "/" })
    guard !database.isEmpty, !database.contains("/") else { throw malformed("no database name after the host") }
    self.init(
      host: socketDirectory == nil ? host : nil, socketDirectory: socketDirectory, port: c.port ?? 5432,
      user: user, password: c.password, database: database, tls: tls, connectTimeout: timeout)
  }

  /// The server's address as a user would write it: `host:port` or the socket path.
  public var address: String {
    if let socketDirectory { return "\(socketDirectory)/.s.PGSQL.\(port)" }
    let h = host ?? "127.0.0.1"
    return h.contains(":") ? "[\(h)]:\(port)" : "\(h):\(port)"
  }

  /// The URL without the password.
  public var description: String {
    let h = socketDirectory == nil ? (host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "") + ":\(port)" : ""
    let q = socketDirectory.map { "?host=\($0)" } ?? ""
    return "postgresql://\(user)@\(h)/\(database)\(q)"
  }

  /// `text` with any password replaced by `***`, for error messages.
  static func redact(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
      at.lowerBound > schemeEnd.upperBound
    else { return text }
    let userinfo = text[schemeEnd.upperBound..<at.lowerBound]
    guard let colon = userinfo.firstIndex(of: ":") else { return text }
    return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
  }
}

/// A storage that holds resources (connections, a background task) until closed.
public protocol ClosableStudyStorage: StudyStorage {
  /// Releases the storage's connections. Calls after `close()` fail.
  func close() async
}

/// Opens the study storage named by `url` (see ``StudyStorageURL``): a SQLite file (created
/// on first use, schema upgraded), a PostgreSQL database (schema created or upgraded; the
/// server must be running), or a throwaway in-memory database.
///
/// A PostgreSQL storage keeps a connection pool and its background task until it is closed
/// (``ClosableStudyStorage/close()``) or released; prefer ``withStudyStorage(_:_:)``, which
/// closes it for you.
///
/// - Throws: ``StudyStorageError/unavailable(url:reason:)`` naming the URL and what is wrong:
///   a malformed URL, a server that does not answer (and how to start one), a missing
///   directory, a file that is not a database.
public func openStorage(_ url: String) async throws -> any ClosableStudyStorage {
  switch try StudyStorageURL(url) {
  case .memory: return try SQLiteStudyStorage()
  case .sqlite(let path): return try SQLiteStudyStorage(path: path)
  case .postgres(let location): return try await PostgresStudyStorage(location)
  }
}

/// Opens the storage named by `url`, runs `body` with it, and closes it, also when `body`
/// throws.
public func withStudyStorage<R: Sendable>(
  _ url: String, _ body: (any ClosableStudyStorage) async throws -> R
) async throws -> R {
  let storage = try await openStorage(url)
  do {
    let r = try await body(storage)
    await storage.close()
    return r
  } catch {
    await storage.close()
    throw error
  }
}
