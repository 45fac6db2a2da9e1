import Testing
@testable import PoseModels
import PoseTensor

@Suite struct KeypointMSELossTests {
    @Test func weightedMeanOverAllElements() {
        let pred = Tensor([1, 2, 3, 4, 0, 0, 1, 1], shape: [1, 2, 2, 2])
        let gt = Tensor([0, 2, 3, 2, 0, 0, 0, 0], shape: [1, 2, 2, 2])
        let w = Tensor([0.5, 2], shape: [1, 2])
        let grad = Tensor(zeros: pred.shape)
        let loss = KeypointMSELoss(useTargetWeight: true)(prediction: pred, target: gt, weights: w, gradient: grad)
        // (0.5 * (1 + 0 + 0 + 4) + 2 * (0 + 0 + 1 + 1)) / 8
        #expect(abs(loss - (2.5 + 4) / 8) < 1e-6)
        let expected: [Float] = [0.125, 0, 0, 0.25, 0, 0, 0.5, 0.5]  // 2 · w · (pred − gt) / 8
        #expect(grad.array == expected)
    }

    @Test func skipEmptyChannelAndLossWeight() {
        let pred = Tensor([1, 1, 1, 1, 2, 2, 2, 2], shape: [1, 2, 2, 2])
        let gt = Tensor([0, 0, 0, 0, 1, 0, 0, 0], shape: [1, 2, 2, 2])
        let grad = Tensor(zeros: pred.shape)
        let loss = KeypointMSELoss(skipEmptyChannel: true, lossWeight: 3)(prediction: pred, target: gt, weights: nil,
                                                                          gradient: grad)
        // channel 0 has an all-zero target and is skipped: 3 * (1 + 4 + 4 + 4) / 8
        #expect(abs(loss - 3 * 13 / 8) < 1e-6)
        #expect(Array(grad.array[0..<4]) == [0, 0, 0, 0])
    }

    @Test func gradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 1)
        let pred = Tensor(zeros: [2, 3, 4, 5]), gt = Tensor(zeros: [2, 3, 4, 5]), w = Tensor(zeros: [2, 3])
        rng.fillUniform(pred, low: -1, high: 1); rng.fillUniform(gt, low: 0, high: 1); rng.fillUniform(w, low: 0, high: 1)
        let loss = KeypointMSELoss(lossWeight: 2)
        let grad = Tensor(zeros: pred.shape), scratch = Tensor(zeros: pred.shape)
        _ = loss(prediction: pred, target: gt, weights: w, gradient: grad)
        for i in stride(from: 0, to: pred.count, by: 7) {
            let saved = pred[i]
            pred[i] = saved + 1e-3; let plus = loss(prediction: pred, target: gt, weights: w, gradient: scratch)
            pred[i] = saved - 1e-3; let minus = loss(prediction: pred, target: gt, weights: w, gradient: scratch)
            pred[i] = saved
            #expect(abs((plus - minus) / 2e-3 - grad[i]) < 1e-4)
        }
    }
}
