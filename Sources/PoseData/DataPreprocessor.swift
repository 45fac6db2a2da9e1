/// MMPose's `PoseDataPreprocessor`: per-channel normalisation `(pixel − mean) / std` of the
/// input, applied by the loader when it collates a batch.
///
/// SwiftPose decodes images as RGB. MMPose decodes BGR and, with `bgr_to_rgb=True` (its
/// top-down configs), swaps to RGB before normalising; with `bgr_to_rgb=False` (YOLOX-Pose and
/// RTMO, trained from mmdet's BGR weights) the network sees B, G, R planes, and `mean`/`std`
/// are in that order.
public struct DataPreprocessor: Sendable, Equatable {
    /// Per-channel mean subtracted from the 0–255 pixels (MMPose's `mean`), in the order of the
    /// network's input planes: R, G, B when `bgrToRGB`, else B, G, R.
    public var mean: [Float]
    /// Per-channel standard deviation the centred pixels are divided by (MMPose's `std`), in the
    /// same order as `mean`.
    public var std: [Float]
    /// MMPose's `bgr_to_rgb`: true feeds the network R, G, B planes; false feeds B, G, R.
    public var bgrToRGB: Bool
    /// The types of `batch_augments` (MMPose applies them to training batches only, as
    /// YOLOX-Pose's and RTMO's `BatchSyncRandomResize`). None is implemented yet: a model with
    /// any evaluates and infers as MMPose does, and training it is refused.
    public var batchAugments: [String] = []

    /// ImageNet statistics and RGB input, MMPose's top-down configs' values.
    public init(mean: [Float] = [123.675, 116.28, 103.53], std: [Float] = [58.395, 57.12, 57.375], bgrToRGB: Bool = true) {
        self.mean = mean
        self.std = std
        self.bgrToRGB = bgrToRGB
    }

    /// Normalises one decoded `3 × H × W` RGB sample in place into the network's input: the
    /// planes reordered to B, G, R when `bgrToRGB` is false, then `(pixel − mean) / std`.
    public func normalize(_ pixels: UnsafeMutableBufferPointer<Float>) {
        let plane = pixels.count / 3
        if !bgrToRGB, plane > 0 {
            for p in 0..<plane { pixels.swapAt(p, 2 * plane + p) }
        }
        for c in 0..<3 {
            let m = mean[c], inv = 1 / std[c]
            for p in c * plane ..< (c + 1) * plane { pixels[p] = (pixels[p] - m) * inv }
        }
    }
}
