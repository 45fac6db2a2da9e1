/// MMPose's `PoseDataPreprocessor`: per-channel normalisation `(pixel − mean) / std` of the RGB
/// input, applied by the loader when it collates a batch.
public struct DataPreprocessor: Sendable, Equatable {
    /// Per-channel (R, G, B) mean subtracted from the 0–255 pixels (MMPose's `mean`).
    public var mean: [Float]
    /// Per-channel (R, G, B) standard deviation the centred pixels are divided by (MMPose's `std`).
    public var std: [Float]

    /// ImageNet statistics, MMPose's configs' values.
    public init(mean: [Float] = [123.675, 116.28, 103.53], std: [Float] = [58.395, 57.12, 57.375]) {
        self.mean = mean
        self.std = std
    }
}
