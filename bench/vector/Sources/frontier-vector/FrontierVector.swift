import ArgumentParser

/// Stand-in root until `IndexCommand` and `VectorBench` are registered in FrontierCommand.
@main
struct FrontierVector: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frontier-vector", abstract: "FrontierVectorSearch indexes and benchmarks.",
    subcommands: [IndexCommand.self, VectorBench.self])
}
