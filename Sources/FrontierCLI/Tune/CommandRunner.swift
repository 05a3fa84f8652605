import Foundation
import FrontierOptimization
import Synchronization

/// A command line with `{name}` placeholders, as given after `--` to `frontier tune`.
///
/// - `{param}` is replaced by the trial's value of parameter `param` (floats in Swift's
///   shortest round-tripping form such as `0.001` or `1e-05`, booleans as `true`/`false`).
/// - `{trial}` and `{number}` are replaced by the trial number (0, 1, 2, ...).
/// - `{{` and `}}` stand for literal braces.
/// - An argument that mentions a parameter which is *inactive* in this trial (a conditional
///   parameter whose condition does not hold) is left out entirely, so write conditional
///   parameters as one argument: `--momentum={momentum}`.
/// - Anything else in braces (`${HOME}`, `{print $1}`, JSON) is left as it is.
struct CommandTemplate: Sendable, Hashable {
  var arguments: [String]

  init(_ arguments: [String]) {
    self.arguments = arguments
  }

  /// The names in braces that look like placeholders (identifiers), in order of appearance.
  var placeholderNames: [String] {
    var names: [String] = []
    for a in arguments {
      for piece in Self.pieces(a) {
        if case .placeholder(let n) = piece, !names.contains(n) { names.append(n) }
      }
    }
    return names
  }

  /// The argument vector for one trial. `known` holds every parameter name of the search
  /// space: a placeholder naming one of them that is missing from `parameters` drops its
  /// argument; a placeholder naming none of them is kept verbatim.
  func render(trial: Int, parameters: Parameters, known: Set<String>) -> [String] {
    var out: [String] = []
    argumentLoop: for a in arguments {
      var s = ""
      for piece in Self.pieces(a) {
        switch piece {
        case .text(let t): s += t
        case .placeholder(let n):
          if n == "trial" || n == "number", !known.contains(n) {
            s += String(trial)
          } else if let v = parameters[n] {
            s += v.description
          } else if known.contains(n) {
            continue argumentLoop
          } else {
            s += "{\(n)}"
          }
        }
      }
      out.append(s)
    }
    return out
  }

  enum Piece: Equatable { case text(String), placeholder(String) }

  /// Splits an argument into literal text and `{identifier}` placeholders; `{{`/`}}` are
  /// literal braces and a `{` right after `$` is never a placeholder (shell syntax).
  static func pieces(_ argument: String) -> [Piece] {
    var result: [Piece] = []
    var text = ""
    let chars = Array(argument)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "{", i + 1 < chars.count, chars[i + 1] == "{" {
        text.append("{")
        i += 2
        continue
      }
      if c == "}", i + 1 < chars.count, chars[i + 1] == "}" {
        text.append("}")
        i += 2
        continue
      }
      if c == "{", i == 0 || chars[i - 1] != "$", let close = chars[(i + 1)...].firstIndex(of: "}") {
        let name = String(chars[(i + 1)..<close])
        if isIdentifier(name) {
          if !text.isEmpty { result.append(.text(text)) }
          text = ""
          result.append(.placeholder(name))
          i = close + 1
          continue
        }
      }
      text.append(c)
      i += 1
    }
    if !text.isEmpty { result.append(.text(text)) }
    return result
  }

  /// Letters, digits, `_`, `.` and `-`, not starting with a digit, `.` or `-`.
  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
      return false
    }
    return s.unicodeScalars.allSatisfy {
      $0 == "_" || $0 == "." || $0 == "-" || CharacterSet.alphanumerics.contains($0)
    }
  }
}

/// What a command's standard output means: its last non-empty line is the result, and
/// `{"step": s, "intermediate": v}` lines before it are intermediate values.
///
/// The last line may be
/// - a number (`0.123`, `1e-3`, `inf`): the single objective value;
/// - a JSON object with `"values": [...]` (one per objective), `"value": x`, or, when
///   `metrics` names them (`--metric`), those keys in order: `{"loss": 0.3, "acc": 0.9}`.
///
/// NaN is never a valid value (as in Optuna); the trial fails.
struct ObjectiveParser: Sendable, Hashable {
  /// Named metrics to read from a JSON result, one per objective; empty for `value`/`values`.
  var metrics: [String] = []
  /// How many values a result must have.
  var objectives: Int = 1

  /// An intermediate report, or `nil` when the line is not one.
  func intermediate(_ line: String) -> (step: Int, value: Double)? {
    let t = line.trimmingCharacters(in: .whitespaces)
    guard t.hasPrefix("{"), t.contains("intermediate"), let obj = Self.object(t) else { return nil }
    guard let v = Self.number(obj["intermediate"]), let s = Self.number(obj["step"]),
      s == s.rounded(), Swift.abs(s) < 1e15, !v.isNaN
    else { return nil }
    return (Int(s), v)
  }

