import Foundation
import Testing
import PoseConfig
import PoseData
import PoseDistributed
@testable import PoseModels
import PoseTensor
@testable import PoseTraining

/// The flip test against MMPose's formulas applied to the model's two passes.
@Suite struct FlipTestTests {
    let flip = [0, 2, 1, 4, 3]

    func mirrored(_ images: Tensor) -> Tensor {
        let out = Tensor(zeros: images.shape)
        let w = images.shape[3]
        for r in 0..<(images.count / w) { for x in 0..<w { out[r * w + x] = images[r * w + w - 1 - x] } }
        return out
    }

    @Test func heatmapFlipWithShift() throws {
        var rng = RandomGenerator(seed: 1)
        var r = ResNetSpec(depth: 18); r.baseChannels = 4; r.stemChannels = 4
        var h = HeatmapHeadSettings(inChannels: 32, outChannels: 5); h.deconvOutChannels = [4, 4]; h.deconvKernelSizes = [4, 4]
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), head: try HeatmapHead(h, rng: &rng), loss: KeypointMSELoss())
        let images = Tensor(zeros: [2, 3, 64, 64]); rng.fillNormal(images, std: 1)
        let a = model.predict(images), b = model.predict(mirrored(images))
        model.testConfig = TopdownTestSettings(flipTest: true, shiftHeatmap: true)
        let out = try model.outputs(images, flipIndices: flip).heatmaps!
        let (n, k, hh, w) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
        for i in 0..<n { for j in 0..<k { for y in 0..<hh { for x in 0..<w {
            // flipped = b[:, flip_indices, :, ::-1]; shift: flipped[..., 1:] = flipped[..., :-1]
            let sx = x == 0 ? w - 1 : w - x
            let expected = (a[((i * k + j) * hh + y) * w + x] + b[((i * k + flip[j]) * hh + y) * w + sx]) * 0.5
            #expect(abs(out[((i * k + j) * hh + y) * w + x] - expected) < 1e-6)
        } } } }
    }

    /// `flip_mode='udp_combined'`: three maps per keypoint move together, the x offset negated.
    @Test func udpCombinedFlip() throws {
        var rng = RandomGenerator(seed: 4)
        var r = ResNetSpec(depth: 18); r.baseChannels = 4; r.stemChannels = 4
        var h = HeatmapHeadSettings(inChannels: 32, outChannels: 15); h.deconvOutChannels = [4]; h.deconvKernelSizes = [4]
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), head: try HeatmapHead(h, rng: &rng), loss: KeypointMSELoss())
        let images = Tensor(zeros: [2, 3, 64, 48]); rng.fillNormal(images, std: 1)
        let a = model.predict(images), b = model.predict(mirrored(images))
        model.testConfig = TopdownTestSettings(flipTest: true, shiftHeatmap: false)
        // one map per keypoint would read the wrong planes: an error naming the mode to use
        #expect(throws: ModelError.self) { try model.outputs(images, flipIndices: flip) }
        model.testConfig.flipMode = .udpCombined
        let out = try model.outputs(images, flipIndices: flip).heatmaps!
        let (n, c, hh, w) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
        for i in 0..<n { for j in 0..<5 { for part in 0..<3 { for y in 0..<hh { for x in 0..<w {
            let sign: Float = part == 1 ? -1 : 1
            let mine = ((i * c + 3 * j + part) * hh + y) * w + x, theirs = ((i * c + 3 * flip[j] + part) * hh + y) * w + w - 1 - x
            #expect(abs(out[mine] - (a[mine] + sign * b[theirs]) * 0.5) < 1e-6)
        } } } } }
    }

    @Test func coordinateFlipWithShift() throws {
        var rng = RandomGenerator(seed: 2)
        var r = ResNetSpec(depth: 18); r.baseChannels = 4; r.stemChannels = 4
        let head = try RLEHead(inChannels: 32, keypoints: 5, loss: RLELossSpec(useTargetWeight: true), rng: &rng)
        rng.fillNormal(head.fc.weight.value, std: 0.5)
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), neck: GlobalAveragePoolingNeck(), head: head)
        let images = Tensor(zeros: [2, 3, 64, 48]); rng.fillNormal(images, std: 1)
        let a = model.predictOutput(images), b = model.predictOutput(mirrored(images))
        model.testConfig = TopdownTestSettings(flipTest: true, shiftHeatmap: false, shiftCoords: true)
        let out = try model.outputs(images, flipIndices: flip)
        for i in 0..<2 { for j in 0..<5 {
            let d = (i * 5 + j) * 2, s = (i * 5 + flip[j]) * 2
            // flip_coordinates: x → 1 − x − 1/input_w, keypoints reordered; sigma reordered
            #expect(abs(out.coordinates![d] - (a.coordinates![d] + 1 - b.coordinates![s] - 1 / 48) * 0.5) < 1e-6)
            #expect(abs(out.coordinates![d + 1] - (a.coordinates![d + 1] + b.coordinates![s + 1]) * 0.5) < 1e-6)
            #expect(abs(out.sigma![d] - (a.sigma![d] + b.sigma![s]) * 0.5) < 1e-6)
        } }
    }

    /// `test_cfg.output_keypoint_indices`: the predictions keep those keypoints, in that order.
    @Test func outputKeypointIndicesSelectPredictions() throws {
        var rng = RandomGenerator(seed: 3)
        var r = ResNetSpec(depth: 18); r.baseChannels = 4; r.stemChannels = 4
        var h = HeatmapHeadSettings(inChannels: 32, outChannels: 5); h.deconvOutChannels = [4, 4]; h.deconvKernelSizes = [4, 4]
        let codec = MSRAHeatmap(inputSize: (64, 64), heatmapSize: (8, 8), sigma: 2)
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), head: try HeatmapHead(h, rng: &rng), decoder: codec)
        let images = Tensor(zeros: [2, 3, 64, 64]); rng.fillNormal(images, std: 1)
        let instance = PoseInstance(id: 1, imageId: 1, imagePath: "a.jpg", imageWidth: 100, imageHeight: 100, bbox: (10, 10, 50, 50),
                                    bboxScore: 1, keypoints: [Double](repeating: 0, count: 10), visible: [Double](repeating: 1, count: 5),
                                    numKeypoints: 5, area: 100, isCrowd: false, categoryId: 1)
        var sample = TopdownSample(instance: instance)
        (sample.center, sample.scale) = ((30, 30), (40, 40))
        let batch = Batch(images: images, targets: nil, labels: nil, weights: nil, samples: [sample, sample], flipIndices: flip)
        let all = try model.predict(batch)
        model.testConfig.outputKeypointIndices = [3, 0]
        let kept = try model.predict(batch)
        for (a, b) in zip(all, kept) {
            #expect(b.keypoints == [a.keypoints[6], a.keypoints[7], a.keypoints[0], a.keypoints[1]])
            #expect(b.keypointScores == [a.keypointScores[3], a.keypointScores[0]])
        }
        model.testConfig.outputKeypointIndices = [5]
        #expect(throws: ModelError.self) { try model.predict(batch) }
        // a decoder whose heatmap_size is not the head's output is an error, not an out-of-bounds read
        let mismatched = TopdownPoseEstimator(backbone: model.backbone, head: model.head,
                                              decoder: MSRAHeatmap(inputSize: (64, 64), heatmapSize: (16, 16), sigma: 2))
        #expect(throws: DatasetError.self) { try mismatched.predict(batch) }
    }

    /// SimCC vectors as MMPose's flip_vectors: keypoints reordered, the x vector reversed, then averaged.
    @Test func simccFlip() throws {
        var rng = RandomGenerator(seed: 4)
        var r = ResNetSpec(depth: 18); r.baseChannels = 4; r.stemChannels = 4
        var h = HeatmapHeadSettings(inChannels: 32, outChannels: 5); h.deconvOutChannels = []; h.deconvKernelSizes = []
        let head = try SimCCHead(h, inFeaturemapSize: (2, 2), bins: (128, 128), rng: &rng)
        let model = TopdownPoseEstimator(backbone: try ResNet(r, rng: &rng), head: head)
        let images = Tensor(zeros: [2, 3, 64, 64]); rng.fillNormal(images, std: 1)
        let a = model.predictOutput(images), b = model.predictOutput(mirrored(images))
        model.testConfig = TopdownTestSettings(flipTest: true)
        let out = try model.outputs(images, flipIndices: flip)
        for i in 0..<2 { for j in 0..<5 { for x in 0..<128 {
            let d = (i * 5 + j) * 128, s = (i * 5 + flip[j]) * 128
            #expect(abs(out.simccX![d + x] - (a.simccX![d + x] + b.simccX![s + 127 - x]) * 0.5) < 1e-6)
            #expect(abs(out.simccY![d + x] - (a.simccY![d + x] + b.simccY![s + x]) * 0.5) < 1e-6)
        } } }
    }
}

