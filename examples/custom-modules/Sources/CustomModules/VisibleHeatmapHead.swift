import Foundation
import SwiftPose

/// A heatmap head that also predicts each keypoint's visibility.
///
/// Input: the last feature map `N × inChannels × h × w`. Heatmaps: a stride-2 transposed
/// convolution to `midChannels` with BatchNorm and ReLU, then a 1×1 convolution to
/// `N × K × 2h × 2w`. Visibility: global average pooling and a linear layer to `N × K` logits,
/// trained with a BCE loss against "the keypoint is labelled and inside the crop" (the keypoint
/// weights, as MMPose's `VisPredictHead` does); `predict` returns sigmoid probabilities.
///
/// State keys (under `head.`): `deconv.0.weight`, `deconv.1.*` (BatchNorm), `final_layer.{weight,bias}`,
/// `vis_fc.{weight,bias}`.
public final class VisibleHeatmapHead: PoseHead {
    let deconv: Sequential
    let finalLayer: Conv2d
    let pool = GlobalAveragePool()
    let visibilityLayer: Linear
    public var loss: any PoseLoss
    public var visibilityLoss: any PoseLoss
    private var heatmapGradient: Tensor?
    private var visibilityGradient: Tensor?
    private var featureGradient: Tensor?

    public init(inChannels: Int, midChannels: Int, keypoints: Int, loss: any PoseLoss, visibilityLoss: any PoseLoss,
                rng: inout RandomGenerator) {
        let up = ConvTranspose2d(inChannels, midChannels, kernel: 4, stride: 2, padding: 1, bias: false)
        WeightInit.normal(up.weight, bias: nil, std: 0.001, rng: &rng)
        deconv = Sequential([("0", up), ("1", BatchNorm2d(midChannels, relu: true))])
        finalLayer = Conv2d(midChannels, keypoints, kernel: 1, bias: true)
        WeightInit.normal(finalLayer.weight, bias: finalLayer.bias, std: 0.001, rng: &rng)
        visibilityLayer = Linear(inChannels, keypoints)
        WeightInit.normal(visibilityLayer.weight, bias: visibilityLayer.bias, std: 0.01, rng: &rng)
        self.loss = loss
        self.visibilityLoss = visibilityLoss
    }

    private func heatmaps(_ x: Tensor, mode: ForwardMode) -> Tensor {
        finalLayer.forward(deconv.forward(x, mode: mode), mode: mode)
    }

    private func visibilityLogits(_ x: Tensor, mode: ForwardMode) -> Tensor {
        visibilityLayer.forward(pool.forward(x, mode: mode), mode: mode)
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        guard let x = feats.last else { throw ModelError("VisibleHeatmapHead needs a feature map") }
        let maps = heatmaps(x, mode: .training)
        let target = try targets.heatmaps(matching: maps, head: "VisibleHeatmapHead")
        let gMaps = Tensor.reuse(heatmapGradient, shape: maps.shape)
        heatmapGradient = gMaps
        let kptLoss = loss(prediction: maps, target: target, weights: targets.weights, gradient: gMaps)

        let logits = visibilityLogits(x, mode: .training)
        let gLogits = Tensor.reuse(visibilityGradient, shape: logits.shape)
        visibilityGradient = gLogits
        // visible = labelled and inside the crop: the keypoint weights the codec made
        let visLoss = visibilityLoss(prediction: logits, target: targets.weights, weights: nil, gradient: gLogits)
        var correct = 0
        for i in 0..<logits.count where (logits[i] > 0) == (targets.weights[i] > 0.5) { correct += 1 }

        // both branches read the same feature map: their gradients add
        let dx = Tensor.reuse(featureGradient, shape: x.shape)
        featureGradient = dx
        dx.copy(from: deconv.backward(finalLayer.backward(gMaps)))
        let dVis = pool.backward(visibilityLayer.backward(gLogits))
        ElementwiseKernels.accumulate(dVis.data, into: dx.data, count: dx.count)
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = dx
        return ([("loss_kpt", kptLoss), ("loss_vis", visLoss), ("acc_vis", Float(correct) / Float(max(1, logits.count)))], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        guard let x = feats.last else { return HeadOutput() }
        let maps = heatmaps(x, mode: .inference).clone()
        let probabilities = visibilityLogits(x, mode: .inference).clone()
        ElementwiseKernels.sigmoid(probabilities.data, probabilities.data, count: probabilities.count)
        return HeadOutput(heatmaps: maps, visibility: probabilities)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        deconv.collectState(prefix: prefix + "deconv.", into: &state)
        finalLayer.collectState(prefix: prefix + "final_layer.", into: &state)
        visibilityLayer.collectState(prefix: prefix + "vis_fc.", into: &state)
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}

/// `dict(type='VisibleHeatmapHead', in_channels, out_channels, mid_channels=64,
/// loss=dict(type='ForegroundMSELoss'), vis_loss=dict(type='BCELoss'), decoder=codec)`.
public struct VisibleHeatmapHeadSpec: HeadSpec {
    public var inChannels: Int
    public var keypoints: Int
    public var midChannels = 64
    public var loss: any LossSpec = ForegroundMSELoss()
    public var visibilityLoss: any LossSpec = BCELoss(useTargetWeight: false, useSigmoid: false)
    public var decoder: (any KeypointCodec)?

    public init(inChannels: Int, keypoints: Int, decoder: (any KeypointCodec)?) {
        self.inChannels = inChannels; self.keypoints = keypoints; self.decoder = decoder
    }

    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        return VisibleHeatmapHead(inChannels: inChannels, midChannels: midChannels, keypoints: keypoints,
                                  loss: try loss.makeLoss(rng: &rng), visibilityLoss: try visibilityLoss.makeLoss(rng: &rng), rng: &rng)
    }
}
