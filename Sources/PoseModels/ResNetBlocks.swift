import PoseNN
import PoseTensor

/// ResNet's residual blocks, built as `Residual` compositions with torchvision's key names.
enum ResNetBlocks {
    /// `conv1 3×3(stride) → bn1 → relu → conv2 3×3 → bn2 (+ shortcut) → relu`.
    static func basic(inChannels: Int, channels: Int, stride: Int, dilation: Int,
                      downsample: Layer?) -> (block: Residual, lastNorm: BatchNorm2d, convs: [Conv2d], norms: [BatchNorm2d]) {
        let conv1 = Conv2d(inChannels, channels, kernel: 3, stride: stride, padding: dilation, dilation: dilation, bias: false)
        let bn1 = BatchNorm2d(channels, relu: true)
        let conv2 = Conv2d(channels, channels, kernel: 3, padding: 1, bias: false)
        let bn2 = BatchNorm2d(channels)
        let main = Sequential([("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)])
        return (Residual(main: main, shortcut: downsample), bn2, [conv1, conv2], [bn1, bn2])
    }

    /// `conv1 1×1 → bn1 → relu → conv2 3×3 → bn2 → relu → conv3 1×1 → bn3 (+ shortcut) → relu`,
    /// with the stride on conv2 ("pytorch") or conv1 ("caffe"); conv2 and the bn1/bn2 have
    /// `width` channels (ResNeXt: wider than `channels`, with `groups`), conv3 `4 · channels`.
    /// With `seRatio`, MMPose's SEBottleneck: an `SELayer` (`se_layer.*`) after bn3.
    /// With `splitAttention`, ResNeSt's: conv2 is a `SplitAttentionConv2d` (no bn2), and with
    /// `avgDownStride` a 3×3 average pool (`avd_layer`) does conv2's stride.
    static func bottleneck(inChannels: Int, channels: Int, width: Int? = nil, groups: Int = 1, stride: Int, dilation: Int,
                           caffeStyle: Bool, downsample: Layer?, seRatio: Int? = nil,
                           splitAttention: (radix: Int, reductionFactor: Int, avgDownStride: Bool)? = nil)
        -> (block: Residual, lastNorm: BatchNorm2d, convs: [Conv2d], norms: [BatchNorm2d]) {
        let outChannels = channels * 4, mid = width ?? channels
        let conv1 = Conv2d(inChannels, mid, kernel: 1, stride: caffeStyle ? stride : 1, bias: false)
        let bn1 = BatchNorm2d(mid, relu: true)
        let conv2Stride = caffeStyle ? 1 : stride
        let conv3 = Conv2d(mid, outChannels, kernel: 1, bias: false)
        let bn3 = BatchNorm2d(outChannels)
        var layers: [(String, Layer)] = [("conv1", conv1), ("bn1", bn1)]
        var convs = [conv1], norms = [bn1]
        if let split = splitAttention {
            let pooled = split.avgDownStride && conv2Stride > 1
            let conv2 = SplitAttentionConv2d(inChannels: mid, channels: mid, kernel: 3, stride: pooled ? 1 : conv2Stride,
                                             padding: dilation, dilation: dilation, groups: groups, radix: split.radix,
                                             reductionFactor: split.reductionFactor)
            layers.append(("conv2", conv2))
            if pooled { layers.append(("avd_layer", AvgPool2d(kernel: 3, stride: conv2Stride, padding: 1))) }
            convs += [conv2.conv, conv2.fc1, conv2.fc2]; norms += conv2.norms
        } else {
            let conv2 = Conv2d(mid, mid, kernel: 3, stride: conv2Stride, padding: dilation, dilation: dilation, groups: groups, bias: false)
            let bn2 = BatchNorm2d(mid, relu: true)
            layers += [("conv2", conv2), ("bn2", bn2)]
            convs.append(conv2); norms.append(bn2)
        }
        layers += [("conv3", conv3), ("bn3", bn3)]
        convs.append(conv3); norms.append(bn3)
        if let seRatio {
            let se = ChannelGate.squeezeExcitation(channels: outChannels, ratio: seRatio)
            layers.append(("se_layer", se))
            convs += se.convs
        }
        return (Residual(main: Sequential(layers), shortcut: downsample), bn3, convs, norms)
    }
}
