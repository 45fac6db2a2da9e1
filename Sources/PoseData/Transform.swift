import PoseTensor

/// One step of a data pipeline (MMPose's `TRANSFORMS`), run on one sample at a time by the
/// loader threads.
///
/// Contract for an implementation:
/// - `apply` updates the sample (`TopdownSample`, MMPose's `results` dict) in place: the image
///   (RGB, `image`), the box `center`/`scale`/`rotation`, the keypoints, and after a warp the
///   `3 × H × W` crop in `input`. It draws every random number from `rng`, a generator seeded
///   by (seed, epoch, sample index): then what a sample looks like depends neither on the number
///   of ranks nor of loader threads, and a resumed run sees the same augmentations.
/// - It throws (never traps) for a sample it cannot process, naming the file; the loader
///   reports that error for the batch.
/// - Transforms are values (`Sendable`): decoded once from the config, shared by all threads.
/// - `inputSize` and `encoder` let the loader size the batch: the step that warps to the network
///   input (`TopdownAffine`) reports its size, the step that makes targets (`GenerateTarget`)
///   its codec. Other steps keep the defaults (nil).
public protocol Transform: Sendable {
    /// Applies the step to `sample`, drawing randomness from `rng`.
    func apply(_ sample: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws
    /// (width, height) of the network input this step produces, if it warps to it.
    var inputSize: (Int, Int)? { get }
    /// The codec this step encodes training targets with, if it makes them.
    var encoder: (any KeypointCodec)? { get }
}

extension Transform {
    public var inputSize: (Int, Int)? { nil }
    public var encoder: (any KeypointCodec)? { nil }
}

/// A sequence of transforms run on one instance with that instance's generator.
public struct TopdownPipeline: Sendable {
    /// The steps in config order.
    public var transforms: [any Transform]
    /// The dataset's keypoint definition, handed to every step.
    public var metainfo: DatasetMetainfo

    /// A pipeline running `transforms` in order with `metainfo`.
    public init(_ transforms: [any Transform], metainfo: DatasetMetainfo) {
        self.transforms = transforms
        self.metainfo = metainfo
    }

    /// Runs every transform on `instance`; randomness comes from `rng`.
    public func run(_ instance: PoseInstance, rng: inout RandomGenerator) throws -> TopdownSample {
        var sample = TopdownSample(instance: instance)
        for t in transforms { try t.apply(&sample, metainfo: metainfo, rng: &rng) }
        return sample
    }

    /// The input size set by the pipeline's warp (`TopdownAffine`), if any.
    public var inputSize: (Int, Int)? { transforms.lazy.compactMap(\.inputSize).first }

    /// The codec of the pipeline's `GenerateTarget`, if any.
    public var codec: (any KeypointCodec)? { transforms.lazy.compactMap(\.encoder).first }
}
