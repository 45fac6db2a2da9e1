import PoseData
import PoseNN
import PoseTensor

/// MMPose's `test_cfg` of a top-down model.
public struct TopdownTestSettings: Sendable, Equatable {
    /// MMPose's `flip_mode`: how the flipped pass's heatmaps map back onto the plain pass's.
    public enum FlipMode: String, Sendable, CaseIterable {
        /// One map per keypoint: mirror and swap by the flip indices.
        case heatmap
        /// UDP's 'combined' maps, three per keypoint (response, x offset, y offset): mirror,
        /// swap keypoints, negate the x offsets.
        case udpCombined = "udp_combined"

        /// Heatmap channels per keypoint.
        public var channelsPerKeypoint: Int { self == .udpCombined ? 3 : 1 }
    }

    /// Average with the prediction on the horizontally flipped image.
    public var flipTest = false
    /// `flip_mode` (default `.heatmap`; `.udpCombined` for UDP 'combined' heatmaps).
    public var flipMode = FlipMode.heatmap
    /// Shift the flipped heatmaps one pixel right (MMPose's `shift_heatmap`).
    public var shiftHeatmap = false
    /// Shift flipped coordinates by one input pixel (MMPose's `shift_coords`).
    public var shiftCoords = true
    /// Keep only these keypoints, in this order, in the predictions (MMPose's
    /// `output_keypoint_indices`: a model trained on merged keypoint sets evaluated on one).
    public var outputKeypointIndices: [Int]?

    /// MMPose's defaults unless given: no flip test, no heatmap shift, shifted coordinates,
    /// `flipMode` `.heatmap` and every keypoint kept.
    /// - Parameters:
    ///   - flipTest: `flip_test`.
    ///   - shiftHeatmap: `shift_heatmap`.
    ///   - shiftCoords: `shift_coords`.
    public init(flipTest: Bool = false, shiftHeatmap: Bool = false, shiftCoords: Bool = true) {
        self.flipTest = flipTest; self.shiftHeatmap = shiftHeatmap; self.shiftCoords = shiftCoords
    }
}

/// MMPose's `TopdownPoseEstimator`: backbone → (neck) → head, decoding with the head's codec.
///
/// State keys are `backbone.*`, `neck.*` and `head.*`. After building, every parameter lives in
/// one `ParameterArena`, so the optimizer, gradient allreduce and checkpoints each see one buffer.
public final class TopdownPoseEstimator: PoseEstimator {
    /// The feature extractor (state keys `backbone.*`).
    public let backbone: Backbone
    /// The neck between backbone and head (`neck.*`), or nil.
    public let neck: Neck?
    /// The head, with its loss (`head.*`).
    public let head: PoseHead
    /// Every parameter of backbone, neck and head, in `state`'s order (a larger model's arena
    /// when the estimator is part of one, such as a distiller's teacher).
    public internal(set) var arena: ParameterArena
    /// `backbone.*`, then `neck.*`, then `head.*`, as collected when the model was built.
    public let state: StateDict
    /// Decodes the head's outputs (nil: `predict(_:)` on batches is unavailable).
    public let decoder: (any KeypointCodec)?
    /// MMPose's `test_cfg`: the flip test and keypoint selection of `outputs` and `predict`.
    public var testConfig: TopdownTestSettings
    /// MMPose's `train_cfg.compute_acc`: whether heads report `acc_pose` while training.
    public var computeAccuracy = true
    public var summary: String
    /// The named losses of the last training step.
    public private(set) var lastLosses: [(String, Float)] = []
    /// The channels the backbone (and neck) said their feature maps have, which the head was
    /// built for; `probe` checks the maps against them.
    public var declaredFeatureChannels: [Int]?
    /// The first probe's input size and output: the shapes it checks follow from the structure,
    /// not the weights, so building (for `in_featuremap_size` heads), the trainer and `pose-test`
    /// share one blank forward.
    private var probed: (width: Int, height: Int, output: HeadOutput)?

