import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `IntegralRegressionHead` (IPR) and, with `dsnt`, its `DSNTHead`: a SimpleBaseline
/// heatmap head (`simplebaseline_head`), a softmax over each `H × W` map and the expected
/// position `x = Σ p·i/W`, `y = Σ p·j/H` (the non-trainable `linspace_x` `1×1×1×W` and
/// `linspace_y` `1×1×H×1`). Loss: SmoothL1 on coordinates, plus for DSNT the JS divergence of
/// the soft maps to the normalised target heatmaps (dropped after epoch `lambdaT` when > 0).
/// `beta` sharpens the softmax (`softmax(β·maps)`); `debias` removes the expectation's pull to the
/// centre (Gu et al., "Removing the Bias of Integral Pose Regression"): with C = Σ exp(map),
/// `x ← C/(C−1) · (x − 1/(2C))`, as MMPose does.
public final class IntegralRegressionHead: PoseHead {
    /// Keypoints `K`: the heatmap part's `out_channels`.
    public let keypoints: Int
    let heatmapHead: HeatmapHead
    let linspaceX: Parameter
    let linspaceY: Parameter
    /// The loss on the `N × K × 2` integrated coordinates (MMPose's default: SmoothL1Loss).
    public var loss: any PoseLoss = SmoothL1Loss(useTargetWeight: true)
    /// DSNT's loss on the soft maps against the normalised target heatmaps (JSDiscretLoss).
    public var heatmapLoss: (any PoseLoss)?
    /// Whether the head is MMPose's `DSNTHead` (errors name it so; `heatmapLoss` is set by its
    /// spec) rather than `IntegralRegressionHead`.
    public let dsnt: Bool
    /// DSNT drops `heatmapLoss` from this 0-based epoch on (−1: never).
    public var lambdaT = -1
    /// MMPose's `beta` (softmax sharpness) and `debias`.
    public var beta: Float = 1
    /// MMPose's `debias`: rescales the expected coordinates with C = Σ exp(map) (default false).
    public var debias = false
    /// Per map of the last forward: the expected position before debiasing and C = Σ exp(map).
    private var expectations: [Float] = [], normalizers: [Double] = []
    private var heatmapGradient: Tensor?
    private var probabilities: Tensor?
    private var coordinates: Tensor?
    private var coordGrad: Tensor?
    private var mapGrad: Tensor?

    /// Builds the heatmap part (initialised as `HeatmapHead`) and the fixed coordinate grids
    /// `linspace_x` = x/W and `linspace_y` = y/H of the heatmaps' size.
    /// - Parameters:
    ///   - settings: the SimpleBaseline part (deconvolutions, final 1×1 conv to K maps).
    ///   - inFeaturemapSize: (W, H) of the backbone feature; the heatmaps are `2^deconvs` times larger.
    ///   - dsnt: whether the head is a `DSNTHead`.
    /// - Throws: `ModelError` when `settings.validate()` refuses the heatmap part.
    public init(_ settings: HeatmapHeadSettings, inFeaturemapSize: (Int, Int), dsnt: Bool, rng: inout RandomGenerator) throws {
        keypoints = settings.outChannels
        heatmapHead = try HeatmapHead(settings, rng: &rng)
        self.dsnt = dsnt
        let factor = 1 << settings.deconvOutChannels.count
        let (w, h) = (inFeaturemapSize.0 * factor, inFeaturemapSize.1 * factor)
        linspaceX = Parameter(shape: [1, 1, 1, w], role: .other)
        linspaceY = Parameter(shape: [1, 1, h, 1], role: .other)
        for x in 0..<w { linspaceX.value[x] = Float(x) / Float(w) }
        for y in 0..<h { linspaceY.value[y] = Float(y) / Float(h) }
        linspaceX.requiresGrad = false
        linspaceY.requiresGrad = false
    }

    /// Softmax over each map and the expected coordinates; keeps both for backward.
    private func integrate(_ maps: Tensor) -> (Tensor, Tensor) {
        let (n, k, h, w) = (maps.shape[0], maps.shape[1], maps.shape[2], maps.shape[3])
        precondition(linspaceX.value.count == w && linspaceY.value.count == h,
                     "IntegralRegressionHead: heatmaps are \(w)x\(h) but in_featuremap_size gives \(linspaceX.value.count)x\(linspaceY.value.count)")
        let p = Tensor.reuse(probabilities, shape: maps.shape), c = Tensor.reuse(coordinates, shape: [n, k, 2])
        probabilities = p; coordinates = c
        expectations = [Float](repeating: 0, count: 2 * n * k)
        normalizers = [Double](repeating: 0, count: debias ? n * k : 0)
        for plane in 0..<(n * k) {
            let src = maps.data + plane * h * w, dst = p.data + plane * h * w
            var mx = -Float.infinity
            for i in 0..<(h * w) { mx = max(mx, beta * src[i]) }
            var sum: Float = 0
            for i in 0..<(h * w) { dst[i] = expf(beta * src[i] - mx); sum += dst[i] }
            var ex: Float = 0, ey: Float = 0
            for y in 0..<h { for x in 0..<w {
                dst[y * w + x] /= sum
                ex += dst[y * w + x] * linspaceX.value[x]
                ey += dst[y * w + x] * linspaceY.value[y]
            } }
            (expectations[2 * plane], expectations[2 * plane + 1]) = (ex, ey)
            (c[2 * plane], c[2 * plane + 1]) = (ex, ey)
            if debias {
                // C in double: MMPose sums exp of the raw maps, which overflows float32 early
                var total = 0.0
                for i in 0..<(h * w) { total += exp(Double(src[i])) }
                normalizers[plane] = total
                let scale = total / (total - 1), shift = 1 / (2 * total)
                c[2 * plane] = Float(scale * (Double(ex) - shift))
                c[2 * plane + 1] = Float(scale * (Double(ey) - shift))
            }
        }
        return (c, p)
    }

