import Foundation
import PoseTensor

/// MMPose's `BottomupRandomAffine` (`transform_mode='affine'`): the whole image warped into the
/// network input with a random shift (a fraction of the image size), scale (of the image size,
/// then fixed to the input's aspect ratio by its short or long side) and rotation, each drawn
/// from a standard normal truncated to [−1, 1] (or uniformly) when its probability hits; every
/// person's keypoints follow. Sets `input`, `inputSize`, `transformedKeypoints` and `warp`.
public struct BottomupRandomAffine: Transform {
    /// How a random factor in [−1, 1] is drawn (`distribution`).
    public enum Distribution: String, Sendable, CaseIterable {
        /// scipy's `truncnorm(-1, 1)`.
        case truncatedNormal = "trunc_norm"
        /// Uniform on [−1, 1].
        case uniform
    }

    /// `input_size` (width, height).
    public var size: (Int, Int)
    /// `shift_factor` and `shift_prob`.
    public var shiftFactor = 0.2, shiftProb = 1.0
    /// `scale_factor` (low, high) and `scale_prob`.
    public var scaleFactor = (0.75, 1.5), scaleProb = 1.0
    /// `scale_type`: fix the aspect ratio by the `short` (true) or `long` side.
    public var scaleByShortSide = true
    /// `rotate_factor` (degrees) and `rotate_prob`.
    public var rotateFactor = 30.0, rotateProb = 1.0
    /// `distribution`.
    public var distribution = Distribution.truncatedNormal
    /// `clip_border`: keypoints warped outside the input become invisible.
    public var clipBorder = false

    /// A transform to `inputSize` with MMPose's defaults.
    public init(inputSize: (Int, Int)) { size = inputSize }

    public var inputSize: (Int, Int)? { size }

    func draw(_ rng: inout RandomGenerator) -> Double {
        distribution == .truncatedNormal ? RandomBBoxTransform.truncatedNormal(&rng) : rng.uniform(-1, 1)
    }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        guard let image = s.image else { throw DatasetError("BottomupRandomAffine needs LoadImage first in the pipeline") }
        let (w, h) = size
        let (iw, ih) = (Double(image.width), Double(image.height))
        // _get_transform_params draws in this order; factors are float32 as scipy's draws are cast
        var offset = (0.0, 0.0), scaleRate = 1.0, rotation = 0.0
        if rng.uniform() < shiftProb {
            offset = (Double(Float(draw(&rng))) * shiftFactor, Double(Float(draw(&rng))) * shiftFactor)
        }
        if rng.uniform() < scaleProb {
            scaleRate = scaleFactor.0 + (scaleFactor.1 - scaleFactor.0) * (Double(Float(draw(&rng))) + 1) / 2
        }
        if rng.uniform() < rotateProb { rotation = Double(Float(draw(&rng))) * rotateFactor }
        var scale = (scaleRate * iw, scaleRate * ih)
        // _fix_aspect_ratio
        let aspect = Double(w) / Double(h)
        if scale.0 > scale.1 * aspect {
            scale = scaleByShortSide ? (scale.1 * aspect, scale.1) : (scale.0, scale.0 / aspect)
        } else {
            scale = scaleByShortSide ? (scale.0, scale.0 / aspect) : (scale.1 * aspect, scale.1)
        }
        let center = (Double(Float(iw / 2)) + offset.0 * iw, Double(Float(ih / 2)) + offset.1 * ih)
        let m = AffineTransform.topdown(center: center, scale: scale, rotation: rotation, outputSize: size)
        s.input = [Float](repeating: 0, count: 3 * w * h)
        s.input.withUnsafeMutableBufferPointer { m.warp(image, width: w, height: h, into: $0.baseAddress!) }
        var points = [Double](repeating: 0, count: s.keypoints.count)
        // cv2.transform of float32 points converts the matrix to float32 and computes in float32
        let (a, b, c, d, e, f) = (Float(m.a), Float(m.b), Float(m.c), Float(m.d), Float(m.e), Float(m.f))
        for j in 0..<(s.keypoints.count / 2) {
            let (x, y) = (Float(s.keypoints[2 * j]), Float(s.keypoints[2 * j + 1]))
            (points[2 * j], points[2 * j + 1]) = (Double(a * x + b * y + c), Double(d * x + e * y + f))
            if clipBorder && (points[2 * j] < 0 || points[2 * j] >= Double(w) || points[2 * j + 1] < 0 || points[2 * j + 1] >= Double(h)) {
                s.visible[j] = 0
            }
        }
        s.transformedKeypoints = points
        s.center = center; s.scale = scale; s.rotation = rotation
        s.inputSize = size
        s.warp = m
        s.image = nil
    }
}
