import Foundation
import Testing
import PoseData
import PoseDistributed
import PoseEval
@testable import PoseTraining

/// What the start-up checks refuse, as a user meets them: one line, before the work dir.
@Suite struct StartupProbeTests {
    /// A neck that scales the maps away leaves the head nothing: said at start-up, not trapped.
    @Test func aNeckWithoutPixelsIsOneLine() throws {
        let dir = try temporaryDirectory("probe-neck")
        try makeDataset(in: dir, train: 4, val: 2)
        let config = try tinyConfig(in: dir, extra: "model.update(neck=dict(type='FeatureMapProcessor', scale_factor=0.01))")
        let (status, output) = try run([try executable("pose-train"), config, "--work-dir", dir + "/w"])
        #expect(status == 1)
        #expect(output.contains("pose-train: error: model.neck gives feature maps of 32×0×0 (C×H×W) for a 64x64 input; the head needs at least one pixel (input_size or the neck's scale_factor)"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/w"))
    }

    /// PCK and EPE pair each prediction with its instance's keypoints; on detections
    /// (bbox_file) there are none, and both pose-train and pose-test refuse before any work.
    @Test func metricsThatPairRefuseDetections() throws {
        let dir = try temporaryDirectory("probe-pairing")
        try makeDataset(in: dir, train: 4, val: 2)
        let config = try tinyConfig(in: dir, extra: "val_evaluator = [dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val.json'), dict(type='PCKAccuracy')]\ntest_evaluator = dict(type='EPE')")
        let (s1, train) = try run([try executable("pose-train"), config, "--work-dir", dir + "/w"])
        #expect(s1 == 1)
        #expect(train.contains("pose-train: error: val_evaluator.1: PCKAccuracy pairs each prediction with its instance's keypoints, but the evaluation instances are a detector's boxes (bbox_file)"), "\(train)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/w"))
        let (s2, test) = try run([try executable("pose-test"), config, dir + "/none.safetensors"])
        #expect(s2 == 1)
        #expect(test.contains("pose-test: error: test_evaluator: EPEMetric pairs each prediction with its instance's keypoints"), "\(test)")
        // on the annotated boxes they evaluate, as MMPose's do
        let (s3, fine) = try run([try executable("pose-train"), config, "--work-dir", dir + "/w2", "--cfg-options", "train_cfg.max_epochs=1",
                                  "train_cfg.val_interval=1", "val_dataloader.dataset.bbox_file=None"])
        #expect(s3 == 0, "\(fine)")
        #expect(fine.contains("PCK: "), "\(fine)")
        // and a metric written without the declaration is still refused when it asks for pairs
        let truth = EvaluationGroundTruth(instances: [], annotations: nil, metainfo: try DatasetMetainfo.resolve("coco.py"), instancesAreDetections: true)
        #expect { try truth.samples(for: []) } throws: { "\($0)".hasPrefix("the evaluation instances are a detector's boxes (bbox_file)") }
    }

    /// MPII's detections would be evaluated on the annotated boxes in silence (MMPose cannot read
    /// them either): the config is refused at the key.
    @Test func mpiiRefusesDetections() throws {
        let config = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py"
        #expect { try settings(config, options: ["val_dataloader.dataset.bbox_file=dets.json"]) } throws: {
            "\($0)".contains("val_dataloader.dataset.bbox_file: MpiiDataset evaluates on its annotated boxes; detections are not supported (drop bbox_file)")
        }
    }
}