    /// Collects the parts' state under `backbone.`, `neck.` and `head.` and moves every
    /// parameter into one new `ParameterArena`.
    /// - Parameters:
    ///   - backbone, neck, head: the built parts; `neck` nil feeds the backbone's maps to the head.
    ///   - decoder: the head's codec (nil: `predict(_:)` on batches throws).
    ///   - testConfig: `test_cfg` (default: no flip test).
    ///   - summary: the line logs show for the model.
    public convenience init(backbone: Backbone, neck: Neck? = nil, head: PoseHead, decoder: (any KeypointCodec)? = nil,
                            testConfig: TopdownTestSettings = TopdownTestSettings(), summary: String = "TopdownPoseEstimator") {
        self.init(backbone: backbone, neck: neck, head: head, decoder: decoder, testConfig: testConfig, summary: summary, sharing: nil)
    }

    /// The parts as one estimator; with `arena`, their parameters stay in that (a larger
    /// model's) arena rather than moving into a new one.
    init(backbone: Backbone, neck: Neck?, head: PoseHead, decoder: (any KeypointCodec)?, testConfig: TopdownTestSettings,
         summary: String, sharing arena: ParameterArena?) {
        self.backbone = backbone
        self.neck = neck
        self.head = head
        self.decoder = decoder
        self.testConfig = testConfig
        self.summary = summary
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        neck?.collectState(prefix: "neck.", into: &state)
        head.collectState(prefix: "head.", into: &state)
        self.state = state
        self.arena = arena ?? ParameterArena(state.parameters.map(\.parameter))
    }

    /// A SimpleBaseline: a backbone and a heatmap head trained with `loss`.
    public convenience init(backbone: Backbone, head: HeatmapHead, loss: KeypointMSELoss) {
        head.loss = loss
        self.init(backbone: backbone, neck: nil, head: head)
    }

    func features(_ images: Tensor, mode: ForwardMode) -> [Tensor] {
        let feats = backbone.forward(images, mode: mode)
        return neck?.forward(feats, mode: mode) ?? feats
    }

    /// Measured on a copy of the input scaled down to about 128 pixels on its longer side (sides
    /// multiples of 32) and scaled up by the pixel ratio, which activations follow: inference
    /// is the most live at once in an inference pass; training counts every tensor a forward
    /// makes (a training forward keeps most of them for backward) and a fifth again for the
    /// gradients backward makes while it frees them: ResNet-50 and HRNet-W32 at 256x192 then
    /// come out 21% and 32% above their measured peaks (BENCHMARKS.md). A head sized for one
    /// feature size is left out.
    public func activationBytesPerImage(inputSize: (Int, Int)) -> (training: Int, inference: Int)? {
        let (w, h) = inputSize
        guard w > 0, h > 0 else { return nil }
        let scale = max(1, Double(max(w, h)) / 128)
        func side(_ s: Int) -> Int { max(32, Int((Double(s) / scale / 32).rounded()) * 32) }
        let (pw, ph) = (side(w), side(h))
        let input = Tensor(zeros: [1, 3, ph, pw])
        let measureHead = !head.hasFixedFeatureSize
        // maps the head cannot take are the probe's to report; measured without the head here
        func pass() { if let f = try? checkedFeatures(input), measureHead { _ = head.predict(f) } }
        let inference = TensorPool(), every = TensorPool(recycles: false)
        TensorPool.$current.withValue(inference) { pass() }
        TensorPool.$current.withValue(every) { pass() }
        inference.releaseFreeBuffers()
        let ratio = Double(w) * Double(h) / Double(pw * ph)
        func bytes(_ b: Int, _ factor: Double) -> Int {
            let v = Double(b) * ratio * factor
            return v < 9e18 ? Int(v) : Int.max
        }
        return (bytes(every.usage.allocatedBytes, 1.2), bytes(inference.usage.peakLive, 1))
    }

