import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the runner stopped a child before it finished on its own.
enum TerminationReason: Sendable, Hashable {
  case timeout(Double)
  case pruned
  case interrupted
}

/// How a child process ended.
enum ExitStatus: Sendable, Hashable {
  case exited(Int32)
  case signaled(Int32)

  /// Decodes a `waitpid` status word (the `W*` macros are not visible from Swift).
  init(waitStatus s: Int32) {
    let signal = s & 0x7f
    self = signal == 0 ? .exited((s >> 8) & 0xff) : .signaled(signal)
  }
}

/// Everything the supervisor observed about one child.
struct ChildExit: Sendable {
  var status: ExitStatus
  /// The last non-empty line of standard output (trimmed), if any.
  var lastLine: String?
  /// The tail of standard error: at most ``ChildProcess/stderrTailLines`` lines and
  /// ``ChildProcess/stderrTailBytes`` bytes.
  var stderrTail: String
  /// Set when the runner (not the command) ended the process.
  var terminatedBy: TerminationReason?
  var seconds: Double
}


/// Why a command could not be started.
struct SpawnError: Error, Sendable, CustomStringConvertible {
  var command: String
  var errno: Int32
  var description: String { "cannot start '\(command)': \(String(cString: strerror(errno)))" }
}

/// One external command running in its own process group, supervised by a dedicated thread.
///
/// The process is started with `posix_spawn` and `POSIX_SPAWN_SETPGROUP`, so it and everything
/// it starts share a process group whose id is its pid: the runner signals the whole group, and
/// a Ctrl-C typed at the terminal reaches only `frontier` (which then stops its children
/// itself, recording why). Standard input is `/dev/null`; standard output is read line by line
/// and forwarded through ``lines``; standard error is kept as a bounded tail. ``exit()`` waits
/// for the end, also from a cancelled task (iterating ``lines`` stops early when the task is
/// cancelled; the exit is delivered through a continuation, which is not).
///
/// Termination (timeout, pruning, interruption) sends `SIGTERM` to the group, then `SIGKILL`
/// after `killGrace` seconds. When the command exits, whatever it left running in its group is
/// killed so that the trial's pipes close and nothing outlives the trial.
final class ChildProcess: Sendable {
  static let stderrTailLines = 20
  static let stderrTailBytes = 2048
  /// Serialises pipe creation and spawning so that a pipe made for one child is marked
  /// close-on-exec before another child is spawned (Glibc's `pipe2` is not visible from Swift).
  private static let spawnLock = Mutex<Void>(())

  let pid: pid_t
  /// Complete lines of standard output (without the newline), finished when the child ends.
  let lines: AsyncStream<String>
  private let request = RequestBox()
  private let ending = ExitBox()

  /// Starts `arguments[0]` (looked up in `PATH` when it has no slash) with `arguments` as its
  /// argument vector and exactly `environment` as its environment.
  init(arguments: [String], environment: [String: String], timeout: Double?, killGrace: Double) throws(SpawnError) {
    precondition(!arguments.isEmpty, "empty command")
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    var spawnedPID: pid_t = 0
    let rc: Int32 = Self.spawnLock.withLock { _ in
      guard pipe(&outPipe) == 0 else { return errno }
      guard pipe(&errPipe) == 0 else {
        let e = errno
        close(outPipe[0])
        close(outPipe[1])
        return e
      }
      for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
      let r = Self.spawn(arguments, environment, stdout: outPipe[1], stderr: errPipe[1], pid: &spawnedPID)
      close(outPipe[1])
      close(errPipe[1])
      if r != 0 {
        close(outPipe[0])
        close(errPipe[0])
      }
      return r
    }
    guard rc == 0 else { throw SpawnError(command: arguments[0], errno: rc) }
    pid = spawnedPID
    let (stream, continuation) = AsyncStream<String>.makeStream()
    lines = stream
    let supervisor = Supervisor(
      pid: spawnedPID, stdout: outPipe[0], stderr: errPipe[0], timeout: timeout, killGrace: killGrace,
      request: { [request] in request.current },
      emit: { continuation.yield($0) })
    let ending = self.ending
    let thread = Thread {
      let exit = supervisor.run()
      continuation.finish()
      ending.finish(exit)
    }
    thread.name = "frontier-child-\(spawnedPID)"
    thread.start()
  }

  /// Waits until the child has ended and been reaped.
  func exit() async -> ChildExit {
    await withCheckedContinuation { c in ending.wait(c) }
  }

  /// Asks the supervisor to stop the child (the first reason wins).
  func terminate(_ reason: TerminationReason) {
    request.set(reason)
  }

  private static func spawn(
    _ arguments: [String], _ environment: [String: String], stdout: Int32, stderr: Int32, pid: inout pid_t
  ) -> Int32 {
    #if os(Linux)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #else
      var actions: posix_spawn_file_actions_t? = nil
      var attributes: posix_spawnattr_t? = nil
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    // Own process group; default dispositions and an empty mask for the signals frontier
    // handles or ignores itself, so the command sees a normal environment.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, s) }
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for p in argv { free(p) }
      for p in envp { free(p) }
    }
    return posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
  }
}

/// The pending stop request of one child, shared by the runner and the supervisor thread.
private final class RequestBox: Sendable {
  private let reason = Mutex<TerminationReason?>(nil)
  var current: TerminationReason? { reason.withLock { $0 } }
  func set(_ r: TerminationReason) { reason.withLock { if $0 == nil { $0 = r } } }
}

/// A child's end, handed from the supervisor thread to any number of waiters.
private final class ExitBox: Sendable {
  private let state = Mutex<(exit: ChildExit?, waiters: [CheckedContinuation<ChildExit, Never>])>((nil, []))

