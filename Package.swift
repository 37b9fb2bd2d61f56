// swift-tools-version:6.1
// rollout-status: a release gate that watches Kubernetes rollouts until they certainly succeed or fail.
//
// Target graph (see docs/architecture.md):
//   KubeModel → RolloutRules → RolloutReport → RolloutCoordinator → RolloutStatusCLI → rollout-status
//   KubeModel → KubeClient → RolloutCoordinator
//   KubeSimulator (imports none of ours) → kube-sim, the demo, and every integration test.
// KubeModel and RolloutRules live in the dependency-free package under Core/.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rollout-status",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rollout-status", targets: ["rollout-status"]),
        .executable(name: "kube-sim", targets: ["kube-sim"]),
    ],
    dependencies: [
        .package(path: "Core"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // SIGINT/SIGTERM as an AsyncSequence (UnixSignals), already in the graph through async-http-client.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: Libraries
        .target(
            name: "KubeClient",
            dependencies: [
                .product(name: "KubeModel", package: "Core"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutReport",
            dependencies: [
                .product(name: "KubeModel", package: "Core"),
                .product(name: "RolloutRules", package: "Core"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutCoordinator",
            dependencies: [
                .product(name: "KubeModel", package: "Core"),
                .product(name: "RolloutRules", package: "Core"),
                "KubeClient",
                "RolloutReport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KubeSimulator",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutStatusCLI",
            dependencies: [
                .product(name: "KubeModel", package: "Core"),
                .product(name: "RolloutRules", package: "Core"),
                "KubeClient",
                "RolloutReport",
                "RolloutCoordinator",
                "KubeSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "KubeSimulator",
                .product(name: "KubeModel", package: "Core"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),

        // MARK: Executables (one thin file each)
        .executableTarget(
            name: "rollout-status",
            dependencies: ["RolloutStatusCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kube-sim",
            dependencies: ["KubeSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "TestSupport", "KubeSimulator", .product(name: "KubeModel", package: "Core"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutReportTests",
            dependencies: [
                "RolloutReport", .product(name: "RolloutRules", package: "Core"),
                .product(name: "KubeModel", package: "Core"),
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutCoordinatorTests",
            dependencies: ["RolloutCoordinator", "RolloutReport", "KubeClient", "TestSupport"],
            exclude: ["Targets/Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KubeSimulatorTests",
            dependencies: [
                "KubeSimulator",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutStatusCLITests",
            dependencies: [
                "RolloutStatusCLI", "RolloutCoordinator", "RolloutReport", "TestSupport", "KubeSimulator",
                .product(name: "KubeModel", package: "Core"), .product(name: "RolloutRules", package: "Core"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
