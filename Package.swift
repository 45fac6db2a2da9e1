// swift-tools-version:6.1
import PackageDescription

// Release builds drive the numeric kernels; the flags keep hot loops free of exclusivity checks.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "SwiftPose",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pose-train", targets: ["pose-train"]),
        .executable(name: "pose-test", targets: ["pose-test"]),
        .executable(name: "pose-infer", targets: ["pose-infer"]),
        .executable(name: "pose-data", targets: ["pose-data"]),
        .executable(name: "pose-bench", targets: ["pose-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C-facing targets: the only modules that see C types.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "PoseConfig"),
        .target(name: "PoseTensor", dependencies: ["COpenBLAS"], swiftSettings: fastMath),
        .target(name: "PoseNN", dependencies: ["PoseTensor"], swiftSettings: fastMath),
        .target(name: "PoseModels", dependencies: ["PoseNN", "PoseTensor"], swiftSettings: fastMath),
        .target(name: "PoseData", dependencies: ["CJPEG", "CZlib", "PoseTensor", "PoseConfig"], swiftSettings: fastMath),
        .target(name: "PoseEval", dependencies: ["PoseData"]),
        .target(name: "PoseDistributed", dependencies: ["CMPI"]),
        .target(name: "PoseTraining", dependencies: ["PoseModels", "PoseNN", "PoseTensor", "PoseDistributed", "PoseConfig", "PoseData", "PoseEval"],
                swiftSettings: fastMath),
        .target(name: "PoseCLI", dependencies: ["PoseTensor", "PoseConfig", "PoseDistributed", "PoseTraining"]),

        .executableTarget(name: "pose-train", dependencies: [
            "PoseCLI", "PoseModels", "PoseData", "PoseDistributed", "PoseTraining", "PoseConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "pose-test", dependencies: [
            "PoseCLI", "PoseModels", "PoseData", "PoseDistributed", "PoseTraining", "PoseConfig", "PoseEval",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "pose-infer", dependencies: [
            "PoseCLI", "PoseModels", "PoseData", "PoseTraining", "PoseTensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "pose-data", dependencies: [
            "PoseCLI", "PoseData",
            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "pose-bench", dependencies: [
            "PoseCLI", "PoseModels", "PoseData", "PoseTensor", "PoseNN", "PoseTraining",
            .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: fastMath),

        .testTarget(name: "PoseTensorTests", dependencies: ["PoseTensor"]),
        .testTarget(name: "PoseNNTests", dependencies: ["PoseNN", "PoseTensor"]),
        .testTarget(name: "PoseModelsTests", dependencies: ["PoseModels", "PoseNN", "PoseTensor"]),
        .testTarget(name: "PoseDataTests", dependencies: ["PoseData", "PoseTensor"]),
        .testTarget(name: "PoseConfigTests", dependencies: ["PoseConfig"]),
        .testTarget(name: "PoseEvalTests", dependencies: ["PoseEval", "PoseData"]),
        .testTarget(name: "PoseCLITests", dependencies: ["PoseCLI", "PoseTensor"]),
        .testTarget(name: "PoseTrainingTests", dependencies: ["PoseTraining", "PoseModels", "PoseNN", "PoseTensor", "PoseConfig", "PoseData", "PoseEval", "PoseDistributed"]),
    ]
)
