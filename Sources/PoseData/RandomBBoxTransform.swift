import PoseTensor

/// MMPose's `RandomBBoxTransform(shift_factor=0.16, shift_prob=0.3, scale_factor=(0.5, 1.5),
/// scale_prob=1.0, rotate_factor=80.0, rotate_prob=0.6)`: random shift, scale and rotation of
/// the box, each factor drawn from a standard normal truncated to [-1, 1].
public struct RandomBBoxTransform: Transform {
    /// MMPose's `shift_factor`: the centre moves by up to this fraction of the box size per axis
    /// (default 0.16).
    public var shiftFactor = 0.16
    /// MMPose's `shift_prob`: the chance of a shift (default 0.3).
    public var shiftProb = 0.3
    /// MMPose's `scale_factor`: (lower, upper) bounds of the box's scale factor (default (0.5, 1.5)).
    public var scaleFactor = (0.5, 1.5)
    /// MMPose's `scale_prob`: the chance of a rescale (default 1.0).
    public var scaleProb = 1.0
    /// MMPose's `rotate_factor`: the rotation is up to ± this many degrees (default 80).
    public var rotateFactor = 80.0
    /// MMPose's `rotate_prob`: the chance of a rotation (default 0.6).
    public var rotateProb = 0.6

    /// MMPose's defaults, as the type lists them.
    public init() {}

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let v = (0..<4).map { _ in RandomBBoxTransform.truncatedNormal(&rng) }
        var offset = (v[0] * shiftFactor, v[1] * shiftFactor)
        if !(rng.uniform() < shiftProb) { offset = (0, 0) }
        let mu = (scaleFactor.0 + scaleFactor.1) / 2, sigma = (scaleFactor.1 - scaleFactor.0) / 2
        var scale = v[2] * sigma + mu
        if !(rng.uniform() < scaleProb) { scale = 1 }
        var rotate = v[3] * rotateFactor
        if !(rng.uniform() < rotateProb) { rotate = 0 }
        s.center = (s.center.0 + offset.0 * s.scale.0, s.center.1 + offset.1 * s.scale.1)
        s.scale = (s.scale.0 * scale, s.scale.1 * scale)
        s.rotation = rotate
    }

    /// A standard normal sample truncated to [-1, 1] (scipy's `truncnorm(-1, 1)`), by rejection.
    static func truncatedNormal(_ rng: inout RandomGenerator) -> Double {
        while true {
            let v = rng.normal()
            if v >= -1 && v <= 1 { return v }
        }
    }
}