/// A SimCC model trained and validated through the whole loop: SimCCLabel targets from
/// GenerateTarget, batches of x and y vectors, SimCCHead's KL loss, flip-tested decoding into
/// COCO evaluation.
@Suite struct SimCCTrainingTests {
    @Test func trainsAndEvaluatesEndToEnd() throws {
        let dir = try temporaryDirectory("simcc")
        try makeDataset(in: dir)
        let path = try tinyConfigVariant(in: dir, [
            ("dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)",
             "dict(type='SimCCLabel', input_size=(64, 64), sigma=2.0, simcc_split_ratio=2.0)"),
            ("dict(type='HeatmapHead', in_channels=32, out_channels=17, deconv_out_channels=(8, 8, 8),",
             "dict(type='SimCCHead', in_channels=32, out_channels=17, input_size=codec['input_size'], in_featuremap_size=(2, 2), deconv_out_channels=(8, 8), deconv_kernel_sizes=(4, 4),"),
            ("loss=dict(type='KeypointMSELoss', use_target_weight=True)", "loss=dict(type='KLDiscretLoss', use_target_weight=True)"),
            ("test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True)", "test_cfg=dict(flip_test=True)"),
        ])
        let trainer = Trainer(settings: try settings(path), communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 2)
        try trainer.run()
        #expect(trainer.model.state.shape(of: "head.mlp_head_x.weight") == [128, 64])
        #expect(!trainer.losses.isEmpty && trainer.losses.allSatisfy { $0.isFinite && $0 > 0 })
        // validation ran and wrote the COCO metrics
        let records = try scalarRecords(workDir: dir + "/w")
        #expect(records.contains { $0["coco/AP"] is Double }, "validation wrote coco/AP")
        #expect(records.contains { $0["acc_pose"] is Double }, "SimCCHead reports acc_pose")
    }

