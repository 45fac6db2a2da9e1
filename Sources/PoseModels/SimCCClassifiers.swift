import PoseData
import PoseNN
import PoseTensor

/// The end every SimCC head shares (MMPose's `SimCCHead`, `RTMCCHead`, `RTMWHead`): one
/// feature row per keypoint, `N·K × D`, through two linear layers without bias to the x and y
/// logits, `N × K × Wx` and `N × K × Hy`; in training, the head's loss on both axes (summed),
/// an optional loss on the outputs (`HeadOutputLoss`), SimCC PCK as `acc_pose`, and the
/// gradient back to the rows.
final class SimCCClassifiers {
    let x: Linear, y: Linear
    /// The ratio of bins to input pixels (`simcc_split_ratio`), for the accuracy.
    var splitRatio: Double

    /// Classifiers from `features` to `bins` (Wx, Hy), with biases when `bias` (SimCCHead's;
    /// RTMPose's heads have none), left for the head to initialise.
    init(features: Int, bins: (Int, Int), splitRatio: Double, bias: Bool) {
        x = Linear(features, bins.0, bias: bias)
        y = Linear(features, bins.1, bias: bias)
        // the decoder's arg-max reads these: fp32 under bfloat16, as the heads' final layers
        x.fixedPrecision = .float32
        y.fixedPrecision = .float32
        self.splitRatio = splitRatio
    }

    /// The logits of `rows` (`N·K × D`) as `N × K × Wx` and `N × K × Hy`.
    func forward(_ rows: Tensor, keypoints k: Int, mode: ForwardMode) -> (Tensor, Tensor) {
        let n = rows.shape[0] / k
        return (x.forward(rows, mode: mode).reshaped([n, k, x.outFeatures]), y.forward(rows, mode: mode).reshaped([n, k, y.outFeatures]))
    }

    /// A training forward of `rows` (`N·K × D`), the losses against `targets` and the backward:
    /// returns the named values (`loss_kpt`, `acc_pose` when asked, then `outputLoss`'s) and
    /// dL/drows (`N·K × D`).
    /// - Throws: `ModelError` naming `head` when the targets are not SimCC vectors of the
    ///   logits' shapes; what `outputLoss` throws.
    func trainStep(_ rows: Tensor, keypoints k: Int, targets: HeadTargets, loss: any PoseLoss, head: String,
                   outputLoss: HeadOutputLoss?) throws -> (losses: [(String, Float)], dRows: Tensor) {
        let (px, py) = forward(rows, keypoints: k, mode: .training)
        guard let tx = targets.simccX, let ty = targets.simccY, tx.shape == px.shape, ty.shape == py.shape else {
            throw ModelError("\(head): the targets are not SimCC vectors of \(px.shape) and \(py.shape); use GenerateTarget with the head's SimCCLabel codec (same input_size and simcc_split_ratio)")
        }
        let gx = Tensor.pooled(shape: px.shape), gy = Tensor.pooled(shape: py.shape)
        let value = loss(prediction: px, target: tx, weights: targets.weights, gradient: gx)
            + loss(prediction: py, target: ty, weights: targets.weights, gradient: gy)
        let extra = try outputLoss?(HeadOutput(simccX: px, simccY: py), HeadOutput(simccX: gx, simccY: gy)) ?? []
        let count = px.shape[0] * k
        let dRows = x.backward(gx.reshaped([count, x.outFeatures]))
        let dFromY = y.backward(gy.reshaped([count, y.outFeatures]))
        ElementwiseKernels.accumulate(dFromY.data, into: dRows.data, count: dRows.count)
        var losses: [(String, Float)] = [("loss_kpt", value)]
        if targets.computeAccuracy {
            let accuracy = HeatmapAccuracy.simccPCK(x: px, y: py, targetX: tx, targetY: ty, weights: targets.weights, splitRatio: splitRatio)
            losses.append(("acc_pose", Float(accuracy)))
        }
        return (losses + extra, dRows)
    }

    /// `x` and `y` under `prefix + names.x` and `prefix + names.y` (`cls_x.`, or `mlp_head_x.`).
    func collectState(prefix: String, names: (x: String, y: String), into state: inout StateDict) {
        x.collectState(prefix: prefix + names.x, into: &state)
        y.collectState(prefix: prefix + names.y, into: &state)
    }
}
