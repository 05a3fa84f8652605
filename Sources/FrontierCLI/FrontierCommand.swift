public import ArgumentParser

/// The `frontier` command.
public struct FrontierCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "frontier",
    abstract: "Search algorithms for state spaces, planning, optimisation and vectors.",
    subcommands: [Solve.self, Demo.self])
  public init() {}
}

/// Entry point used by the `frontier` executable.
public enum FrontierMain {
  public static func main() async { await FrontierCommand.main() }
}
