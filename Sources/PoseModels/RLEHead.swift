import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `RLELoss(use_target_weight, size_average=True, residual=True, q_dis='laplace')` with
/// its trainable RealNVP flow (saved under `head.loss_module.flow_model.*`).
public final class RLELoss: PoseLoss {
    public var useTargetWeight: Bool
    /// `q_dis='gaussian'` instead of MMPose's default Laplace residual distribution.
    public var gaussian: Bool
    let flow: RealNVP

    /// A loss with a new RealNVP flow initialised from `rng` (see `RealNVP.init(rng:)`).
    /// - Parameters:
    ///   - useTargetWeight: weighs each keypoint by its weight (`use_target_weight`, default false).
    ///   - gaussian: a Gaussian residual distribution (`q_dis='gaussian'`) instead of Laplace.
    public init(useTargetWeight: Bool = false, gaussian: Bool = false, rng: inout RandomGenerator) {
        self.useTargetWeight = useTargetWeight
        self.gaussian = gaussian
        flow = RealNVP(rng: &rng)
    }

    /// `output` `N × K × 4` (x, y, raw σx, raw σy), `labels` `N × K × 2`; writes dL/doutput.
    public func callAsFunction(prediction output: Tensor, target labels: Tensor, weights: Tensor?, gradient: Tensor) -> Float {
        let n = output.shape[0], k = output.shape[1], m = n * k
        var sigma = [Float](repeating: 0, count: 2 * m), error = [Float](repeating: 0, count: 2 * m)
        let errors = Tensor(zeros: [m, 2])
        for r in 0..<m {
            for c in 0..<2 {
                let s = 1 / (1 + expf(-output[4 * r + 2 + c]))
                sigma[2 * r + c] = s
                error[2 * r + c] = (output[4 * r + c] - labels[2 * r + c]) / (s + 1e-9)
                errors[2 * r + c] = error[2 * r + c]
            }
        }
        let logPhi = flow.logProb(errors)
        var total = 0.0
        var gLogPhi = [Float](repeating: 0, count: m)
        var gError = [Float](repeating: 0, count: 2 * m), gSigma = [Float](repeating: 0, count: 2 * m)
        let scale = 1 / Float(n)
        let c0 = Float(log((2 * Double.pi).squareRoot()))
        for r in 0..<m {
            let w: Float = useTargetWeight ? (weights?[r] ?? 1) : 1
            for c in 0..<2 {
                let s = sigma[2 * r + c], e = error[2 * r + c]
                // log σ − log φ + (laplace: log 2σ + |e| | gaussian: log σ√2π + e²/2)
                let q = gaussian ? logf(s) + c0 + 0.5 * e * e : logf(2 * s) + abs(e)
                total += Double((logf(s) - logPhi[r] + q) * w * scale)
                gLogPhi[r] -= w * scale
                gError[2 * r + c] += w * scale * (gaussian ? e : (e > 0 ? 1 : e < 0 ? -1 : 0))
                gSigma[2 * r + c] += w * scale * 2 / s
            }
        }
        let gFromFlow = flow.backward(gLogPhi)
        for r in 0..<m {
            for c in 0..<2 {
                let s = sigma[2 * r + c]
                let ge = gError[2 * r + c] + gFromFlow[2 * r + c]
                let diff = output[4 * r + c] - labels[2 * r + c]
                gradient[4 * r + c] = ge / (s + 1e-9)
                let gs = gSigma[2 * r + c] - ge * diff / ((s + 1e-9) * (s + 1e-9))
                gradient[4 * r + 2 + c] = gs * s * (1 - s)
            }
        }
        return Float(total)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        flow.collectState(prefix: prefix + "flow_model.", into: &state)
    }
}

