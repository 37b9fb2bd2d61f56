// swift-tools-version:6.1
// The pure core of rollout-status: the Kubernetes wire model and the rollout rules.
//
// It is a package of its own, with no dependencies, so that the rules build and their tests run
// without compiling any networking code: `swift test --package-path Core`.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "RolloutCore",
    products: [
        .library(name: "KubeModel", targets: ["KubeModel"]),
        .library(name: "RolloutRules", targets: ["RolloutRules"]),
    ],
    targets: [
        .target(name: "KubeModel", swiftSettings: swiftSettings),
        .target(name: "RolloutRules", dependencies: ["KubeModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeModelTests",
            dependencies: ["KubeModel"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutRulesTests",
            dependencies: ["RolloutRules", "KubeModel"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
