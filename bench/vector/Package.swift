// swift-tools-version: 6.1
// Stand-alone harness for FrontierVectorSearch: `frontier-vector index build|search` and
// `frontier-vector bench ann|filtered` (the CSV columns of ../../../shared/anchors/vector).
// A separate package so the root manifest stays unchanged until the commands move into
// FrontierCLI (see IndexCommand.swift).
import PackageDescription

let package = Package(
  name: "frontier-vector-bench",
  dependencies: [
    .package(path: "../.."),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    .executableTarget(
      name: "frontier-vector",
      dependencies: [
        .product(name: "FrontierVectorSearch", package: "wt-vector"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ])
  ],
  swiftLanguageModes: [.v6]
)
