import Foundation
import PoseConfig
import PoseData
import PoseModels
import PoseTensor
import Testing
@testable import PoseTraining

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Tensor `key` of a loaded fixture file (`.safetensors` or `.pth`), as float32.
func fixtureTensor(_ loaded: Checkpoint.Loaded, _ key: String) throws -> Tensor {
    let info = try #require(loaded.tensors[key], "fixture lacks \(key)")
    let t = Tensor(zeros: info.shape)
    try Checkpoint.readFloats(info, from: loaded, key: key, into: t.data, count: t.count)
    return t
}

func temporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A synthetic dataset under `dir/data` (small images, few people).
func makeDataset(in dir: String, train: Int = 6, val: Int = 3) throws {
    try SyntheticCOCO(width: 96, height: 80, seed: 1).write(to: dir + "/data", trainImages: train, valImages: val)
}

/// A tiny top-down config (ResNet-18 with 4 base channels, 64×64 input) over `dir/data`.
/// With `batchNormFree`, the model has no training-mode batch norm: a two-stage ResNet with
/// `norm_eval=True` and a head that is a single 1×1 conv (8×8 heatmaps), trained with SGD.
func tinyConfig(in dir: String, batchSize: Int = 4, epochs: Int = 2, batchNormFree: Bool = false,
                extra: String = "") throws -> String {
    let codec = batchNormFree
        ? "dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(8, 8), sigma=1)"
        : "dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)"
    let backbone = batchNormFree
        ? "dict(type='ResNet', depth=18, stem_channels=4, base_channels=4, num_stages=2, strides=(1, 2), dilations=(1, 1), out_indices=(1, ), norm_eval=True)"
        : "dict(type='ResNet', depth=18, stem_channels=4, base_channels=4)"
    let head = batchNormFree
        ? "dict(type='HeatmapHead', in_channels=8, out_channels=17, deconv_out_channels=None,"
        : "dict(type='HeatmapHead', in_channels=32, out_channels=17, deconv_out_channels=(8, 8, 8),"
    let optimizer = batchNormFree ? "dict(type='SGD', lr=0.05, momentum=0.9)" : "dict(type='Adam', lr=1e-3)"
    let text = """
    _base_ = ['\(repositoryRoot)/configs/_base_/default_runtime.py']
    train_cfg = dict(max_epochs=\(epochs), val_interval=\(epochs))
    randomness = dict(seed=3)
    optim_wrapper = dict(optimizer=\(optimizer))
    param_scheduler = [
        dict(type='LinearLR', begin=0, end=3, start_factor=0.1, by_epoch=False),
        dict(type='MultiStepLR', begin=0, end=10, milestones=[1], gamma=0.5, by_epoch=True)]
    default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
    codec = \(codec)
    model = dict(
        type='TopdownPoseEstimator',
        data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
        backbone=\(backbone),
        head=\(head)
                  loss=dict(type='KeypointMSELoss', use_target_weight=True), decoder=codec),
        test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
    data_root = '\(dir)/data/'
    train_pipeline = [
        dict(type='LoadImage'), dict(type='GetBBoxCenterScale'), dict(type='RandomFlip', direction='horizontal'),
        dict(type='RandomHalfBody'), dict(type='RandomBBoxTransform'),
        dict(type='TopdownAffine', input_size=codec['input_size']), dict(type='GenerateTarget', encoder=codec),
        dict(type='PackPoseInputs')]
    val_pipeline = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
                    dict(type='TopdownAffine', input_size=codec['input_size']), dict(type='PackPoseInputs')]
    train_dataloader = dict(batch_size=\(batchSize), num_workers=2,
        sampler=dict(type='DefaultSampler', shuffle=True),
        dataset=dict(type='CocoDataset', data_root=data_root, data_mode='topdown',
                     ann_file='annotations/person_keypoints_train.json', data_prefix=dict(img='train/'),
                     pipeline=train_pipeline))
    val_dataloader = dict(batch_size=4, num_workers=1, sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
        dataset=dict(type='CocoDataset', data_root=data_root, data_mode='topdown',
                     ann_file='annotations/person_keypoints_val.json', data_prefix=dict(img='val/'),
                     bbox_file=data_root + 'person_detection_results/val_detections.json', test_mode=True,
                     pipeline=val_pipeline))
    test_dataloader = val_dataloader
    val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val.json')
    test_evaluator = val_evaluator
    \(extra)
    """
    let path = dir + "/tiny.py"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func settings(_ path: String, options: [String] = [], components: Components = .stock) throws -> ExperimentSettings {
    var config = try Config.load(path: path)
    try config.apply(options: options)
    return try ExperimentSettings.decode(config, components: components)
}

/// The top-down model spec of decoded settings.
func topdown(_ s: ExperimentSettings) throws -> TopdownPoseEstimatorSpec {
    try #require(s.model as? TopdownPoseEstimatorSpec)
}

/// The built model of decoded settings, as the top-down estimator it is.
func buildTopdown(_ s: ExperimentSettings, seed: UInt64 = 0) throws -> TopdownPoseEstimator {
    try #require(try makeModel(s, seed: seed) as? TopdownPoseEstimator)
}

/// ‖a − b‖ / max(‖b‖, floor), over every element (a fixture's comparison).
func relativeError(_ a: Tensor, _ b: Tensor, floor: Double = 1e-12) -> Double {
    var d = 0.0, n = 0.0
    for i in 0..<b.count {
        let e = Double(a[i]) - Double(b[i])
        d += e * e; n += Double(b[i]) * Double(b[i])
    }
    return (d / max(n, floor * floor)).squareRoot()
}
