import ArgumentParser
import Foundation
import FrontierOptimization
import Synchronization
import Testing
@testable import FrontierCLI

private let space = try! SearchSpace([
  ParameterSpec("x", .float(low: -3, high: 3)),
  ParameterSpec("n", .int(low: 1, high: 4)),
])

/// A session running `/bin/sh -c script` per trial on `space` with the random sampler.
private func session(
  _ script: String, study: String = "t", trials: Int, jobs: Int = 1, timeout: Double? = 10,
  directions: [StudyDirection] = [.minimize], pruner: TunePrunerName = .none, progress: TuneProgress? = nil
) throws -> TuneSession {
  var runner = CommandRunner(template: CommandTemplate(["/bin/sh", "-c", script]), parameterNames: ["x", "n"])
  runner.timeout = timeout
  runner.killGrace = 0.2
  runner.studyName = study
  runner.parser = ObjectiveParser(metrics: [], objectives: directions.count)
  return TuneSession(
    studyName: study, space: space, samplerName: .random, seed: 1, pruner: try pruner.make(), prunerName: pruner.rawValue,
    directions: directions, trials: trials, jobs: jobs, timeLimit: nil, runner: runner, progress: progress)
}

private func trials(_ storage: InMemoryStudyStorage, _ name: String = "t") async throws -> [TrialRecord] {
  let info = try #require(try await storage.study(named: name))
  return try await storage.trials(studyID: info.id, states: nil)
}