    public var hasFixedFeatureSize: Bool { true }

    public func checkFeatures(_ feats: [Tensor]) throws {
        let factor = 1 << heatmapHead.settings.deconvOutChannels.count
        let (w, h) = (linspaceX.value.count, linspaceY.value.count)
        guard let f = feats.last, f.shape.count == 4, f.shape[3] * factor == w, f.shape[2] * factor == h else {
            throw ModelError("\(dsnt ? "DSNTHead" : "IntegralRegressionHead"): in_featuremap_size is (\(w / factor), \(h / factor)), but the backbone's last feature is \(feats.last?.shape.dropFirst(2).reversed().map(String.init).joined(separator: "x") ?? "missing") (WxH); set in_featuremap_size to the feature's (W, H), input_size divided by the backbone's stride")
        }
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        try checkFeatures(feats)
        let maps = heatmapHead.forward(feats.last!, mode: .training)
        let (coords, probs) = integrate(maps)
        let labels = try targets.labels(batch: coords.shape[0], keypoints: keypoints, head: dsnt ? "DSNTHead" : "IntegralRegressionHead")
        let gc = Tensor.reuse(coordGrad, shape: coords.shape)
        coordGrad = gc
        var value = loss(prediction: coords, target: labels, weights: targets.weights, gradient: gc)
        let (n, k, h, w) = (maps.shape[0], maps.shape[1], maps.shape[2], maps.shape[3])
        // dL/dp from the coordinates, plus the JS term for DSNT
        let gp = Tensor(zeros: maps.shape)
        // through the debiasing: d/dx of C/(C−1)·(x − 1/(2C)) is C/(C−1); its C-term comes after the softmax
        var normalizerGradients = [Double](repeating: 0, count: debias ? n * k : 0)
        for plane in 0..<(n * k) {
            var (gx, gy) = (gc[2 * plane], gc[2 * plane + 1])
            if debias {
                let total = normalizers[plane], scale = total / (total - 1)
                for (axis, g) in [Double(gx), Double(gy)].enumerated() {
                    let e = Double(expectations[2 * plane + axis])
                    normalizerGradients[plane] += g * (-(e - 1 / (2 * total)) / ((total - 1) * (total - 1)) + scale / (2 * total * total))
                }
                (gx, gy) = (Float(Double(gx) * scale), Float(Double(gy) * scale))
            }
            for y in 0..<h { for x in 0..<w {
                gp[(plane * h + y) * w + x] = gx * linspaceX.value[x] + gy * linspaceY.value[y]
            } }
        }
        if let heatmapLoss, lambdaT <= 0 || targets.epoch < lambdaT {
            let gt = try targets.heatmaps(matching: probs, head: "DSNTHead")
            let gh = Tensor.reuse(heatmapGradient, shape: probs.shape)
            heatmapGradient = gh
            value += heatmapLoss(prediction: probs, target: gt, weights: targets.weights, gradient: gh)
            ElementwiseKernels.accumulate(gh.data, into: gp.data, count: gp.count)
        }
        // softmax(β·z) backward: dz = β · p ⊙ (dp − Σ p·dp), plus exp(z) · dL/dC when debiasing
        let gm = Tensor.reuse(mapGrad, shape: maps.shape)
        mapGrad = gm
        for plane in 0..<(n * k) {
            let p = probs.data + plane * h * w, g = gp.data + plane * h * w, d = gm.data + plane * h * w
            let z = maps.data + plane * h * w
            var dot: Float = 0
            for i in 0..<(h * w) { dot += p[i] * g[i] }
            for i in 0..<(h * w) { d[i] = beta * p[i] * (g[i] - dot) }
            if debias { for i in 0..<(h * w) { d[i] += Float(exp(Double(z[i])) * normalizerGradients[plane]) } }
        }
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = heatmapHead.backward(gm)
        return ([("loss_kpt", value)], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let maps = heatmapHead.forward(feats.last!, mode: .inference)
        let (coords, probs) = integrate(maps)
        return HeadOutput(heatmaps: probs.clone(), coordinates: coords.clone())
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        heatmapHead.collectState(prefix: prefix + "simplebaseline_head.", into: &state)
        state.parameters.append((prefix + "linspace_x", linspaceX))
        state.parameters.append((prefix + "linspace_y", linspaceY))
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}
