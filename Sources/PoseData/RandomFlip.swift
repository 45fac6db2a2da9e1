import PoseTensor

/// MMPose's `RandomFlip(prob=0.5, direction='horizontal')`: with one probability per direction
/// (a single `prob` is shared out evenly), chosen as `np.random.choice(directions + [None])`.
/// Horizontal and diagonal flips also swap left and right keypoints by the metainfo's flip indices.
public struct RandomFlip: Transform {
    /// A flip's axis, by MMPose's `direction` names.
    public enum Direction: String, Sendable, CaseIterable {
        /// `horizontal` mirrors left to right, `vertical` top to bottom, `diagonal` both (a 180°
        /// rotation); horizontal and diagonal flips swap keypoints by the flip indices.
        case horizontal, vertical, diagonal
    }

    /// The directions to choose from (MMPose's `direction`, one name or a list).
    public var directions: [Direction]
    /// One probability per direction, summing to at most 1.
    public var probabilities: [Double]

    /// MMPose's `RandomFlip(prob, direction)` with one `prob` shared evenly by the directions
    /// (default 0.5, horizontal only).
    public init(prob: Double = 0.5, directions: [Direction] = [.horizontal]) {
        self.directions = directions
        probabilities = Array(repeating: prob / Double(directions.count), count: directions.count)
    }

    /// A flip with one probability per direction (MMPose's `prob` as a list).
    public init(directions: [Direction], probabilities: [Double]) {
        self.directions = directions
        self.probabilities = probabilities
    }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let u = rng.uniform()
        var acc = 0.0
        var chosen: Direction?
        for (d, q) in zip(directions, probabilities) { acc += q; if u < acc { chosen = d; break } }
        guard let direction = chosen else { return }
        let horizontal = direction != .vertical, vertical = direction != .horizontal
        s.flipped = true
        s.flipDirection = direction
        if s.warp != nil, let (iw, ih) = s.inputSize {
            flipWarped(&s, width: iw, height: ih, horizontal: horizontal, vertical: vertical, metainfo: metainfo)
            return
        }
        let w = Double(s.image?.width ?? s.instance.imageWidth), h = Double(s.image?.height ?? s.instance.imageHeight)
        if var image = s.image {
            if horizontal { RandomFlip.flipHorizontally(&image) }
            if vertical { RandomFlip.flipVertically(&image) }
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
        if let weights = s.visibilityWeights, weights.count == flip.count { s.visibilityWeights = flip.map { weights[$0] } }
    }

    /// A sample a bottom-up warp already brought to the input (`BottomupRandomAffine`): the
    /// `3 × H × W` input and every person's input-pixel keypoints flip. Keypoints mirror in
    /// MMPose's `h, w = input_size` (which holds (w, h)): the sides swap for a non-square input,
    /// as in MMPose.
    func flipWarped(_ s: inout TopdownSample, width iw: Int, height ih: Int, horizontal: Bool, vertical: Bool, metainfo: DatasetMetainfo) {
        let plane = iw * ih
        s.input.withUnsafeMutableBufferPointer { px in
            for c in 0..<3 { for y in 0..<ih {
                let row = px.baseAddress! + c * plane + y * iw
                if horizontal { var (l, r) = (0, iw - 1); while l < r { (row[l], row[r]) = (row[r], row[l]); l += 1; r -= 1 } }
            } }
            if vertical {
                for c in 0..<3 { var (t, b) = (0, ih - 1); while t < b {
                    for x in 0..<iw { px.swapAt(c * plane + t * iw + x, c * plane + b * iw + x) }
                    t += 1; b -= 1
                } }
            }
        }
        let (w, h) = (Double(ih), Double(iw))  // MMPose's `h, w = results['input_size']`
        let k = metainfo.flipIndices.count
        let flip = horizontal ? metainfo.flipIndices : Array(0..<k)
        var kp = s.transformedKeypoints, vis = s.visible
        for p in 0..<(s.visible.count / max(k, 1)) { for j in 0..<k {
            let from = p * k + flip[j], to = p * k + j
            let (x, y) = (s.transformedKeypoints[2 * from], s.transformedKeypoints[2 * from + 1])
            kp[2 * to] = horizontal ? w - 1 - x : x
            kp[2 * to + 1] = vertical ? h - 1 - y : y
            vis[to] = s.visible[from]
        } }
        s.transformedKeypoints = kp; s.visible = vis
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
