import Testing
@testable import PoseModels
import PoseTensor

/// `acc_pose` as MMPose's `pose_pck_accuracy`: maxima compared at 0.05 of the heatmap size,
/// x divided by H and y by W (MMPose's `normalize=[[H, W]]`), zero-weight keypoints left out,
/// per-keypoint accuracies averaged.
@Suite struct HeatmapAccuracyTests {
    @Test func matchesPosePCKAccuracy() {
        let (n, k, h, w) = (2, 2, 64, 48)
        let output = Tensor(zeros: [n, k, h, w]), target = Tensor(zeros: [n, k, h, w])
        func peak(_ t: Tensor, _ i: Int, _ j: Int, x: Int, y: Int) { t[((i * k + j) * h + y) * w + x] = 1 }
        peak(target, 0, 0, x: 10, y: 20); peak(output, 0, 0, x: 13, y: 20)   // 3/64 = 0.047: a hit
        peak(target, 1, 0, x: 10, y: 20); peak(output, 1, 0, x: 10, y: 23)   // 3/48 = 0.0625: a miss
        peak(target, 0, 1, x: 5, y: 5); peak(output, 0, 1, x: 40, y: 60)     // weight 0: left out
        peak(target, 1, 1, x: 30, y: 40); peak(output, 1, 1, x: 30, y: 40)   // exact
        let weights = Tensor([1, 0, 1, 1], shape: [n, k])
        // keypoint 0: 1 of 2; keypoint 1: 1 of 1
        #expect(HeatmapAccuracy.pck(output: output, target: target, weights: weights) == 0.75)
        // a target without a positive maximum has no location (-1, -1), and the keypoint still counts
        target[((1 * k + 1) * h + 40) * w + 30] = 0
        #expect(HeatmapAccuracy.pck(output: output, target: target, weights: weights) == 0.25)
        #expect(HeatmapAccuracy.pck(output: output, target: target, weights: Tensor(zeros: [n, k])) == 0)
    }
}
