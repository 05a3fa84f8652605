// swift-tools-version: 6.1
// Side-by-side reference: SwiftGraph's Dijkstra on a MovingAI grid map, used by
// ../run.sh (SWIFTGRAPH=1) to time Frontier against a general-purpose Swift
// graph library. Build: swift build -c release --scratch-path .build-sgbench
import PackageDescription

let package = Package(
    name: "sgbench",
    dependencies: [
        .package(url: "https://github.com/davecom/SwiftGraph", exact: "4.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "sgbench",
            dependencies: [.product(name: "SwiftGraph", package: "SwiftGraph")]
        ),
    ]
)
