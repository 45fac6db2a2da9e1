import PoseNN
import PoseTensor

/// MMPose's `CSPRepLayer` (RT-DETR's, in `HybridEncoder`): `conv3(bottlenecks(conv1(x)) +
/// conv2(x))`. `N × cin × H × W` → `N × cout × H × W`.
///
/// `conv1`, `conv2`: 1×1 `ConvModule`s, cin → hidden = `Int(cout · widen_factor)`;
/// `bottlenecks`: `RepVGGBlock`s on hidden channels; `conv3`: a 1×1 `ConvModule` to cout, or
/// nothing when hidden = cout. Keys `conv1.*`, `conv2.*`, `bottlenecks.<i>.*`, `conv3.*`.
final class CSPRepLayer: Layer {
    private let conv1, conv2: ConvModule
    private let conv3: ConvModule?
    private let bottlenecks: Sequential

    /// - Parameters:
    ///   - modules: makes the `ConvModule`s (norm and activation).
    ///   - branches: makes the RepVGG branches (norm, no activation).
    init(_ cin: Int, _ cout: Int, blocks: Int, widenFactor: Double, activation: ActivationType,
         modules: inout ConvModuleBuilder, branches: inout ConvModuleBuilder) {
        let hidden = Int(Double(cout) * widenFactor)
        conv1 = modules.convModule(cin, hidden, kernel: 1)
        conv2 = modules.convModule(cin, hidden, kernel: 1)
        var layers: [(String, Layer)] = []
        for i in 0..<blocks { layers.append((String(i), RepVGGBlock(hidden, activation: activation, branches: &branches))) }
        bottlenecks = Sequential(layers)
        conv3 = hidden != cout ? modules.convModule(hidden, cout, kernel: 1) : nil
    }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let joined = ElementwiseKernels.sum(bottlenecks.forward(conv1.forward(x, mode: mode), mode: mode), conv2.forward(x, mode: mode))
        return conv3?.forward(joined, mode: mode) ?? joined
    }

    func backward(_ dy: Tensor) -> Tensor {
        let g = conv3?.backward(dy) ?? dy
        let dx = conv1.backward(bottlenecks.backward(g))
        let d2 = conv2.backward(g)
        guard dx.count > 0 else { return d2 }
        ElementwiseKernels.accumulate(d2.data, into: dx.data, count: dx.count)
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        conv1.collectState(prefix: prefix + "conv1.", into: &state)
        conv2.collectState(prefix: prefix + "conv2.", into: &state)
        bottlenecks.collectState(prefix: prefix + "bottlenecks.", into: &state)
        conv3?.collectState(prefix: prefix + "conv3.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) {
        conv1.setInputGradientNeeded(needed)
        conv2.setInputGradientNeeded(needed)
    }
}
