import Foundation
import FrontierOptimization
import FrontierStore
import Testing

@Suite struct StorageURLTests {
  @Test func acceptedForms() throws {
    #expect(try StudyStorageURL("sqlite:///study.db") == .sqlite(path: "study.db"))
    #expect(try StudyStorageURL("sqlite:////tmp/study.db") == .sqlite(path: "/tmp/study.db"))
    #expect(try StudyStorageURL("sqlite:runs/x.sqlite") == .sqlite(path: "runs/x.sqlite"))
    #expect(try StudyStorageURL("studies/a.db") == .sqlite(path: "studies/a.db"))
    #expect(try StudyStorageURL("/abs/b.SQLITE3") == .sqlite(path: "/abs/b.SQLITE3"))
    #expect(try StudyStorageURL("memory:") == .memory)
    let pg = try StudyStorageURL("postgresql://ann:s%40cret@db.example:6543/hpo?sslmode=require")
    #expect(pg == .postgres(PostgresLocation(
      host: "db.example", port: 6543, user: "ann", password: "s@cret", database: "hpo", tls: .require)))
    #expect(pg.description == "postgresql://ann@db.example:6543/hpo")
    #expect(try StudyStorageURL("postgres://bob@127.0.0.1/x") == .postgres(PostgresLocation(user: "bob", database: "x")))
    let socket = try StudyStorageURL("postgresql://bob@/x?host=/var/run/postgresql")
    guard case .postgres(let l) = socket else { Issue.record("not postgres"); return }
    #expect(l.address == "/var/run/postgresql/.s.PGSQL.5432")
  }

  /// Each malformed URL is rejected with what is wrong, and a password never appears.
  @Test(arguments: [
    ("postgresql://ann:pw@host", "no database name after the host"),
    ("postgresql://host/db", "no user name before @"),
    ("postgresql://ann@host/db?mode=fast", "unknown parameter 'mode'"),
    ("postgresql://ann:pw@host/db?sslmode=maybe", "sslmode must be disable, prefer or require"),
    ("postgresql://ann@host:99999/db", "port 99999 is not between 1 and 65535"),
    ("postgresql://ann@ho st/db", "cannot parse it"),
    ("mysql://ann@host/db", "unknown scheme 'mysql'"),
    ("sqlite://study.db", "three or four slashes"),
    ("sqlite:", "no file path"),
    ("study.txt", "expected sqlite:///study.db"),
  ])
  func malformedURLsSayWhatIsWrong(_ url: String, _ expected: String) {
    do {
      _ = try StudyStorageURL(url)
      Issue.record("\(url) was accepted")
    } catch {
      guard case .unavailable(let shown, let reason) = error else { Issue.record("\(error)"); return }
      #expect(reason.contains(expected), "\(reason)")
      #expect(reason.hasPrefix("malformed"))
      #expect(!shown.contains("pw@"), "password shown in \(shown)")
    }
  }

  @Test func anUnreachableServerNamesTheURLAndHowToStartOne() async {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    do {
      _ = try await openStorage("postgresql://frontier:secret@127.0.0.1:1/studies")
      Issue.record("connected to port 1?")
    } catch let error as StudyStorageError {
      guard case .unavailable(let url, let reason) = error else { Issue.record("\(error)"); return }
      #expect(url == "postgresql://frontier@127.0.0.1:1/studies")
      #expect(reason.contains("127.0.0.1:1"))
      #expect(reason.contains("pg_ctlcluster"))
      #expect(!"\(error)".contains("secret"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func aMissingDirectoryOrAFileThatIsNotADatabaseIsUnavailable() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-store-\(UUID().uuidString)")
    do {
      _ = try await openStorage(dir.appendingPathComponent("no/such/dir/s.db").path)
      Issue.record("opened a file in a missing directory")
    } catch let error as StudyStorageError {
      guard case .unavailable(_, let reason) = error else { Issue.record("\(error)"); return }
      #expect(reason.contains("does not exist"))
    }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let junk = dir.appendingPathComponent("junk.db")
    try Data(repeating: 0x41, count: 4096).write(to: junk)
    do {
      _ = try await openStorage(junk.path)
      Issue.record("opened a file that is not a database")
    } catch let error as StudyStorageError {
      guard case .unavailable(let url, let reason) = error else { Issue.record("\(error)"); return }
      #expect(url == junk.path)
      #expect(reason.contains("not a SQLite database") || reason.contains("not a database"), "\(reason)")
    }
  }
}
