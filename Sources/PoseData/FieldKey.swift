import PoseTensor

/// The key of one per-sample field on its way from a codec to a head.
///
/// A codec's targets (`EncodedKeypoints`), a sample's (`TopdownSample.targets`), a batch's
/// (`Batch.fields`), a head's targets (`HeadTargets`) and a head's predictions (`HeadOutput`) are
/// all `Fields` under such keys. The key carries the two rules SwiftPose cannot know for a field it
/// has never seen: how the samples' values are stacked into a batch (`collate`) and how a flip test
/// merges the prediction on the mirrored image into the plain one (`flip`). The data loader and
/// the estimator run one loop over whatever keys they meet, so a package adds a kind of target by
/// declaring a key:
///
///     extension FieldKey {
///         /// `K` relative depths of the keypoints (a mirror keeps them; keypoints swap).
///         static let keypointDepths = FieldKey("keypoint_depths", flip: .keypointValues)
///     }
///
/// and a codec that puts it into `EncodedKeypoints`, and a head that reads it from `HeadTargets`.
/// Two keys are the same key when their names are; keep names unique (a package prefix helps).
public struct FieldKey: Hashable, Sendable, CustomStringConvertible {
    /// The field's name in messages (MMPose's name where MMPose has the field).
    public let name: String
    /// How the samples' values become one batch tensor.
    public let collate: CollateRule
    /// How a flip test merges a predicted field.
    public let flip: FlipRule

    /// A key named `name` (unique among keys), with its collate and flip rules.
    /// - Parameters:
    ///   - name: the field's name in messages; MMPose's where MMPose has the field.
    ///   - collate: `.stack` (every sample has the field, all of one shape) unless said otherwise.
    ///   - flip: `.unsupported` (a flip test with this field predicted is an error) unless said otherwise.
    public init(_ name: String, collate: CollateRule = .stack, flip: FlipRule = .unsupported) {
        self.name = name; self.collate = collate; self.flip = flip
    }

    /// Whether two keys are the same key: equal names (their rules are not compared).
    public static func == (a: FieldKey, b: FieldKey) -> Bool { a.name == b.name }
    /// Hashes the name only, as `==` compares.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    /// The key's `name`.
    public var description: String { name }
}

/// One sample's value of a field: `shape.reduce(1, *)` numbers in row-major order.
public struct SampleField: Sendable, Equatable {
    /// The `shape.reduce(1, *)` numbers in row-major order.
    public var values: [Float]
    /// The per-sample shape (`C × h × w` heatmaps, `K × 2` labels, `K` weights, …).
    public var shape: [Int]

    /// A field of `shape` from its row-major values; traps unless there are `shape.reduce(1, *)`.
    public init(_ values: [Float], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "a field of shape \(shape) needs \(shape.reduce(1, *)) values, not \(values.count)")
        self.values = values; self.shape = shape
    }
}

/// How the data loader stacks the samples' values of one field into a batch tensor.
public struct CollateRule: Sendable {
    /// Gets the key and each sample's value (nil where a sample has none; at least one has it)
    /// and returns the `N × …` batch tensor; throws a `DatasetError` naming the key when the
    /// values cannot be batched.
    public let apply: @Sendable (_ key: FieldKey, _ values: [SampleField?]) throws -> Tensor

    /// A rule from its stacking closure (see `apply`).
    public init(_ apply: @escaping @Sendable (_ key: FieldKey, _ values: [SampleField?]) throws -> Tensor) {
        self.apply = apply
    }

    /// Every sample has the field, all of one shape `S`: an `N × S` tensor.
    public static let stack = CollateRule { key, values in
        guard let shape = values.first??.shape else { throw DatasetError("the batch's first sample has no '\(key)' target") }
        let size = shape.reduce(1, *)
        let batch = Tensor(zeros: [values.count] + shape)
        for (i, value) in values.enumerated() {
            guard let value else { throw DatasetError("sample \(i) of the batch has no '\(key)' target, the first has one") }
            guard value.shape == shape else {
                throw DatasetError("sample \(i) of the batch has a '\(key)' target of shape \(value.shape), the first \(shape); a batch needs one shape")
            }
            value.values.withUnsafeBufferPointer { (batch.data + i * size).update(from: $0.baseAddress!, count: size) }
        }
        return batch
    }

