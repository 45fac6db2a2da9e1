import PoseData
import PoseNN
import PoseTensor

/// MMPose's `BottomupPoseEstimator`: backbone → (neck) → a `BottomupHead` that finds every person
/// of a whole image, with no person boxes.
///
/// State keys are `backbone.*`, `neck.*` and `head.*`, every parameter in one `ParameterArena`.
/// Each sample of a batch is an image (`data_mode='bottomup'`, `BottomupResize`); `predict`
/// returns one `KeypointPrediction` per person found, keypoints mapped back to the image as
/// MMPose's `add_pred_to_datasample`: `kp_input / input_size · input_scale + input_center −
/// input_scale / 2`.
public final class BottomupPoseEstimator: PoseEstimator {
    /// The feature extractor (state keys `backbone.*`).
    public let backbone: Backbone
    /// The neck between backbone and head (`neck.*`), or nil.
    public let neck: Neck?
    /// The head (`head.*`).
    public let head: BottomupHead
    public let arena: ParameterArena
    public let state: StateDict
    /// MMPose's `test_cfg`.
    public var testConfig: BottomupTestSettings
    public var summary: String

    /// Collects the parts' state under `backbone.`, `neck.` and `head.` and moves every parameter
    /// into one new `ParameterArena`.
    /// - Parameters:
    ///   - backbone, neck, head: the built parts; `neck` nil feeds the backbone's maps to the head.
    ///   - testConfig: `test_cfg`.
    ///   - summary: the line logs show for the model.
    public init(backbone: Backbone, neck: Neck? = nil, head: BottomupHead, testConfig: BottomupTestSettings = BottomupTestSettings(),
                summary: String = "BottomupPoseEstimator") {
        self.backbone = backbone; self.neck = neck; self.head = head
        self.testConfig = testConfig; self.summary = summary
        var state = StateDict()
        backbone.collectState(prefix: "backbone.", into: &state)
        neck?.collectState(prefix: "neck.", into: &state)
        head.collectState(prefix: "head.", into: &state)
        self.state = state
        arena = ParameterArena(state.parameters.map(\.parameter))
    }

    /// The neck's (or backbone's) maps for `N × 3 × H × W` images; bottom-up inputs take each
    /// image's own size, so the backbone's size check runs on every batch.
    /// - Throws: `ModelError` when the backbone cannot run on that size (`checkInputSize`).
    func features(_ images: Tensor, mode: ForwardMode) throws -> [Tensor] {
        try backbone.checkInputSize(width: images.shape[3], height: images.shape[2])
        let feats = backbone.forward(images, mode: mode)
        return neck?.forward(feats, mode: mode) ?? feats
    }

    /// The head's training step on the batch's targets, then backward through neck and backbone.
    /// - Throws: `ModelError` when the batch has no targets or the head cannot train on them.
    public func trainStep(_ batch: Batch, epoch: Int) throws -> [(name: String, value: Float)] {
        guard batch.fields.contains(.keypointWeights) else {
            throw ModelError("BottomupPoseEstimator: the training batch has no targets; the train pipeline needs GenerateTarget")
        }
        let feats = try features(batch.images, mode: .training)
        let (losses, grads) = try head.trainStep(feats, targets: HeadTargets(fields: batch.fields, epoch: epoch))
        backbone.backward(neck?.backward(grads) ?? grads)
        return losses.map { (name: $0.0, value: $0.1) }
    }