  /// The result values from the last non-empty line, or why there are none.
  func result(_ lastLine: String?) -> Result<[Double], ObjectiveError> {
    guard let line = lastLine?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
      return .failure(.init("the command printed nothing on standard output (expected a number on the last line)"))
    }
    var values: [Double]
    if let x = Double(line) {
      guard metrics.isEmpty else {
        return .failure(.init("expected a JSON object with \(metricList) on the last line, got the number \(line)"))
      }
      values = [x]
    } else if line.hasPrefix("{"), let obj = Self.object(line) {
      if !metrics.isEmpty {
        values = []
        for m in metrics {
          guard let v = Self.number(obj[m]) else {
            return .failure(.init("metric '\(m)' is missing or not a number in the last line: \(Self.clip(line))"))
          }
          values.append(v)
        }
      } else if case .array(let list)? = obj["values"] {
        values = []
        for item in list {
          guard let v = Self.number(item) else {
            return .failure(.init("\"values\" must hold numbers: \(Self.clip(line))"))
          }
          values.append(v)
        }
      } else if let v = Self.number(obj["value"]) {
        values = [v]
      } else if obj["intermediate"] != nil {
        return .failure(.init("the last line is an intermediate report; the command printed no final value"))
      } else {
        return .failure(
          .init("the last line is JSON without \"value\" or \"values\" (name metrics with --metric): \(Self.clip(line))"))
      }
    } else {
      return .failure(.init("the last line of standard output is not a number or a JSON object: \(Self.clip(line))"))
    }
    guard values.count == objectives else {
      return .failure(.init("expected \(objectives) value\(objectives == 1 ? "" : "s"), got \(values.count)"))
    }
    if values.contains(where: \.isNaN) { return .failure(.init("the objective value is NaN")) }
    return .success(values)
  }

  private var metricList: String { metrics.map { "\"\($0)\"" }.joined(separator: ", ") }

  static func object(_ text: String) -> [String: JSONValue]? {
    guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
    return o
  }

  /// A JSON number (not a boolean) as a `Double`.
  static func number(_ value: JSONValue?) -> Double? {
    if case .number(let x)? = value { return x }
    return nil
  }

  static func clip(_ s: String, _ limit: Int = 120) -> String {
    s.count <= limit ? "'\(s)'" : "'\(s.prefix(limit))…'"
  }
}

/// A parsed JSON value (booleans and numbers kept apart).
enum JSONValue: Sendable, Hashable, Decodable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let x = try? c.decode(Double.self) {
      self = .number(x)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }
}

/// Why a command's output is not a result.
struct ObjectiveError: Error, Sendable, Hashable {
  var message: String
  init(_ message: String) { self.message = message }
}

/// What became of one trial's command.
struct CommandTrialResult: Sendable {
  var outcome: TrialOutcome
  /// Intermediate values the command reported, in order.
  var intermediates: [(step: Int, value: Double)]
  var exitStatus: ExitStatus?
  var stderrTail: String
  var seconds: Double
}

/// The commands of a tuning run that are running right now, so that Ctrl-C can stop them all.
final class RunningChildren: Sendable {
  private let state = Mutex<(interrupted: Bool, children: [Int: ChildProcess])>((false, [:]))

  /// Whether ``interrupt()`` was called.
  var isInterrupted: Bool { state.withLock { $0.interrupted } }

  /// Registers a child; returns `false` (and stops it) when the run is already interrupted.
  func add(_ child: ChildProcess, trial: Int) -> Bool {
    let ok = state.withLock { s in
      if !s.interrupted { s.children[trial] = child }
      return !s.interrupted
    }
    if !ok { child.terminate(.interrupted) }
    return ok
  }

  func remove(trial: Int) { _ = state.withLock { $0.children.removeValue(forKey: trial) } }

  /// Stops every running child (each trial is then recorded failed, "interrupted") and makes
  /// later ``add(_:trial:)`` calls refuse.
  func interrupt() {
    let children = state.withLock { s in
      s.interrupted = true
      return Array(s.children.values)
    }
    for c in children { c.terminate(.interrupted) }
  }
}


/// Runs an external command for each trial of `frontier tune`.
///
/// Per trial the runner
/// 1. renders the ``CommandTemplate`` with the trial's parameters;
/// 2. passes the parameters in the environment, twice: as `FRONTIER_PARAM_<NAME>` (the name
///    upper-cased, every character other than a letter or digit turned into `_`), and under
///    the plain upper-cased name (`LR=0.01`) unless the inherited environment already has a
///    variable of that name (so a parameter called `path` never replaces `PATH`); plus
///    `FRONTIER_TRIAL_NUMBER`, `FRONTIER_STUDY` and `FRONTIER_PARAMS_FILE`, the path of a JSON
///    object with all parameters (`{"lr": 0.01, "optimizer": "adam"}`), deleted after the trial;
/// 3. runs the command in its own process group (``ChildProcess``), reporting each
///    `{"step": s, "intermediate": v}` line of its output as it arrives through `report`,
///    which answers whether to prune (the process group is then stopped);
/// 4. reads the result from the last non-empty line of standard output (``ObjectiveParser``).
///
/// Failures are outcomes, never errors: a non-zero exit (with the tail of standard error), a
/// signal, a timeout, no or unreadable output, and an interruption each become
/// `.failed(reason)`, and the study goes on.
struct CommandRunner: Sendable {
  var template: CommandTemplate
  /// Every parameter name of the search space, in order.
  var parameterNames: [String]
  var parser = ObjectiveParser()
  var studyName = ""
  /// Seconds before a trial's command is stopped; `nil` for no limit.
  var timeout: Double?
  /// Seconds between `SIGTERM` and `SIGKILL` when the runner stops a command.
  var killGrace: Double = 5
  /// The environment the command inherits (before the parameters are added).
  var baseEnvironment = ProcessInfo.processInfo.environment
  /// Where parameter files go.
  var scratchDirectory = FileManager.default.temporaryDirectory
  var running = RunningChildren()

