// swift-tools-version:6.0
import PackageDescription

/// A module sees only the members of modules it imports itself: TOMLKit imports Foundation, whose
/// String extensions (`contains`, `range(of:)`) would otherwise be chosen silently over the
/// standard library's and bring Foundation's bridging onto every check's path.
let strictImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "hostcontract",
    products: [
        .executable(name: "hostcontract", targets: ["hostcontract"]),
        .library(name: "Contract", targets: ["Contract"]),
        .library(name: "Provision", targets: ["Provision"]),
        .library(name: "Runtime", targets: ["Runtime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // C libraries: a module map and a one-include header each, found through pkg-config.
        .systemLibrary(name: "CAcl", pkgConfig: "libacl", providers: [.apt(["libacl1-dev"])]),
        // Headers only, no pkgConfig (whose --libs would link it): Host loads libcryptsetup with
        // dlopen when a contract has [[encrypted]] entries. Its header needs no include path.
        .systemLibrary(name: "CCryptsetup", providers: [.apt(["libcryptsetup-dev"])]),
        // Headers only, as CCryptsetup: Host loads libcurl with dlopen for [[http]] entries.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libcrypto and libsystemd, loaded with dlopen the first time a contract needs them: a
        // trampoline per function (headers from libssl-dev and libsystemd-dev).
        .target(name: "COnDemand"),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CLinux"),
        // argc and argv as the C runtime passed them (Swift's CommandLine needs /proc).
        .target(name: "CProcessArguments"),

        // The only module that calls libc and the C libraries; knows nothing of contracts.
        .target(
            name: "Host",
            dependencies: [
                "CLinux", "CAcl", "COnDemand", "CCryptsetup", "CCurl", "CPCRE2", "CProcessArguments",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictImports
        ),
        // The contract language: TOML to model, interpolation, diagnostics, evaluation. Pure.
        .target(name: "Contract", dependencies: ["TOMLKit"], swiftSettings: strictImports),
        // Inspection of a host against a contract, and (later) the provisioning plan and its application.
        .target(name: "Provision", dependencies: ["Contract", "Host"], swiftSettings: strictImports),
        // The startup gate.
        .target(name: "Runtime", dependencies: ["Provision", "Contract", "Host"], swiftSettings: strictImports),
        .executableTarget(
            name: "hostcontract",
            dependencies: [
                "Contract", "Host", "Provision", "Runtime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictImports,
            plugins: ["BuildInfo"]
        ),
        // The version (from VERSION) and the commit, generated before every build.
        .plugin(name: "BuildInfo", capability: .buildTool()),

        .target(name: "TestSupport", dependencies: ["Contract"], path: "Tests/TestSupport"),
        // Provision for PCRE2Engine: every load of a contract compiles its regular expressions.
        .testTarget(name: "ContractTests", dependencies: ["Contract", "Provision", "TestSupport"]),
        .testTarget(name: "HostTests", dependencies: ["Host", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Contract", "TestSupport"]),
        .testTarget(name: "ProvisionTests", dependencies: ["Provision", "Contract", "Host", "TestSupport"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Contract", "Provision", "TestSupport"]),
    ]
)