    /// Every person of each image, keypoints in image pixels; ids `sample id · 2^20 + person`
    /// (unique, so the metric keeps them all), areas from the keypoints' extent as MMPose's
    /// `CocoMetric` computes them for bottom-up results.
    public func predict(_ batch: Batch) throws -> [KeypointPrediction] {
        let images = batch.images
        let (w, h) = (images.shape[3], images.shape[2])
        let feats = try features(images, mode: .inference).map { $0.clone() }
        var flippedFeats: [Tensor]?
        if testConfig.flipTest {
            let mirror = Tensor(zeros: images.shape)
            for r in 0..<(images.count / w) {
                let src = images.data + r * w, dst = mirror.data + r * w
                for x in 0..<w { dst[x] = src[w - 1 - x] }
            }
            flippedFeats = try features(mirror, mode: .inference)
        }
        var context = BottomupTestContext(settings: testConfig, flipIndices: batch.flipIndices, inputSize: (w, h))
        context.skeletonLinks = batch.skeletonLinks
        let people = try head.predictPersons(feats, flipped: flippedFeats, context: context)
        var out: [KeypointPrediction] = []
        for (b, s) in batch.samples.enumerated() {
            let (iw, ih) = s.inputSize ?? (w, h)
            for (p, person) in people[b].enumerated() {
                let k = person.scores.count
                var image = [Double](repeating: 0, count: 2 * k)
                for j in 0..<k {
                    image[2 * j] = person.keypoints[2 * j] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                    image[2 * j + 1] = person.keypoints[2 * j + 1] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
                }
                let xs = stride(from: 0, to: 2 * k, by: 2).map { image[$0] }, ys = stride(from: 1, to: 2 * k, by: 2).map { image[$0] }
                let area = ((xs.max() ?? 0) - (xs.min() ?? 0)) * ((ys.max() ?? 0) - (ys.min() ?? 0))
                var prediction = KeypointPrediction(id: s.instance.id << 20 + p, imageId: s.instance.imageId, categoryId: s.instance.categoryId,
                                                    keypoints: image, keypointScores: person.scores, bboxScore: person.score, area: area)
                if let box = person.box, box.count == 4 {
                    // MMPose maps the box's corners back as the keypoints, then reports it as x, y, w, h
                    let x1 = box[0] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                    let y1 = box[1] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
                    let x2 = box[2] / Double(iw) * s.scale.0 + s.center.0 - 0.5 * s.scale.0
                    let y2 = box[3] / Double(ih) * s.scale.1 + s.center.1 - 0.5 * s.scale.1
                    prediction.bbox = [x1, y1, x2 - x1, y2 - y1]
                }
                out.append(prediction)
            }
        }
        return out
    }

    /// One blank `inputSize` image through the model and the decoder: the parts' shapes must agree.
    public func probe(inputSize: (Int, Int)) throws -> HeadOutput? {
        let (w, h) = inputSize
        let images = Tensor(zeros: [1, 3, h, w])
        let feats = try features(images, mode: .inference)
        guard !feats.isEmpty, feats.allSatisfy({ $0.shape.count == 4 && $0.shape[2] > 0 && $0.shape[3] > 0 }) else {
            throw ModelError("model.backbone gives no feature map with a pixel for a \(w)x\(h) input")
        }
        try head.checkFeatures(feats)
        let output = head.predict(feats)
        let context = BottomupTestContext(settings: testConfig, flipIndices: [], inputSize: (w, h))
        var settings = context
        settings.settings.flipTest = false
        _ = try head.predictPersons(feats, flipped: nil, context: settings)
        return output
    }
}

/// A configured `BottomupPoseEstimator`.
public struct BottomupPoseEstimatorSpec: PoseEstimatorSpec {
    /// `model.backbone`.
    public var backbone: any BackboneSpec
    /// `model.neck`, or nil.
    public var neck: (any NeckSpec)?
    /// `model.head`: a head whose built form is a `BottomupHead`.
    public var head: any HeadSpec
    public var dataPreprocessor: DataPreprocessor
    /// `model.test_cfg`.
    public var testConfig: BottomupTestSettings
    public var pretrained: [PretrainedWeights]
    /// The line logs show for the model.
    public var summary: String

    /// A spec from its parts.
    public init(backbone: any BackboneSpec, neck: (any NeckSpec)? = nil, head: any HeadSpec, dataPreprocessor: DataPreprocessor = DataPreprocessor(),
                testConfig: BottomupTestSettings = BottomupTestSettings(), pretrained: [PretrainedWeights] = [],
                summary: String = "BottomupPoseEstimator") {
        self.backbone = backbone; self.neck = neck; self.head = head; self.dataPreprocessor = dataPreprocessor
        self.testConfig = testConfig; self.pretrained = pretrained; self.summary = summary
    }

    public var decoder: (any KeypointCodec)? { head.decoder }

    public var size: ModelSize? {
        guard let b = backbone.size, let h = head.size else { return nil }
        guard let neck else { return b + h }
        return neck.size.map { b + $0 + h }
    }

    /// Builds backbone, neck and head in that order from `rng`.
    /// - Throws: `ModelError` when a part refuses its settings or the head is not a bottom-up head.
    public func makeEstimator(rng: inout RandomGenerator) throws -> PoseEstimator {
        let backbone = try self.backbone.makeBackbone(rng: &rng)
        var channels = backbone.outChannels
        var neck: Neck?
        if let spec = self.neck {
            neck = try spec.makeNeck(inputChannels: channels, rng: &rng)
            channels = try spec.outputChannels(for: channels)
        }
        let built = try self.head.makeHead(featureChannels: channels, rng: &rng)
        guard let head = built as? BottomupHead else {
            throw ModelError("model.head: \(type(of: built)) is a top-down head; a BottomupPoseEstimator needs a bottom-up head (AssociativeEmbeddingHead)")
        }
        return BottomupPoseEstimator(backbone: backbone, neck: neck, head: head, testConfig: testConfig, summary: summary)
    }
}
