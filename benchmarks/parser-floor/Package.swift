// swift-tools-version:6.0
// The floors under hostcontract's start-up that its required stack sets: `swift-floor`, a static
// Swift program that does nothing; `parser-floor`, whose only work is swift-argument-parser
// parsing the gate's options (the same property wrappers, the same root-and-subcommand shape);
// and `toml-floor`, which then also reads the contract and parses it with TOMLKit, visiting
// every value once. benchmarks/start.sh and lint.sh build it against the swift-argument-parser
// and TOMLKit checkouts of the main package's build.
import PackageDescription

let package = Package(
    name: "parser-floor",
    dependencies: [
        .package(path: "../../.build/checkouts/swift-argument-parser"),
        .package(path: "../../.build/checkouts/TOMLKit"),
    ],
    targets: [
        .executableTarget(name: "swift-floor"),
        .executableTarget(
            name: "parser-floor",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "toml-floor",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
    ]
)
