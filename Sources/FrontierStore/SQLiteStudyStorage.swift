import Foundation
public import FrontierOptimization
import GRDB

/// Studies in a SQLite file, through GRDB: the default storage, created on first use.
///
/// Several worker *processes* may share one file: the database is in WAL mode (readers never
/// block the writer), every write is one `BEGIN IMMEDIATE` transaction (the write lock is
/// taken up front, so a transaction never fails half-way on a lock upgrade), and a worker that
/// finds the file locked waits up to ``busyTimeout`` seconds. Trial numbers come from a
/// per-study counter bumped inside that transaction, so they are gap-free and unique across
/// processes. Use PostgreSQL (``PostgresStudyStorage``) for workers on several machines: SQLite
/// over a network file system is not safe.
///
/// The schema is created and upgraded with GRDB's `DatabaseMigrator` (see ``StoreSchema``).
public final class SQLiteStudyStorage: ClosableStudyStorage {
  /// How much a commit waits for the disk.
  public enum Durability: Sendable {
    /// `synchronous = NORMAL`: a commit survives the crash of any process; the last commits
    /// may be lost if the machine loses power (never corrupting the file). The default.
    case normal
    /// `synchronous = FULL`: a commit also survives a power loss (one more `fsync` per commit).
    case full
  }

  /// The file, or `":memory:"`.
  public let path: String
  /// How long (seconds) a write waits for another process's write lock before failing.
  public let busyTimeout: Double
  private let writer: any DatabaseWriter

  /// Opens (creating if needed) the study database at `path`, upgrading its schema.
  ///
  /// - Parameters:
  ///   - path: the file; its directory must exist.
  ///   - busyTimeout: seconds a write waits for other processes' writes.
  ///   - durability: see ``Durability``.
  /// - Throws: ``StudyStorageError/unavailable(url:reason:)`` naming the path when the file
  ///   cannot be opened, is not a SQLite database, or cannot be migrated.
  public convenience init(path: String, busyTimeout: Double = 60, durability: Durability = .normal) throws {
    try self.init(path: path, busyTimeout: busyTimeout, durability: durability, schemaVersion: StoreSchema.currentVersion)
  }