    /// The backbone's (and neck's) inference maps for `images`, checked against the channels
    /// they declared (which the head was built for) and for at least one pixel each.
    func checkedFeatures(_ images: Tensor) throws -> [Tensor] {
        let (w, h) = (images.shape[3], images.shape[2])
        func sizes(_ maps: [Tensor]) -> String { maps.map { $0.shape.dropFirst().map(String.init).joined(separator: "×") }.joined(separator: ", ") }
        var feats = backbone.forward(images, mode: .inference)
        guard feats.map({ $0.shape[1] }) == backbone.outChannels else {
            throw ModelError("model.backbone says its feature maps have \(backbone.outChannels) channels but gives maps of \(sizes(feats)) (C×H×W) for a \(w)x\(h) input")
        }
        if let neck {
            feats = neck.forward(feats, mode: .inference)
            if let declared = declaredFeatureChannels, feats.map({ $0.shape[1] }) != declared {
                throw ModelError("model.neck says its feature maps have \(declared) channels but gives maps of \(sizes(feats)) (C×H×W) for a \(w)x\(h) input; the head was built for \(declared.last ?? 0) channels")
            }
        }
        guard !feats.isEmpty, feats.allSatisfy({ $0.shape.count == 4 && $0.shape[2] > 0 && $0.shape[3] > 0 }) else {
            throw ModelError("model.\(neck == nil ? "backbone" : "neck") gives feature maps of \(sizes(feats)) (C×H×W) for a \(w)x\(h) input; the head needs at least one pixel (input_size or the neck's scale_factor)")
        }
        return feats
    }

    public func probe(inputSize: (Int, Int)) throws -> HeadOutput? {
        let (w, h) = inputSize
        if let probed, (probed.width, probed.height) == (w, h) { return probed.output }
        // the probe itself must fit
        if let perImage = activationBytesPerImage(inputSize: inputSize), perImage.inference > MemoryBudget.limitBytes {
            throw MemoryBudgetError("model: one \(w)x\(h) image needs about \(MemoryBudget.gib(perImage.inference)) of activations; \(MemoryBudget.allowance): reduce the input size or the model's channels")
        }
        let feats = try checkedFeatures(Tensor(zeros: [1, 3, h, w]))
        try head.checkFeatures(feats)
        let output = head.predict(feats)
        if let decoder {
            if let (tw, th) = decoder.heatmapTargetSize, let maps = output.heatmaps, maps.shape.count == 4, (maps.shape[3], maps.shape[2]) != (tw, th) {
                throw ModelError.heatmapSize(model: summary, maps: maps.shape, codec: decoder, width: tw, height: th)
            }
            do { _ = try decoder.decode(output, at: 0) } catch { throw ModelError("model.head.decoder: \(error)") }
        }
        probed = (w, h, output)
        return output
    }

    /// Inference on a normalised image batch `N × 3 × H × W`.
    public func predictOutput(_ images: Tensor) -> HeadOutput {
        head.predict(features(images, mode: .inference))
    }

    /// Heatmaps `N × K × h × w` of a heatmap head (a copy).
    public func predict(_ images: Tensor) -> Tensor {
        guard let heatmaps = predictOutput(images).heatmaps else { preconditionFailure("predict(_:) needs a heatmap head") }
        return heatmaps
    }

    /// One forward and backward pass; adds dLoss/dθ into the gradient arena (zero it first) and
    /// returns the optimised loss: the sum of the head's losses whose name contains "loss".
    public func forwardBackward(images: Tensor, targets: HeadTargets) throws -> Float {
        let feats = features(images, mode: .training)
        let (losses, grads) = try head.trainStep(feats, targets: targets)
        lastLosses = losses
        let dFeats = neck?.backward(grads) ?? grads
        backbone.backward(dFeats)
        return losses.filter { $0.0.contains("loss") }.reduce(0) { $0 + $1.1 }
    }

    /// `forwardBackward` for heatmap targets `N × K × h × w` and weights `N × K`.
    public func forwardBackward(images: Tensor, targets: Tensor, weights: Tensor?) throws -> Float {
        let n = targets.shape[0], k = targets.shape[1]
        return try forwardBackward(images: images, targets: HeadTargets(heatmaps: targets, weights: weights ?? Tensor(repeating: 1, shape: [n, k])))
    }