    /// `use_dark` with a sigma whose DARK blur kernel would be below 1 is a config error.
    @Test func darkNeedsABlurKernel() throws {
        func build(_ sigma: String) throws {
            let config = try Config.parse("codec = dict(type='SimCCLabel', input_size=(64, 64), sigma=\(sigma), use_dark=True)\n")
            _ = try BuildContext(components: .stock).build(\.codecs, ConfigReader(config.root, path: "", file: "test.py"), key: "codec")
        }
        try build("0.5")
        #expect { try build("0.3") } throws: { "\($0)".contains("use_dark=True needs sigma of at least 0.5") }
    }
}

/// A head sized for one feature map (`in_featuremap_size`) that does not match the backbone's
/// is a build error naming the key, for SimCC and integral regression alike.
@Suite struct FixedFeatureSizeTests {
    @Test(arguments: [
        ("dict(type='SimCCHead', in_channels=32, out_channels=17, input_size=codec['input_size'], in_featuremap_size=(3, 2), deconv_out_channels=None,",
         "dict(type='SimCCLabel', input_size=(64, 64), sigma=2.0, simcc_split_ratio=2.0)", "KLDiscretLoss",
         "SimCCHead: in_featuremap_size"),
        ("dict(type='IntegralRegressionHead', in_channels=32, in_featuremap_size=(2, 3), num_joints=17, deconv_out_channels=None,",
         "dict(type='IntegralRegressionLabel', input_size=(64, 64), heatmap_size=(2, 2), sigma=2.0, normalize=True)", "SmoothL1Loss",
         "IntegralRegressionHead: in_featuremap_size is (2, 3), but the backbone's last feature is 2x2"),
    ])
    func wrongSizeIsABuildError(head: String, codec: String, loss: String, message: String) throws {
        let dir = try temporaryDirectory("feature-size")
        let path = try tinyConfigVariant(in: dir, [
            ("dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)", codec),
            ("dict(type='HeatmapHead', in_channels=32, out_channels=17, deconv_out_channels=(8, 8, 8),", head),
            ("loss=dict(type='KeypointMSELoss', use_target_weight=True)", "loss=dict(type='\(loss)', use_target_weight=True)"),
        ])
        let spec = try settings(path).model
        var rng = RandomGenerator(seed: 1)
        #expect { _ = try spec.makeEstimator(rng: &rng) } throws: { "\($0)".contains(message) }
    }
}