/// MMPose's `RLELoss(use_target_weight=False, size_average=True, residual=True,
/// q_dis='laplace')` as configured; each head gets its own flow.
public struct RLELossSpec: LossSpec {
    /// `use_target_weight`: weighs each keypoint by its weight (default false; RLEHead's default
    /// loss sets it).
    public var useTargetWeight = false
    /// `q_dis='gaussian'` instead of MMPose's default Laplace.
    public var gaussian = false

    /// MMPose's defaults unless given: unweighted, Laplace.
    /// - Parameters:
    ///   - useTargetWeight: `use_target_weight` (default false).
    ///   - gaussian: `q_dis='gaussian'` (default false, Laplace).
    public init(useTargetWeight: Bool = false, gaussian: Bool = false) {
        self.useTargetWeight = useTargetWeight
        self.gaussian = gaussian
    }

    public func makeLoss(rng: inout RandomGenerator) throws -> any PoseLoss {
        RLELoss(useTargetWeight: useTargetWeight, gaussian: gaussian, rng: &rng)
    }

    /// RealNVP's twelve 2-64-64-2 networks, and its loc, cov and mask buffers.
    public var size: ModelSize { 12 * (.linear(2, 64) + .linear(64, 64) + .linear(64, 2)) + ModelSize(buffers: 2 + 4 + 12) }
}

/// MMPose's `RLEHead`: `fc = Linear(in_channels, K·4)` → (x, y, σx, σy); trained with RLELoss,
/// predicting coordinates and sigmoid-ed σ (scores = mean(1 − σ)).
public final class RLEHead: PoseHead {
    /// Keypoints `K` (MMPose's `num_joints`).
    public let keypoints: Int
    let fc: Linear
    /// The loss on the `N × K × 4` outputs against `N × K × 2` labels (RLELoss with its flow).
    public let loss: any PoseLoss
    private var gradient: Tensor?

    /// Builds `fc` with weights ~ N(0, 0.01²) and bias 0, then the loss from `loss`.
    /// - Parameters:
    ///   - inChannels: channels of the pooled feature (`in_channels`).
    ///   - keypoints: `num_joints`.
    ///   - loss: usually `RLELossSpec` (its flow is made after the head's own weights).
    /// - Throws: `ModelError` when the loss spec cannot make a loss.
    public init(inChannels: Int, keypoints: Int, loss: any LossSpec = RLELossSpec(), rng: inout RandomGenerator) throws {
        self.keypoints = keypoints
        fc = Linear(inChannels, keypoints * 4)
        WeightInit.normal(fc.weight, bias: fc.bias, std: 0.01, rng: &rng)
        self.loss = try loss.makeLoss(rng: &rng)
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        let x = feats.last!
        let y = fc.forward(x, mode: .training).reshaped([x.shape[0], keypoints, 4])
        let labels = try targets.labels(batch: y.shape[0], keypoints: keypoints, head: "RLEHead")
        let g = Tensor.reuse(gradient, shape: y.shape)
        gradient = g
        let value = loss(prediction: y, target: labels, weights: targets.weights, gradient: g)
        var grads = [Tensor?](repeating: nil, count: feats.count)
        grads[feats.count - 1] = fc.backward(g.reshaped([x.shape[0], keypoints * 4])).reshaped(x.shape)
        return ([("loss_kpt", value)], grads)
    }

    public func predict(_ feats: [Tensor]) -> HeadOutput {
        let y = fc.forward(feats.last!, mode: .inference)
        let n = y.shape[0]
        let coords = Tensor(zeros: [n, keypoints, 2]), sigma = Tensor(zeros: [n, keypoints, 2])
        for r in 0..<(n * keypoints) {
            for c in 0..<2 {
                coords[2 * r + c] = y[4 * r + c]
                sigma[2 * r + c] = 1 / (1 + expf(-y[4 * r + 2 + c]))
            }
        }
        return HeadOutput(coordinates: coords, sigma: sigma)
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        fc.collectState(prefix: prefix + "fc.", into: &state)
        loss.collectState(prefix: prefix + "loss_module.", into: &state)
    }
}
