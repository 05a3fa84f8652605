// Store throughput: W worker *processes* share one study through FrontierStore (SQLite file
// or PostgreSQL), each running startTrial + finishTrial(complete) with a zero-cost objective
// and six float parameters (hartmann6's space, as in Optuna's bench_storage.py). Checks that
// no trial number is lost or duplicated, and reports trials per second from the trials' own
// timestamps (steady state, as bench_storage.py does) and process CPU per trial.
//
//   StoreBench run --storage sqlite|URL [--workers 2] [--trials-per-worker 500] [--repeats 5]
//   StoreBench worker --storage URL --study NAME --trials N --start-at T   (spawned by run)
import Foundation
import FrontierOptimization
import FrontierStore

#if os(Linux)
let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

func cpuSeconds() -> Double {
  var u = rusage()
  getrusage(RUSAGE_SELF_WHO, &u)
  return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec)
    + Double(u.ru_stime.tv_usec) / 1e6
}

func option(_ name: String, _ args: [String], default d: String? = nil) -> String {
  if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
  guard let d else {
    FileHandle.standardError.write(Data("missing --\(name)\n".utf8))
    exit(2)
  }
  return d
}

let names = (0..<6).map { "x\($0)" }
let distributions = Dictionary(uniqueKeysWithValues: names.map { ($0, Distribution.float(low: 0, high: 1)) })

func worker(_ args: [String]) async throws {
  let url = option("storage", args), study = option("study", args)
  let n = Int(option("trials", args))!, startAt = Double(option("start-at", args))!
  let storage = try await openStorage(url)
  let info = try await storage.createStudy(name: study, directions: [.minimize], userAttributes: [:], loadIfExists: true)
  var rng = SystemRandomNumberGenerator()
  let wait = startAt - Date().timeIntervalSince1970
  if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
  let cpu0 = cpuSeconds(), wall0 = Date().timeIntervalSince1970
  for _ in 0..<n {
    let params = Dictionary(uniqueKeysWithValues: names.map { ($0, ParameterValue.float(Double.random(in: 0...1, using: &rng))) })
    let t = try await storage.startTrial(
      studyID: info.id, parameters: params, distributions: distributions, systemAttributes: [:],
      now: Date().timeIntervalSince1970)
    try await storage.finishTrial(studyID: info.id, number: t.number, outcome: .value(0), now: Date().timeIntervalSince1970)
  }
  let cpu = cpuSeconds() - cpu0, wall = Date().timeIntervalSince1970 - wall0
  await storage.close()
  print("{\"cpu\":\(cpu),\"wall\":\(wall),\"trials\":\(n)}")
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func run(_ args: [String]) async throws {
  let storageArg = option("storage", args)
  let workers = Int(option("workers", args, default: "2"))!
  let perWorker = Int(option("trials-per-worker", args, default: "500"))!
  let repeats = Int(option("repeats", args, default: "5"))!
  let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
  var rates: [Double] = [], cpuPerTrial: [Double] = [], walls: [Double] = []
  var allOK = true
  let label = storageArg == "sqlite" ? "sqlite (file, WAL)" : (try? StudyStorageURL(storageArg).description) ?? storageArg
  print("store throughput: \(workers) worker processes x \(perWorker) trials, zero-cost objective, 6 float params, \(label)")
  print("| repeat | trials | numbering ok | trials/s (steady) | worker CPU µs/trial | wall s |")
  print("|---|---|---|---|---|---|")
  for r in 0..<repeats {
    var url = storageArg
    var tempDir: URL?
    if storageArg == "sqlite" {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      tempDir = dir
      url = dir.appendingPathComponent("study.db").path
    }
    let name = "bench-\(ProcessInfo.processInfo.processIdentifier)-\(r)-\(UUID().uuidString.prefix(6))"
    let storage = try await openStorage(url)
    let study = try await storage.createStudy(name: name, directions: [.minimize], userAttributes: [:], loadIfExists: false)
    let startAt = Date().timeIntervalSince1970 + 1.0
    var procs: [(Process, Pipe)] = []
    for _ in 0..<workers {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: me)
      p.arguments = ["worker", "--storage", url, "--study", name, "--trials", String(perWorker), "--start-at", String(startAt)]
      let out = Pipe()
      p.standardOutput = out
      try p.run()
      procs.append((p, out))
    }
    var cpu = 0.0, wall = 0.0
    for (p, out) in procs {
      let data = out.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      guard p.terminationStatus == 0,
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
      else { fatalError("worker failed: \(String(decoding: data, as: UTF8.self))") }
      cpu += obj["cpu"] as! Double
      wall = max(wall, obj["wall"] as! Double)
    }
    let trials = try await storage.trials(studyID: study.id, states: nil)
    let total = workers * perWorker
    let ok = trials.map(\.number) == Array(0..<total) && trials.allSatisfy { $0.state == .complete }
      && Set(trials.map(\.number)).count == total
    allOK = allOK && ok
    let span = trials.compactMap(\.completedAt).max()! - trials.compactMap(\.startedAt).min()!
    let rate = Double(trials.count) / span
    rates.append(rate)
    cpuPerTrial.append(cpu / Double(total) * 1e6)
    walls.append(wall)
    print("| \(r + 1) | \(trials.count) | \(ok ? "yes" : "NO") | \(String(format: "%.0f", rate)) | \(String(format: "%.0f", cpu / Double(total) * 1e6)) | \(String(format: "%.2f", wall)) |")
    try await storage.deleteStudy(id: study.id)
    await storage.close()
    if let tempDir { try? FileManager.default.removeItem(at: tempDir) }
  }
  print("median: \(String(format: "%.0f", median(rates))) trials/s, \(String(format: "%.0f", median(cpuPerTrial))) µs worker CPU per trial, numbering \(allOK ? "ok in every repeat" : "BROKEN")")
  print("RESULT \(label) trials_per_s=\(String(format: "%.1f", median(rates))) cpu_us_per_trial=\(String(format: "%.1f", median(cpuPerTrial))) ok=\(allOK)")
  if !allOK { exit(1) }
}

let args = Array(CommandLine.arguments.dropFirst())
do {
  switch args.first {
  case "worker": try await worker(args)
  case "run": try await run(args)
  default:
    print("usage: StoreBench run --storage sqlite|URL [--workers 2] [--trials-per-worker 500] [--repeats 5]")
    exit(2)
  }
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