  func wait(_ c: CheckedContinuation<ChildExit, Never>) {
    let done: ChildExit? = state.withLock { s in
      if s.exit == nil { s.waiters.append(c) }
      return s.exit
    }
    if let done { c.resume(returning: done) }
  }

  func finish(_ exit: ChildExit) {
    let waiters = state.withLock { s in
      s.exit = exit
      defer { s.waiters = [] }
      return s.waiters
    }
    for w in waiters { w.resume(returning: exit) }
  }
}

/// The blocking loop that reads a child's pipes, enforces its deadline and reaps it.
/// Runs on its own thread; everything it touches is owned by it.
private final class Supervisor: @unchecked Sendable {
  let pid: pid_t
  var stdoutFD: Int32
  var stderrFD: Int32
  let timeout: Double?
  let killGrace: Double
  let request: @Sendable () -> TerminationReason?
  let emit: @Sendable (String) -> Void

  var partialLine: [UInt8] = []
  var lastLine: String?
  var stderrBuffer: [UInt8] = []

  init(
    pid: pid_t, stdout: Int32, stderr: Int32, timeout: Double?, killGrace: Double,
    request: @escaping @Sendable () -> TerminationReason?, emit: @escaping @Sendable (String) -> Void
  ) {
    self.pid = pid
    self.stdoutFD = stdout
    self.stderrFD = stderr
    self.timeout = timeout
    self.killGrace = killGrace
    self.request = request
    self.emit = emit
  }

  func run() -> ChildExit {
    let start = monotonicSeconds()
    var terminatedBy: TerminationReason?
    var killAt: Double?
    var killed = false
    var exited = false
    var drainUntil = Double.infinity
    var buffer = [UInt8](repeating: 0, count: 65536)
    var idleWait: UInt32 = 200  // microseconds

    while true {
      let now = monotonicSeconds()
      // Stop requests and the deadline.
      if terminatedBy == nil, !exited {
        if let r = request() {
          terminatedBy = r
        } else if let t = timeout, now - start >= t {
          terminatedBy = .timeout(t)
        }
        if terminatedBy != nil {
          killpg(pid, SIGTERM)
          killAt = now + killGrace
        }
      }
      if let k = killAt, now >= k, !killed, !exited {
        killpg(pid, SIGKILL)
        killed = true
      }
      // Has the leader exited? (WNOWAIT: leave it a zombie so its group id stays ours.)
      if !exited {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info.si_signo == SIGCHLD {
          exited = true
          // Whatever the command left behind in its group goes with it.
          killpg(pid, SIGKILL)
          drainUntil = now + 0.5
        }
      }
      if stdoutFD < 0 && stderrFD < 0 && exited { break }
      if exited && now >= drainUntil { break }

      var fds: [pollfd] = []
      if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
      if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
      if fds.isEmpty {
        // Both pipes closed, the process not yet gone: it is usually exiting right now, so
        // look again soon, backing off for a command that closed its output and runs on.
        usleep(idleWait)
        idleWait = Swift.min(idleWait * 2, 20_000)
        continue
      }
      let waitMS: Int32 = exited ? 10 : 50
      let ready = poll(&fds, nfds_t(fds.count), waitMS)
      if ready <= 0 { continue }
      for p in fds where p.revents != 0 {
        let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
        if n <= 0 {
          close(p.fd)
          if p.fd == stdoutFD { stdoutFD = -1 } else { stderrFD = -1 }
          continue
        }
        if p.fd == stdoutFD {
          consumeStdout(buffer[0..<n])
        } else {
          stderrBuffer.append(contentsOf: buffer[0..<n])
          // Keep a generous window; the tail is cut to lines and bytes at the end.
          if stderrBuffer.count > 64 * 1024 { stderrBuffer.removeFirst(stderrBuffer.count - 32 * 1024) }
        }
      }
    }
    if stdoutFD >= 0 { close(stdoutFD) }
    if stderrFD >= 0 { close(stderrFD) }
    if !partialLine.isEmpty { finishLine() }

    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return ChildExit(
      status: ExitStatus(waitStatus: status), lastLine: lastLine, stderrTail: stderrTail(),
      terminatedBy: terminatedBy, seconds: monotonicSeconds() - start)
  }

  private func consumeStdout(_ bytes: ArraySlice<UInt8>) {
    for b in bytes {
      if b == UInt8(ascii: "\n") {
        finishLine()
      } else if partialLine.count < 1 << 20 {
        partialLine.append(b)
      }
    }
  }

  private func finishLine() {
    var line = String(decoding: partialLine, as: UTF8.self)
    partialLine.removeAll(keepingCapacity: true)
    if line.hasSuffix("\r") { line.removeLast() }
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if !trimmed.isEmpty { lastLine = trimmed }
    emit(line)
  }

  private func stderrTail() -> String {
    var text = String(decoding: stderrBuffer, as: UTF8.self)
    while text.hasSuffix("\n") { text.removeLast() }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.count > ChildProcess.stderrTailLines { lines = lines.suffix(ChildProcess.stderrTailLines) }
    var tail = lines.joined(separator: "\n")
    if tail.utf8.count > ChildProcess.stderrTailBytes {
      let bytes = Array(tail.utf8.suffix(ChildProcess.stderrTailBytes))
      tail = "…" + String(decoding: bytes, as: UTF8.self)
    }
    return tail
  }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// A signal's conventional name (`SIGSEGV`), or its number.
func signalName(_ s: Int32) -> String {
  let names: [Int32: String] = [
    SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
    SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
    SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
  ]
  return names[s] ?? "signal \(s)"
}
