import PoseTensor

/// MMPose's `PackPoseInputs`: nothing to do per sample, because the loader packs the batch.
public struct PackPoseInputs: Transform {
    /// The step; it takes no options.
    public init() {}
    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {}
}
