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

    // What reading one config (with its bases and --cfg-options) may build and spend: every
    // later pass over a config value (merging, comparing, printing, freeing) recurses as deep
    // as the value nests and takes time and memory in proportion to its size.

    /// Bytes of one config file (MMPose's largest, metainfo files included, are under 100 KB).
    public static let fileBytes = 8 << 20
    /// Levels a config value may nest (lists in dicts in lists...; MMPose's nest under 10), and
    /// components of a `--cfg-options` key path.
    public static let valueDepth = 100
    /// Size of one config value: one unit per number, name or container, one per 8 bytes of a
    /// string, counted as if shared parts were copied (as printing or merging them does).
    public static let valueSize = 2_000_000
    /// Evaluation steps of one config load: each expression evaluated, each loop iteration and
    /// each item a sequence operation builds or copies. A step keeps at most a few dozen bytes,
    /// so a load stays well under 2 GB whatever it computes (MMPose's largest take thousands).
    public static let evaluationSteps = 4_000_000
    /// Items of one list, tuple or string that `*`, `range` and comprehensions build.
    public static let sequenceLength = 1_000_000
    /// Nested for/if blocks (CPython allows 100 statically nested blocks).
    public static let blockDepth = 100
}
