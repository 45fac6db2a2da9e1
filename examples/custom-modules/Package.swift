// swift-tools-version:6.1
import PackageDescription

// A package of one's own that adds components to SwiftPose without editing it: it depends on
// SwiftPose (here by path; by version it is `.package(url: ..., from: "...")`), registers its
// components, and hands them to SwiftPose's stock mains.
let package = Package(
    name: "CustomModules",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SwiftPose", path: "../.."),
    ],
    targets: [
        .target(name: "CustomModules", dependencies: [.product(name: "SwiftPose", package: "SwiftPose")]),
        .executableTarget(name: "custom-pose-train", dependencies: ["CustomModules"]),
        .executableTarget(name: "custom-pose-test", dependencies: ["CustomModules"]),
        // SwiftPose's test support (gradient checker, reference kernels, component harness) is
        // for test targets only
        .testTarget(name: "CustomModulesTests", dependencies: [
            "CustomModules", .product(name: "SwiftPoseTestSupport", package: "SwiftPose")]),
    ]
)
