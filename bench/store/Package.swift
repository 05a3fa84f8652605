// swift-tools-version: 6.1
// Store throughput benchmark: worker processes sharing one study through FrontierStore.
// A separate package so the main one gains no benchmark product; `run.sh` builds it.
import PackageDescription

let package = Package(
  name: "StoreBench",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "Frontier", path: "../..")],
  targets: [
    .executableTarget(
      name: "StoreBench",
      dependencies: [
        .product(name: "FrontierStore", package: "Frontier"),
        .product(name: "FrontierOptimization", package: "Frontier"),
      ],
      swiftSettings: [
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
      ])
  ],
  swiftLanguageModes: [.v6]
)
