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
    /// with the stride on conv2 ("pytorch") or conv1 ("caffe").
    /// With `seRatio`, MMPose's SEBottleneck: an `SELayer` (`se_layer.*`) after bn3.
    static func bottleneck(inChannels: Int, channels: Int, stride: Int, dilation: Int, caffeStyle: Bool,
                           downsample: Layer?, seRatio: Int? = nil) -> (block: Residual, lastNorm: BatchNorm2d, convs: [Conv2d], norms: [BatchNorm2d]) {
        let outChannels = channels * 4
        let conv1 = Conv2d(inChannels, channels, kernel: 1, stride: caffeStyle ? stride : 1, bias: false)
        let bn1 = BatchNorm2d(channels, relu: true)
        let conv2 = Conv2d(channels, channels, kernel: 3, stride: caffeStyle ? 1 : stride, padding: dilation,
                           dilation: dilation, bias: false)
        let bn2 = BatchNorm2d(channels, relu: true)
        let conv3 = Conv2d(channels, outChannels, kernel: 1, bias: false)
        let bn3 = BatchNorm2d(outChannels)
        var layers: [(String, Layer)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
        var convs = [conv1, conv2, conv3]
        if let seRatio {
            let se = SELayer(channels: outChannels, ratio: seRatio)
            layers.append(("se_layer", se))
            convs += [se.conv1, se.conv2]
        }
        return (Residual(main: Sequential(layers), shortcut: downsample), bn3, convs, [bn1, bn2, bn3])
    }
}
