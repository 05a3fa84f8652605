import Foundation
public import FrontierOptimization
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// Studies in a PostgreSQL database, through postgres-nio: many workers on many machines share
/// one study with no coordinator, as with Optuna's RDB storage.
///
/// Concurrency comes from PostgreSQL itself: a trial number is taken by updating the study's
/// counter row (`UPDATE studies SET next_number = next_number + 1 ... RETURNING`), which
/// stays locked until the transaction commits, so numbers are gap-free and unique; a waiting
/// trial is taken with `SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never take the same
/// one; stale trials are failed by one `UPDATE ... RETURNING`, whose row locks make each fail
/// exactly once. Every method is one transaction, retried on a deadlock or serialization
/// failure.
///
/// ## Lifecycle
/// `init` checks that the server answers, creates or upgrades the schema (under an advisory
/// lock, so workers starting together do not race), and starts the connection pool's
/// background task. ``close()`` stops it; a storage released without `close()` stops it when
/// deallocated. ``withStudyStorage(_:_:)`` does both for you.
public final class PostgresStudyStorage: ClosableStudyStorage {
  /// Where the database is (without the password).
  public let location: PostgresLocation
  private let client: PostgresClient
  private let runTask: Task<Void, Never>
  private let logger: Logger

  /// The advisory lock key held while migrating (any constant unlikely to collide).
  static let migrationLock = 0x4672_6F6E_7469_6572  // "Frontier"

  /// Connects to the database at `url` (`postgresql://user[:password]@host[:port]/database`).
  /// - Throws: ``StudyStorageError/unavailable(url:reason:)`` for a malformed URL, a server
  ///   that does not answer (with how to start one), or one that refuses the connection.
  public convenience init(url: String, maximumConnections: Int = 4) async throws {
    try await self.init(PostgresLocation(parsing: url), maximumConnections: maximumConnections)
  }

  /// Connects to the database at `location`; see ``init(url:maximumConnections:)``.
  /// - Parameter maximumConnections: the pool's size; one worker needs one.
  public convenience init(_ location: PostgresLocation, maximumConnections: Int = 4) async throws {
    try await self.init(location, maximumConnections: maximumConnections, schemaVersion: StoreSchema.currentVersion)
  }

