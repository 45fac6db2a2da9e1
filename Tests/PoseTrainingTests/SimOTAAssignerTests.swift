import Foundation
import Testing
@testable import PoseModels

/// `SimOTAAssigner` against MMPose 1.3.2's own on seeded cases with RTMO's and YOLOX-Pose's
/// settings (`tools/make_one_stage_fixtures.py`, `Tests/Fixtures/one_stage/simota.json`): the
/// same prior → person assignment, labels and matched OKS.
@Suite struct SimOTAAssignerTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            struct Inputs: Decodable {
                var priors: [[Float]], bboxes: [[Float]], scores: [[Float]], keypoints: [[[Float]]], keypoints_visible: [[Float]]
                var gt_bboxes: [[Float]], gt_labels: [Int], gt_keypoints: [[[Float]]], gt_keypoints_visible: [[Float]], gt_areas: [Float]
            }
            struct Result: Decodable { var gt_inds: [Int], max_overlaps: [Float], labels: [Int] }
            var name: String
            var inputs: Inputs
            var result: Result
        }
        struct Settings: Decodable { var use_keypoints_for_center: Bool, oks_sigmas: [Float]? }
        var cases: [String: [Case]]
        var resolved: [String: Settings]
    }

    @Test(arguments: ["rtmo", "yoloxpose"]) func assignsAsMMPose(_ family: String) throws {
        let url = URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/one_stage/simota.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let settings = try #require(fixture.resolved[family])
        var assigner = SimOTAAssigner()
        assigner.dynamicKByOKS = true
        assigner.useKeypointsForCenter = settings.use_keypoints_for_center
        assigner.sigmas = settings.oks_sigmas ?? []
        let cases = try #require(fixture.cases[family])
        #expect(cases.count >= 4)
        for c in cases {
            let i = c.inputs
            func box(_ v: [Float]) -> (Float, Float, Float, Float) { (v[0], v[1], v[2], v[3]) }
            func points(_ v: [[Float]]) -> [(Float, Float)] { v.map { ($0[0], $0[1]) } }
            let predictions = SimOTAAssigner.Predictions(priors: i.priors.map(box), boxes: i.bboxes.map(box), scores: i.scores,
                                                         keypoints: i.keypoints.map(points), visibilities: i.keypoints_visible)
            let truth = SimOTAAssigner.GroundTruth(boxes: i.gt_bboxes.map(box), labels: i.gt_labels, keypoints: i.gt_keypoints.map(points),
                                                   visible: i.gt_keypoints_visible, areas: i.gt_areas)
            let mine = assigner.assign(predictions, to: truth)
            #expect(mine.gtIndices == c.result.gt_inds, "\(family) \(c.name): gt_inds")
            #expect(mine.labels == c.result.labels, "\(family) \(c.name): labels")
            #expect(zip(mine.maxOverlaps, c.result.max_overlaps).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(family) \(c.name): max_overlaps")
        }
    }
}
