import ArgumentParser
import Dispatch
import Foundation
import FrontierOptimization
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct Tune: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Tune an external command's parameters: one run of the command per trial, recorded in a study.",
    discussion: """
      Each trial runs COMMAND with {name} in its arguments replaced by the value of parameter `name` ({trial} and {number}: the trial number; {{ and }}: literal braces). An argument naming a conditional parameter that is inactive in the trial is left out, so write --momentum={momentum}. The parameters are also in the environment, as FRONTIER_PARAM_<NAME> and as <NAME> (upper-cased, other characters as _, unless that variable exists already), and in a JSON file whose path is in FRONTIER_PARAMS_FILE; FRONTIER_TRIAL_NUMBER and FRONTIER_STUDY are set too.

      The objective is the last non-empty line of the command's standard output: a number, or a JSON object with "value", "values" (one per --direction) or the keys named by --metric. Lines {"step": S, "intermediate": V} printed before it are intermediate values, recorded as they arrive and given to the pruner, which may stop the command.

      A command that exits non-zero (the tail of its standard error is recorded), is killed by a signal, prints no number or garbage, or runs past --timeout becomes a failed trial, and the study goes on. Ctrl-C stops the running commands (their trials are recorded failed, "interrupted"); running the same command line again resumes the study, numbering on.

      Example:
        frontier tune --space space.yaml --study lr --trials 50 --jobs 2 \\
          -- python train.py --lr={lr} --layers={layers}

      `frontier tune bench --problem P --sampler S --seed K --trials N --jsonl FILE` runs one
      sampler on a built-in benchmark problem instead (the same command as `frontier hpo
      bench`; see `frontier hpo bench --help`).
      """)

  @Option(help: "Search space file (YAML or JSON).")
  var space: String

  @Option(help: "Study name; an existing study of that name is resumed.")
  var study: String

  @Option(help: "Study storage: sqlite:///file.db, a path ending in .db, postgresql://user@host/db, or memory:.")
  var storage: String = defaultStorageURL

  @Option(help: "Sampler: \(TuneSamplerName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var sampler: TuneSamplerName = .tpe

  @Option(help: "Pruner (uses intermediate values): \(TunePrunerName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var pruner: TunePrunerName = .none

  @Option(help: "Trials to run in this invocation.")
  var trials: Int = 100

  @Option(help: "Trials to run at once.")
  var jobs: Int = 1

  @Option(help: "Seconds after which a trial's command is stopped (SIGTERM, then SIGKILL) and the trial failed.")
  var timeout: Double?

  @Option(help: "Seconds after which no new trial starts (running ones finish).")
  var timeLimit: Double?

  @Option(
    help: "Objective direction, minimize or maximize; repeat once per objective for several.",
    transform: { text in
      guard let d = StudyDirection(rawValue: text) else {
        throw ValidationError("--direction must be minimize or maximize, not '\(text)'")
      }
      return d
    })
  var direction: [StudyDirection] = []

  @Option(help: "Read these keys of a JSON result as the objectives, in order (repeatable).")
  var metric: [String] = []

  @Option(help: "Sampler seed (default: random). A resumed study derives a fresh seed from it and its trial count.")
  var seed: UInt64?

  @Option(help: "Grid sampler only: evenly spaced values per continuous parameter.")
  var gridPoints: Int = 10

  @Option(help: "Seconds between SIGTERM and SIGKILL when stopping a command.")
  var killGrace: Double = 5

  @Flag(help: "No progress line.")
  var quiet = false

  @Argument(parsing: .postTerminator, help: "The command to run per trial, after --.")
  var command: [String] = []

  func validate() throws {
    guard !command.isEmpty else { throw ValidationError("give the command to run after --, e.g. -- ./train.sh {lr}") }
    guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive, got \(timeout)") }
    if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive, got \(timeLimit)") }
    guard killGrace >= 0 else { throw ValidationError("--kill-grace must not be negative") }
    _ = try objectiveDirections()
    _ = try pruner.make()
  }

  /// One direction per objective: as given, or `minimize` for each metric (at least one).
  func objectiveDirections() throws -> [StudyDirection] {
    if direction.isEmpty { return Array(repeating: .minimize, count: Swift.max(1, metric.count)) }
    if !metric.isEmpty, metric.count != direction.count {
      throw ValidationError("give one --direction per --metric (\(metric.count) metrics, \(direction.count) directions)")
    }
    return direction
  }

  func run() async throws {
    let searchSpace = try loadTuneSpace(path: space)
    let template = CommandTemplate(command)
    try TuneSession.checkCommand(template, space: searchSpace)
    var runner = CommandRunner(template: template, parameterNames: searchSpace.parameters.map(\.name))
    runner.timeout = timeout
    runner.killGrace = killGrace
    runner.studyName = study
    let directions = try objectiveDirections()
    runner.parser = ObjectiveParser(metrics: metric, objectives: directions.count)
    let session = TuneSession(
      studyName: study, space: searchSpace, samplerName: sampler, seed: seed, gridPoints: gridPoints,
      pruner: try pruner.make(), prunerName: pruner.rawValue, directions: directions, trials: trials, jobs: jobs,
      timeLimit: timeLimit, runner: runner, storageURL: storage,
      progress: quiet ? nil : TuneProgress(study: study, total: trials, terminal: isatty(2) != 0))

    let store = try await openTuneStorage(storage)
    let interrupt = InterruptHandler(running: runner.running)
    let task = Task { try await session.run(storage: store) }
    interrupt.install { task.cancel() }
    let result: TuneSummary
    do {
      result = try await task.value
    } catch {
      await closeTuneStorage(store)
      throw error
    }
    interrupt.uninstall()
    await closeTuneStorage(store)
    Console.line(result.text)
    if result.stopReason == .cancelled { throw ExitCode(130) }
  }
}

/// What one `frontier tune` invocation did.
struct TuneSummary: Sendable {
  var study: String
  var storageURL: String
  var trialsRun: Int
  var stopReason: OptimizeStopReason
  /// The study's report after the run (every trial, also earlier runs').
  var report: StudyReport

  var text: String {
    var s = ""
    switch stopReason {
    case .cancelled:
      s += "interrupted after \(trialsRun) trial\(trialsRun == 1 ? "" : "s"); resume with the same command\n"
    case .samplerExhausted: s += "ran \(trialsRun) trials; the sampler has no more points\n"
    case .timeout: s += "ran \(trialsRun) trials; time limit reached\n"
    case .trialLimit: s += "ran \(trialsRun) trials\n"
    }
    let counts = report.stateCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
    s += "study '\(study)' (\(storageURL)): \(report.trials.count) trials (\(counts))\n"
    s += report.bestText
    return String(s.dropLast())
  }
}

/// `frontier tune` without argument parsing: runs a study of an external command against a
/// storage. Separate from ``Tune`` so tests drive it with an in-memory storage.
struct TuneSession: Sendable {
  var studyName: String
  var space: SearchSpace
  var samplerName: TuneSamplerName
  var seed: UInt64?
  var gridPoints = 10
  var pruner: any Pruner = NopPruner()
  var prunerName = "none"
  var directions: [StudyDirection] = [.minimize]
  var trials: Int
  var jobs = 1
  var timeLimit: Double?
  var runner: CommandRunner
  var storageURL = "memory:"
  var progress: TuneProgress?

  /// Rejects a command whose executable cannot be found or whose placeholders name no
  /// parameter (a typo would otherwise reach the command as literal text).
  static func checkCommand(_ template: CommandTemplate, space: SearchSpace) throws {
    let known = Set(space.parameters.map(\.name))
    for name in template.placeholderNames where !known.contains(name) && name != "trial" && name != "number" {
      let list = space.parameters.map(\.name).joined(separator: ", ")
      throw ValidationError(
        "the command mentions {\(name)}, which is not a parameter of the space (\(list)); write {{\(name)}} for literal braces")
    }
    let executable = template.arguments[0]
    if executable.contains("/") {
      guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw ValidationError("the command '\(executable)' does not exist or is not executable")
      }
    } else {
      let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
      let found = path.split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(executable)")
      }
      guard found else { throw ValidationError("the command '\(executable)' is not found in PATH") }
    }
  }

  /// The sampler seed for a study that already has `existingTrials` trials: the given seed
  /// (or a random one) for a new study; for a resumed one, a seed mixed with the trial count so
  /// that a resumed random or quasi-random sampler does not replay the first run's points.
  func effectiveSeed(existingTrials: Int) -> UInt64 {
    let base = seed ?? UInt64.random(in: 0...UInt64.max)
    guard existingTrials > 0 else { return base }
    return base &+ UInt64(existingTrials) &* 0x9E37_79B9_7F4A_7C15
  }

  func run(storage: any StudyStorage) async throws -> TuneSummary {
    var existing = 0
    if let info = try await storage.study(named: studyName) {
      existing = try await storage.trials(studyID: info.id, states: nil).count
    }
    let sampler = try samplerName.make(seed: effectiveSeed(existingTrials: existing), space: space, gridPoints: gridPoints)
    let study: Study
    do {
      study = try await Study(
        name: studyName, storage: storage, sampler: sampler, pruner: pruner, directions: directions, space: space)
    } catch let e as StudyStorageError {
      if case .directionMismatch = e {
        throw ValidationError("\(e); pass the same --direction options as the first run, or use another --study")
      }
      throw e
    }
    try await storage.setStudyAttribute(id: study.id, key: "command", value: runner.template.arguments.joined(separator: " "))
    try await storage.setStudyAttribute(id: study.id, key: "pruner", value: prunerName)
    if !runner.parser.metrics.isEmpty {
      try await storage.setStudyAttribute(id: study.id, key: "metrics", value: runner.parser.metrics.joined(separator: ","))
    }

    let runner = self.runner
    let progress = self.progress
    let usesPruner = prunerName != "none"
    let summary = try await study.optimize(
      trials: trials, jobs: jobs, timeout: timeLimit.map { .milliseconds(Int($0 * 1000)) },
      progress: { progress?.update($0) }
    ) { trial in
      let number = trial.number
      let result = await runner.run(trial: number, parameters: trial.parameters) { step, value in
        try? await study.report(number: number, step: step, value: value)
        guard usesPruner else { return false }
        return (try? await study.shouldPrune(number: number)) ?? false
      }
      if case .failed(let why) = result.outcome, why != "interrupted" { progress?.failed(number, why) }
      return result.outcome
    }
    progress?.finish()
    let all = try await study.trials()
    let metrics = runner.parser.metrics
    return TuneSummary(
      study: studyName, storageURL: storageURL, trialsRun: summary.trialsRun, stopReason: summary.stopReason,
      report: StudyReport(name: studyName, directions: study.directions, trials: all, metricNames: metrics))
  }
}