  /// Connects and migrates the schema up to `schemaVersion` only (tests of upgrades).
  init(_ location: PostgresLocation, maximumConnections: Int, schemaVersion: String) async throws {
    self.location = location
    logger = Logger(label: "frontier.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    let tls = try Self.tls(location)
    let timeout = Duration.milliseconds(Int64(location.connectTimeout * 1000))

    // Check that the server answers before starting a pool, which would retry forever.
    var probe: PostgresConnection.Configuration
    if location.socketDirectory != nil {
      probe = .init(unixSocketPath: location.address, username: location.user, password: location.password, database: location.database)
    } else {
      probe = .init(
        host: location.host ?? "127.0.0.1", port: location.port, username: location.user,
        password: location.password, database: location.database, tls: tls.connection)
    }
    probe.options.connectTimeout = .milliseconds(Int64(location.connectTimeout * 1000))
    do {
      let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
      try? await connection.close()
    } catch {
      throw StudyStorageError.unavailable(url: location.description, reason: Self.explain(error, location))
    }

    var config: PostgresClient.Configuration
    if location.socketDirectory != nil {
      config = .init(unixSocketPath: location.address, username: location.user, password: location.password, database: location.database)
    } else {
      config = .init(
        host: location.host ?? "127.0.0.1", port: location.port, username: location.user,
        password: location.password, database: location.database, tls: tls.client)
    }
    config.options.maximumConnections = max(1, maximumConnections)
    config.options.connectTimeout = timeout
    let client = PostgresClient(configuration: config, backgroundLogger: logger)
    self.client = client
    runTask = Task { await client.run() }
    do {
      try await migrate(upTo: schemaVersion)
    } catch {
      runTask.cancel()
      throw error
    }
  }

  deinit { runTask.cancel() }

  /// Stops the connection pool and waits for its connections to close. Calls after this fail.
  public func close() async {
    runTask.cancel()
    await runTask.value
  }

  private static func tls(_ l: PostgresLocation) throws -> (connection: PostgresConnection.Configuration.TLS, client: PostgresClient.Configuration.TLS) {
    switch l.tls {
    case .disable: return (.disable, .disable)
    case .prefer:
      let c = TLSConfiguration.makeClientConfiguration()
      return (.prefer(try NIOSSLContext(configuration: c)), .prefer(c))
    case .require:
      let c = TLSConfiguration.makeClientConfiguration()
      return (.require(try NIOSSLContext(configuration: c)), .require(c))
    }
  }

  /// A reason a user can act on, from a failed connection attempt.
  static func explain(_ error: any Error, _ l: PostgresLocation) -> String {
    let start = l.socketDirectory == nil
      ? "start one with `pg_ctlcluster 15 main start` (Debian's postgresql package), or `initdb -D DIR && pg_ctl -D DIR -o '-p \(l.port)' start`"
      : "start one with `pg_ctl -D DIR -o '-k \(l.socketDirectory!) -p \(l.port)' start`"
    if let e = error as? PSQLError {
      if let message = e.serverInfo?[.message] {
        var reason = "the server at \(l.address) answered: \(message)"
        if e.serverInfo?[.sqlState] == "3D000" {
          let h = l.socketDirectory ?? l.host ?? "127.0.0.1"
          reason += " (create it with `createdb -h \(h) -p \(l.port) -U \(l.user) \(l.database)`)"
        }
        return reason
      }
      let underlying = e.underlying.map { String(describing: $0) } ?? "\(e.code)"
      return "no PostgreSQL server answered at \(l.address) (\(underlying)); is one running there? \(start)"
    }
    return "no PostgreSQL server answered at \(l.address) (\(error)); is one running there? \(start)"
  }

  // MARK: Migrations

  /// Applies the missing schema steps up to `version`, recording them in
  /// `frontier_migrations`, in one transaction under an advisory lock: workers starting
  /// together wait for each other instead of racing.
  private func migrate(upTo version: String) async throws {
    try await transaction { conn in
      _ = try await self.rows(conn, "SELECT pg_advisory_xact_lock(?)", [.int(Self.migrationLock)])
      _ = try await self.rows(
        conn, "CREATE TABLE IF NOT EXISTS frontier_migrations (identifier TEXT PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)", [])
      var applied = Set<String>()
      for row in try await self.rows(conn, "SELECT identifier FROM frontier_migrations", []) {
        applied.insert(try row.decode(String.self))
      }
      for step in StoreSchema.steps {
        if !applied.contains(step.identifier) {
          for sql in step.sql(for: .postgres) { _ = try await self.rows(conn, sql, []) }
          _ = try await self.rows(
            conn, "INSERT INTO frontier_migrations (identifier, applied) VALUES (?, ?)",
            [.text(step.identifier), .real(Date().timeIntervalSince1970)])
        }
        if step.identifier == version { break }
      }
    }
  }

  /// The schema versions applied to the database, oldest first.
  public func appliedVersions() async throws -> [String] {
    try await transaction(readOnly: true) { conn in
      let applied = Set(try await self.rows(conn, "SELECT identifier FROM frontier_migrations", []).map { try $0.decode(String.self) })
      return StoreSchema.versions.filter(applied.contains)
    }
  }

  /// Runs statements outside the storage's API, each in its own implicit transaction (tests
  /// that write old-format rows or create databases).
  func executeRaw(_ statements: [String]) async throws {
    for sql in statements { _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
  }

  // MARK: Transactions

  /// Runs `body` in one transaction on one pooled connection, committing when it returns and
  /// rolling back when it throws; retried (up to 8 times) on a deadlock or serialization
  /// failure. Reads use a repeatable-read snapshot, so their queries agree with each other.
  /// `single` runs a body that is one statement (itself a transaction) without `BEGIN` and
  /// `COMMIT`, saving two round trips.
  private func transaction<R: Sendable>(
    readOnly: Bool = false, single: Bool = false, _ body: @Sendable (PostgresConnection) async throws -> R
  ) async throws -> R {
    var attempt = 0
    while true {
      do {
        return try await client.withConnection { conn in
          if single { return try await body(conn) }
          _ = try await conn.query(
            readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", logger: self.logger)
          do {
            let result = try await body(conn)
            _ = try await conn.query("COMMIT", logger: self.logger)
            return result
          } catch {
            _ = try? await conn.query("ROLLBACK", logger: self.logger)
            throw error
          }
        }
      } catch let error as PSQLError {
        let state = error.serverInfo?[.sqlState]
        attempt += 1
        if (state == "40P01" || state == "40001"), attempt < 8 { continue }
        let message = error.serverInfo?[.message] ?? String(reflecting: error)
        throw StudyStorageError.unavailable(url: location.description, reason: message)
      }
    }
  }

  private func rows(_ conn: PostgresConnection, _ sql: String, _ args: [SQLArg]) async throws -> [PostgresRow] {
    var binds = PostgresBindings(capacity: args.count)
    for a in args {
      switch a {
      case .int(let i): binds.append(i)
      case .real(let x): binds.append(x)
      case .text(let s): binds.append(s)
      }
    }
    return try await conn.query(PostgresQuery(unsafeSQL: SQL.numbered(sql), binds: binds), logger: logger).collect()
  }

  private func one<T: PostgresDecodable>(_ conn: PostgresConnection, _ sql: String, _ args: [SQLArg], as: T.Type) async throws -> T? {
    try await rows(conn, sql, args).first?.decode(T.self)
  }

  private func execute(_ conn: PostgresConnection, _ statements: [(String, [SQLArg])]) async throws {
    for (sql, args) in statements { _ = try await rows(conn, sql, args) }
  }

  // MARK: Studies

  public func createStudy(
    name: String, directions: [StudyDirection], userAttributes: [String: String], loadIfExists: Bool
  ) async throws -> StudyInfo {
    try await transaction { conn in
      func existing() async throws -> StudyInfo? {
        guard let row = try await self.rows(conn, SQL.studyByName, [.text(name)]).first else { return nil }
        guard loadIfExists else { throw StudyStorageError.studyExists(name) }
        let (id, stored) = try row.decode((Int, String).self)
        let dirs = try checkDirections(name: name, stored: stored, requested: directions)
        return StudyInfo(id: id, name: name, directions: dirs, userAttributes: try await self.attributes(conn, id))
      }
      if let info = try await existing() { return info }
      guard let id = try await self.one(
        conn, "INSERT INTO studies (name, directions, created, next_number) VALUES (?, ?, ?, 0) ON CONFLICT (name) DO NOTHING RETURNING id",
        [.text(name), .text(StoreCodec.encode(directions)), .real(Date().timeIntervalSince1970)], as: Int.self)
      else {
        // Created by another worker since our first look.
        guard let info = try await existing() else { throw StudyStorageError.studyExists(name) }
        return info
      }
      for (k, v) in userAttributes.sorted(by: { $0.key < $1.key }) {
        _ = try await self.rows(conn, SQL.upsertStudyAttribute, [.int(id), .text(k), .text(v)])
      }
      return StudyInfo(id: id, name: name, directions: directions, userAttributes: userAttributes)
    }
  }

  private func attributes(_ conn: PostgresConnection, _ id: Int) async throws -> [String: String] {
    var out: [String: String] = [:]
    for row in try await rows(conn, SQL.studyAttributes, [.int(id)]) {
      let (k, v) = try row.decode((String, String).self)
      out[k] = v
    }
    return out
  }

  public func study(named name: String) async throws -> StudyInfo? {
    try await transaction(readOnly: true) { conn in
      guard let row = try await self.rows(conn, SQL.studyByName, [.text(name)]).first else { return nil }
      let (id, dirs) = try row.decode((Int, String).self)
      return StudyInfo(
        id: id, name: name, directions: try StoreCodec.decodeDirections(dirs),
        userAttributes: try await self.attributes(conn, id))
    }
  }

  public func allStudies() async throws -> [StudyInfo] {
    try await transaction(readOnly: true) { conn in
      var attrs: [Int: [String: String]] = [:]
      for row in try await self.rows(conn, SQL.allStudyAttributes, []) {
        let (id, k, v) = try row.decode((Int, String, String).self)
        attrs[id, default: [:]][k] = v
      }
      return try await self.rows(conn, SQL.allStudies, []).map { row in
        let (id, name, dirs) = try row.decode((Int, String, String).self)
        return StudyInfo(id: id, name: name, directions: try StoreCodec.decodeDirections(dirs), userAttributes: attrs[id] ?? [:])
      }
    }
  }

  public func deleteStudy(id: Int) async throws {
    try await transaction { conn in
      guard try await self.one(conn, SQL.deleteStudy, [.int(id)], as: Int.self) != nil else {
        throw StudyStorageError.unknownStudy(id: id)
      }
    }
  }

  public func setStudyAttribute(id: Int, key: String, value: String) async throws {
    try await transaction { conn in
      _ = try await self.studyName(conn, id)
      _ = try await self.rows(conn, SQL.upsertStudyAttribute, [.int(id), .text(key), .text(value)])
    }
  }

  private func studyName(_ conn: PostgresConnection, _ id: Int) async throws -> String {
    guard let name = try await one(conn, SQL.studyName, [.int(id)], as: String.self) else {
      throw StudyStorageError.unknownStudy(id: id)
    }
    return name
  }

  // MARK: Trials

  /// Takes the oldest waiting trial or numbers and inserts a new one, with its parameters and
  /// system attributes, in one statement (so one round trip and one transaction).
  static let startSQL = """
    WITH w AS (
      SELECT id FROM trials WHERE study_id = $1 AND state = 'waiting' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED),
    popped AS (
      UPDATE trials SET state = 'running', started = $2, heartbeat = $2 FROM w WHERE trials.id = w.id
      RETURNING trials.id, trials.number),
    n AS (
      UPDATE studies SET next_number = next_number + 1 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM w)
      RETURNING next_number - 1 AS number),
    t AS (
      INSERT INTO trials (study_id, number, state, started, heartbeat)
      SELECT $1, number, 'running', $2, $2 FROM n RETURNING id, number),
    p AS (
      INSERT INTO trial_params (trial_id, name, value, distribution)
      SELECT t.id, x.name, x.value, x.distribution FROM t, unnest($3::text[], $4::text[], $5::text[]) AS x(name, value, distribution)),
    a AS (
      INSERT INTO trial_attributes (trial_id, system, key, value)
      SELECT t.id, 1, x.key, x.value FROM t, unnest($6::text[], $7::text[]) AS x(key, value))
    SELECT id, number, 1 FROM popped UNION ALL SELECT id, number, 0 FROM t
    """

  public func startTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String], now: Double
  ) async throws -> TrialRecord {
    let params = parameters.sorted { $0.key < $1.key }
    let attrs = systemAttributes.sorted { $0.key < $1.key }
    var binds = PostgresBindings(capacity: 7)
    binds.append(studyID)
    binds.append(now)
    binds.append(params.map(\.key))
    binds.append(params.map { StoreCodec.encode($0.value) })
    binds.append(params.map { StoreCodec.encode(distributions[$0.key] ?? .fixed($0.value)) })
    binds.append(attrs.map(\.key))
    binds.append(attrs.map(\.value))
    let query = PostgresQuery(unsafeSQL: Self.startSQL, binds: binds)
    let started = try await transaction(single: true) { conn -> (Int, Int, Int)? in
      guard let row = try await conn.query(query, logger: self.logger).collect().first else { return nil }
      return try row.decode((Int, Int, Int).self)
    }
    guard let (id, number, popped) = started else { throw StudyStorageError.unknownStudy(id: studyID) }
    if popped == 1 {
      // The trial is ours now (running); read what was enqueued with it.
      return try await transaction(readOnly: true) { conn in try await self.load(conn, SQL.idFilter([id]))[0] }
    }
    return .started(number: number, parameters, distributions, systemAttributes, now: now)
  }

  public func enqueueTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String]
  ) async throws -> Int {
    try await transaction { conn in
      try await self.newTrial(conn, studyID, .waiting, now: nil, parameters, distributions, systemAttributes)
    }
  }

  public func setTrialParameter(
    studyID: Int, number: Int, name: String, value: ParameterValue, distribution: Distribution
  ) async throws {
    try await transaction { conn in
      let id = try await self.runningTrial(conn, studyID, number)
      _ = try await self.rows(
        conn, SQL.upsertParam,
        [.int(id), .text(name), .text(StoreCodec.encode(value)), .text(StoreCodec.encode(distribution))])
    }
  }

  /// Finishes a running trial and records its values in one statement.
  static let finishSQL = """
    WITH f AS (
      UPDATE trials SET state = $1, completed = $2, fail_reason = $3
      WHERE study_id = $4 AND number = $5 AND state = 'running' RETURNING id),
    v AS (
      INSERT INTO trial_values (trial_id, objective, value)
      SELECT f.id, x.o - 1, x.v FROM f, unnest($6::float8[]) WITH ORDINALITY AS x(v, o))
    SELECT id FROM f
    """

  public func finishTrial(studyID: Int, number: Int, outcome: TrialOutcome, now: Double) async throws {
    let (state, reason, values) = outcome.stored
    var binds = PostgresBindings(capacity: 6)
    binds.append(state.rawValue)
    binds.append(now)
    binds.append(reason)
    binds.append(studyID)
    binds.append(number)
    binds.append(values)
    let query = PostgresQuery(unsafeSQL: Self.finishSQL, binds: binds)
    let finished = try await transaction(single: true) { conn in
      try await !conn.query(query, logger: self.logger).collect().isEmpty
    }
    if !finished {
      throw try await transaction(readOnly: true) { conn in try await self.notRunning(conn, studyID, number) }
    }
  }

  public func reportIntermediate(studyID: Int, number: Int, step: Int, value: Double) async throws {
    try await transaction { conn in
      let id = try await self.runningTrial(conn, studyID, number)
      _ = try await self.rows(conn, SQL.upsertIntermediate, [.int(id), .int(step), .real(value.isNaN ? nil : value)])
    }
  }

  public func setTrialAttribute(studyID: Int, number: Int, key: String, value: String, system: Bool) async throws {
    try await transaction { conn in
      guard let id = try await self.one(conn, SQL.trialState, [.int(studyID), .int(number)], as: Int.self) else {
        throw try await self.notRunning(conn, studyID, number)
      }
      _ = try await self.rows(conn, SQL.upsertTrialAttribute, [.int(id), .int(system ? 1 : 0), .text(key), .text(value)])
    }
  }

  public func heartbeat(studyID: Int, number: Int, now: Double) async throws {
    try await transaction(single: true) { conn in
      guard try await self.one(conn, SQL.beat, [.real(now), .int(studyID), .int(number)], as: Int.self) != nil else {
        throw try await self.notRunning(conn, studyID, number)
      }
    }
  }

  public func failStaleTrials(studyID: Int, staleAfter: Double, now: Double) async throws -> [TrialRecord] {
    try await transaction { conn in
      _ = try await self.studyName(conn, studyID)
      let ids = try await self.rows(
        conn, SQL.failStale,
        [.real(now), .text(staleHeartbeatReason), .int(studyID), .real(now - staleAfter)]
      ).map { try $0.decode(Int.self) }
      return ids.isEmpty ? [] : try await self.load(conn, SQL.idFilter(ids))
    }
  }

  public func trials(studyID: Int, states: Set<TrialState>?) async throws -> [TrialRecord] {
    try await transaction(readOnly: true) { conn in
      _ = try await self.studyName(conn, studyID)
      return try await self.load(conn, SQL.studyFilter(studyID: studyID, states: states))
    }
  }

  // MARK: Helpers

  /// Numbers and inserts a new trial with its parameters and system attributes.
  private func newTrial(
    _ conn: PostgresConnection, _ studyID: Int, _ state: TrialState, now: Double?, _ parameters: Parameters,
    _ distributions: [String: Distribution], _ systemAttributes: [String: String]
  ) async throws -> Int {
    guard let number = try await one(conn, SQL.takeNumber, [.int(studyID)], as: Int.self) else {
      throw StudyStorageError.unknownStudy(id: studyID)
    }
    let id = try await one(
      conn, SQL.insertTrial, [.int(studyID), .int(number), .text(state.rawValue), .real(now), .real(now)], as: Int.self)!
    try await execute(conn, SQL.trialDetails(
      trialID: id, parameters: parameters, distributions: distributions, systemAttributes: systemAttributes))
    return number
  }

  private func runningTrial(_ conn: PostgresConnection, _ studyID: Int, _ number: Int) async throws -> Int {
    guard let id = try await one(conn, SQL.runningTrial, [.int(studyID), .int(number)], as: Int.self) else {
      throw try await notRunning(conn, studyID, number)
    }
    return id
  }

  private func notRunning(_ conn: PostgresConnection, _ studyID: Int, _ number: Int) async throws -> StudyStorageError {
    let name = try await studyName(conn, studyID)
    var state: String?
    if let row = try await rows(conn, SQL.trialState, [.int(studyID), .int(number)]).first {
      let (_, s) = try row.decode((Int, String).self)
      state = s
    }
    return .notRunning(study: name, number: number, state: state)
  }

  private func load(_ conn: PostgresConnection, _ filter: (String, [SQLArg])) async throws -> [TrialRecord] {
    let q = SQL.load(filter: filter.0)
    let args = filter.1
    var a = TrialAssembler()
    for r in try await rows(conn, q[0], args) {
      let (id, number, state, started, completed, beat, reason) =
        try r.decode((Int, Int, String, Double?, Double?, Double?, String?).self)
      try a.trial(id: id, number: number, state: state, started: started, completed: completed, heartbeat: beat, failReason: reason)
    }
    for r in try await rows(conn, q[1], args) {
      let (id, name, value, dist) = try r.decode((Int, String, String, String).self)
      try a.parameter(trialID: id, name: name, value: value, distribution: dist)
    }
    for r in try await rows(conn, q[2], args) {
      let (id, objective, value) = try r.decode((Int, Int, Double?).self)
      a.value(trialID: id, objective: objective, value: value)
    }
    for r in try await rows(conn, q[3], args) {
      let (id, step, value) = try r.decode((Int, Int, Double?).self)
      a.intermediate(trialID: id, step: step, value: value)
    }
    for r in try await rows(conn, q[4], args) {
      let (id, system, key, value) = try r.decode((Int, Int, String, String).self)
      a.attribute(trialID: id, system: system != 0, key: key, value: value)
    }
    return a.records
  }
}
