import PoseNN
import PoseTensor

/// mmdet's `CSPLayer` (Cross Stage Partial layer, as MMPose copies it): `N × cin × H × W` →
/// `N × cout × H × W`.
///
/// `short_conv` and `main_conv` (1×1 `ConvModule`s, cin → mid = cout · `expand_ratio`) split
/// the input; the main path runs `blocks` (CSPNeXtBlocks or DarknetBottlenecks, mid → mid);
/// the two paths are concatenated (main first), gated by `attention` (`ChannelAttention`) when
/// `channel_attention`, and `final_conv` (1×1, 2·mid → cout) mixes them. Keys `main_conv.*`,
/// `short_conv.*`, `blocks.<i>.*`, `attention.fc.*`, `final_conv.*`.
final class CSPLayer: Layer {
    let midChannels: Int
    private let mainConv, shortConv, finalConv: ConvModule
    private let blocks: Sequential
    private let attention: ChannelGate?

    /// - Parameters:
    ///   - cspNeXtBlocks: CSPNeXt's block (3×3 `ConvModule`, then a depthwise-separable 5×5)
    ///     rather than Darknet's bottleneck (1×1, then 3×3).
    ///   - depthwise: `use_depthwise`: the blocks' first 3×3 is depthwise-separable.
    ///   - modules: makes and records the `ConvModule`s.
    init(_ cin: Int, _ cout: Int, expandRatio: Double, blocks count: Int, addIdentity: Bool, depthwise: Bool,
         cspNeXtBlocks: Bool, channelAttention: Bool, modules: inout ConvModuleBuilder) {
        let mid = Int(Double(cout) * expandRatio)
        midChannels = mid
        mainConv = modules.convModule(cin, mid, kernel: 1)
        shortConv = modules.convModule(cin, mid, kernel: 1)
        var blockLayers: [(String, Layer)] = []
        for i in 0..<count {
            // both blocks are built with expansion 1.0 inside a CSPLayer, so hidden = mid
            // Darknet: 1×1 then 3×3; CSPNeXt: 3×3 then a depthwise-separable 5×5
            let first: Layer, second: Layer
            if cspNeXtBlocks {
                first = depthwise ? modules.depthwiseSeparable(mid, mid, kernel: 3, padding: 1) : modules.convModule(mid, mid, kernel: 3, padding: 1)
                second = modules.depthwiseSeparable(mid, mid, kernel: 5, padding: 2)
            } else {
                first = modules.convModule(mid, mid, kernel: 1)
                second = depthwise ? modules.depthwiseSeparable(mid, mid, kernel: 3, padding: 1) : modules.convModule(mid, mid, kernel: 3, padding: 1)
            }
            let body = Sequential([("conv1", first), ("conv2", second)])
            blockLayers.append((String(i), addIdentity ? Residual(main: body, shortcut: nil, relu: false) : body))
        }
        blocks = Sequential(blockLayers)
        attention = channelAttention ? ChannelGate.channelAttention(channels: 2 * mid) : nil
        finalConv = modules.convModule(2 * mid, cout, kernel: 1)
    }

    /// The 1×1 convolutions of the channel attention (initialised by the backbone).
    var attentionConvs: [Conv2d] { attention?.convs ?? [] }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let short = shortConv.forward(x, mode: mode)
        let main = blocks.forward(mainConv.forward(x, mode: mode), mode: mode)
        var joined = ChannelConcatenation.concatenate([main, short])
        if let attention { joined = attention.forward(joined, mode: mode) }
        return finalConv.forward(joined, mode: mode)
    }

    func backward(_ dy: Tensor) -> Tensor {
        var dJoined = finalConv.backward(dy)
        if let attention { dJoined = attention.backward(dJoined) }
        let parts = ChannelConcatenation.split(dJoined, channels: [midChannels, midChannels])
        let dx = mainConv.backward(blocks.backward(parts[0]))
        let dShort = shortConv.backward(parts[1])
        if dx.count == 0 { return dShort }
        ElementwiseKernels.accumulate(dShort.data, into: dx.data, count: dx.count)
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        mainConv.collectState(prefix: prefix + "main_conv.", into: &state)
        shortConv.collectState(prefix: prefix + "short_conv.", into: &state)
        finalConv.collectState(prefix: prefix + "final_conv.", into: &state)
        blocks.collectState(prefix: prefix + "blocks.", into: &state)
        attention?.collectState(prefix: prefix + "attention.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) {
        mainConv.setInputGradientNeeded(needed)
        shortConv.setInputGradientNeeded(needed)
    }
}
