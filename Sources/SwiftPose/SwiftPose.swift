// The `SwiftPose` library product: one import gives an extension package everything it needs to
// implement components (tensors, layers, codecs, transforms, metrics, optimizers, schedulers,
// hooks), register them in a `Components` set and hand that to the stock mains
// (`PoseTrainCommand.main(components:)` and its `pose-test`/`pose-infer` siblings). Tests use the
// separate `SwiftPoseTestSupport` product (gradient checker, reference kernels, harness).
@_exported import PoseCLI
@_exported import PoseConfig
@_exported import PoseData
@_exported import PoseDistributed
@_exported import PoseEval
@_exported import PoseModels
@_exported import PoseNN
@_exported import PoseTensor
@_exported import PoseTraining
