import Foundation
import PoseCLI
import PoseData
import PoseDistributed
import PoseModels
@testable import PoseTraining
import Testing

/// SwiftPose's bottom-up paradigm against MMPose 1.3.2 itself, run by
/// `tools/make_mmpose_parity_fixtures.py ae dekr cid rtmo yoloxpose` through MMPose's test loop on the four COCO
/// samples with random weights whose final layers make several people per image:
/// associative embedding (a small HRNet, `AssociativeEmbeddingHead`, flip test, heatmaps restored
/// to the input size), DEKR (a small multi-scale HRNet, `FeatureMapProcessor`, `DEKRHead` with
/// adaptive deformable convolutions, the SPR codec, rescoring and pose NMS) and CID (the same
/// backbone and neck, `CIDHead`'s instance selection and decoupled heatmaps, `DecoupledHeatmap`) and RTMO
/// (a small CSPDarknet, `HybridEncoder` with its transformer layer and `ChannelMapper`, `RTMOHead`'s
/// box NMS and DCC, BGR input) and YOLOX-Pose (the same backbone, `YOLOXPAFPN`, `YOLOXPoseHead`'s
/// objectness-weighted scores and keypoint regression); the one-stage models' boxes too, within
/// 0.1 px. Every image must
/// give the same people in the same order, their keypoints within 0.1 px (at least 99%), their
/// scores and instance scores to 1e-4, and CocoMetric's figures equal.
@Suite struct BottomupParityTests {
    struct Expected: Decodable {
        struct Person: Decodable {
            var keypoints: [[Double]]
            var keypoint_scores: [Double]
            var bbox_score: Double?
            /// RTMO's box, x1, y1, x2, y2 in image pixels.
            var bbox: [Double]?
        }
        struct Image: Decodable {
            var img_id: Int
            var input_size: [Int]
            var people: [Person]
        }
        var images: [Image]
        var metrics: [String: Double]
    }

    @Test(arguments: ["ae", "dekr", "cid", "rtmo", "yoloxpose"]) func predictsAsMMPose(_ family: String) throws {
        let dir = repositoryRoot + "/Tests/Fixtures/mmpose_parity/" + family
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
        let (_, settings) = try Job.loadSettings(path: dir + "/config.py", options: [], components: .stock)
        let data = try #require(settings.test)
        let evaluator = try #require(settings.testEvaluator)
        let model = try Job.loadTrainedModel(settings, checkpoint: dir + "/weights.pth", strict: true) { _ in }
        #expect(model is BottomupPoseEstimator)
        let result = try Evaluation(dataloader: data, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor,
                                    seed: settings.seed).run(model, communicator: SingleProcessCommunicator(), workers: 1)
        var byImage: [Int: [KeypointPrediction]] = [:]
        for p in result.predictions.sorted(by: { $0.id < $1.id }) { byImage[p.imageId, default: []].append(p) }
        var keypoints = 0, within = 0, largest = 0.0
        for image in expected.images {
            let mine = byImage[image.img_id] ?? []
            #expect(mine.count == image.people.count, "image \(image.img_id): \(mine.count) people, MMPose \(image.people.count)")
            #expect(image.people.count >= 3, "the fixture's weights must find several people per image")
            for (person, p) in zip(image.people, mine) {
                // MMPose's people without an instance score count 1 (CocoMetric's default)
                let score = person.bbox_score ?? 1
                #expect(abs(p.bboxScore - score) <= 1e-4 * max(1, abs(score)))
                if let box = person.bbox {
                    let mine = try #require(p.bbox, "RTMO's people carry their boxes")
                    let theirs = [box[0], box[1], box[2] - box[0], box[3] - box[1]]
                    #expect(zip(mine, theirs).allSatisfy { abs($0 - $1) <= 0.1 }, "box \(mine) vs MMPose's \(theirs)")
                }
                for (j, point) in person.keypoints.enumerated() {
                    #expect(abs(p.keypointScores[j] - person.keypoint_scores[j]) <= 1e-4 * max(1, abs(person.keypoint_scores[j])))
                    let offset = hypot(p.keypoints[2 * j] - point[0], p.keypoints[2 * j + 1] - point[1])
                    keypoints += 1
                    if offset <= 0.1 { within += 1 }
                    largest = max(largest, offset)
                }
            }
        }
        print("\(family): \(within)/\(keypoints) keypoints within 0.1 px of MMPose's (largest \(largest) px)")
        #expect(keypoints > 0 && Double(within) >= 0.99 * Double(keypoints))
        let figures = Dictionary(result.metrics, uniquingKeysWith: { a, _ in a })
        #expect(Set(figures.keys) == Set(expected.metrics.keys))
        for (name, value) in expected.metrics { #expect(abs((figures[name] ?? .nan) - value) <= 1e-6, "\(name)") }
    }

    /// MMPose's `nearby_joints_nms` on the made-up cases of the DEKR fixture (near-duplicates, a
    /// far joint, a `max_dets` cut, a chain whose best member was suppressed before).
    @Test func nearbyJointsNMSAsMMPose() throws {
        struct Case: Decodable {
            var keypoints: [[[Float]]]
            var keypoint_scores: [[Float]]
            var dist_thr: Float
            var num_nearby_joints_thr: Int?
            var max_dets: Int
            var keep: [Int]
        }
        struct File: Decodable { var nms_cases: [Case] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/mmpose_parity/dekr/expected.json")))
        #expect(file.nms_cases.count == 4)
        for c in file.nms_cases {
            let keep = NearbyJointsNMS.keep(keypoints: c.keypoints.map { $0.flatMap { $0 } }, scores: c.keypoint_scores,
                                            distanceThreshold: c.dist_thr, jointThreshold: c.num_nearby_joints_thr, maxDetections: c.max_dets)
            #expect(keep == c.keep)
        }
    }
}
