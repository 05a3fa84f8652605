import Foundation
import FrontierOptimization
@testable import FrontierStore
import Testing

/// A database to test against, and a way to open more independent storages on it (separate
/// connections, as separate worker processes would have).
struct Backend: Sendable {
  var name: String
  var open: @Sendable () async throws -> any ClosableStudyStorage

  /// `FRONTIER_TEST_POSTGRES_URL`, e.g. postgresql://postgres@127.0.0.1:5432/frontier_test
  static let postgresURL = ProcessInfo.processInfo.environment["FRONTIER_TEST_POSTGRES_URL"]

  /// A new SQLite file in a new temporary directory.
  static func sqlite() throws -> Backend {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("study.db").path
    return Backend(name: "sqlite") { try SQLiteStudyStorage(path: path) }
  }

  static func postgres() throws -> Backend {
    let url = try #require(postgresURL)
    return Backend(name: "postgres") { try await PostgresStudyStorage(url: url, maximumConnections: 2) }
  }

  static func make(_ kind: String) throws -> Backend { kind == "sqlite" ? try sqlite() : try postgres() }
}

/// Opens `count` independent storages, runs `body`, closes them.
func withStorages<R>(_ b: Backend, _ count: Int, _ body: ([any ClosableStudyStorage]) async throws -> R) async throws -> R {
  var storages: [any ClosableStudyStorage] = []
  for _ in 0..<count { storages.append(try await b.open()) }
  do {
    let r = try await body(storages)
    for s in storages { await s.close() }
    return r
  } catch {
    for s in storages { await s.close() }
    throw error
  }
}

func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

