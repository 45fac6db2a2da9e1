import Foundation
import Testing
import PoseDistributed
import PoseData
import PoseEval
@testable import PoseTraining

/// Evaluation on MPII's and CrowdPose's real samples through configs.
@Suite struct OtherDatasetEvaluationTests {
    let mpiiConfig = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py"
    var fixtures: String { repositoryRoot + "/Tests/Fixtures/" }

    func mpiiOptions(_ metric: String) -> [String] {
        ["test_dataloader.dataset.data_root=\(fixtures)mpii/", "test_dataloader.dataset.ann_file=test_mpii.json",
         "test_dataloader.dataset.data_prefix.img=", "test_dataloader.batch_size=2",
         "model.backbone.depth=18", "model.head.in_channels=512", "model.head.deconv_out_channels=(8,8,8)",
         "test_evaluator.type=\(metric)", "test_dataloader.dataset.headbox_file=None"]
    }

    @Test func mpiiWithPCKAndHeadSizeError() throws {
        let s = try settings(mpiiConfig, options: mpiiOptions("PCKAccuracy"))
        #expect(s.test?.dataset is MpiiDatasetSpec)
        let model = try makeModel(s, seed: 0)
        let result = try Evaluation(dataloader: s.test!, evaluator: s.testEvaluator!, preprocessor: s.model.dataPreprocessor, seed: 0)
            .run(model, communicator: SingleProcessCommunicator(), workers: 1)
        #expect(result.predictions.count == 5)
        #expect(result.metrics.count == 1 && result.metrics[0].0 == "PCK")
        #expect((0...1).contains(result.metrics[0].1))
        // PCKh with head sizes from a .mat head-box file, as MPII's mpii_gt_val.mat provides them
        let pckh = try settings(mpiiConfig, options: mpiiOptions("MpiiPCKAccuracy")
                                + ["test_dataloader.dataset.headbox_file=\(fixtures)mpii/test_mpii_headbox.mat"])
        let r = try Evaluation(dataloader: pckh.test!, evaluator: pckh.testEvaluator!, preprocessor: pckh.model.dataPreprocessor, seed: 0)
            .run(model, communicator: SingleProcessCommunicator(), workers: 1)
        #expect(r.metrics.map(\.0) == ["Head PCK", "Shoulder PCK", "Elbow PCK", "Wrist PCK", "Hip PCK", "Knee PCK", "Ankle PCK", "PCK", "PCK@0.1"])
        #expect(r.metrics.allSatisfy { (0...100).contains($0.1) })
        // without the head boxes PCKh says what is missing
        let noBoxes = try settings(mpiiConfig, options: mpiiOptions("MpiiPCKAccuracy") + ["test_dataloader.dataset.headbox_file=None"])
        #expect(throws: MetricError.self) {
            try Evaluation(dataloader: noBoxes.test!, evaluator: noBoxes.testEvaluator!, preprocessor: noBoxes.model.dataPreprocessor, seed: 0)
                .run(model, communicator: SingleProcessCommunicator(), workers: 1)
        }
    }

    @Test func crowdPoseThroughCocoMetricAndEPE() throws {
        let dir = try temporaryDirectory("crowdpose")
        let config = dir + "/crowd.py"
        try """
        _base_ = ['\(mpiiConfig)']
        codec = dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)
        model = dict(head=dict(out_channels=14, decoder=codec))
        test_dataloader = dict(
            batch_size=2,
            dataset=dict(_delete_=True, type='CrowdPoseDataset', data_root='\(fixtures)crowdpose/', ann_file='test_crowdpose.json',
                         data_prefix=dict(img=''), test_mode=True,
                         pipeline=[dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
                                   dict(type='TopdownAffine', input_size=(64, 64)), dict(type='PackPoseInputs')]))
        test_evaluator = [dict(type='CocoMetric', ann_file='\(fixtures)crowdpose/test_crowdpose.json'), dict(type='EPE')]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let s = try settings(config, options: ["model.backbone.depth=18", "model.head.in_channels=512", "model.head.deconv_out_channels=(8,8,8)"])
        let model = try makeModel(s, seed: 0)
        let result = try Evaluation(dataloader: s.test!, evaluator: s.testEvaluator!, preprocessor: s.model.dataPreprocessor, seed: 0)
            .run(model, communicator: SingleProcessCommunicator(), workers: 1)
        #expect(result.metrics.map(\.0).contains("coco/AP") && result.metrics.last?.0 == "EPE")
        #expect(result.resultsWriter is CocoMetric)
    }
}
