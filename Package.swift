// swift-tools-version:6.1
import PackageDescription

// No unsafeFlags anywhere: SwiftPM refuses them in a package that is depended upon by version,
// and `-enforce-exclusivity=unchecked` measured no faster here (BENCHMARKS.md).
let package = Package(
    name: "SwiftPose",
    platforms: [.macOS(.v14)],
    products: [
        // Everything an extension needs: protocols, registries, stock components and the mains.
        .library(name: "SwiftPose", targets: ["SwiftPose"]),
        .executable(name: "pose-train", targets: ["pose-train"]),
        .executable(name: "pose-test", targets: ["pose-test"]),
        .executable(name: "pose-infer", targets: ["pose-infer"]),
        .executable(name: "pose-data", targets: ["pose-data"]),
        .executable(name: "pose-bench", targets: ["pose-bench"]),
        .executable(name: "pose-analyze", targets: ["pose-analyze"]),
        // For packages' test targets: the gradient checker, reference kernels and a component
        // harness; SwiftPose's production modules hold none of it.
        .library(name: "SwiftPoseTestSupport", targets: ["SwiftPoseTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation`: the API reference and its coverage (launch/docs.sh)
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // C-facing targets: the only modules that see C types.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Debian's oneDNN ships no pkg-config file; the module map links dnnl and its OpenMP runtime.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // SwiftPose's own base configs (`configs/_base_` links to them): default_runtime.py and the
        // dataset metainfo files, reachable from any package as `swiftpose::_base_/...`.
        .target(name: "PoseConfig", resources: [.copy("Resources/configs")]),
        .target(name: "PoseTensor", dependencies: ["COpenBLAS", "CDNNL"]),
        .target(name: "PoseNN", dependencies: ["PoseTensor"]),
        .target(name: "PoseData", dependencies: ["CJPEG", "CPNG", "CZlib", "PoseTensor", "PoseConfig"]),
        .target(name: "PoseModels", dependencies: ["PoseNN", "PoseTensor", "PoseData"]),
        .target(name: "PoseEval", dependencies: ["PoseData"]),
        .target(name: "PoseDistributed", dependencies: ["CMPI", "PoseTensor"]),
        .target(name: "PoseTraining", dependencies: ["PoseModels", "PoseNN", "PoseTensor", "PoseDistributed", "PoseConfig",
                                                     "PoseData", "PoseEval"]),
        .target(name: "PoseCLI", dependencies: [
            "PoseTensor", "PoseConfig", "PoseData", "PoseModels", "PoseEval", "PoseDistributed", "PoseTraining",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "SwiftPose", dependencies: [
            "PoseConfig", "PoseTensor", "PoseNN", "PoseData", "PoseModels", "PoseEval", "PoseDistributed",
            "PoseTraining", "PoseCLI"]),

        .target(name: "SwiftPoseTestSupport", dependencies: [
            "PoseConfig", "PoseTensor", "PoseNN", "PoseData", "PoseModels", "PoseTraining"]),

        .executableTarget(name: "pose-train", dependencies: ["PoseCLI"]),
        .executableTarget(name: "pose-test", dependencies: ["PoseCLI"]),
        .executableTarget(name: "pose-infer", dependencies: ["PoseCLI"]),
        .executableTarget(name: "pose-data", dependencies: [
            "PoseCLI", "PoseData", "PoseTensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "pose-bench", dependencies: [
            "PoseCLI", "PoseModels", "PoseData", "PoseTensor", "PoseNN", "PoseTraining", "PoseDistributed",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .executableTarget(name: "pose-analyze", dependencies: [
            "PoseCLI", "PoseConfig", "PoseData", "PoseTensor", "PoseTraining",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Toy components in a module of their own, registered by the tests as a user would.
        .target(name: "ToyComponents", dependencies: ["SwiftPose"], path: "Tests/ToyComponents"),

        .testTarget(name: "PoseTensorTests", dependencies: ["PoseTensor", "SwiftPoseTestSupport"]),
        .testTarget(name: "PoseNNTests", dependencies: ["PoseNN", "PoseTensor", "SwiftPoseTestSupport"]),
        .testTarget(name: "PoseModelsTests", dependencies: ["PoseModels", "PoseNN", "PoseTensor", "PoseData", "SwiftPoseTestSupport"]),
        .testTarget(name: "PoseDataTests", dependencies: ["PoseData", "PoseTensor"]),
        .testTarget(name: "PoseConfigTests", dependencies: ["PoseConfig"]),
        .testTarget(name: "PoseEvalTests", dependencies: ["PoseEval", "PoseData"]),
        .testTarget(name: "PoseCLITests", dependencies: ["PoseCLI", "PoseTensor", "PoseDistributed"]),
        .testTarget(name: "PoseTrainingTests", dependencies: [
            "PoseTraining", "PoseModels", "PoseNN", "PoseTensor", "PoseConfig", "PoseData", "PoseEval",
            "PoseDistributed", "PoseCLI", "SwiftPose", "ToyComponents", "SwiftPoseTestSupport"]),
    ]
)
