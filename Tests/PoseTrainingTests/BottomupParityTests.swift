import Foundation
import PoseCLI
import PoseData
import PoseDistributed
import PoseModels
@testable import PoseTraining
import Testing

/// SwiftPose's bottom-up paradigm against MMPose 1.3.2 itself: the associative-embedding model
/// (a small HRNet, `AssociativeEmbeddingHead`, flip test, heatmaps restored to the input size)
/// with random weights whose final layer makes several people per image, run by
/// `tools/make_mmpose_parity_fixtures.py ae` through MMPose's test loop on the four COCO samples.
/// Every image must give the same people in the same order, their keypoints within 0.1 px (at
/// least 99%), their scores and instance scores to 1e-4, and CocoMetric's figures equal.
@Suite struct BottomupParityTests {
    struct Expected: Decodable {
        struct Person: Decodable {
            var keypoints: [[Double]]
            var keypoint_scores: [Double]
            var bbox_score: Double
        }
        struct Image: Decodable {
            var img_id: Int
            var input_size: [Int]
            var people: [Person]
        }
        var images: [Image]
        var metrics: [String: Double]
    }

    @Test func associativeEmbeddingPredictsAsMMPose() throws {
        let dir = repositoryRoot + "/Tests/Fixtures/mmpose_parity/ae"
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
                #expect(abs(p.bboxScore - person.bbox_score) <= 1e-4 * max(1, abs(person.bbox_score)))
                for (j, point) in person.keypoints.enumerated() {
                    #expect(abs(p.keypointScores[j] - person.keypoint_scores[j]) <= 1e-4 * max(1, abs(person.keypoint_scores[j])))
                    let offset = hypot(p.keypoints[2 * j] - point[0], p.keypoints[2 * j + 1] - point[1])
                    keypoints += 1
                    if offset <= 0.1 { within += 1 }
                    largest = max(largest, offset)
                }
            }
        }
        print("associative embedding: \(within)/\(keypoints) keypoints within 0.1 px of MMPose's (largest \(largest) px)")
        #expect(keypoints > 0 && Double(within) >= 0.99 * Double(keypoints))
        let figures = Dictionary(result.metrics, uniquingKeysWith: { a, _ in a })
        #expect(Set(figures.keys) == Set(expected.metrics.keys))
        for (name, value) in expected.metrics { #expect(abs((figures[name] ?? .nan) - value) <= 1e-6, "\(name)") }
    }
}
