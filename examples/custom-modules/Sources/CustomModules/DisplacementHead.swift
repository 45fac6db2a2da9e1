import Foundation
import SwiftPose

/// A head for `DisplacementHeatmap`: heatmaps and displacement fields from one map.
///
/// Input: the last feature map `N × inChannels × h × w`. A stride-2 transposed convolution to
/// `midChannels` with BatchNorm and ReLU, then a 1×1 convolution to `3K` channels: the first `K`
/// are heatmaps (`.heatmaps`, `N × K × 2h × 2w`), the other `2K` displacements
/// (`.displacements`, `N × 2K × 2h × 2w`). The heatmaps train with `loss` against the codec's
/// heatmaps; the displacements with an L1 loss weighted by `.displacementWeights`, averaged
/// over the weighted pixels and scaled by `displacementLossWeight`.
///
/// State keys (under `head.`): `deconv.0.weight`, `deconv.1.*` (BatchNorm), `final_layer.{weight,bias}`.
public final class DisplacementHead: PoseHead {
    let deconv: Sequential
    let finalLayer: Conv2d
    let keypoints: Int
    public var loss: any PoseLoss
    public var displacementLossWeight: Float
    private var outputGradient: Tensor?

    public init(inChannels: Int, midChannels: Int, keypoints: Int, loss: any PoseLoss, displacementLossWeight: Float,
                rng: inout RandomGenerator) {
        let up = ConvTranspose2d(inChannels, midChannels, kernel: 4, stride: 2, padding: 1, bias: false)
        WeightInit.normal(up.weight, bias: nil, std: 0.001, rng: &rng)
        deconv = Sequential([("0", up), ("1", BatchNorm2d(midChannels, relu: true))])
        finalLayer = Conv2d(midChannels, 3 * keypoints, kernel: 1, bias: true)
        WeightInit.normal(finalLayer.weight, bias: finalLayer.bias, std: 0.001, rng: &rng)
        self.keypoints = keypoints
        self.loss = loss
        self.displacementLossWeight = displacementLossWeight
    }

    /// Channels `[from, from + count)` of `y` (`N × C × h × w`) as their own tensor.
    private func channels(_ y: Tensor, from: Int, count: Int) -> Tensor {
        let (n, c, plane) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
        let out = Tensor(zeros: [n, count, y.shape[2], y.shape[3]])
        for i in 0..<n { (out.data + i * count * plane).update(from: y.data + (i * c + from) * plane, count: count * plane) }
        return out
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        guard let x = feats.last else { throw ModelError("DisplacementHead needs a feature map") }
        let y = finalLayer.forward(deconv.forward(x, mode: .training), mode: .training)
        let (n, k, h, w) = (y.shape[0], keypoints, y.shape[2], y.shape[3])
        let plane = h * w
        let maps = channels(y, from: 0, count: k), predicted = channels(y, from: k, count: 2 * k)
        let targetMaps = try targets.heatmaps(matching: maps, head: "DisplacementHead")
        guard let target = targets[.displacements], let weights = targets[.displacementWeights],
              target.shape == predicted.shape, weights.shape == maps.shape else {
            throw ModelError("DisplacementHead trains on displacements \(predicted.shape) and their weights \(maps.shape); use the DisplacementHeatmap codec with heatmap_size (\(w), \(h))")
        }
        let gMaps = Tensor(zeros: maps.shape)
        let heatmapLoss = loss(prediction: maps, target: targetMaps, weights: targets.weights, gradient: gMaps)

        // L1 over the weighted pixels of both axes, mean over their count
        var total = 0.0, count: Float = 0
        for i in 0..<weights.count { count += weights[i] }
        let scale = displacementLossWeight / max(1, 2 * count)
        let gDisp = Tensor(zeros: predicted.shape)
        for i in 0..<n { for j in 0..<k { for axis in 0..<2 { for p in 0..<plane {
            let wt = weights[(i * k + j) * plane + p]
            guard wt > 0 else { continue }
            let at = ((i * 2 * k) + 2 * j + axis) * plane + p
            let d = predicted[at] - target[at]
            total += Double(abs(d) * wt)
            gDisp[at] = (d > 0 ? 1 : d < 0 ? -1 : 0) * wt * scale
        } } } }
        let displacementLoss = Float(total) * scale

        // the two parts' gradients back into one N × 3K map
        let gY = Tensor.reuse(outputGradient, shape: y.shape)
        outputGradient = gY
        for i in 0..<n {
            (gY.data + i * 3 * k * plane).update(from: gMaps.data + i * k * plane, count: k * plane)
            (gY.data + (i * 3 * k + k) * plane).update(from: gDisp.data + i * 2 * k * plane, count: 2 * k * plane)
        }
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = deconv.backward(finalLayer.backward(gY))
        return ([("loss_kpt", heatmapLoss), ("loss_displacement", displacementLoss)], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        guard let x = feats.last else { return HeadOutput() }
        let y = finalLayer.forward(deconv.forward(x, mode: .inference), mode: .inference)
        var out = HeadOutput(heatmaps: channels(y, from: 0, count: keypoints))
        out[.displacements] = channels(y, from: keypoints, count: 2 * keypoints)
        return out
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        deconv.collectState(prefix: prefix + "deconv.", into: &state)
        finalLayer.collectState(prefix: prefix + "final_layer.", into: &state)
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}

/// `dict(type='DisplacementHead', in_channels, out_channels, mid_channels=64,
/// loss=dict(type='KeypointMSELoss', use_target_weight=True), displacement_loss_weight=0.01,
/// decoder=dict(type='DisplacementHeatmap', ...))`.
public struct DisplacementHeadSpec: HeadSpec {
    public var inChannels: Int
    public var keypoints: Int
    public var midChannels = 64
    public var loss: any LossSpec = KeypointMSELoss(useTargetWeight: true)
    public var displacementLossWeight: Float = 0.01
    public var decoder: (any KeypointCodec)?

    public init(inChannels: Int, keypoints: Int, decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.decoder = decoder
    }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        return DisplacementHead(inChannels: inChannels, midChannels: midChannels, keypoints: keypoints, loss: try loss.makeLoss(rng: &rng),
                                displacementLossWeight: displacementLossWeight, rng: &rng)
    }
}