/// The progress line of `frontier tune` on standard error: finished trials of this run,
/// counts by state, the best value so far and the rate. On a terminal the line is redrawn in
/// place; otherwise one line is written per finished trial.
final class TuneProgress: Sendable {
  let study: String
  let total: Int
  let terminal: Bool
  private let counts = Mutex<[TrialState: Int]>([:])
  private let write: @Sendable (String) -> Void

  init(study: String, total: Int, terminal: Bool, write: @escaping @Sendable (String) -> Void = {
    FileHandle.standardError.write(Data($0.utf8))
  }) {
    self.study = study
    self.total = total
    self.terminal = terminal
    self.write = write
  }

  /// The line for `p` (without line ending).
  func line(_ p: StudyProgress) -> String {
    let c = counts.withLock { c in
      c[p.lastState, default: 0] += 1
      return c
    }
    let states = [TrialState.complete, .pruned, .failed].compactMap { s in c[s].map { "\($0) \(s.rawValue)" } }
    var s = "[tune \(study)] \(p.trialsFinished)/\(total) trials (\(states.joined(separator: ", ")))"
    if let b = p.bestValue, let t = p.bestTrial { s += "  best \(StudyReport.short(b)) (trial \(t))" }
    s += "  " + String(format: "%.1f", p.rate * 60) + " trials/min"
    return s
  }

