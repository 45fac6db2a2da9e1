import PoseTensor

/// MMPose's `GetBBoxCenterScale(padding=1.25)`: the box size scaled by `padding` (the centre is
/// set from the box when the sample is made).
public struct GetBBoxCenterScale: Transform {
    /// MMPose's `padding`: the factor on the box's width and height (default 1.25).
    public var padding: Double

    /// A step with MMPose's `padding` (default 1.25).
    public init(padding: Double = 1.25) { self.padding = padding }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        // float32, as MMPose's scale array
        s.scale = (Double(Float(s.scale.0) * Float(padding)), Double(Float(s.scale.1) * Float(padding)))
    }
}
