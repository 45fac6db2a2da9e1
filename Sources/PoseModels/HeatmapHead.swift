import PoseData
import PoseNN
import PoseTensor

/// MMPose's `HeatmapHead` (SimpleBaseline): stride-2 deconvolutions (`deconv_layers`), optional
/// convolutions (`conv_layers`) and a final convolution with bias (`final_layer`).
///
/// Input: the last feature map `N × inChannels × h × w`; output heatmaps
/// `N × outChannels × h·2^d × w·2^d` for `d` deconvolutions.
public final class HeatmapHead: Layer, PoseHead {
    /// The arguments the head was built from (`in_channels`, `out_channels`, `deconv_*`, `conv_*`,
    /// `final_layer`).
    public let settings: HeatmapHeadSettings
    let deconvLayers: Sequential
    let convLayers: Sequential
    let finalLayer: Conv2d?
    /// The training loss on `N × K × h × w` heatmaps (MMPose's default: KeypointMSELoss with
    /// target weights).
    public var loss: any PoseLoss = KeypointMSELoss(useTargetWeight: true)
    private var lossGradient: Tensor?

    /// Builds the head with MMPose's default initialisation: N(0, 0.001²) for Conv2d and
    /// ConvTranspose2d weights, zero biases, BatchNorm weight 1.
    public init(_ settings: HeatmapHeadSettings, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        var channels = settings.inChannels
        var deconvs: [(String, Layer)] = []
        for (i, (out, k)) in zip(settings.deconvOutChannels, settings.deconvKernelSizes).enumerated() {
            let (padding, outputPadding) = k == 4 ? (1, 0) : k == 3 ? (1, 1) : (0, 0)
            let deconv = ConvTranspose2d(channels, out, kernel: k, stride: 2, padding: padding,
                                         outputPadding: outputPadding, bias: false)
            WeightInit.normal(deconv.weight, bias: nil, std: 0.001, rng: &rng)
            deconvs.append((String(3 * i), deconv))
            deconvs.append((String(3 * i + 1), BatchNorm2d(out, relu: true)))
            channels = out
        }
        deconvLayers = Sequential(deconvs)
        var convs: [(String, Layer)] = []
        for (i, (out, k)) in zip(settings.convOutChannels, settings.convKernelSizes).enumerated() {
            let conv = Conv2d(channels, out, kernel: k, padding: (k - 1) / 2, bias: true)
            WeightInit.normal(conv.weight, bias: conv.bias, std: 0.001, rng: &rng)
            convs.append((String(3 * i), conv))
            convs.append((String(3 * i + 1), BatchNorm2d(out, relu: true)))
            channels = out
        }
        convLayers = Sequential(convs)
        if let k = settings.finalLayerKernelSize {
            let conv = Conv2d(channels, settings.outChannels, kernel: k, bias: true)
            WeightInit.normal(conv.weight, bias: conv.bias, std: 0.001, rng: &rng)
            // the maps the decoder reads: bfloat16 rounding here moves arg-maxes (BENCHMARKS.md)
            conv.fixedPrecision = .float32
            finalLayer = conv
        } else {
            finalLayer = nil
        }
    }

    /// Features `N × inChannels × h × w` → heatmaps `N × outChannels × h·2^d × w·2^d` through the
    /// deconvolutions, the convolutions and the final layer, whose layers keep their inputs in
    /// `.training` mode. The result is the final layer's pooled output, not a copy.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let h = convLayers.forward(deconvLayers.forward(x, mode: mode), mode: mode)
        return finalLayer?.forward(h, mode: mode) ?? h
    }

    /// Back-propagates heatmap gradients (the last forward's output shape) through every layer,
    /// adding dL/dθ into their parameters' gradients, and returns dL/dfeature
    /// `N × inChannels × h × w`.
    public func backward(_ dy: Tensor) -> Tensor {
        let g = finalLayer?.backward(dy) ?? dy
        return deconvLayers.backward(convLayers.backward(g))
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        let heatmaps = forward(feats.last!, mode: .training)
        let target = try targets.heatmaps(matching: heatmaps, head: "HeatmapHead")
        // the targets matched one map per keypoint, or UDP 'combined''s three
        let combinedMaps = heatmaps.shape[1] != targets.weights.shape[1]
        guard heatmaps.shape[1] == loss.mapsPerKeypoint * targets.weights.shape[1] else {
            throw ModelError(combinedMaps
                ? "HeatmapHead: \(heatmaps.shape[1]) maps for \(targets.weights.shape[1]) keypoints are UDP 'combined' targets, "
                  + "which train with loss=dict(type='CombinedTargetMSELoss'), not \(type(of: loss))"
                : "HeatmapHead: \(type(of: loss)) trains UDP 'combined' targets, \(loss.mapsPerKeypoint) maps per keypoint, but the head gives \(heatmaps.shape[1]) maps for \(targets.weights.shape[1]) keypoints; use UDPHeatmap(heatmap_type='combined') and out_channels=3 * keypoints")
        }
        let grad = Tensor.reuse(lossGradient, shape: heatmaps.shape)
        lossGradient = grad
        let value = loss(prediction: heatmaps, target: target, weights: targets.weights, gradient: grad)
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = backward(grad)
        guard targets.computeAccuracy else { return ([("loss_kpt", value)], grads) }
        // MMPose's head reports the PCK of its heatmaps as acc_pose (train_cfg compute_acc=True)
        guard !combinedMaps else {
            throw ModelError("HeatmapHead: acc_pose needs one heatmap per keypoint, the head gives \(heatmaps.shape[1]) for "
                             + "\(targets.weights.shape[1]) keypoints; set model train_cfg=dict(compute_acc=False)")
        }
        let accuracy = HeatmapAccuracy.pck(output: heatmaps, target: target, weights: targets.weights)
        return ([("loss_kpt", value), ("acc_pose", Float(accuracy))], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        HeadOutput(heatmaps: forward(feats.last!, mode: .inference).clone())
    }

    /// Adds `deconv_layers.*`, `conv_layers.*`, `final_layer.*` and the loss's
    /// `loss_module.*` under `prefix`, as MMPose names them.
    public func collectState(prefix: String, into state: inout StateDict) {
        deconvLayers.collectState(prefix: prefix + "deconv_layers.", into: &state)
        convLayers.collectState(prefix: prefix + "conv_layers.", into: &state)
        finalLayer?.collectState(prefix: prefix + "final_layer.", into: &state)
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}
