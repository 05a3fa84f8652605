// swift-tools-version: 6.1
// Benchmarks for Frontier's hot paths (time and allocations), with ordo-one/benchmark.
//   cd Benchmarks && swift package benchmark
// Kept out of the main package so users of Frontier never build the benchmark tooling.
import PackageDescription

let package = Package(
  name: "FrontierBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "Frontier", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "StateSearchBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "FrontierCore", package: "Frontier"),
        .product(name: "FrontierStateSearch", package: "Frontier"),
      ],
      path: "Benchmarks/StateSearchBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ],
  swiftLanguageModes: [.v6]
)
