import Testing
@testable import PoseEval

@Suite struct PCKTests {
    func sample(_ offsets: [Double], visible: [Bool], box: Double = 100, head: Double? = 10) -> KeypointEvalSample {
        let gt = (0..<visible.count).flatMap { [Double($0) * 10, Double($0) * 5] }
        let pred = gt.enumerated().map { $0.offset % 2 == 0 ? $0.element + offsets[$0.offset / 2] : $0.element }
        return KeypointEvalSample(predicted: pred, groundTruth: gt, visible: visible, bbox: (0, 0, box, box / 2), headSize: head)
    }

    @Test func pckByHand() throws {
        // bbox norm 100: offsets 2, 6, 4 → 0.02, 0.06, 0.04 < 0.05 → 2 of 3 (last invisible ignored)
        let s = [sample([2, 6, 4, 50], visible: [true, true, true, false])]
        let pck = try PCKAccuracy(threshold: 0.05, normItems: [.bbox, .head]).evaluate(s)
        #expect(pck[0].0 == "PCK" && abs(pck[0].1 - 2.0 / 3) < 1e-12)
        // head norm 10: 0.2, 0.6, 0.4 → none below 0.05
        #expect(pck[1].0 == "PCKh" && pck[1].1 == 0)
        #expect(abs(KeypointEval.epe(s) - 4) < 1e-12)
        #expect(abs(KeypointEval.nme(s, norms: [2]) - 2) < 1e-12)
        // AUC over 20 thresholds with norm 30: distances 2/30, 6/30, 4/30 pass from thresholds 0.1, 0.25, 0.15
        let auc = KeypointEval.auc(s)
        let expected = (0..<20).reduce(0.0) { sum, i in
            let t = Double(i) / 20
            return sum + Double([2.0, 6, 4].filter { $0 / 30 < t }.count) / 3 / 20
        }
        #expect(abs(auc - expected) < 1e-12)
    }

    @Test func mpiiPCKhShiftsPredictionsAndDropsPelvisAndThorax() throws {
        // predictions equal GT − 1 (0-based vs 1-based): every visible joint is correct
        var s = sample([Double](repeating: -1, count: 16), visible: [Bool](repeating: true, count: 16))
        for j in 0..<16 { s.predicted[2 * j + 1] -= 1 }
        let m = try MpiiPCKAccuracy().evaluate([s])
        #expect(abs(m.first { $0.0 == "PCK" }!.1 - 100) < 1e-9)
        #expect(m.first { $0.0 == "Head PCK" }!.1 == 100)
        // a wrong pelvis (6) changes nothing in the mean; a wrong wrist (10) does
        s.predicted[12] += 50
        #expect(abs(try MpiiPCKAccuracy().evaluate([s]).first { $0.0 == "PCK" }!.1 - 100) < 1e-9)
        s.predicted[20] += 50
        let m2 = try MpiiPCKAccuracy().evaluate([s])
        #expect(abs(m2.first { $0.0 == "PCK" }!.1 - 100 * 13 / 14) < 1e-9)
        #expect(m2.first { $0.0 == "Wrist PCK" }!.1 == 50)
        #expect(throws: MetricError.self) { try MpiiPCKAccuracy().evaluate([self.sample([0], visible: [true], head: nil)]) }
    }
}
