public import ArgumentParser
import Foundation
import FrontierCore

/// The `frontier` command.
public struct FrontierCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "frontier",
    abstract: "Search algorithms for state spaces, planning, optimisation and vectors.",
    subcommands: [Solve.self, Plan.self, Validate.self, IndexCommand.self, VectorBench.self, Demo.self,
      HPOCommand.self, Tune.self, StudyCommand.self, Illuminate.self, QDBench.self, QDFixture.self,
      ParetoCommand.self, MOOBench.self, MOOFixture.self])
  public init() {}
}

/// Aliases under the names the issues use: `frontier tune bench ...` is `frontier hpo bench
/// ...`, and `frontier index bench [ann|filtered|flat] ...` is `frontier bench ...` (`ann` when
/// no benchmark is named). Routed here because ArgumentParser parses a parent command's
/// arguments (and runs its validation) before it matches a subcommand, and `tune` requires
/// --space, --study and a command.
func routed(_ arguments: [String]) -> [String] {
  if arguments.starts(with: ["tune", "bench"]) { return ["hpo"] + arguments.dropFirst() }
  if arguments.starts(with: ["index", "bench"]) {
    let rest = Array(arguments.dropFirst(2))
    if let first = rest.first, ["ann", "filtered", "flat", "-h", "--help", "help"].contains(first) { return ["bench"] + rest }
    return ["bench", "ann"] + rest
  }
  return arguments
}

/// Entry point used by the `frontier` executable.
public enum FrontierMain {
  /// Process settings that must precede any other thread's first allocation: call it from
  /// `main` before the first `await`.
  public static func prepareProcess() {
    // `plan` is one single-threaded search, usually under an address-space limit
    // (`--memory-limit`, `ulimit -v`): one malloc arena grows in small steps where
    // per-thread arenas reserve 64 MB at a time (see `ProcessMemory.useOneMallocArena`).
    if CommandLine.arguments.dropFirst().first == "plan" { ProcessMemory.useOneMallocArena() }
  }

  public static func main() async {
    do {
      var command = try FrontierCommand.parseAsRoot(routed(Array(CommandLine.arguments.dropFirst())))
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as InputError {
      // Bad input: `file:line:column: error: message`, exit status 1.
      Console.error(error.description)
      exit(1)
    } catch {
      FrontierCommand.exit(withError: error)
    }
  }
}
