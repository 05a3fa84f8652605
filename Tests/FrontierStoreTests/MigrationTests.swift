import Foundation
import FrontierOptimization
@testable import FrontierStore
import Testing

/// Rows as Frontier wrote them with schema v1 (no trial counter): a complete trial and a
/// waiting one.
let v1Rows = [
  "INSERT INTO studies (id, name, directions, created) VALUES (1, 'old', 'minimize', 0)",
  "INSERT INTO study_attributes (study_id, key, value) VALUES (1, 'sampler', 'tpe')",
  """
  INSERT INTO trials (id, study_id, number, state, started, completed, heartbeat)
  VALUES (1, 1, 0, 'complete', 1, 2, 1), (2, 1, 1, 'waiting', NULL, NULL, NULL)
  """,
  #"INSERT INTO trial_params (trial_id, name, value, distribution) VALUES (1, 'x', 'f:0.5', '{"high":1.0,"log":false,"low":0.0,"type":"float"}')"#,
  #"INSERT INTO trial_params (trial_id, name, value, distribution) VALUES (2, 'x', 'f:0.75', '{"high":1.0,"log":false,"low":0.0,"type":"float"}')"#,
  "INSERT INTO trial_values (trial_id, objective, value) VALUES (1, 0, 0.25)",
]

/// What a newer Frontier must see in, and do with, the v1 study.
func checkUpgraded(_ storage: any StudyStorage) async throws {
  let study = try #require(try await storage.study(named: "old"))
  #expect(study.directions == [.minimize] && study.userAttributes == ["sampler": "tpe"])
  let trials = try await storage.trials(studyID: study.id, states: nil)
  #expect(trials.map(\.state) == [.complete, .waiting])
  #expect(trials[0].parameters == ["x": .float(0.5)] && trials[0].values == [0.25])
  #expect(trials[0].distributions == ["x": .float(low: 0, high: 1)])
  let resumed = try await storage.startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 3)
  #expect(resumed.number == 1 && resumed.parameters == ["x": .float(0.75)])
  let next = try await storage.startTrial(studyID: study.id, parameters: ["x": .float(0.1)], distributions: [:], systemAttributes: [:], now: 3)
  #expect(next.number == 2, "the counter starts after the trials written by v1")
}

@Suite struct MigrationTests {
  @Test func versionsAreOrderedAndCurrentIsLast() {
    #expect(StoreSchema.versions == ["v1", "v2"])
    #expect(StoreSchema.currentVersion == "v2")
  }

  @Test func aSQLiteStudyWrittenWithSchemaV1OpensInTheCurrentVersion() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-mig-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("old.db").path
    let old = try SQLiteStudyStorage(path: path, busyTimeout: 5, durability: .normal, schemaVersion: "v1")
    #expect(try await old.appliedVersions() == ["v1"])
    try await old.executeRaw(v1Rows)
    await old.close()

    let current = try SQLiteStudyStorage(path: path)
    #expect(try await current.appliedVersions() == ["v1", "v2"])
    try await checkUpgraded(current)
    await current.close()
    // Opening again applies nothing more.
    let again = try SQLiteStudyStorage(path: path)
    #expect(try await again.appliedVersions() == ["v1", "v2"])
  }

  @Test func workersOpeningANewSQLiteFileTogetherAllSucceed() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-race-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("new.db").path
    let versions = try await withThrowingTaskGroup(of: [String].self) { g in
      for _ in 0..<6 {
        g.addTask {
          let s = try SQLiteStudyStorage(path: path)
          let v = try await s.appliedVersions()
          await s.close()
          return v
        }
      }
      return try await g.reduce(into: [[String]]()) { $0.append($1) }
    }
    #expect(versions.allSatisfy { $0 == StoreSchema.versions })
  }

  @Test(.enabled(
    if: Backend.postgresURL != nil,
    "FRONTIER_TEST_POSTGRES_URL is not set (.ci/run starts a throwaway PostgreSQL server and sets it)"))
  func aPostgresStudyWrittenWithSchemaV1OpensInTheCurrentVersion() async throws {
    // A fresh database, so that the schema starts at v1.
    let base = try PostgresLocation(parsing: try #require(Backend.postgresURL))
    let admin = try await PostgresStudyStorage(base, maximumConnections: 1)
    let name = "frontier_mig_\(UUID().uuidString.prefix(8).lowercased())"
    try await admin.executeRaw(["CREATE DATABASE \(name)"])
    var fresh = base
    fresh.database = name
    let location = fresh
    do {
      let old = try await PostgresStudyStorage(location, maximumConnections: 1, schemaVersion: "v1")
      #expect(try await old.appliedVersions() == ["v1"])
      try await old.executeRaw(v1Rows + ["SELECT setval(pg_get_serial_sequence('trials', 'id'), 2)", "SELECT setval(pg_get_serial_sequence('studies', 'id'), 1)"])
      await old.close()
      // Several workers upgrading at once: the advisory lock lets one do it.
      let opened = try await withThrowingTaskGroup(of: [String].self) { g in
        for _ in 0..<4 {
          g.addTask {
            let s = try await PostgresStudyStorage(location, maximumConnections: 1)
            let v = try await s.appliedVersions()
            await s.close()
            return v
          }
        }
        return try await g.reduce(into: [[String]]()) { $0.append($1) }
      }
      #expect(opened.allSatisfy { $0 == ["v1", "v2"] })
      let current = try await PostgresStudyStorage(location, maximumConnections: 1)
      try await checkUpgraded(current)
      await current.close()
    } catch {
      Issue.record("\(error)")
    }
    try await admin.executeRaw(["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    await admin.close()
  }
}
