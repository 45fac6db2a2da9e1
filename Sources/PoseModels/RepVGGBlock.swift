import PoseNN
import PoseTensor

/// MMPose's `RepVGGBlock` as `HybridEncoder` builds it (`without_branch_norm`): `act(branch_3x3(x)
/// + branch_1x1(x))`, both branches `ConvModule`s with BatchNorm and no activation.
/// `N × C × H × W` → `N × C × H × W`. Keys `branch_3x3.*`, `branch_1x1.*`.
final class RepVGGBlock: Layer {
    private let branch3x3, branch1x1: ConvModule
    private let activation: Layer

    /// - Parameters:
    ///   - branches: makes the two branches (its norm; its activation must be nil).
    init(_ channels: Int, activation: ActivationType, branches: inout ConvModuleBuilder) {
        branch3x3 = branches.convModule(channels, channels, kernel: 3, padding: 1)
        branch1x1 = branches.convModule(channels, channels, kernel: 1)
        self.activation = activation.makeLayer()
    }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        activation.forward(ElementwiseKernels.sum(branch3x3.forward(x, mode: mode), branch1x1.forward(x, mode: mode)), mode: mode)
    }

    func backward(_ dy: Tensor) -> Tensor {
        let g = activation.backward(dy)
        let dx = branch3x3.backward(g)
        let d1 = branch1x1.backward(g)
        guard dx.count > 0 else { return d1 }
        ElementwiseKernels.accumulate(d1.data, into: dx.data, count: dx.count)
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        branch3x3.collectState(prefix: prefix + "branch_3x3.", into: &state)
        branch1x1.collectState(prefix: prefix + "branch_1x1.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) {
        branch3x3.setInputGradientNeeded(needed)
        branch1x1.setInputGradientNeeded(needed)
    }
}
