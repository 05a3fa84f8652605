import Foundation
import FrontierOptimization
import Synchronization
import Testing
@testable import FrontierCLI

/// Runs `/bin/sh -c script` as a trial with parameters `x` (float) and `n` (int).
private func runShell(
  _ script: String, parameters: Parameters = ["x": .float(0.5), "n": .int(3)], timeout: Double? = 10,
  killGrace: Double = 0.3, parser: ObjectiveParser = ObjectiveParser(), running: RunningChildren = RunningChildren(),
  report: @Sendable (Int, Double) async -> Bool = { _, _ in false }
) async -> CommandTrialResult {
  var runner = CommandRunner(template: CommandTemplate(["/bin/sh", "-c", script]), parameterNames: ["x", "n", "opt"])
  runner.timeout = timeout
  runner.killGrace = killGrace
  runner.parser = parser
  runner.running = running
  runner.studyName = "s1"
  return await runner.run(trial: 7, parameters: parameters, report: report)
}

private func failReason(_ r: CommandTrialResult) -> String? {
  if case .failed(let why) = r.outcome { return why }
  return nil
}

@Suite("CommandRunner: one external command per trial")
struct CommandRunnerTests {
  @Test("Placeholders are substituted; {trial} and {number} are the trial number")
  func placeholders() async {
    let r = await runShell("echo ignored; echo $(( {n} + {trial} + {number} ))")
    #expect(r.outcome == .complete([17]))
  }

  @Test("Templates: inactive parameters drop their argument, shell and JSON braces stay")
  func templateRendering() {
    let t = CommandTemplate(["run", "--x={x}", "--m={momentum}", "${HOME}", "{not a name}", "{{x}}", "{other}", "t{trial}"])
    let args = t.render(trial: 4, parameters: ["x": .float(1e-5)], known: ["x", "momentum"])
    #expect(args == ["run", "--x=1e-05", "${HOME}", "{not a name}", "{x}", "{other}", "t4"])
    #expect(t.placeholderNames == ["x", "momentum", "other", "trial"])
  }