  func update(_ p: StudyProgress) {
    let l = line(p)
    write(terminal ? "\r\u{1B}[K" + l : l + "\n")
  }

  /// Reports a failed trial (first line of the reason) on its own line.
  func failed(_ number: Int, _ reason: String) {
    let first = reason.split(separator: "\n").first.map(String.init) ?? reason
    write((terminal ? "\r\u{1B}[K" : "") + "trial \(number) failed: \(first)\n")
  }

  func finish() {
    if terminal { write("\n") }
  }
}

/// Turns SIGINT and SIGTERM into a clean stop: the first stops the running commands (their
/// trials are recorded failed, "interrupted") and cancels the run; a second one exits at once.
/// Used from the one task that runs the command (not `Sendable`).
final class InterruptHandler {
  let running: RunningChildren
  private var sources: [any DispatchSourceSignal] = []

  init(running: RunningChildren) { self.running = running }

  func install(onInterrupt: @escaping @Sendable () -> Void) {
    let running = self.running
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler {
        if running.isInterrupted { exit(130) }
        FileHandle.standardError.write(Data("\ninterrupted: stopping the running trials (again to quit at once)\n".utf8))
        running.interrupt()
        onInterrupt()
      }
      source.resume()
      sources.append(source)
    }
  }

  func uninstall() {
    for s in sources { s.cancel() }
    sources = []
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
