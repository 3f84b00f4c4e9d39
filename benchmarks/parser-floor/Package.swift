// swift-tools-version:6.0
// The floors under hostcontract's start-up that its required stack sets: `swift-floor`, a static
// Swift program that does nothing, and `parser-floor`, whose only work is swift-argument-parser
// parsing the gate's options (the same property wrappers, the same root-and-subcommand shape). benchmarks/start.sh builds it
// against the swift-argument-parser checkout of the main package's build.
import PackageDescription

let package = Package(
    name: "parser-floor",
    dependencies: [.package(path: "../../.build/checkouts/swift-argument-parser")],
    targets: [
        .executableTarget(name: "swift-floor"),
        .executableTarget(
            name: "parser-floor",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ]
)
