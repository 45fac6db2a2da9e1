import Foundation
import Testing
@testable import PoseData
@testable import PoseEval

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
let cocoSigmas = [0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107,
                  0.087, 0.087, 0.089, 0.089]

@Suite struct CocoEvalTests {
    func groundTruth() throws -> CocoAnnotationFile {
        try CocoAnnotationFile.load(path: fixtures.appendingPathComponent("coco/test_coco.json").path)
    }

    /// The noisy predictions of `eval_reference.json` and pycocotools' stats for them.
    func reference() throws -> (predictions: [COCOKeypointEval.Result], stats: [Double]) {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("coco/eval_reference.json"))
        let ref = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let preds = (ref["predictions"] as! [[String: Any]]).map {
            COCOKeypointEval.Result(imageId: ($0["image_id"] as! NSNumber).intValue,
                                    keypoints: ($0["keypoints"] as! [NSNumber]).map(\.doubleValue),
                                    score: ($0["score"] as! NSNumber).doubleValue)
        }
        return (preds, (ref["stats"] as! [NSNumber]).map(\.doubleValue))
    }

    @Test func matchesPycocotoolsOnNoisyPredictions() throws {
        let (preds, expected) = try reference()
        let stats = try COCOKeypointEval(groundTruth: try groundTruth(), results: preds, sigmas: cocoSigmas).run()
        for (s, e) in zip(stats, expected) { #expect(abs(s - e) < 1e-9, "\(stats) vs \(expected)") }
    }

    /// `use_area=False` (xtcocotools): OKS and area ranges on 0.53 of each box, the same as
    /// evaluating a file whose areas are 0.53 of the boxes; and not the same as the real areas.
    @Test func useAreaFalseScoresOnBoxes() throws {
        let preds = try reference().predictions
        let gt = try groundTruth()
        var boxAreas = gt
        boxAreas.annotations = gt.annotations.map { a in
            var b = a
            b.area = a.bbox.map { $0[2] * $0[3] * 0.53 }
            return b
        }
        let byBox = try COCOKeypointEval(groundTruth: gt, results: preds, sigmas: cocoSigmas, useArea: false).run()
        #expect(try byBox == COCOKeypointEval(groundTruth: boxAreas, results: preds, sigmas: cocoSigmas).run())
        #expect(try byBox != COCOKeypointEval(groundTruth: gt, results: preds, sigmas: cocoSigmas).run())
    }

    @Test func prefixNamesTheMetrics() {
        var metric = CocoMetric()
        #expect(metric.names.first == "coco/AP")
        metric.prefix = "crowdpose"
        #expect(metric.names.prefix(3) == ["crowdpose/AP", "crowdpose/AP .5", "crowdpose/AP .75"])
    }

    @Test func groundTruthAsPredictionsScoresOne() throws {
        let gt = try groundTruth()
        let preds = gt.annotations.filter { ($0.numKeypoints ?? 0) > 0 }.map {
            COCOKeypointEval.Result(imageId: $0.imageId, keypoints: $0.keypoints!, score: 1)
        }
        let stats = try COCOKeypointEval(groundTruth: gt, results: preds, sigmas: cocoSigmas).run()
        #expect(stats.allSatisfy { $0 == 1 || $0 == -1 }, "\(stats)")
        #expect(stats[0] == 1 && stats[5] == 1)
    }

    @Test func oksByHand() throws {
        // one GT with two visible keypoints, area 100; detection off by (3, 4) on the first only
        let gt = COCOKeypointEval.GroundTruth(id: 1, keypoints: [10, 10, 2, 20, 20, 2, 0, 0, 0], bbox: [0, 0, 30, 30],
                                              area: 100, isCrowd: false, ignore: false)
        let dt = COCOKeypointEval.Detection(id: 1, keypoints: [13, 14, 1, 20, 20, 1, 5, 5, 1], score: 1, area: 0)
        let sigmas = [0.1, 0.2, 0.3]
        let eval = try COCOKeypointEval(groundTruth: CocoAnnotationFile(images: [], annotations: []), results: [], sigmas: sigmas)
        let oks = eval.computeOKS(gts: [gt], dts: [dt])[0][0]
        let e0 = 25.0 / 0.04 / 100 / 2
        #expect(abs(oks - (exp(-e0) + 1) / 2) < 1e-12)
        // no visible GT keypoints: distance to the box grown by its size on each side
        let gt0 = COCOKeypointEval.GroundTruth(id: 2, keypoints: [0, 0, 0, 0, 0, 0, 0, 0, 0], bbox: [10, 10, 10, 10],
                                               area: 50, isCrowd: false, ignore: true)
        let far = COCOKeypointEval.Detection(id: 2, keypoints: [45, 10, 1, 10, 10, 1, 10, 10, 1], score: 1, area: 0)
        let o2 = eval.computeOKS(gts: [gt0], dts: [far])[0][0]
        let e = 225.0 / 0.04 / 50 / 2  // 15 px beyond x1 = 10 + 2·10
        #expect(abs(o2 - (exp(-e) + 2) / 3) < 1e-12)
    }

    @Test func rescoringAndOKSNMS() {
        var metric = CocoMetric(sigmas: [0.1, 0.1])
        let a = KeypointPrediction(id: 1, imageId: 7, keypoints: [10, 10, 20, 20], keypointScores: [0.9, 0.1], bboxScore: 0.5, area: 400)
        let b = KeypointPrediction(id: 2, imageId: 7, keypoints: [10.5, 10, 20, 20.5], keypointScores: [0.5, 0.7], bboxScore: 1, area: 400)
        let c = KeypointPrediction(id: 3, imageId: 7, keypoints: [200, 200, 220, 220], keypointScores: [0.3, 0.3], bboxScore: 1, area: 400)
        let kept = metric.postprocess([a, b, c, b])
        // b: 1 * mean(0.5, 0.7) = 0.6 suppresses a (0.5 * 0.9 = 0.45, OKS > 0.9); c survives
        #expect(kept.map(\.id).sorted() == [2, 3])
        #expect(abs(kept.first { $0.id == 2 }!.score - 0.6) < 1e-12)
        // soft OKS-NMS: every instance kept, highest (decayed) score first, each with its own score
        metric.nmsMode = .softOKSNMS
        let soft = metric.postprocess([a, b, c])
        #expect(soft.map(\.id) == [2, 3, 1])  // a's 0.45 decays below c's 0.3 next to b
        #expect(abs(soft[0].score - 0.6) < 1e-12 && abs(soft[1].score - 0.3) < 1e-12 && abs(soft[2].score - 0.45) < 1e-12)
        metric.nmsMode = .none
        #expect(metric.postprocess([a, b, c]).count == 3)
        metric.scoreMode = .bbox
        #expect(metric.postprocess([a]).first!.score == 0.5)
    }
}
