/// The ranges config values are checked against where they are read, so that no size, count or
/// factor from a config reaches a kernel that would trap, divide by zero or exhaust memory on it.
public enum ConfigLimits {
    /// Image, input and heatmap sides in pixels.
    public static let side: ClosedRange<Int> = 1...16_384
    /// Channels of a layer.
    public static let channels: ClosedRange<Int> = 1...65_536
    /// Keypoints of a dataset or head.
    public static let keypoints: ClosedRange<Int> = 1...10_000
    /// Convolution kernel sizes.
    public static let kernel: ClosedRange<Int> = 1...31
    /// Convolution strides and dilations.
    public static let stride: ClosedRange<Int> = 1...64
    /// Layer, block and module counts.
    public static let count: ClosedRange<Int> = 1...1_000
    /// Epochs, iterations and intervals.
    public static let iterations: ClosedRange<Int> = 1...1_000_000_000
    /// Images per batch and rank.
    public static let batch: ClosedRange<Int> = 1...65_536
    /// Probabilities.
    public static let probability: ClosedRange<Double> = 0...1
    /// Gaussian sigmas in heatmap pixels.
    public static let sigma: ClosedRange<Double> = 0.01...1_000
    /// Box paddings and scale factors (multiples of a box).
    public static let scale: ClosedRange<Double> = 0.01...100
}