    /// `forwardBackward` on the batch's images and targets; returns the head's named values
    /// (`loss_kpt`, `acc_pose`, …).
    /// - Throws: `ModelError` when the batch has no targets (no `GenerateTarget` in the
    ///   pipeline) or the head refuses them.
    public func trainStep(_ batch: Batch, epoch: Int) throws -> [(name: String, value: Float)] {
        guard batch.fields.contains(.keypointWeights) else {
            throw ModelError("TopdownPoseEstimator: the training batch has no targets; the train pipeline needs GenerateTarget")
        }
        _ = try forwardBackward(images: batch.images, targets: HeadTargets(fields: batch.fields, epoch: epoch, computeAccuracy: computeAccuracy))
        return lastLosses.map { (name: $0.0, value: $0.1) }
    }

    /// The head's outputs for a batch, averaged with the flipped pass when `testConfig.flipTest`,
    /// each field by its `FieldKey`'s flip rule: heatmaps as MMPose's `flip_heatmaps` (optional
    /// `shift_heatmap`), coordinates as `flip_coordinates` (x → 1 − x, minus 1/input_w with
    /// `shift_coords`), sigmas and visibilities reordered by the flip indices, SimCC vectors as
    /// `flip_vectors`; a field whose key has no rule is an error.
    public func outputs(_ images: Tensor, flipIndices: [Int]) throws -> HeadOutput {
        let plain = predictOutput(images)
        guard testConfig.flipTest else { return plain }
        let flipped = Tensor.pooled(shape: images.shape)
        let w = images.shape[3]
        let (source, mirror) = (images.data, flipped.data)
        ParallelLoop.run(images.count / w, grain: ParallelLoop.grain(perItem: w)) { rows in for r in rows {
            let src = source + r * w, dst = mirror + r * w
            for x in 0..<w { dst[x] = src[w - 1 - x] }
        } }
        let back = predictOutput(flipped)
        var context = FlipContext(flipIndices: flipIndices, inputWidth: w)
        context.flipModeName = testConfig.flipMode.rawValue
        context.heatmapChannelsPerKeypoint = testConfig.flipMode.channelsPerKeypoint
        context.shiftHeatmap = testConfig.shiftHeatmap
        context.shiftCoordinates = testConfig.shiftCoords
        // every predicted field by its key's own rule, stock or a package's
        for (key, mine) in plain.fields {
            guard let theirs = back[key] else { continue }
            guard theirs.shape == mine.shape else {
                throw ModelError("the head's '\(key)' output is \(mine.shape) on the image and \(theirs.shape) on its mirror image")
            }
            do { try key.flip.merge(key, mine, theirs, context) } catch let error as DatasetError { throw ModelError(error.description) }
        }
        return plain
    }

    /// Decoded predictions for a batch, in original-image pixels:
    /// `kp_img = kp_input / input_size · scale + center − scale / 2`.
    public func predict(_ batch: Batch) throws -> [KeypointPrediction] {
        guard let decoder else { throw ModelError("TopdownPoseEstimator: the head has no decoder; set the head's decoder=codec") }
        let out = try outputs(batch.images, flipIndices: batch.flipIndices)
        // decoding (arg-max, refinement, DARK's blur) is per sample: one sample per core at a time
        var decoded = [Result<(keypoints: [Double], scores: [Double]), Error>?](repeating: nil, count: batch.samples.count)
        decoded.withUnsafeMutableBufferPointer { slots in
            let slot = slots.baseAddress!
            ParallelLoop.run(slots.count) { range in for b in range { slot[b] = Result { try decoder.decode(out, at: b) } } }
        }
        return try batch.samples.enumerated().map { b, s in
            var (points, scores) = try decoded[b]!.get()
            var visibility = try out.visibility.map { v in (0..<scores.count).map { Double(v[b * scores.count + $0]) } }
                ?? decoder.decodeVisibility(out, at: b)
            if let keep = testConfig.outputKeypointIndices {
                guard let worst = keep.max(), worst < scores.count, keep.allSatisfy({ $0 >= 0 }) else {
                    throw ModelError("test_cfg.output_keypoint_indices \(keep) reach past the model's \(scores.count) keypoints")
                }
                points = keep.flatMap { [points[2 * $0], points[2 * $0 + 1]] }
                scores = keep.map { scores[$0] }
                visibility = visibility.map { v in keep.map { v[$0] } }
            }
            let k = scores.count
            let (iw, ih) = s.inputSize ?? decoder.inputSize
            var image = [Double](repeating: 0, count: 2 * k)
            for j in 0..<k {
                image[2 * j] = points[2 * j] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                image[2 * j + 1] = points[2 * j + 1] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
            }
            var p = KeypointPrediction(id: s.instance.id, imageId: s.instance.imageId, categoryId: s.instance.categoryId,
                                       keypoints: image, keypointScores: scores, bboxScore: s.instance.bboxScore,
                                       area: Double(Float(s.scale.0) * Float(s.scale.1)))  // np.prod of float32 bbox_scales
            // bbox_xyxy2xywh of the float32 box, as MMPose's results carry it
            let (x1, y1, x2, y2) = (Float(s.instance.bbox.0), Float(s.instance.bbox.1), Float(s.instance.bbox.2), Float(s.instance.bbox.3))
            p.bbox = [Double(x1), Double(y1), Double(x2 - x1), Double(y2 - y1)]
            p.visibility = visibility
            return p
        }
    }
}

