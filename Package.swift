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
    .library(name: "FrontierStore", targets: ["FrontierStore"]),
    .executable(name: "frontier", targets: ["frontier"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
  ],
  targets: [
    .target(name: "FrontierCore", swiftSettings: strictSettings),
    .target(name: "FrontierStateSearch", dependencies: ["FrontierCore"], swiftSettings: strictSettings),
    .target(name: "CFrontierKernels"),
    .target(
      name: "FrontierVectorSearch", dependencies: ["FrontierCore", "CFrontierKernels"],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierOptimization",
      dependencies: [
        "FrontierCore", "CFrontierKernels", .product(name: "RealModule", package: "swift-numerics"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierStore",
      dependencies: [
        "FrontierOptimization",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierPlanning", dependencies: ["FrontierCore", "FrontierStateSearch"],
      swiftSettings: strictSettings),
    .target(
      name: "FrontierCLI",
      dependencies: [
        "FrontierCore", "FrontierStateSearch", "FrontierPlanning", "FrontierVectorSearch",
        "FrontierOptimization", "FrontierStore",
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
      name: "FrontierStoreTests",
      dependencies: [
        "FrontierOptimization", "FrontierStore",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSettings),
    .testTarget(
      name: "FrontierCLITests",
      dependencies: [
        "FrontierCLI", "FrontierCore", "FrontierStateSearch", "FrontierOptimization",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings),
  ],
  swiftLanguageModes: [.v6]
)