/// The contract of `StudyStorage` (its doc comments), checked the same way on every backend.
enum Conformance: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case createAndLoadStudies
  case gapFreeNumberingAcrossInstances
  case waitingTrialsTakenOnceOldestFirst
  case staleTrialsFailedExactlyOnce
  case finishedTrialsCannotChange
  case everythingRoundTrips
  case unknownStudiesAndTrials

  var testDescription: String { rawValue }

  func run(_ b: Backend) async throws {
    switch self {
    case .createAndLoadStudies: try await Self.createAndLoad(b)
    case .gapFreeNumberingAcrossInstances: try await Self.numbering(b)
    case .waitingTrialsTakenOnceOldestFirst: try await Self.waiting(b)
    case .staleTrialsFailedExactlyOnce: try await Self.stale(b)
    case .finishedTrialsCannotChange: try await Self.finished(b)
    case .everythingRoundTrips: try await Self.roundTrip(b)
    case .unknownStudiesAndTrials: try await Self.unknown(b)
    }
  }

  static func createAndLoad(_ b: Backend) async throws {
    try await withStorages(b, 2) { s in
      let name = uniqueName("create")
      let a = try await s[0].createStudy(
        name: name, directions: [.minimize, .maximize], userAttributes: ["sampler": "tpe"], loadIfExists: false)
      #expect(a.directions == [.minimize, .maximize])
      await #expect(throws: StudyStorageError.studyExists(name)) {
        try await s[1].createStudy(name: name, directions: [.minimize, .maximize], userAttributes: [:], loadIfExists: false)
      }
      let loaded = try await s[1].createStudy(name: name, directions: [.minimize, .maximize], userAttributes: [:], loadIfExists: true)
      #expect(loaded == a)
      await #expect(throws: StudyStorageError.directionMismatch(study: name, stored: [.minimize, .maximize], requested: [.minimize])) {
        try await s[1].createStudy(name: name, directions: [.minimize], userAttributes: [:], loadIfExists: true)
      }
      try await s[1].setStudyAttribute(id: a.id, key: "space", value: "{}")
      let seen = try #require(try await s[0].study(named: name))
      #expect(seen.userAttributes == ["sampler": "tpe", "space": "{}"])
      #expect(try await s[0].allStudies().contains { $0.id == a.id && $0.name == name })
      // Workers racing to create the same study all get the same one.
      let raced = uniqueName("race")
      let ids = try await withThrowingTaskGroup(of: Int.self) { g in
        for i in 0..<6 {
          g.addTask { try await s[i % 2].createStudy(name: raced, directions: [.maximize], userAttributes: [:], loadIfExists: true).id }
        }
        return try await g.reduce(into: Set<Int>()) { $0.insert($1) }
      }
      #expect(ids.count == 1)
      try await s[0].deleteStudy(id: a.id)
      #expect(try await s[1].study(named: name) == nil)
      #expect(try await !s[1].allStudies().contains { $0.id == a.id })
    }
  }

  /// Several storages (separate connections) x many tasks each, creating trials and
  /// enqueueing others that later calls take: every trial gets a distinct number, the
  /// numbers are exactly 0..<n, and each enqueued trial is started at most once.
  static func numbering(_ b: Backend) async throws {
    let instances = 3, tasksPerInstance = 4, trialsPerTask = 12
    try await withStorages(b, instances) { s in
      let study = try await s[0].createStudy(name: uniqueName("numbering"), directions: [.minimize], userAttributes: [:], loadIfExists: false)
      let results = try await withThrowingTaskGroup(of: (started: [Int], enqueued: [Int]).self) { g in
        for i in 0..<instances * tasksPerInstance {
          let storage = s[i % instances]
          g.addTask {
            var started: [Int] = [], enqueued: [Int] = []
            for k in 0..<trialsPerTask {
              if k % 4 == 3 {
                enqueued.append(try await storage.enqueueTrial(studyID: study.id, parameters: ["x": .int(k)], distributions: [:], systemAttributes: [:]))
              } else {
                let t = try await storage.startTrial(
                  studyID: study.id, parameters: ["x": .float(Double(k))],
                  distributions: ["x": .float(low: 0, high: 100)], systemAttributes: [:], now: 1)
                started.append(t.number)
                try await storage.finishTrial(studyID: study.id, number: t.number, outcome: .value(Double(k)), now: 2)
              }
            }
            return (started, enqueued)
          }
        }
        return try await g.reduce(into: (started: [Int](), enqueued: [Int]())) {
          $0.started += $1.started
          $0.enqueued += $1.enqueued
        }
      }
      let started = results.started, enqueued = Set(results.enqueued)
      #expect(Set(started).count == started.count, "two workers started the same trial")
      #expect(enqueued.count == results.enqueued.count, "two enqueued trials got the same number")
      let created = enqueued.count + started.filter { !enqueued.contains($0) }.count
      let stored = try await s[1].trials(studyID: study.id, states: nil)
      #expect(stored.map(\.number) == Array(0..<created), "gaps or duplicates in the numbering")
      let stillWaiting = Set(stored.filter { $0.state == .waiting }.map(\.number))
      #expect(stillWaiting == enqueued.subtracting(started))
      #expect(stored.filter { $0.state == .complete }.count == started.count)
    }
  }

  /// Enqueued trials are each taken by exactly one of many concurrent `startTrial` calls,
  /// oldest first, with their own parameters.
  static func waiting(_ b: Backend) async throws {
    try await withStorages(b, 3) { s in
      let study = try await s[0].createStudy(name: uniqueName("waiting"), directions: [.minimize], userAttributes: [:], loadIfExists: false)
      // Oldest first, one worker.
      let first = try await s[0].enqueueTrial(studyID: study.id, parameters: ["x": .int(1)], distributions: ["x": .int(low: 0, high: 9)], systemAttributes: ["retry_of": "7"])
      let second = try await s[0].enqueueTrial(studyID: study.id, parameters: ["x": .int(2)], distributions: ["x": .int(low: 0, high: 9)], systemAttributes: [:])
      let t1 = try await s[1].startTrial(studyID: study.id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: [:], now: 5)
      #expect(t1.number == first && t1.parameters == ["x": .int(1)] && t1.state == .running)
      #expect(t1.systemAttributes == ["retry_of": "7"] && t1.startedAt == 5 && t1.heartbeatAt == 5)
      #expect(t1.distributions == ["x": .int(low: 0, high: 9)])
      let t2 = try await s[2].startTrial(studyID: study.id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: [:], now: 5)
      #expect(t2.number == second && t2.parameters == ["x": .int(2)])
      let t3 = try await s[2].startTrial(studyID: study.id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: [:], now: 5)
      #expect(t3.number == second + 1 && t3.parameters == ["x": .int(9)])

      // Many at once.
      let waiting = 24
      var enqueued: [Int: Int] = [:]
      for i in 0..<waiting {
        enqueued[try await s[i % 3].enqueueTrial(studyID: study.id, parameters: ["i": .int(i)], distributions: [:], systemAttributes: [:])] = i
      }
      let started = try await withThrowingTaskGroup(of: TrialRecord.self) { g in
        for i in 0..<(waiting + 12) {
          let storage = s[i % 3]
          g.addTask {
            try await storage.startTrial(studyID: study.id, parameters: ["i": .int(-1)], distributions: [:], systemAttributes: [:], now: 6)
          }
        }
        return try await g.reduce(into: [TrialRecord]()) { $0.append($1) }
      }
      let fromQueue = started.filter { enqueued[$0.number] != nil }
      #expect(fromQueue.count == waiting, "each waiting trial is taken exactly once")
      #expect(Set(fromQueue.map(\.number)).count == waiting)
      for t in fromQueue { #expect(t.parameters == ["i": .int(enqueued[t.number]!)]) }
      #expect(started.filter { enqueued[$0.number] == nil }.allSatisfy { $0.parameters == ["i": .int(-1)] })
      #expect(Set(started.map(\.number)).count == started.count)
      #expect(try await s[0].trials(studyID: study.id, states: [.waiting]).isEmpty)
    }
  }

  /// Running trials whose heartbeat is stale are failed exactly once, however many workers
  /// look at the same time; fresh ones are left alone.
  static func stale(_ b: Backend) async throws {
    try await withStorages(b, 3) { s in
      let study = try await s[0].createStudy(name: uniqueName("stale"), directions: [.minimize], userAttributes: [:], loadIfExists: false)
      var numbers: [Int] = []
      for _ in 0..<10 {
        numbers.append(try await s[0].startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 100).number)
      }
      for n in numbers.prefix(4) { try await s[1].heartbeat(studyID: study.id, number: n, now: 190) }
      let results = try await withThrowingTaskGroup(of: [Int].self) { g in
        for i in 0..<9 {
          let storage = s[i % 3]
          g.addTask { try await storage.failStaleTrials(studyID: study.id, staleAfter: 50, now: 200).map(\.number) }
        }
        return try await g.reduce(into: [[Int]]()) { $0.append($1) }
      }
      let failed = results.flatMap { $0 }
      #expect(failed.sorted() == Array(numbers.suffix(6)), "each stale trial failed exactly once")
      let records = try await s[2].trials(studyID: study.id, states: [.failed])
      #expect(records.map(\.number) == Array(numbers.suffix(6)))
      #expect(records.allSatisfy { $0.failReason == "stale heartbeat" && $0.completedAt == 200 })
      #expect(try await s[2].trials(studyID: study.id, states: [.running]).map(\.number) == Array(numbers.prefix(4)))
      // A worker that comes back late cannot tell a result for its failed trial.
      await #expect(throws: StudyStorageError.trialFinished(study: study.name, number: numbers[9], state: .failed)) {
        try await s[0].finishTrial(studyID: study.id, number: numbers[9], outcome: .value(1), now: 210)
      }
      #expect(try await s[0].failStaleTrials(studyID: study.id, staleAfter: 50, now: 200).isEmpty)
    }
  }

  static func finished(_ b: Backend) async throws {
    try await withStorages(b, 2) { s in
      let study = try await s[0].createStudy(name: uniqueName("finish"), directions: [.minimize], userAttributes: [:], loadIfExists: false)
      let t = try await s[0].startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 1)
      try await s[0].finishTrial(studyID: study.id, number: t.number, outcome: .value(3), now: 2)
      let finishedError = StudyStorageError.trialFinished(study: study.name, number: t.number, state: .complete)
      await #expect(throws: finishedError) {
        try await s[1].finishTrial(studyID: study.id, number: t.number, outcome: .value(4), now: 3)
      }
      await #expect(throws: finishedError) { try await s[1].heartbeat(studyID: study.id, number: t.number, now: 3) }
      await #expect(throws: finishedError) {
        try await s[1].reportIntermediate(studyID: study.id, number: t.number, step: 1, value: 1)
      }
      await #expect(throws: finishedError) {
        try await s[1].setTrialParameter(studyID: study.id, number: t.number, name: "y", value: .int(1), distribution: .int(low: 0, high: 1))
      }
      let q = try await s[0].enqueueTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:])
      await #expect(throws: StudyStorageError.trialFinished(study: study.name, number: q, state: .waiting)) {
        try await s[1].finishTrial(studyID: study.id, number: q, outcome: .pruned, now: 3)
      }
      // Two workers finishing the same trial at once: exactly one succeeds.
      let r = try await s[0].startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 1)
      let outcomes = await withTaskGroup(of: Bool.self) { g in
        for i in 0..<6 {
          let storage = s[i % 2]
          g.addTask { (try? await storage.finishTrial(studyID: study.id, number: r.number, outcome: .value(Double(i)), now: 4)) != nil }
        }
        return await g.reduce(into: [Bool]()) { $0.append($1) }
      }
      #expect(outcomes.filter { $0 }.count == 1)
      let stored = try await s[1].trials(studyID: study.id, states: [.complete])
      #expect(stored.map(\.number) == [t.number, r.number])
      #expect(stored[0].values == [3])
    }
  }

  static func roundTrip(_ b: Backend) async throws {
    try await withStorages(b, 2) { s in
      let study = try await s[0].createStudy(name: uniqueName("roundtrip"), directions: [.minimize, .maximize], userAttributes: [:], loadIfExists: false)
      let params: Parameters = ["lr": .float(0.1 + 0.2), "layers": .int(Int.max), "opt": .string("adam \"w\"\n"), "bn": .bool(true)]
      let dists: [String: Distribution] = [
        "lr": .float(low: 1e-5, high: 1, log: true), "layers": .int(low: 1, high: Int.max),
        "opt": .categorical([.string("sgd"), .string("adam \"w\"\n")]), "bn": .fixed(.bool(true)),
      ]
      let t = try await s[0].startTrial(studyID: study.id, parameters: params, distributions: dists, systemAttributes: ["gen": "3"], now: 1.5)
      try await s[1].setTrialParameter(studyID: study.id, number: t.number, name: "mom", value: .float(-0.0), distribution: .float(low: -1, high: 1, step: 0.25))
      let steps: [Int: Double] = [0: 1e-300, 1: -0.0, 2: .infinity, 5: 0.30000000000000004, -1: 7]
      for (k, v) in steps { try await s[1].reportIntermediate(studyID: study.id, number: t.number, step: k, value: v) }
      try await s[0].reportIntermediate(studyID: study.id, number: t.number, step: 5, value: 0.5)  // overwrites
      try await s[0].setTrialAttribute(studyID: study.id, number: t.number, key: "note", value: "ünïcode ✓", system: false)
      try await s[0].setTrialAttribute(studyID: study.id, number: t.number, key: "gen", value: "4", system: true)
      try await s[0].setTrialAttribute(studyID: study.id, number: t.number, key: "gen", value: "user", system: false)
      try await s[1].heartbeat(studyID: study.id, number: t.number, now: 2.25)
      try await s[1].finishTrial(studyID: study.id, number: t.number, outcome: .complete([0.1, -.infinity]), now: 3.75)
      let pruned = try await s[0].startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 4)
      try await s[0].reportIntermediate(studyID: study.id, number: pruned.number, step: 3, value: .nan)
      try await s[0].finishTrial(studyID: study.id, number: pruned.number, outcome: .pruned, now: 5)
      let failed = try await s[0].startTrial(studyID: study.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 4)
      try await s[0].finishTrial(studyID: study.id, number: failed.number, outcome: .failed("exit 1: boom"), now: 5)

      let all = try await s[1].trials(studyID: study.id, states: nil)
      #expect(all.map(\.state) == [.complete, .pruned, .failed])
      let r = all[0]
      var expectedParams = params
      expectedParams["mom"] = .float(-0.0)
      #expect(r.parameters == expectedParams)
      #expect(r.parameters["mom"].map { same($0, .float(-0.0)) } == true)
      var expectedDists = dists
      expectedDists["mom"] = .float(low: -1, high: 1, step: 0.25)
      #expect(r.distributions == expectedDists)
      var expectedSteps = steps
      expectedSteps[5] = 0.5
      #expect(r.intermediateValues.keys.sorted() == expectedSteps.keys.sorted())
      // Stored doubles are exact; SQLite keeps -0.0 as 0.0 (it stores integral reals as integers).
      for (k, v) in expectedSteps { #expect(r.intermediateValues[k]! == v, "step \(k)") }
      #expect(r.values == [0.1, -.infinity])
      #expect(r.userAttributes == ["note": "ünïcode ✓", "gen": "user"])
      #expect(r.systemAttributes == ["gen": "4"])
      #expect(r.startedAt == 1.5 && r.heartbeatAt == 2.25 && r.completedAt == 3.75 && r.failReason == nil)
      #expect(all[1].intermediateValues[3]?.isNaN == true && all[1].values == nil)
      #expect(all[2].failReason == "exit 1: boom" && all[2].completedAt == 5)
      #expect(try await s[0].trials(studyID: study.id, states: [.pruned, .failed]).map(\.state) == [.pruned, .failed])
    }
  }

  static func unknown(_ b: Backend) async throws {
    try await withStorages(b, 1) { s in
      let st = s[0]
      let study = try await st.createStudy(name: uniqueName("unknown"), directions: [.minimize], userAttributes: [:], loadIfExists: false)
      let missing = study.id + 1_000_000
      let notFound = StudyStorageError.studyNotFound("#\(missing)")
      await #expect(throws: notFound) {
        try await st.startTrial(studyID: missing, parameters: [:], distributions: [:], systemAttributes: [:], now: 0)
      }
      await #expect(throws: notFound) { try await st.enqueueTrial(studyID: missing, parameters: [:], distributions: [:], systemAttributes: [:]) }
      await #expect(throws: notFound) { try await st.trials(studyID: missing, states: nil) }
      await #expect(throws: notFound) { try await st.deleteStudy(id: missing) }
      await #expect(throws: notFound) { try await st.setStudyAttribute(id: missing, key: "k", value: "v") }
      await #expect(throws: notFound) { try await st.failStaleTrials(studyID: missing, staleAfter: 1, now: 0) }
      await #expect(throws: notFound) { try await st.finishTrial(studyID: missing, number: 0, outcome: .pruned, now: 0) }
      let noTrial = StudyStorageError.trialNotFound(study: study.name, number: 42)
      await #expect(throws: noTrial) { try await st.finishTrial(studyID: study.id, number: 42, outcome: .pruned, now: 0) }
      await #expect(throws: noTrial) { try await st.heartbeat(studyID: study.id, number: 42, now: 0) }
      await #expect(throws: noTrial) { try await st.reportIntermediate(studyID: study.id, number: 42, step: 0, value: 0) }
      await #expect(throws: noTrial) { try await st.setTrialAttribute(studyID: study.id, number: 42, key: "k", value: "v", system: false) }
      #expect(try await st.study(named: uniqueName("nobody")) == nil)
    }
  }
}

@Suite struct ConformanceTests {
  @Test(arguments: Conformance.allCases)
  func sqlite(_ check: Conformance) async throws {
    try await check.run(Backend.sqlite())
  }

  @Test(arguments: Conformance.allCases)
  func sqliteInMemory(_ check: Conformance) async throws {
    // One shared in-memory database: every "instance" is the same storage.
    let shared = try SQLiteStudyStorage()
    try await check.run(Backend(name: "memory") { shared })
  }

  @Test(
    .enabled(
      if: Backend.postgresURL != nil,
      "FRONTIER_TEST_POSTGRES_URL is not set (.ci/run starts a throwaway PostgreSQL server and sets it)"),
    arguments: Conformance.allCases)
  func postgres(_ check: Conformance) async throws {
    try await check.run(Backend.postgres())
  }
}
