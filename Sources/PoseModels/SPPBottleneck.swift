import PoseNN
import PoseTensor

/// mmdet's `SPPBottleneck` (spatial pyramid pooling, YOLOv3-SPP): `conv1` (1×1 `ConvModule`,
/// C → C/2), the result concatenated with its max-pools of each kernel size (stride 1, padding
/// k/2, so the size is kept), then `conv2` (1×1, (1 + pools)·C/2 → cout). `N × C × H × W` →
/// `N × cout × H × W`. Keys `conv1.*`, `conv2.*`.
final class SPPBottleneck: Layer {
    private let conv1, conv2: ConvModule
    private let poolings: [MaxPool2d]
    private let midChannels: Int

    init(_ cin: Int, _ cout: Int, kernelSizes: [Int], modules: inout ConvModuleBuilder) {
        midChannels = cin / 2
        conv1 = modules.convModule(cin, midChannels, kernel: 1)
        poolings = kernelSizes.map { MaxPool2d(kernel: $0, stride: 1, padding: $0 / 2) }
        conv2 = modules.convModule(midChannels * (kernelSizes.count + 1), cout, kernel: 1)
    }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let h = conv1.forward(x, mode: mode)
        let joined = ChannelConcatenation.concatenate([h] + poolings.map { $0.forward(h, mode: mode) })
        return conv2.forward(joined, mode: mode)
    }

    func backward(_ dy: Tensor) -> Tensor {
        let parts = ChannelConcatenation.split(conv2.backward(dy), channels: [Int](repeating: midChannels, count: poolings.count + 1))
        let dh = parts[0]
        for (pool, part) in zip(poolings, parts.dropFirst()) {
            let d = pool.backward(part)
            ElementwiseKernels.accumulate(d.data, into: dh.data, count: dh.count)
        }
        return conv1.backward(dh)
    }

    func collectState(prefix: String, into state: inout StateDict) {
        conv1.collectState(prefix: prefix + "conv1.", into: &state)
        conv2.collectState(prefix: prefix + "conv2.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) { conv1.setInputGradientNeeded(needed) }
}
