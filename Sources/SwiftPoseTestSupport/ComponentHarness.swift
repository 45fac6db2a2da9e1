import Foundation
import PoseConfig
import PoseData
import PoseModels
import PoseTensor
import PoseTraining

/// Builds a model from config text, as a config selects its components by `type=`, and runs one
/// training step and one prediction on random data: the smoke test for a package's backbone,
/// neck, head, loss or codec.
///
///     var components = Components.stock
///     try MyModules.register(in: &components)
///     let step = try ComponentHarness(components: components).trainStep("""
///         dict(type='TopdownPoseEstimator',
///              backbone=dict(type='MyNet'),
///              head=dict(type='HeatmapHead', in_channels=64, out_channels=17,
///                        decoder=dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)))
///         """)
///     #expect(step.losses.allSatisfy { $0.value.isFinite } && step.gradientNorm > 0)
///
/// The targets are what the head's `decoder` codec encodes for random keypoints inside the input,
/// stacked by their keys' collate rules, exactly as the data loader does.
public struct ComponentHarness {
    /// The registries the config's `type=` names are looked up in.
    public var components: Components
    /// Seeds the weights and the random data.
    public var seed: UInt64 = 0

    /// Creates a harness that looks `type=` names up in `components` (the stock registries by
    /// default), with seed 0.
    public init(components: Components = .stock) { self.components = components }

    /// What one step produced.
    public struct StepResult {
        /// The model: its `state` holds the parameters and their gradients after the step.
        public var model: PoseEstimator
        /// The named values `trainStep` returned (losses and accuracies).
        public var losses: [(name: String, value: Float)]
        /// The L2 norm of every parameter's gradient after the step.
        public var gradientNorm: Double
        /// `predict` on the same batch (flip test as the config's `test_cfg` says), in image pixels.
        public var predictions: [KeypointPrediction]
    }

    /// The model a `model=dict(...)` text builds, and its spec (for the decoder and the preprocessor).
    public func model(_ text: String) throws -> (model: PoseEstimator, spec: any PoseEstimatorSpec) {
        let config = try Config.parse("model = " + text, file: "<ComponentHarness>")
        guard case .dict(let dict)? = config.value(at: "model") else {
            throw ConfigError("<ComponentHarness>: the model text is not a dict(...)")
        }
        let context = BuildContext(components: components)
        let spec = try components.estimators.build(ConfigReader(dict, path: "model", file: "<ComponentHarness>"), context: context)
        return (try makeModel(spec, seed: seed), spec)
    }

    /// Builds the model of `text`, probes it, and runs one training step and one prediction on a
    /// batch of `batch` random `N × 3 × H × W` images (the decoder's input size) with targets for
    /// `keypoints` keypoints.
    /// - Throws: what building, the start-up probe, the step or the prediction throws; a
    ///   `ModelError` when the model has no decoder to make targets with.
    public func trainStep(_ text: String, batch: Int = 2, keypoints: Int = 17) throws -> StepResult {
        let (model, spec) = try self.model(text)
        guard let codec = spec.decoder else { throw ModelError("<ComponentHarness>: the model's head has no decoder to make targets with") }
        _ = try model.probe(inputSize: codec.inputSize)
        let (w, h) = codec.inputSize
        var rng = RandomGenerator(seed: seed, stream: [0x7e57])
        let images = Tensor(zeros: [batch, 3, h, w])
        rng.fillNormal(images, std: 1)
        var samples: [TopdownSample] = [], targets: [Fields<SampleField>] = []
        for i in 0..<batch {
            let points = (0..<(2 * keypoints)).map { j in rng.uniform(0.1, 0.9) * Double(j % 2 == 0 ? w : h) }
            let instance = PoseInstance(id: i + 1, imageId: i + 1, imagePath: "", imageWidth: w, imageHeight: h,
                                        bbox: (0, 0, Double(w), Double(h)), bboxScore: 1, keypoints: points,
                                        visible: [Double](repeating: 1, count: keypoints), numKeypoints: keypoints,
                                        area: Double(w * h), isCrowd: false, categoryId: 1)
            var sample = TopdownSample(instance: instance)
            sample.inputSize = (w, h)
            samples.append(sample)
            targets.append(codec.encode(keypoints: points, visible: instance.visible).fields)
        }
        let data = Batch(images: images, fields: try Fields.collating(targets), samples: samples, flipIndices: Array(0..<keypoints))
        model.arena.zeroGradients()
        let losses = try model.trainStep(data, epoch: 0)
        var squares = 0.0
        let gradients = model.arena.gradients
        for i in 0..<gradients.count { squares += Double(gradients[i]) * Double(gradients[i]) }
        let predictions = try model.predict(data)
        return StepResult(model: model, losses: losses, gradientNorm: squares.squareRoot(), predictions: predictions)
    }
}