/// CombinedTargetMSELoss on one map per keypoint, and another loss on three, are errors.
@Suite struct CombinedTargetMismatchTests {
    @Test(arguments: [(17, true), (51, false)])
    func lossAndMapsMustAgree(channels: Int, combinedLoss: Bool) throws {
        var rng = RandomGenerator(seed: 5)
        var s = HeatmapHeadSettings(inChannels: 4, outChannels: channels)
        s.deconvOutChannels = []; s.deconvKernelSizes = []
        let head = try HeatmapHead(s, rng: &rng)
        head.loss = combinedLoss ? CombinedTargetMSELoss(useTargetWeight: true) : KeypointMSELoss(useTargetWeight: true)
        let targets = HeadTargets(heatmaps: Tensor(zeros: [2, channels, 3, 3]), weights: Tensor(repeating: 1, shape: [2, 17]))
        #expect { _ = try head.trainStep([Tensor(zeros: [2, 4, 3, 3])], targets: targets) } throws: {
            "\($0)".contains(combinedLoss ? "CombinedTargetMSELoss trains UDP 'combined' targets" : "which train with loss=dict(type='CombinedTargetMSELoss')")
        }
    }
}

/// MMPose's td-hm_hrnet-w32_udp-regress recipe in small: UDP 'combined' targets (a response
/// and two offset maps per keypoint), CombinedTargetMSELoss, `train_cfg.compute_acc=False` and
/// the `udp_combined` flip test, trained and validated through the whole loop.
@Suite struct UDPCombinedTrainingTests {
    @Test func trainsAndEvaluatesEndToEnd() throws {
        let dir = try temporaryDirectory("udp-combined")
        try makeDataset(in: dir)
        let path = try tinyConfigVariant(in: dir, [
            ("dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)",
             "dict(type='UDPHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2, heatmap_type='combined')"),
            ("in_channels=32, out_channels=17,", "in_channels=32, out_channels=3 * 17,"),
            ("loss=dict(type='KeypointMSELoss', use_target_weight=True)", "loss=dict(type='CombinedTargetMSELoss', use_target_weight=True)"),
            ("test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True)",
             "train_cfg=dict(compute_acc=False), test_cfg=dict(flip_test=True, flip_mode='udp_combined', shift_heatmap=False)"),
        ])
        let trainer = Trainer(settings: try settings(path), communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 2)
        try trainer.run()
        #expect(trainer.model.state.shape(of: "head.final_layer.weight") == [51, 8, 1, 1])
        #expect(!trainer.losses.isEmpty && trainer.losses.allSatisfy { $0.isFinite && $0 > 0 })
        let records = try scalarRecords(workDir: dir + "/w")
        #expect(records.contains { $0["loss_kpt"] is Double })
        #expect(!records.contains { $0["acc_pose"] != nil }, "compute_acc=False: no acc_pose")
        #expect(records.contains { $0["coco/AP"] is Double }, "validation wrote coco/AP")
    }
}

/// `tinyConfig` with each (old, new) text replaced (each old text must be there); returns its path.
func tinyConfigVariant(in dir: String, _ replacements: [(String, String)]) throws -> String {
    let path = try tinyConfig(in: dir, batchSize: 4, epochs: 2)
    var text = try String(contentsOfFile: path, encoding: .utf8)
    for (old, new) in replacements {
        #expect(text.contains(old), "tiny config lacks \(old)")
        text = text.replacingOccurrences(of: old, with: new)
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The records of a run's `vis_data/scalars.json` under `workDir`'s timestamped folder.
func scalarRecords(workDir: String) throws -> [[String: Any]] {
    let run = try FileManager.default.contentsOfDirectory(atPath: workDir).first { $0.hasPrefix("20") } ?? ""
    let scalars = try String(contentsOfFile: workDir + "/" + run + "/vis_data/scalars.json", encoding: .utf8)
    return try scalars.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
}