@Suite("frontier tune: studies of an external command")
struct TuneTests {
  @Test("Trials run the command with their parameters; the best value is the smallest")
  func basicStudy() async throws {
    let storage = InMemoryStudyStorage()
    let s = try session(#"awk "BEGIN { print ({x} - 1) ^ 2 + {n} }""#, trials: 8, jobs: 2)
    let summary = try await s.run(storage: storage)
    #expect(summary.trialsRun == 8 && summary.stopReason == .trialLimit)
    let all = try await trials(storage)
    #expect(all.map(\.number) == Array(0..<8))
    for t in all {
      #expect(t.state == .complete)
      let x = try #require(t.parameters["x"]?.doubleValue)
      let n = try #require(t.parameters["n"]?.doubleValue)
      #expect(abs(try #require(t.value) - ((x - 1) * (x - 1) + n)) < 1e-3)
    }
    #expect(summary.report.best.first?.value == all.compactMap(\.value).min())
    #expect(summary.text.contains("ran 8 trials\nstudy 't' (memory:): 8 trials (8 complete)\ntrial "))
  }

  @Test("Garbage, nothing, a hang and a crash become failed trials; the study goes on")
  func badCommands() async throws {
    let storage = InMemoryStudyStorage()
    let script = """
      case {trial} in
        0) echo garbage ;;
        1) true ;;
        2) sleep 300 ;;
        3) kill -SEGV $$ ;;
        4) echo oops >&2; exit 2 ;;
        *) echo 1.5 ;;
      esac
      """
    let started = monotonicSeconds()
    let summary = try await session(script, trials: 7, timeout: 0.5).run(storage: storage)
    #expect(summary.trialsRun == 7)
    let all = try await trials(storage)
    #expect(all.map(\.state) == [.failed, .failed, .failed, .failed, .failed, .complete, .complete])
    let reasons = all.prefix(5).map { $0.failReason ?? "" }
    #expect(reasons[0].contains("not a number or a JSON object: 'garbage'"))
    #expect(reasons[1].contains("printed nothing"))
    #expect(reasons[2].hasPrefix("timed out after 0.5 s"))
    #expect(reasons[3].hasPrefix("killed by SIGSEGV"))
    #expect(reasons[4] == "exit status 2\noops")
    #expect(monotonicSeconds() - started < 150)  // see CommandRunnerTests: loose for loaded CI machines
  }

  @Test("Running a study again resumes it: numbering continues, earlier trials stay")
  func resume() async throws {
    let storage = InMemoryStudyStorage()
    _ = try await session("echo {n}", trials: 3).run(storage: storage)
    let second = try await session("echo {n}", trials: 2).run(storage: storage)
    #expect(second.report.trials.map(\.number) == [0, 1, 2, 3, 4])
    #expect(second.report.trials.allSatisfy { $0.state == .complete })
  }

  @Test("A resumed study gets a fresh sampler seed")
  func resumedSeed() throws {
    let s = try session("true", trials: 1)
    #expect(s.effectiveSeed(existingTrials: 0) == 1)
    #expect(s.effectiveSeed(existingTrials: 3) != 1)
    #expect(s.effectiveSeed(existingTrials: 3) == s.effectiveSeed(existingTrials: 3))
  }

  @Test("Interrupting stops running commands, records them failed, and the study resumes")
  func interrupt() async throws {
    let storage = InMemoryStudyStorage()
    let s = try session("sleep 300; echo 1", trials: 10, jobs: 2)
    let started = monotonicSeconds()
    let task = Task { try await s.run(storage: storage) }
    try await Task.sleep(for: .milliseconds(400))
    s.runner.running.interrupt()
    task.cancel()
    let summary = try await task.value
    #expect(summary.stopReason == .cancelled)
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
    let all = try await trials(storage)
    #expect(all.count == 2)
    #expect(all.allSatisfy { $0.state == .failed && $0.failReason == "interrupted" }, "\(all.map { ($0.state, $0.failReason) })")
    let resumed = try await session("echo 2", trials: 2).run(storage: storage)
    #expect(resumed.report.trials.map(\.number) == [0, 1, 2, 3])
    #expect(resumed.report.trials.suffix(2).allSatisfy { $0.state == .complete })
  }

  @Test("Intermediate values are recorded; the median pruner stops a bad trial")
  func pruning() async throws {
    let storage = InMemoryStudyStorage()
    // Trials 0-5 report 1, 1, 1 then finish; later trials report 100 per step and would run
    // for 30 s unless pruned.
    let script = #"""
      if [ {trial} -lt 6 ]; then
        for s in 1 2 3; do echo "{\"step\": $s, \"intermediate\": 1}"; done; echo 1
      else
        s=0; while true; do s=$((s+1)); echo "{\"step\": $s, \"intermediate\": 100}"; sleep 0.05; done
      fi
      """#
    let started = monotonicSeconds()
    let summary = try await session(script, trials: 7, timeout: 30, pruner: .median).run(storage: storage)
    #expect(monotonicSeconds() - started < 150)  // see CommandRunnerTests: loose for loaded CI machines
    let all = summary.report.trials
    #expect(all.prefix(6).allSatisfy { $0.state == .complete && $0.intermediateValues == [1: 1, 2: 1, 3: 1] })
    #expect(all[6].state == .pruned)
    #expect(all[6].intermediateValues[1] == 100)
  }

  @Test("Several objectives from JSON values; the summary shows the Pareto set")
  func multiObjective() async throws {
    let storage = InMemoryStudyStorage()
    let s = try session(#"echo "{\"values\": [{n}, $((5 - {n}))]}""#, trials: 6, directions: [.minimize, .minimize])
    let summary = try await s.run(storage: storage)
    #expect(summary.report.trials.allSatisfy { $0.state == .complete })
    #expect(summary.text.contains("Pareto set"))
  }

  @Test("A study resumed with other directions is refused")
  func directionMismatch() async throws {
    let storage = InMemoryStudyStorage()
    _ = try await session("echo 1", trials: 1).run(storage: storage)
    await #expect(throws: ValidationError.self) {
      try await session("echo 1", trials: 1, directions: [.maximize]).run(storage: storage)
    }
  }

  @Test("The command is checked before any trial runs")
  func commandChecks() throws {
    #expect(throws: (any Error).self) {
      try TuneSession.checkCommand(CommandTemplate(["/bin/sh", "-c", "echo {lr}"]), space: space)
    }
    do {
      try TuneSession.checkCommand(CommandTemplate(["frontier-no-such-command", "{x}"]), space: space)
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("'frontier-no-such-command' is not found in PATH"))
    }
    #expect(throws: (any Error).self) {
      try TuneSession.checkCommand(CommandTemplate(["/nonexistent/x"]), space: space)
    }
    try TuneSession.checkCommand(CommandTemplate(["sh", "-c", "echo {x} {{lr}} {trial}"]), space: space)
  }

  @Test(
    "Bad tune arguments are rejected with the reason",
    arguments: [
      (["--space", "s.yaml", "--study", "a"], "give the command to run after --"),
      (["--space", "s.yaml", "--study", "a", "--trials", "0", "--", "true"], "--trials must be at least 1"),
      (["--space", "s.yaml", "--study", "a", "--jobs", "0", "--", "true"], "--jobs must be at least 1"),
      (["--space", "s.yaml", "--study", "a", "--timeout", "0", "--", "true"], "--timeout must be positive"),
      (["--space", "s.yaml", "--study", "a", "--direction", "up", "--", "true"], "minimize or maximize"),
      (["--space", "s.yaml", "--study", "a", "--metric", "a", "--metric", "b", "--direction", "minimize", "--", "true"],
       "one --direction per --metric"),
      (["--space", "s.yaml", "--study", "a", "--sampler", "simplex", "--", "true"], "simplex"),
    ])
  func badArguments(args: [String], message: String) {
    do {
      _ = try Tune.parse(args)
      Issue.record("accepted \(args)")
    } catch {
      #expect(Tune.message(for: error).contains(message), "\(Tune.message(for: error))")
    }
  }

  @Test("`frontier tune bench` reaches the benchmark command, --sampler naming the algorithm")
  func tuneBenchSubcommand() throws {
    let parsed = try FrontierCommand.parseAsRoot(routed(["tune", "bench", "--problem", "branin", "--sampler", "gp", "--trials", "12"]))
    let bench = try #require(parsed as? HPOBenchCommand)
    #expect(bench.algo == .gp && bench.problem == "branin" && bench.trials == 12)
    #expect(routed(["tune", "--space", "s.yaml", "--study", "bench", "--", "bench"]).first == "tune")
    // `frontier index bench` is `frontier bench`, `ann` by default.
    #expect(routed(["index", "bench", "--data", "d"]) == ["bench", "ann", "--data", "d"])
    #expect(routed(["index", "bench", "filtered", "--data", "d"]) == ["bench", "filtered", "--data", "d"])
    #expect(routed(["index", "build", "--vectors", "v"]) == ["index", "build", "--vectors", "v"])
  }

  @Test("Arguments after -- are the command, placeholders intact")
  func parsesCommand() throws {
    let t = try Tune.parse(["--space", "s.yaml", "--study", "a", "--metric", "acc", "--direction", "maximize", "--",
      "python", "train.py", "--lr={lr}", "--verbose"])
    #expect(t.command == ["python", "train.py", "--lr={lr}", "--verbose"])
    #expect(try t.objectiveDirections() == [.maximize])
    #expect(t.storage == "sqlite:///frontier.db" && t.sampler == .tpe && t.pruner == .none)
  }

  @Test("Every sampler name makes a sampler")
  func samplers() throws {
    for name in TuneSamplerName.allCases {
      #expect(try name.make(seed: 3, space: space, gridPoints: 3).name.isEmpty == false, "\(name)")
    }
    for name in TunePrunerName.allCases { _ = try name.make() }
  }

  @Test("The progress line counts states, shows the best value and the rate")
  func progressLine() {
    let lines = Mutex<[String]>([])
    let p = TuneProgress(study: "s", total: 10, terminal: false, write: { s in lines.withLock { $0.append(s) } })
    p.update(StudyProgress(trialsFinished: 1, lastTrial: 0, lastState: .complete, bestValue: 0.5, bestTrial: 0, elapsed: 2, rate: 0.5))
    p.failed(1, "exit status 1\nmore")
    p.update(StudyProgress(trialsFinished: 2, lastTrial: 1, lastState: .failed, bestValue: 0.5, bestTrial: 0, elapsed: 4, rate: 0.5))
    #expect(lines.withLock { $0 } == [
      "[tune s] 1/10 trials (1 complete)  best 0.5 (trial 0)  30.0 trials/min\n",
      "trial 1 failed: exit status 1\n",
      "[tune s] 2/10 trials (1 complete, 1 failed)  best 0.5 (trial 0)  30.0 trials/min\n",
    ])
  }

  @Test("study list, show and export read the same storage")
  func studyCommands() async throws {
    let storage = InMemoryStudyStorage()
    _ = try await session(#"echo "{\"step\": 1, \"intermediate\": {n}}"; echo {n}"#, study: "alpha", trials: 5)
      .run(storage: storage)
    let listing = try await StudyList.listing(storage)
    #expect(listing.hasPrefix("alpha ") && listing.contains("5 trials (5 complete)  best "))
    let (report, info) = try await loadReport(study: "alpha", storage: storage, url: "memory:")
    #expect(info.userAttributes["command"]?.hasPrefix("/bin/sh -c") == true)
    #expect(report.summary(userAttributes: info.userAttributes).contains("sampler random"))
    do {
      _ = try await loadReport(study: "beta", storage: storage, url: "memory:")
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("no study named 'beta' in memory:; studies: alpha"))
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-plots-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let written = try StudyExport.export(report, format: .plot, output: dir.path)
    #expect(written.count == 5)
    let svg = try String(contentsOf: dir.appendingPathComponent("intermediate-values.svg"), encoding: .utf8)
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 5)
    let csvFile = dir.appendingPathComponent("t.csv").path
    #expect(try StudyExport.export(report, format: .csv, output: csvFile) == ["wrote \(csvFile)"])
    #expect(try String(contentsOfFile: csvFile, encoding: .utf8).split(separator: "\n").count == 6)
    #expect(try StudyExport.export(report, format: .best, output: nil)[0].hasPrefix("trial "))
  }

  @Test(
    "Space file errors surface as file:line:col: error: reason",
    arguments: [
      ("- {name: x, type: complex, low: 0, high: 1}\n", 1, "complex"),
      ("- {name: x, type: float, low: 0, high: 1}\n- {name: y, type: float, low: 2, high: 1}\n", 2, "empty range"),
      ("- {name: x, type: float, low: 0, high: 1, log: true}\n", 1, "log"),
      ("- {name: x, type: int, low: 1, high: 3}\n- {name: x, type: int, low: 1, high: 3}\n", 2, "duplicate"),
      ("- {name: x, type: float, low: 0, high: 1, condition: {param: opt, equals: sgd}}\n", 1, "opt"),
    ])
  func badSpaceFiles(text: String, line: Int, reason: String) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("space-\(UUID().uuidString).yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      _ = try loadTuneSpace(path: path)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.description.hasPrefix("\(path):\(line):"), "\(error)")
      #expect(error.description.contains(": error: ") && error.description.contains(reason), "\(error)")
    }
    do {
      _ = try loadTuneSpace(path: path + ".missing")
      Issue.record("read a missing file")
    } catch {
      #expect(error.description.hasPrefix(path + ".missing: error: "), "\(error)")
    }
  }

  @Test("The tune command end to end: space file, command, in-memory storage")
  func endToEnd() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("space-\(UUID().uuidString).yaml").path
    try "- {name: lr, type: float, low: 1.0e-4, high: 1.0, log: true}\n- {name: opt, type: categorical, choices: [sgd, adam]}\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let tune = try Tune.parse([
      "--space", path, "--study", "e2e", "--storage", "memory:", "--trials", "3", "--sampler", "random", "--seed", "2",
      "--quiet", "--", "/bin/sh", "-c", "test {opt} = sgd -o {opt} = adam && echo {lr}",
    ])
    try await tune.run()
    let typo = try Tune.parse(["--space", path, "--study", "e2e", "--storage", "memory:", "--", "echo", "{learning_rate}"])
    await #expect(throws: ValidationError.self) { try await typo.run() }
  }

  @Test("study subcommands parse their arguments and reject bad ones")
  func studyArguments() throws {
    let e = try StudyExport.parse(["alpha", "--format", "json", "--storage", "x.db"])
    #expect(e.name == "alpha" && e.format == .json && e.options.storage == "x.db")
    #expect(try StudyShow.parse(["alpha"]).options.storage == "sqlite:///frontier.db")
    #expect(throws: (any Error).self) { try StudyExport.parse(["alpha", "--format", "svg"]) }
    #expect(throws: (any Error).self) { try StudyShow.parse([]) }
  }

  @Test("A storage that cannot be opened names its URL")
  func unreachableStorage() async {
    do {
      _ = try await openTuneStorage("postgresql://nobody@127.0.0.1:1/none")
      Issue.record("opened")
    } catch {
      #expect("\(error)".contains("postgresql://nobody@127.0.0.1:1/none"), "\(error)")
    }
    do {
      _ = try await openTuneStorage("/nonexistent-dir/frontier.db", mustExist: true)
      Issue.record("opened")
    } catch {
      #expect("\(error)".contains("/nonexistent-dir/frontier.db") && "\(error)".contains("frontier tune creates it"))
    }
    do {
      _ = try await openTuneStorage("mysql://x@y/z")
      Issue.record("opened")
    } catch {
      #expect("\(error)".contains("mysql://x@y/z"))
    }
  }

  @Test("A SQLite study file is created on first use, resumed by a second run, and read by study list")
  func sqliteStudy() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-tune-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("studies.db").path
    for _ in 0..<2 {
      let storage = try await openTuneStorage(url)
      var s = try session("echo {n}", study: "persisted", trials: 2)
      s.storageURL = url
      _ = try await s.run(storage: storage)
      await closeTuneStorage(storage)
    }
    let storage = try await openTuneStorage(url, mustExist: true)
    let (report, _) = try await loadReport(study: "persisted", storage: storage, url: url)
    #expect(report.trials.map(\.number) == [0, 1, 2, 3])
    #expect(report.trials.allSatisfy { $0.state == .complete })
    #expect(try await StudyList.listing(storage).contains("4 trials (4 complete)"))
    await closeTuneStorage(storage)
  }
}
