import Foundation
import PoseTensor

/// One step of a top-down pipeline, with MMPose's name, arguments and defaults.
public enum TopdownTransform: Sendable {
    /// `LoadImage`: decodes the instance's JPEG (RGB).
    case loadImage
    /// `GetBBoxCenterScale(padding=1.25)`: centre and padded size from the box.
    case getBBoxCenterScale(padding: Double)
    /// `RandomFlip(prob=0.5, direction='horizontal')` with one probability per direction
    /// ('horizontal', 'vertical', 'diagonal'), chosen as `np.random.choice(directions + [None])`.
    case randomFlip(prob: Double, directions: [String] = ["horizontal"], probs: [Double]? = nil)
    /// `RandomHalfBody(min_total_keypoints=9, min_upper_keypoints=2, min_lower_keypoints=3,
    /// padding=1.5, prob=0.3, upper_prioritized_prob=0.7)`.
    case randomHalfBody(minTotal: Int, minUpper: Int, minLower: Int, padding: Double, prob: Double, upperPrioritizedProb: Double)
    /// `RandomBBoxTransform(shift_factor=0.16, shift_prob=0.3, scale_factor=(0.5, 1.5), scale_prob=1.0,
    /// rotate_factor=80.0, rotate_prob=0.6)`.
    case randomBBoxTransform(shiftFactor: Double, shiftProb: Double, scaleFactor: (Double, Double), scaleProb: Double,
                             rotateFactor: Double, rotateProb: Double)
    /// `TopdownAffine(input_size, use_udp)`: fixes the aspect ratio and warps the crop (bilinear).
    case topdownAffine(inputSize: (Int, Int), useUDP: Bool)
    /// `GenerateTarget(encoder)`.
    case generateTarget(KeypointCodec, useDatasetKeypointWeights: Bool)
    /// `PhotometricDistortion` on the loaded image.
    case photometricDistortion(PhotometricDistortion)
    /// `PackPoseInputs`: nothing to do here; the loader packs batches.
    case packPoseInputs

