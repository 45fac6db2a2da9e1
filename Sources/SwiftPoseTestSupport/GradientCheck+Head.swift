import PoseData
import PoseModels
import PoseNN
import PoseTensor

extension GradientCheck {
    /// Checks a head's hand-written backward: the gradient of its summed losses (the values whose
    /// name contains "loss", as the trainer optimises them) with respect to the last feature map
    /// and every parameter of `head` (its loss's included), against central differences.
    ///
    /// - Parameters:
    ///   - head: the head, with the parameters to check already set (random values catch more
    ///     than an initialisation near zero).
    ///   - features: the feature maps `trainStep` gets (`N × C_i × H_i × W_i`); the last is checked.
    ///   - targets: the targets `trainStep` trains against.
    /// - Returns: every element outside tolerance; a failing `trainStep` is one mismatch that
    ///   carries its error.
    public func run(head: PoseHead, features: [Tensor], targets: HeadTargets) -> [Mismatch] {
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        var failure: Error?
        func step() -> (loss: Float, gradient: Tensor?)? {
            do {
                let (losses, gradients) = try head.trainStep(features, targets: targets)
                return (losses.filter { $0.0.contains("loss") }.reduce(0) { $0 + $1.1 }, gradients.last ?? nil)
            } catch {
                failure = error
                return nil
            }
        }
        let mismatches = run(
            input: features[features.count - 1], parameters: state.parameters,
            forward: { Tensor([step()?.loss ?? .nan], shape: [1]) },
            backward: { dy in
                // the loss is the only output: scale the step's gradients by dL/dloss
                for (_, p) in state.parameters { p.grad.zero() }
                guard let dx = step()?.gradient?.clone() else { return nil }
                for (_, p) in state.parameters { for i in 0..<p.grad.count { p.grad[i] *= dy[0] } }
                for i in 0..<dx.count { dx[i] *= dy[0] }
                return dx
            })
        if let failure { return [Mismatch(tensor: "trainStep threw: \(failure)", index: -1, analytic: .nan, numeric: .nan)] }
        return mismatches
    }
}