  /// Opens `path` and migrates its schema up to `schemaVersion` only (tests of upgrades).
  init(path: String, busyTimeout: Double, durability: Durability, schemaVersion: String) throws {
    self.path = path
    self.busyTimeout = busyTimeout
    var config = Configuration()
    config.busyMode = .timeout(busyTimeout)
    config.foreignKeysEnabled = true
    let sync = durability == .full ? "FULL" : "NORMAL"
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(sync)") }
    let dir = (path as NSString).deletingLastPathComponent
    if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
      throw StudyStorageError.unavailable(
        url: path, reason: "the directory '\(dir)' does not exist; create it or choose another path")
    }
    do {
      let pool = try DatabasePool(path: path, configuration: config)
      try Self.migrate(pool, upTo: schemaVersion)
      writer = pool
    } catch let error as StudyStorageError {
      throw error
    } catch {
      throw StudyStorageError.unavailable(url: path, reason: Self.describe(error))
    }
  }

  /// A study database in memory, private to this instance (tests, throwaway studies). It has
  /// the same schema and semantics as a file, but nothing is kept.
  public init() throws {
    path = ":memory:"
    busyTimeout = 0
    var config = Configuration()
    config.foreignKeysEnabled = true
    do {
      let queue = try DatabaseQueue(configuration: config)
      try Self.migrate(queue)
      writer = queue
    } catch {
      throw StudyStorageError.unavailable(url: "memory:", reason: Self.describe(error))
    }
  }

  /// The migrator of the study schema, up to `version` (the current one by default).
  static func migrator() -> DatabaseMigrator {
    var m = DatabaseMigrator()
    for step in StoreSchema.steps {
      let sql = step.sql(for: .sqlite)
      m.registerMigration(step.identifier) { db in
        for s in sql { try db.execute(sql: s) }
      }
    }
    return m
  }

  /// Applies the missing steps. Two processes opening a new file at once may both find a step
  /// missing; the second one's transaction then fails (the tables exist), and a second pass
  /// sees the step applied.
  static func migrate(_ writer: any DatabaseWriter, upTo version: String = StoreSchema.currentVersion) throws {
    let m = migrator()
    var attempt = 0
    while true {
      do {
        try m.migrate(writer, upTo: version)
        return
      } catch {
        attempt += 1
        if attempt >= 5 { throw error }
        Thread.sleep(forTimeInterval: 0.01 * Double(attempt))
      }
    }
  }

  /// Closes the database connections; later calls fail.
  public func close() async {
    try? writer.close()
  }

  /// The schema versions applied to the database, oldest first.
  public func appliedVersions() async throws -> [String] {
    try await run { db in try Self.migrator().appliedMigrations(db) }
  }

  /// Runs statements outside the storage's API (tests that write old-format rows).
  func executeRaw(_ statements: [String]) async throws {
    try await writer.writeWithoutTransaction { db in
      for s in statements { try db.execute(sql: s) }
    }
  }

  // MARK: Transactions

  /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`) or one read snapshot, turning
  /// SQLite errors into ``StudyStorageError/unavailable(url:reason:)``.
  private func access<T: Sendable>(write: Bool, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
    do {
      return write ? try await writer.write(body) : try await writer.read(body)
    } catch let error as StudyStorageError {
      throw error
    } catch let error as StoreCodecError {
      throw error
    } catch {
      throw StudyStorageError.unavailable(url: path, reason: Self.describe(error))
    }
  }

  private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
    try await access(write: true, body)
  }

  private func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
    try await access(write: false, body)
  }

  private static func describe(_ error: any Error) -> String {
    if let e = error as? DatabaseError {
      if e.resultCode == .SQLITE_BUSY {
        return "the database stayed locked by another process: \(e.message ?? "busy")"
      }
      if e.resultCode == .SQLITE_NOTADB { return "the file is not a SQLite database" }
      return e.message ?? "\(e)"
    }
    return "\(error)"
  }

  // MARK: Studies

  public func createStudy(
    name: String, directions: [StudyDirection], userAttributes: [String: String], loadIfExists: Bool
  ) async throws -> StudyInfo {
    try await write { db in
      if let row = try Row.fetchOne(db, sql: SQL.studyByName, arguments: [name]) {
        guard loadIfExists else { throw StudyStorageError.studyExists(name) }
        let id: Int = row[0]
        let dirs = try checkDirections(name: name, stored: row[1], requested: directions)
        return StudyInfo(id: id, name: name, directions: dirs, userAttributes: try Self.attributes(db, id))
      }
      try db.execute(
        sql: "INSERT INTO studies (name, directions, created, next_number) VALUES (?, ?, ?, 0)",
        arguments: [name, StoreCodec.encode(directions), Date().timeIntervalSince1970])
      let id = Int(db.lastInsertedRowID)
      for (k, v) in userAttributes { try db.execute(sql: SQL.upsertStudyAttribute, arguments: [id, k, v]) }
      return StudyInfo(id: id, name: name, directions: directions, userAttributes: userAttributes)
    }
  }

  private static func attributes(_ db: Database, _ id: Int) throws -> [String: String] {
    var out: [String: String] = [:]
    for row in try Row.fetchAll(db, sql: SQL.studyAttributes, arguments: [id]) { out[row[0]] = row[1] as String }
    return out
  }

  public func study(named name: String) async throws -> StudyInfo? {
    try await run { db in
      guard let row = try Row.fetchOne(db, sql: SQL.studyByName, arguments: [name]) else { return nil }
      let id: Int = row[0]
      return StudyInfo(
        id: id, name: name, directions: try StoreCodec.decodeDirections(row[1]),
        userAttributes: try Self.attributes(db, id))
    }
  }

  public func allStudies() async throws -> [StudyInfo] {
    try await run { db in
      var attrs: [Int: [String: String]] = [:]
      for row in try Row.fetchAll(db, sql: SQL.allStudyAttributes) { attrs[row[0], default: [:]][row[1]] = row[2] as String }
      return try Row.fetchAll(db, sql: SQL.allStudies).map { row in
        let id: Int = row[0]
        return StudyInfo(
          id: id, name: row[1], directions: try StoreCodec.decodeDirections(row[2]), userAttributes: attrs[id] ?? [:])
      }
    }
  }

  public func deleteStudy(id: Int) async throws {
    try await write { db in
      guard try Int.fetchOne(db, sql: SQL.deleteStudy, arguments: [id]) != nil else {
        throw StudyStorageError.unknownStudy(id: id)
      }
    }
  }

  public func setStudyAttribute(id: Int, key: String, value: String) async throws {
    try await write { db in
      _ = try Self.studyName(db, id)
      try db.execute(sql: SQL.upsertStudyAttribute, arguments: [id, key, value])
    }
  }

  private static func studyName(_ db: Database, _ id: Int) throws -> String {
    guard let name = try String.fetchOne(db, cachedSQL: SQL.studyName, [id]) else {
      throw StudyStorageError.unknownStudy(id: id)
    }
    return name
  }

  // MARK: Trials

  public func startTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String], now: Double
  ) async throws -> TrialRecord {
    try await write { db in
      if let row = try Row.fetchOne(db.cachedStatement(sql: SQL.oldestWaiting), arguments: [studyID]) {
        let id: Int = row[0]
        try db.cachedStatement(sql: SQL.startWaiting).execute(arguments: [now, now, id])
        return try Self.load(db, SQL.idFilter([id]))[0]
      }
      let number = try Self.newTrial(db, studyID, .running, now: now, parameters, distributions, systemAttributes)
      return .started(number: number, parameters, distributions, systemAttributes, now: now)
    }
  }

  public func enqueueTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String]
  ) async throws -> Int {
    try await write { db in
      try Self.newTrial(db, studyID, .waiting, now: nil, parameters, distributions, systemAttributes)
    }
  }

  public func setTrialParameter(
    studyID: Int, number: Int, name: String, value: ParameterValue, distribution: Distribution
  ) async throws {
    try await write { db in
      let id = try Self.runningTrial(db, studyID, number)
      try db.cachedStatement(sql: SQL.upsertParam).execute(
        arguments: [id, name, StoreCodec.encode(value), StoreCodec.encode(distribution)])
    }
  }

  public func finishTrial(studyID: Int, number: Int, outcome: TrialOutcome, now: Double) async throws {
    try await write { db in
      let (state, reason, values) = outcome.stored
      guard let id = try Int.fetchOne(
        db, cachedSQL: SQL.finish, [state.rawValue, now, reason, studyID, number])
      else { throw try Self.notRunning(db, studyID, number) }
      if let insert = SQL.values(trialID: id, values) { try Self.execute(db, [insert]) }
    }
  }

  public func reportIntermediate(studyID: Int, number: Int, step: Int, value: Double) async throws {
    try await write { db in
      let id = try Self.runningTrial(db, studyID, number)
      try db.cachedStatement(sql: SQL.upsertIntermediate).execute(arguments: [id, step, value.isNaN ? nil : value])
    }
  }

  public func setTrialAttribute(studyID: Int, number: Int, key: String, value: String, system: Bool) async throws {
    try await write { db in
      guard let row = try Row.fetchOne(db.cachedStatement(sql: SQL.trialState), arguments: [studyID, number]) else {
        throw try Self.notRunning(db, studyID, number)
      }
      let id: Int = row[0]
      try db.cachedStatement(sql: SQL.upsertTrialAttribute).execute(arguments: [id, system ? 1 : 0, key, value])
    }
  }

  public func heartbeat(studyID: Int, number: Int, now: Double) async throws {
    try await write { db in
      guard try Int.fetchOne(db, cachedSQL: SQL.beat, [now, studyID, number]) != nil else {
        throw try Self.notRunning(db, studyID, number)
      }
    }
  }

  public func failStaleTrials(studyID: Int, staleAfter: Double, now: Double) async throws -> [TrialRecord] {
    try await write { db in
      _ = try Self.studyName(db, studyID)
      let ids = try Int.fetchAll(
        db.cachedStatement(sql: SQL.failStale),
        arguments: [now, staleHeartbeatReason, studyID, now - staleAfter])
      return ids.isEmpty ? [] : try Self.load(db, SQL.idFilter(ids))
    }
  }

  public func trials(studyID: Int, states: Set<TrialState>?) async throws -> [TrialRecord] {
    try await run { db in
      _ = try Self.studyName(db, studyID)
      return try Self.load(db, SQL.studyFilter(studyID: studyID, states: states))
    }
  }

  // MARK: Helpers

  /// Numbers and inserts a new trial with its parameters and system attributes.
  private static func newTrial(
    _ db: Database, _ studyID: Int, _ state: TrialState, now: Double?, _ parameters: Parameters,
    _ distributions: [String: Distribution], _ systemAttributes: [String: String]
  ) throws -> Int {
    guard let number = try Int.fetchOne(db, cachedSQL: SQL.takeNumber, [studyID]) else {
      throw StudyStorageError.unknownStudy(id: studyID)
    }
    let id = try Int.fetchOne(db, cachedSQL: SQL.insertTrial, [studyID, number, state.rawValue, now, now])!
    try execute(db, SQL.trialDetails(
      trialID: id, parameters: parameters, distributions: distributions, systemAttributes: systemAttributes))
    return number
  }

  private static func runningTrial(_ db: Database, _ studyID: Int, _ number: Int) throws -> Int {
    guard let id = try Int.fetchOne(db, cachedSQL: SQL.runningTrial, [studyID, number]) else {
      throw try notRunning(db, studyID, number)
    }
    return id
  }

  private static func notRunning(_ db: Database, _ studyID: Int, _ number: Int) throws -> StudyStorageError {
    let name = try studyName(db, studyID)
    let row = try Row.fetchOne(db.cachedStatement(sql: SQL.trialState), arguments: [studyID, number])
    return .notRunning(study: name, number: number, state: row?[1])
  }

  private static func execute(_ db: Database, _ statements: [(String, [SQLArg])]) throws {
    for (sql, args) in statements {
      try db.execute(sql: sql, arguments: StatementArguments(args.map(\.databaseValue)))
    }
  }

  private static func load(_ db: Database, _ filter: (String, [SQLArg])) throws -> [TrialRecord] {
    let q = SQL.load(filter: filter.0)
    let args = StatementArguments(filter.1.map(\.databaseValue))
    var a = TrialAssembler()
    for r in try Row.fetchAll(db, sql: q[0], arguments: args) {
      try a.trial(id: r[0], number: r[1], state: r[2], started: r[3], completed: r[4], heartbeat: r[5], failReason: r[6])
    }
    for r in try Row.fetchAll(db, sql: q[1], arguments: args) {
      try a.parameter(trialID: r[0], name: r[1], value: r[2], distribution: r[3])
    }
    for r in try Row.fetchAll(db, sql: q[2], arguments: args) { a.value(trialID: r[0], objective: r[1], value: r[2]) }
    for r in try Row.fetchAll(db, sql: q[3], arguments: args) { a.intermediate(trialID: r[0], step: r[1], value: r[2]) }
    for r in try Row.fetchAll(db, sql: q[4], arguments: args) {
      a.attribute(trialID: r[0], system: (r[1] as Int) != 0, key: r[2], value: r[3])
    }
    return a.records
  }
}

extension SQLArg {
  fileprivate var databaseValue: DatabaseValue {
    switch self {
    case .int(let i): return i.databaseValue
    case .real(let x): return x.databaseValue
    case .text(let s): return s.databaseValue
    }
  }
}

extension DatabaseValueConvertible where Self: StatementColumnConvertible {
  /// One value from a cached statement (hot paths: numbering, finishing, heartbeats).
  fileprivate static func fetchOne(_ db: Database, cachedSQL sql: String, _ args: [(any DatabaseValueConvertible)?]) throws -> Self? {
    try fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(args))
  }
}