/// MMPose's `TopdownPoseEstimator` as configured: its parts' specs and test settings.
public struct TopdownPoseEstimatorSpec: PoseEstimatorSpec {
    /// `model.backbone`.
    public var backbone: any BackboneSpec
    /// `model.neck`, or nil when the config has none.
    public var neck: (any NeckSpec)?
    /// `model.head`, with its loss and decoder.
    public var head: any HeadSpec
    public var dataPreprocessor: DataPreprocessor
    /// `model.test_cfg`.
    public var testConfig: TopdownTestSettings
    /// `train_cfg.compute_acc`.
    public var computeAccuracy = true
    public var pretrained: [PretrainedWeights]
    /// The parts' type names, for logs ("ResNet + HeatmapHead").
    public var summary: String

    /// A spec of the parts' specs; `computeAccuracy` stays true until set.
    /// - Parameters:
    ///   - backbone, neck, head: the parts' specs (`neck` nil: none).
    ///   - dataPreprocessor: `data_preprocessor` (default: MMPose's ImageNet mean and std).
    ///   - testConfig: `test_cfg` (default: no flip test).
    ///   - pretrained: `init_cfg` weights to load after building, in order.
    ///   - summary: the parts' type names, for logs.
    public init(backbone: any BackboneSpec, neck: (any NeckSpec)? = nil, head: any HeadSpec,
                dataPreprocessor: DataPreprocessor = DataPreprocessor(), testConfig: TopdownTestSettings = TopdownTestSettings(),
                pretrained: [PretrainedWeights] = [], summary: String = "TopdownPoseEstimator") {
        self.backbone = backbone; self.neck = neck; self.head = head; self.dataPreprocessor = dataPreprocessor
        self.testConfig = testConfig; self.pretrained = pretrained; self.summary = summary
    }

    public var decoder: (any KeypointCodec)? { head.decoder }

    public var size: ModelSize? {
        guard let b = backbone.size, let h = head.size else { return nil }
        if let neck {
            guard let n = neck.size else { return nil }
            return b + n + h
        }
        return b + h
    }

    public func makeEstimator(rng: inout RandomGenerator) throws -> PoseEstimator {
        let backbone = try self.backbone.makeBackbone(rng: &rng)
        var channels = backbone.outChannels
        var neck: Neck?
        if let spec = self.neck {
            neck = try spec.makeNeck(inputChannels: channels, rng: &rng)
            channels = try spec.outputChannels(for: channels)
        }
        let head = try self.head.makeHead(featureChannels: channels, rng: &rng)
        if let (w, h) = decoder?.inputSize { try backbone.checkInputSize(width: w, height: h) }
        let estimator = TopdownPoseEstimator(backbone: backbone, neck: neck, head: head, decoder: decoder, testConfig: testConfig,
                                             summary: summary)
        estimator.computeAccuracy = computeAccuracy
        estimator.declaredFeatureChannels = channels
        // a head sized for one feature size (in_featuremap_size) meets the backbone's here, so
        // that building (check-configs too) finds the mismatch rather than its first forward
        if head.hasFixedFeatureSize, let size = decoder?.inputSize { _ = try estimator.probe(inputSize: size) }
        return estimator
    }
}
