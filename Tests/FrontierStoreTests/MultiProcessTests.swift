import Foundation
import FrontierOptimization
import FrontierStore
import Testing

/// Several OS processes sharing one SQLite file: the test spawns this same test executable
/// again, filtered to ``childWorker()``, which the environment turns on only in the children.
@Suite struct MultiProcessTests {
  static let environment = ProcessInfo.processInfo.environment
  static let childDB = environment["FRONTIER_STORE_CHILD_DB"]

  /// The test executable and how `swift test` ran it (Swift Testing's own arguments).
  static var runner: (String, [String])? {
    let args = CommandLine.arguments
    guard let exe = args.first, exe.hasSuffix(".xctest") || exe.contains("PackageTests"),
      FileManager.default.isExecutableFile(atPath: exe)
    else { return nil }
    return (exe, ["--testing-library", "swift-testing"])
  }

  @Test(.enabled(if: childDB != nil, "runs only inside the processes that twoProcessesShareOneSQLiteFile spawns"))
  func childWorker() async throws {
    let path = try #require(Self.childDB)
    let name = try #require(Self.environment["FRONTIER_STORE_CHILD_STUDY"])
    let n = try #require(Self.environment["FRONTIER_STORE_CHILD_TRIALS"].flatMap(Int.init))
    let storage = try SQLiteStudyStorage(path: path, busyTimeout: 120)
    let study = try await storage.createStudy(name: name, directions: [.minimize], userAttributes: [:], loadIfExists: true)
    for i in 0..<n {
      let t = try await storage.startTrial(
        studyID: study.id, parameters: ["i": .int(i)], distributions: [:], systemAttributes: [:], now: 1)
      if i % 5 == 4 {
        // A crashed worker's trial, failed later for its stale heartbeat.
        continue
      }
      try await storage.finishTrial(studyID: study.id, number: t.number, outcome: .value(Double(i)), now: 2)
    }
    await storage.close()
  }

  @Test(.enabled(if: childDB == nil && runner != nil, "not run by `swift test`, cannot respawn the test executable"))
  func twoProcessesShareOneSQLiteFile() async throws {
    let (exe, baseArgs) = try #require(Self.runner)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-mp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("shared.db").path
    let processes = 3, trials = 40
    var children: [Process] = []
    for _ in 0..<processes {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: exe)
      p.arguments = baseArgs + ["--filter", "childWorker"]
      var env = Self.environment
      env["FRONTIER_STORE_CHILD_DB"] = path
      env["FRONTIER_STORE_CHILD_STUDY"] = "shared"
      env["FRONTIER_STORE_CHILD_TRIALS"] = String(trials)
      p.environment = env
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      children.append(p)
    }
    for p in children {
      p.waitUntilExit()
      #expect(p.terminationStatus == 0, "a child process failed")
    }
    let storage = try SQLiteStudyStorage(path: path)
    let study = try #require(try await storage.study(named: "shared"))
    let all = try await storage.trials(studyID: study.id, states: nil)
    let total = processes * trials
    #expect(all.map(\.number) == Array(0..<total), "gap-free, duplicate-free across processes")
    #expect(all.filter { $0.state == .complete }.count == processes * (trials - trials / 5))
    let failed = try await storage.failStaleTrials(studyID: study.id, staleAfter: 10, now: 100)
    #expect(failed.count == processes * (trials / 5))
    #expect(try await storage.trials(studyID: study.id, states: [.running]).isEmpty)
    await storage.close()
  }
}