  init(template: CommandTemplate, parameterNames: [String]) {
    self.template = template
    self.parameterNames = parameterNames
  }

  /// `FRONTIER_PARAM_` + the environment form of `name`.
  static func environmentName(_ name: String) -> String {
    String(
      name.uppercased().unicodeScalars.map {
        ($0.isASCII && CharacterSet.alphanumerics.contains($0)) ? Character($0) : "_"
      })
  }

  /// The environment of one trial's command.
  func environment(trial: Int, parameters: Parameters, paramsFile: String) -> [String: String] {
    var env = baseEnvironment
    for name in parameterNames {
      guard let v = parameters[name] else { continue }
      let key = Self.environmentName(name)
      env["FRONTIER_PARAM_" + key] = v.description
      if baseEnvironment[key] == nil { env[key] = v.description }
    }
    env["FRONTIER_TRIAL_NUMBER"] = String(trial)
    env["FRONTIER_STUDY"] = studyName
    env["FRONTIER_PARAMS_FILE"] = paramsFile
    return env
  }

  /// The parameters as one JSON object, in search-space order.
  func parametersJSON(_ parameters: Parameters) -> String {
    var line = JSONLine()
    for name in parameterNames {
      guard let v = parameters[name] else { continue }
      switch v {
      case .float(let x): line.add(name, x)
      case .int(let i): line.add(name, i)
      case .string(let s): line.add(name, s)
      case .bool(let b): line.add(name, b)
      }
    }
    return line.text
  }

  /// Runs one trial to its end. `report` is called for each intermediate value as it
  /// arrives and returns `true` to prune the trial.
  func run(
    trial: Int, parameters: Parameters,
    report: @Sendable (_ step: Int, _ value: Double) async -> Bool = { _, _ in false }
  ) async -> CommandTrialResult {
    let arguments = template.render(trial: trial, parameters: parameters, known: Set(parameterNames))
    let file = scratchDirectory.appendingPathComponent(
      "frontier-params-\(ProcessInfo.processInfo.processIdentifier)-\(trial)-\(UInt32.random(in: 0...UInt32.max)).json")
    defer { try? FileManager.default.removeItem(at: file) }
    do {
      try Data((parametersJSON(parameters) + "\n").utf8).write(to: file)
    } catch {
      return .init(
        outcome: .failed("cannot write the parameter file \(file.path): \(error.localizedDescription)"),
        intermediates: [], exitStatus: nil, stderrTail: "", seconds: 0)
    }
    let child: ChildProcess
    do {
      child = try ChildProcess(
        arguments: arguments, environment: environment(trial: trial, parameters: parameters, paramsFile: file.path),
        timeout: timeout, killGrace: killGrace)
    } catch {
      return .init(outcome: .failed(error.description), intermediates: [], exitStatus: nil, stderrTail: "", seconds: 0)
    }
    _ = running.add(child, trial: trial)
    defer { running.remove(trial: trial) }

    var intermediates: [(step: Int, value: Double)] = []
    // A cancelled task stops the command (recorded "interrupted") and still waits for it.
    await withTaskCancellationHandler {
      for await line in child.lines {
        guard let iv = parser.intermediate(line) else { continue }
        intermediates.append(iv)
        if await report(iv.step, iv.value) { child.terminate(.pruned) }
      }
    } onCancel: {
      child.terminate(.interrupted)
    }
    let exit = await child.exit()
    return .init(
      outcome: Self.outcome(of: exit, parser: parser), intermediates: intermediates, exitStatus: exit.status,
      stderrTail: exit.stderrTail, seconds: exit.seconds)
  }

  /// The trial outcome for a finished command.
  static func outcome(of exit: ChildExit, parser: ObjectiveParser) -> TrialOutcome {
    let tail = exit.stderrTail.isEmpty ? "" : "\n" + exit.stderrTail
    switch exit.terminatedBy {
    case .pruned: return .pruned
    case .interrupted: return .failed("interrupted")
    case .timeout(let t): return .failed("timed out after \(JSONLine.number(t)) s" + tail)
    case nil: break
    }
    switch exit.status {
    case .signaled(let s): return .failed("killed by \(signalName(s))" + tail)
    case .exited(let code) where code != 0:
      return .failed(code == 127 ? "exit status 127 (command not found?)" + tail : "exit status \(code)" + tail)
    case .exited:
      switch parser.result(exit.lastLine) {
      case .success(let values): return .complete(values)
      case .failure(let e): return .failed(e.message + tail)
      }
    }
  }
}