    /// Applies the step to `sample`, drawing randomness from `rng`.
    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        switch self {
        case .loadImage:
            s.image = try JPEG.read(path: s.instance.imagePath)
        case .getBBoxCenterScale(let padding):
            s.scale = (s.scale.0 * padding, s.scale.1 * padding)
        case .randomFlip(let prob, let directions, let probs):
            // one probability per direction (a single prob is shared out evenly), the rest: no flip
            let p = probs ?? Array(repeating: prob / Double(directions.count), count: directions.count)
            let u = rng.uniform()
            var acc = 0.0
            var chosen: String?
            for (d, q) in zip(directions, p) { acc += q; if u < acc { chosen = d; break } }
            guard let direction = chosen else { return }
            let w = Double(s.image?.width ?? s.instance.imageWidth), h = Double(s.image?.height ?? s.instance.imageHeight)
            let horizontal = direction != "vertical", vertical = direction != "horizontal"
            s.flipped = true
            if var image = s.image {
                if horizontal { TopdownTransform.flipHorizontally(&image) }
                if vertical { TopdownTransform.flipVertically(&image) }
                s.image = image
            }
            if horizontal { s.center.0 = w - s.center.0 - 1 }
            if vertical { s.center.1 = h - s.center.1 - 1 }
            // MMPose reorders by flip_indices for horizontal and diagonal flips, not vertical ones
            let flip = horizontal ? metainfo.flipIndices : Array(0..<metainfo.flipIndices.count)
            var kp = s.keypoints, vis = s.visible
            for j in 0..<flip.count {
                let x = s.keypoints[2 * flip[j]], y = s.keypoints[2 * flip[j] + 1]
                kp[2 * j] = horizontal ? w - 1 - x : x
                kp[2 * j + 1] = vertical ? h - 1 - y : y
                vis[j] = s.visible[flip[j]]
            }
            s.keypoints = kp; s.visible = vis
        case .randomHalfBody(let minTotal, let minUpper, let minLower, let padding, let prob, let upperProb):
            if s.visible.reduce(0, +) < Double(minTotal) { return }
            if rng.uniform() > prob { return }
            let upper = metainfo.upperBodyIndices.filter { s.visible[$0] > 0 }
            let lower = metainfo.lowerBodyIndices.filter { s.visible[$0] > 0 }
            let preferUpper = rng.uniform() < upperProb
            let selected: [Int]
            if upper.count < minUpper && lower.count < minLower { return }
            else if lower.count < minLower { selected = upper }
            else if upper.count < minUpper { selected = lower }
            else { selected = preferUpper ? upper : lower }
            let xs = selected.map { s.keypoints[2 * $0] }, ys = selected.map { s.keypoints[2 * $0 + 1] }
            s.center = (xs.reduce(0, +) / Double(xs.count), ys.reduce(0, +) / Double(ys.count))
            s.scale = ((xs.max()! - xs.min()!) * padding, (ys.max()! - ys.min()!) * padding)
        case .randomBBoxTransform(let shiftFactor, let shiftProb, let scaleFactor, let scaleProb, let rotateFactor, let rotateProb):
            let v = (0..<4).map { _ in TopdownTransform.truncatedNormal(&rng) }
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
        case .topdownAffine(let inputSize, let useUDP):
            let (w, h) = inputSize
            let aspect = Double(w) / Double(h)
            if s.scale.0 > s.scale.1 * aspect { s.scale = (s.scale.0, s.scale.0 / aspect) }
            else { s.scale = (s.scale.1 * aspect, s.scale.1) }
            let m = useUDP ? AffineTransform.topdownUDP(center: s.center, scale: s.scale, rotation: s.rotation, outputSize: inputSize)
                           : AffineTransform.topdown(center: s.center, scale: s.scale, rotation: s.rotation, outputSize: inputSize)
            guard let image = s.image else { throw DatasetError("TopdownAffine needs LoadImage first in the pipeline") }
            s.input = [Float](repeating: 0, count: 3 * w * h)
            s.input.withUnsafeMutableBufferPointer { m.warp(image, width: w, height: h, into: $0.baseAddress!) }
            var t = [Double](repeating: 0, count: s.keypoints.count)
            for j in 0..<(s.keypoints.count / 2) {
                (t[2 * j], t[2 * j + 1]) = m.apply(s.keypoints[2 * j], s.keypoints[2 * j + 1])
            }
            s.transformedKeypoints = t
            s.inputSize = inputSize
            s.image = nil  // the full image is not needed past the crop
        case .generateTarget(let codec, let useDatasetWeights):
            let k = s.visible.count
            let points = s.transformedKeypoints.isEmpty ? s.keypoints : s.transformedKeypoints
            var (maps, labels, weights) = codec.encode(keypoints: points, visible: s.visible)
            if useDatasetWeights { for j in 0..<k { weights[j] *= metainfo.jointWeights[j] } }
            s.heatmaps = maps
            s.labels = labels
            s.keypointWeights = weights
        case .photometricDistortion(let p):
            guard var image = s.image else { throw DatasetError("PhotometricDistortion needs LoadImage before it and TopdownAffine after it") }
            p.apply(&image, rng: &rng)
            s.image = image
        case .packPoseInputs:
            break
        }
    }

    /// A standard normal sample truncated to [-1, 1] (scipy's `truncnorm(-1, 1)`), by rejection.
    static func truncatedNormal(_ rng: inout RandomGenerator) -> Double {
        while true {
            let v = rng.normal()
            if v >= -1 && v <= 1 { return v }
        }
    }

    /// Mirrors an image top to bottom in place.
    public static func flipVertically(_ image: inout RGBImage) {
        let stride = image.width * 3
        image.pixels.withUnsafeMutableBufferPointer { px in
            var top = 0, bottom = image.height - 1
            while top < bottom {
                for i in 0..<stride { px.swapAt(top * stride + i, bottom * stride + i) }
                top += 1; bottom -= 1
            }
        }
    }

    /// Mirrors an image left to right in place.
    public static func flipHorizontally(_ image: inout RGBImage) {
        let w = image.width
        image.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<image.height {
                let row = px.baseAddress! + y * w * 3
                var l = 0, r = w - 1
                while l < r {
                    for c in 0..<3 { let t = row[l * 3 + c]; row[l * 3 + c] = row[r * 3 + c]; row[r * 3 + c] = t }
                    l += 1; r -= 1
                }
            }
        }
    }
}

/// A sequence of transforms run on one instance with that instance's generator.
public struct TopdownPipeline: Sendable {
    public var transforms: [TopdownTransform]
    public var metainfo: DatasetMetainfo

    public init(_ transforms: [TopdownTransform], metainfo: DatasetMetainfo) {
        self.transforms = transforms
        self.metainfo = metainfo
    }

    /// Runs every transform on `instance`; randomness comes from `rng`.
    public func run(_ instance: PoseInstance, rng: inout RandomGenerator) throws -> TopdownSample {
        var sample = TopdownSample(instance: instance)
        for t in transforms { try t.apply(&sample, metainfo: metainfo, rng: &rng) }
        return sample
    }

    /// The input size set by the pipeline's `TopdownAffine`, if any.
    public var inputSize: (Int, Int)? {
        for t in transforms { if case .topdownAffine(let size, _) = t { return size } }
        return nil
    }

    /// The codec of the pipeline's `GenerateTarget`, if any.
    public var codec: KeypointCodec? {
        for t in transforms { if case .generateTarget(let c, _) = t { return c } }
        return nil
    }
}
