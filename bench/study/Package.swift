// swift-tools-version: 6.1
// Study-driver overhead: CPU per trial of Study.optimize with a trivial sampler and objective.
// A separate package so the main one gains no benchmark product; `run.sh` builds it.
import PackageDescription

let package = Package(
  name: "StudyBench",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Frontier", path: "../..")],
  targets: [
    .executableTarget(
      name: "StudyBench",
      dependencies: [
        .product(name: "FrontierOptimization", package: "Frontier"),
        .product(name: "FrontierCore", package: "Frontier"),
      ],
      swiftSettings: [
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
      ])
  ],
  swiftLanguageModes: [.v6]
)