  @Test("Parameters arrive as FRONTIER_PARAM_*, plain names and a JSON file")
  func environmentAndFile() async throws {
    let params: Parameters = ["x": .float(0.25), "n": .int(3), "opt": .string("adam")]
    let r = await runShell(
      #"""
      test "$FRONTIER_PARAM_X" = 0.25 || exit 11
      test "$N" = 3 || exit 12
      test "$FRONTIER_PARAM_OPT" = adam || exit 13
      test "$FRONTIER_TRIAL_NUMBER" = 7 || exit 14
      test "$FRONTIER_STUDY" = s1 || exit 15
      cat "$FRONTIER_PARAMS_FILE" >&2
      grep -q '"opt":"adam"' "$FRONTIER_PARAMS_FILE" || exit 16
      echo 1
      """#, parameters: params)
    #expect(r.outcome == .complete([1]), "\(r.outcome) \(r.stderrTail)")
    #expect(r.stderrTail == #"{"x":0.25,"n":3,"opt":"adam"}"#)
  }

  @Test("A parameter never replaces an inherited variable of the same name")
  func noClobber() {
    var runner = CommandRunner(template: CommandTemplate(["true"]), parameterNames: ["path", "lr-rate"])
    runner.baseEnvironment = ["PATH": "/bin"]
    let env = runner.environment(trial: 0, parameters: ["path": .int(2), "lr-rate": .float(0.1)], paramsFile: "f")
    #expect(env["PATH"] == "/bin")
    #expect(env["FRONTIER_PARAM_PATH"] == "2")
    #expect(env["FRONTIER_PARAM_LR_RATE"] == "0.1" && env["LR_RATE"] == "0.1")
  }

  @Test("JSON results: value, values, named metrics")
  func jsonResults() async {
    #expect(await runShell(#"echo '{"value": 2.5}'"#).outcome == .complete([2.5]))
    let two = ObjectiveParser(metrics: [], objectives: 2)
    #expect(await runShell(#"echo '{"values": [1, 2]}'"#, parser: two).outcome == .complete([1, 2]))
    let named = ObjectiveParser(metrics: ["acc", "loss"], objectives: 2)
    #expect(await runShell(#"echo '{"loss": 0.5, "acc": 0.9}'; echo"#, parser: named).outcome == .complete([0.9, 0.5]))
  }

  @Test(
    "Output that is not a result fails the trial with the reason",
    arguments: [
      ("true", "printed nothing"),
      ("echo hello world", "not a number or a JSON object: 'hello world'"),
      ("echo nan", "NaN"),
      (#"echo '{"loss": 1}'"#, "without \"value\""),
      (#"echo '{"step": 1, "intermediate": 0.5}'"#, "intermediate report"),
      (#"echo '{"value": true}'"#, "without \"value\""),
    ])
  func badOutput(script: String, reason: String) async throws {
    let why = try #require(failReason(await runShell(script)))
    #expect(why.contains(reason), "\(why)")
  }

  @Test("Wrong number of values or a missing metric fails the trial")
  func wrongCounts() async throws {
    let two = ObjectiveParser(metrics: [], objectives: 2)
    #expect(try #require(failReason(await runShell("echo 3", parser: two))).contains("expected 2 values, got 1"))
    let named = ObjectiveParser(metrics: ["acc"], objectives: 1)
    #expect(try #require(failReason(await runShell(#"echo '{"loss": 1}'"#, parser: named))).contains("metric 'acc'"))
    #expect(try #require(failReason(await runShell("echo 1", parser: named))).contains("JSON object"))
  }

  @Test("A non-zero exit fails with the tail of standard error")
  func nonZeroExit() async throws {
    let r = await runShell("for i in $(seq 1 40); do echo line$i >&2; done; echo 1; exit 3")
    let why = try #require(failReason(r))
    #expect(why.hasPrefix("exit status 3"))
    #expect(why.contains("line40") && why.contains("line21") && !why.contains("line20\n"))
    #expect(r.exitStatus == .exited(3))
  }

  @Test("The stderr tail is capped at 2 KB")
  func stderrCap() async throws {
    let r = await runShell("i=0; while [ $i -lt 10 ]; do printf '%0500d\\n' $i >&2; i=$((i+1)); done; exit 1")
    #expect(r.stderrTail.utf8.count <= ChildProcess.stderrTailBytes + 3)
    #expect(r.stderrTail.hasPrefix("…"))
  }

  @Test("A crash (signal) fails the trial naming the signal")
  func crash() async throws {
    let why = try #require(failReason(await runShell("echo 1; kill -SEGV $$")))
    #expect(why.hasPrefix("killed by SIGSEGV"), "\(why)")
  }

  @Test("A hanging command is killed at the timeout, with everything it started")
  func timeout() async throws {
    let started = monotonicSeconds()
    let r = await runShell("sleep 300 & sleep 300; echo 1", timeout: 0.3)
    #expect(try #require(failReason(r)).hasPrefix("timed out after 0.3 s"))
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("A command that ignores SIGTERM is killed with SIGKILL after the grace period")
  func ignoresTerm() async throws {
    let started = monotonicSeconds()
    let r = await runShell("trap '' TERM; while true; do sleep 0.05; done", timeout: 0.2, killGrace: 0.3)
    #expect(try #require(failReason(r)).hasPrefix("timed out"))
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("Background processes left behind do not hold the trial open")
  func leftovers() async {
    let started = monotonicSeconds()
    let r = await runShell("sleep 300 & echo 4")
    #expect(r.outcome == .complete([4]))
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("A missing executable fails the trial")
  func missingExecutable() async throws {
    let runner = CommandRunner(template: CommandTemplate(["/nonexistent/frontier-nope"]), parameterNames: [])
    let why = try #require(failReason(await runner.run(trial: 0, parameters: [:])))
    #expect(why.contains("cannot start '/nonexistent/frontier-nope'"), "\(why)")
  }

  @Test("Intermediate values are reported as they arrive")
  func intermediates() async {
    let seen = Mutex<[Int]>([])
    let r = await runShell(
      #"""
      for s in 1 2 3; do echo "{\"step\": $s, \"intermediate\": 0.$s}"; echo log line; done
      echo 0.05
      """#,
      report: { step, _ in
        seen.withLock { $0.append(step) }
        return false
      })
    #expect(r.outcome == .complete([0.05]))
    #expect(r.intermediates.map(\.step) == [1, 2, 3])
    #expect(r.intermediates.map(\.value) == [0.1, 0.2, 0.3])
    #expect(seen.withLock { $0 } == [1, 2, 3])
  }

  @Test("Pruning stops the command at once")
  func pruning() async {
    let started = monotonicSeconds()
    let r = await runShell(
      #"""
      s=0; while true; do s=$((s+1)); echo "{\"step\": $s, \"intermediate\": 1}"; sleep 0.05; done
      """#,
      timeout: 120, report: { step, _ in step >= 2 })  // the safety timeout must outlast a loaded CI's scheduling delays
    #expect(r.outcome == .pruned)
    #expect(r.intermediates.count >= 2)
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("Interrupting stops running commands; their trials fail as interrupted")
  func interrupt() async {
    let running = RunningChildren()
    let started = monotonicSeconds()
    async let result = runShell("sleep 300; echo 1", running: running)
    try? await Task.sleep(for: .milliseconds(200))
    running.interrupt()
    #expect(await result.outcome == .failed("interrupted"))
    #expect(running.isInterrupted)
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("Cancelling the task stops the command; the trial fails as interrupted")
  func cancellation() async {
    let started = monotonicSeconds()
    let task = Task { await runShell("sleep 300; echo 1") }
    try? await Task.sleep(for: .milliseconds(200))
    task.cancel()
    #expect(await task.value.outcome == .failed("interrupted"))
    #expect(monotonicSeconds() - started < 150)  // the command alone would run 300 s or forever; loose because CPU-heavy tests running in parallel can hold the 2-thread cooperative pool for tens of seconds
  }

  @Test("Parallel trials each get their own output")
  func parallel() async {
    let outcomes = await withTaskGroup(of: TrialOutcome.self) { group in
      for i in 0..<6 {
        group.addTask { await runShell("sleep 0.1; echo {n}", parameters: ["n": .int(i)]).outcome }
      }
      var all: [TrialOutcome] = []
      for await o in group { all.append(o) }
      return all
    }
    #expect(Set(outcomes) == Set((0..<6).map { TrialOutcome.complete([Double($0)]) }))
  }
}