    /// Samples without the field (or with fewer values) are filled with `value`, in the shape of
    /// the first sample that has it: MMPose's `keypoints_visible_weights`, which only some
    /// datasets of a combined set carry.
    public static func stack(filling value: Float) -> CollateRule {
        CollateRule { key, values in
            guard let shape = values.lazy.compactMap({ $0?.shape }).first else { throw DatasetError("no sample of the batch has a '\(key)' target") }
            let size = shape.reduce(1, *)
            let batch = Tensor(repeating: value, shape: [values.count] + shape)
            for (i, field) in values.enumerated() {
                guard let field else { continue }
                field.values.withUnsafeBufferPointer { (batch.data + i * size).update(from: $0.baseAddress!, count: min(size, $0.count)) }
            }
            return batch
        }
    }
}

/// What a flip test needs to map a prediction on the mirrored image back onto the image.
public struct FlipContext: Sendable {
    /// Keypoint j's mirror image is keypoint `flipIndices[j]` (the dataset's).
    public var flipIndices: [Int]
    /// The network input's width in pixels.
    public var inputWidth: Int
    /// MMPose's `flip_mode` (`heatmap`, `udp_combined`): in messages.
    public var flipModeName = "heatmap"
    /// Heatmap channels per keypoint (3 for UDP 'combined': response, x and y offsets).
    public var heatmapChannelsPerKeypoint = 1
    /// Shift the flipped heatmaps one pixel right (MMPose's `shift_heatmap`).
    public var shiftHeatmap = false
    /// Shift flipped normalised x coordinates by one input pixel (MMPose's `shift_coords`).
    public var shiftCoordinates = true

    /// A context with MMPose's defaults: `flip_mode='heatmap'`, one heatmap per keypoint, no
    /// `shift_heatmap`, `shift_coords=True`.
    /// - Parameters:
    ///   - flipIndices: the dataset's flip indices, `K` entries.
    ///   - inputWidth: the network input's width in pixels.
    public init(flipIndices: [Int], inputWidth: Int) {
        self.flipIndices = flipIndices; self.inputWidth = inputWidth
    }
}

/// How a flip test merges a predicted field: `merge` averages the prediction on the mirrored
/// images (`flipped`, `N × …`) into the plain one (`plain`, the same shape) in place.
public struct FlipRule: Sendable {
    /// Averages `flipped` (the prediction on the mirrored images) into `plain` in place, both `N × …`
    /// tensors of one shape; throws a `DatasetError` naming the key when it cannot.
    public let merge: @Sendable (_ key: FieldKey, _ plain: Tensor, _ flipped: Tensor, _ context: FlipContext) throws -> Void

    /// A rule from its merging closure (see `merge`).
    public init(_ merge: @escaping @Sendable (_ key: FieldKey, _ plain: Tensor, _ flipped: Tensor, _ context: FlipContext) throws -> Void) {
        self.merge = merge
    }

    /// A field with no meaning under a flip: a flip test that predicts it is refused, naming it.
    public static let unsupported = FlipRule { key, _, _, _ in
        throw DatasetError("the head predicts '\(key)', whose FieldKey has no flip rule; set test_cfg.flip_test=False or give the key one")
    }

    /// `N × C × h × w` maps, `C = K · per` with `per = context.heatmapChannelsPerKeypoint`, as MMPose's
    /// `flip_heatmaps`: mirrored, keypoints swapped, optionally shifted one pixel right; for
    /// `udp_combined` the x-offset maps (the second of each three) negated.
    public static let heatmaps = FlipRule { key, plain, flipped, context in
        let (c, per, k) = (plain.shape[1], context.heatmapChannelsPerKeypoint, context.flipIndices.count)
        guard c == k * per else {
            throw DatasetError("test_cfg.flip_mode '\(context.flipModeName)' expects \(per) heatmap(s) per keypoint, "
                               + "\(k * per) for the dataset's \(k) flip indices; the head gives \(c)"
                               + (c == 3 * k ? " (a 'combined' UDP codec needs flip_mode='udp_combined')" : ""))
        }
        // udp_combined: the mirrored x offsets point the other way
        mirror(plain, flipped, context, perKeypoint: per, negating: per == 3 ? [1] : [])
    }

    /// `N × C × h × w` maps, `perKeypoint` consecutive maps per keypoint (`C = K · perKeypoint`):
    /// mirrored, keypoints swapped, shifted with the heatmaps (`shift_heatmap`), and the maps at
    /// the positions in `negating` (within each keypoint's group) negated — the x components of
    /// offset or displacement fields, which a mirror turns around.
    public static func keypointMaps(perKeypoint: Int, negating: Set<Int> = []) -> FlipRule {
        FlipRule { key, plain, flipped, context in
            let (c, k) = (plain.shape[1], context.flipIndices.count)
            guard c == k * perKeypoint else {
                throw DatasetError("the head predicts \(c) '\(key)' maps; the dataset's \(k) keypoints need \(perKeypoint) each (\(k * perKeypoint))")
            }
            mirror(plain, flipped, context, perKeypoint: perKeypoint, negating: negating)
        }
    }

