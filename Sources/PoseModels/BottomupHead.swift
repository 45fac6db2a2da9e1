import PoseData
import PoseTensor

/// MMPose's `test_cfg` of a bottom-up model.
public struct BottomupTestSettings: Sendable, Equatable {
    /// Average with the prediction on the horizontally flipped image (`flip_test`).
    public var flipTest = false
    /// Shift the flipped maps one pixel right (`shift_heatmap`).
    public var shiftHeatmap = false
    /// Resize the head's maps to the input size before decoding (`restore_heatmap_size`).
    public var restoreHeatmapSize = false
    /// `align_corners` of that bilinear resize.
    public var alignCorners = false
    /// DEKR's pose NMS: `nms_dist_thr` (0: none), `nms_joints_thr` (nil: half the keypoints)
    /// and `max_num_people`.
    public var nmsDistanceThreshold = 0.0
    /// `nms_joints_thr`.
    public var nmsJointsThreshold: Int?
    /// `max_num_people`.
    public var maxPeople = 30

    /// MMPose's defaults: no flip test, no shift, maps decoded at their own size.
    public init() {}
}

/// What a bottom-up head needs to merge a flip test and size its maps: the settings, the
/// dataset's flip indices and the network input's size.
public struct BottomupTestContext: Sendable {
    /// The model's `test_cfg`.
    public var settings: BottomupTestSettings
    /// Keypoint j's mirror image is keypoint `flipIndices[j]` (the dataset's).
    public var flipIndices: [Int]
    /// (width, height) of the batch's network input.
    public var inputSize: (Int, Int)
    /// The dataset's skeleton links (MMPose's `skeleton_links`), for heads that rescore people by them.
    public var skeletonLinks: [(Int, Int)] = []

    /// A context from the settings, the flip indices and the input size.
    public init(settings: BottomupTestSettings, flipIndices: [Int], inputSize: (Int, Int)) {
        self.settings = settings; self.flipIndices = flipIndices; self.inputSize = inputSize
    }
}

/// A head of a bottom-up model (`BottomupPoseEstimator`): from the features of whole images it
/// finds every person.
///
/// Contract: besides `PoseHead`'s training step and raw outputs, `predictPersons` gets the
/// inference features of a batch (`N × C_i × H_i × W_i` each) and, when `test_cfg.flip_test`,
/// those of the horizontally mirrored images; it merges them as MMPose's head does, decodes with
/// its `BottomupCodec` and returns the persons of each image, keypoints in network-input pixels.
public protocol BottomupHead: PoseHead {
    /// The persons of each image of the batch, in the decoder's order, keypoints in input pixels.
    /// - Throws: `ModelError` when the outputs cannot be merged or decoded.
    func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]]
}

extension Tensor {
    /// `N × C × H × W` maps mirrored left to right, channel `c` taken from `channelSource[c]`,
    /// optionally shifted one pixel right (column 0 keeps its value): MMPose's `flip_heatmaps`
    /// with `shift_heatmap`.
    func mirrored(channelSource: [Int], shift: Bool) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let out = Tensor(zeros: shape)
        let (src, dst) = (data, out.data)
        for i in 0..<n { for ch in 0..<c {
            let from = src + (i * c + channelSource[ch]) * h * w, to = dst + (i * c + ch) * h * w
            for y in 0..<h { for x in 0..<w {
                let sx = shift && x > 0 ? w - x : w - 1 - x
                to[y * w + x] = from[y * w + sx]
            } }
        } }
        return out
    }

    /// `N × C × H × W` maps resized to `width × height` (PyTorch's bilinear `interpolate`),
    /// or the maps themselves when they have that size.
    func resized(width: Int, height: Int, alignCorners: Bool) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard (w, h) != (width, height) else { return self }
        let out = Tensor(zeros: [n, c, height, width])
        BilinearResize.forward(data, out.data, planes: n * c, inH: h, inW: w, outH: height, outW: width, alignCorners: alignCorners)
        return out
    }

    /// Channels `range` of `N × C × H × W` maps, as a new tensor.
    func channels(_ range: Range<Int>) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let out = Tensor(zeros: [n, range.count, h, w])
        for i in 0..<n {
            (out.data + i * range.count * h * w).update(from: data + (i * c + range.lowerBound) * h * w, count: range.count * h * w)
        }
        return out
    }

    /// `a` (`N × C_a × H × W`) and `b` (`N × C_b × H × W`) joined along the channels, as a new tensor.
    static func joiningChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (n, ca, cb, plane) = (a.shape[0], a.shape[1], b.shape[1], a.shape[2] * a.shape[3])
        let out = Tensor(zeros: [n, ca + cb, a.shape[2], a.shape[3]])
        for i in 0..<n {
            (out.data + i * (ca + cb) * plane).update(from: a.data + i * ca * plane, count: ca * plane)
            (out.data + (i * (ca + cb) + ca) * plane).update(from: b.data + i * cb * plane, count: cb * plane)
        }
        return out
    }
}
