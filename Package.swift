// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "Frontier",
  products: [
    .library(name: "FrontierCore", targets: ["FrontierCore"]),
    .library(name: "FrontierStateSearch", targets: ["FrontierStateSearch"]),
    .library(name: "FrontierPlanning", targets: ["FrontierPlanning"]),
    .library(name: "FrontierVectorSearch", targets: ["FrontierVectorSearch"]),
    .library(name: "FrontierOptimization", targets: ["FrontierOptimization"]),
    .executable(name: "frontier", targets: ["frontier"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
  ],
  targets: [
    .target(name: "FrontierCore", swiftSettings: strictSettings),
    .target(name: "FrontierStateSearch", dependencies: ["FrontierCore"], swiftSettings: strictSettings),
    .target(name: "FrontierVectorSearch", dependencies: ["FrontierCore"], swiftSettings: strictSettings),
    .target(
      name: "FrontierOptimization",
      dependencies: ["FrontierCore", .product(name: "RealModule", package: "swift-numerics")],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierPlanning", dependencies: ["FrontierCore", "FrontierStateSearch"],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierCLI",
      dependencies: [
        "FrontierCore", "FrontierStateSearch", "FrontierPlanning", "FrontierVectorSearch",
        "FrontierOptimization",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      resources: [.copy("Resources")],
      swiftSettings: strictSettings),
    .executableTarget(name: "frontier", dependencies: ["FrontierCLI"], swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierCoreTests",
      dependencies: ["FrontierCore", .product(name: "PropertyBased", package: "swift-property-based")],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierStateSearchTests",
      dependencies: [
        "FrontierCore", "FrontierStateSearch",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierPlanningTests",
      dependencies: [
        "FrontierCore", "FrontierStateSearch", "FrontierPlanning",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierVectorSearchTests",
      dependencies: [
        "FrontierCore", "FrontierVectorSearch",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierOptimizationTests",
      dependencies: [
        "FrontierCore", "FrontierOptimization",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierCLITests",
      dependencies: [
        "FrontierCLI", "FrontierCore", "FrontierStateSearch",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings),
  ],
  swiftLanguageModes: [.v6]
)