    /// Throws unless `plain` is `N × K × …` for the dataset's `K` flip indices (and, with
    /// `trailing`, ends in those sizes): a model of other keypoints than the evaluation dataset's
    /// would be read past its rows.
    private static func requireKeypoints(_ key: FieldKey, _ plain: Tensor, _ context: FlipContext, trailing: [Int]? = nil) throws {
        let k = context.flipIndices.count
        guard plain.shape.count >= 2, plain.shape[1] == k, trailing.map({ Array(plain.shape.dropFirst(2)) == $0 }) ?? true else {
            throw DatasetError("the head predicts '\(key)' of \(plain.shape) (N × K × …); the dataset's flip indices are for \(k) keypoints")
        }
    }

    /// Averages the mirrored `flipped` maps into `plain` (both `N × K·per × h × w`), keypoint `j`'s
    /// group taken from keypoint `flipIndices[j]`'s, optionally shifted one pixel right.
    private static func mirror(_ plain: Tensor, _ flipped: Tensor, _ context: FlipContext, perKeypoint per: Int, negating: Set<Int>) {
        let (n, c, h, w) = (plain.shape[0], plain.shape[1], plain.shape[2], plain.shape[3])
        let (mine, theirs, shifted, flipIndices) = (plain.data, flipped.data, context.shiftHeatmap, context.flipIndices)
        ParallelLoop.run(n * c, grain: ParallelLoop.grain(perItem: h * w)) { planes in for plane in planes {
            let (i, channel) = plane.quotientAndRemainder(dividingBy: c)
            let (j, part) = channel.quotientAndRemainder(dividingBy: per)
            let sign: Float = negating.contains(part) ? -1 : 1
            let src = theirs + (i * c + flipIndices[j] * per + part) * h * w, dst = mine + plane * h * w
            for y in 0..<h { for x in 0..<w {
                // mirror, then optionally shift right by one pixel (column 0 keeps its value)
                let sx = shifted && x > 0 ? w - x : w - 1 - x
                dst[y * w + x] = (dst[y * w + x] + sign * src[y * w + sx]) * 0.5
            } }
        } }
    }

    /// `N × K × B` per-keypoint vectors as MMPose's `flip_vectors`: keypoints swapped, and with
    /// `reversed` the vector mirrored (SimCC's x bins).
    public static func keypointVectors(reversed: Bool) -> FlipRule {
        FlipRule { key, plain, flipped, context in
            try requireKeypoints(key, plain, context)
            let (n, k, bins) = (plain.shape[0], plain.shape[1], plain.shape.dropFirst(2).reduce(1, *))
            let flipIndices = context.flipIndices
            for i in 0..<n { for j in 0..<k {
                let src = flipped.data + (i * k + flipIndices[j]) * bins, dst = plain.data + (i * k + j) * bins
                for x in 0..<bins { dst[x] = (dst[x] + src[reversed ? bins - 1 - x : x]) * 0.5 }
            } }
        }
    }

    /// `N × K × 2` coordinates normalised by the input size, as MMPose's `flip_coordinates`:
    /// keypoints swapped, x → 1 − x (minus one input pixel with `shiftCoordinates`).
    public static let coordinates = FlipRule { key, plain, flipped, context in
        try requireKeypoints(key, plain, context, trailing: [2])
        let (n, k) = (plain.shape[0], plain.shape[1])
        let shift = context.shiftCoordinates ? 1 / Float(context.inputWidth) : 0
        for i in 0..<n { for j in 0..<k {
            let s = (i * k + context.flipIndices[j]) * 2, d = (i * k + j) * 2
            plain[d] = (plain[d] + (1 - flipped[s] - shift)) * 0.5
            plain[d + 1] = (plain[d + 1] + flipped[s + 1]) * 0.5
        } }
    }

    /// `N × K × …` values that do not change under a mirror (sigmas, visibilities): keypoints swapped.
    public static let keypointValues = FlipRule { key, plain, flipped, context in
        try requireKeypoints(key, plain, context)
        let (n, k, width) = (plain.shape[0], plain.shape[1], plain.shape.dropFirst(2).reduce(1, *))
        for i in 0..<n { for j in 0..<k { for c in 0..<width {
            let s = (i * k + context.flipIndices[j]) * width + c, d = (i * k + j) * width + c
            plain[d] = (plain[d] + flipped[s]) * 0.5
        } } }
    }
}
