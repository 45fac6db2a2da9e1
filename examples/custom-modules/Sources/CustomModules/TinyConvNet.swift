import SwiftPose

/// A small plain backbone: `stages` of two 3×3 convolutions with BatchNorm and ReLU, the first
/// of each stage with stride 2. Input `N × 3 × H × W`, output one map
/// `N × channels.last × H/2^s × W/2^s` for `s = channels.count` stages.
///
/// State keys (under `backbone.`): `stages.<i>.<j>.weight` for the convolutions (`j` = 0, 3) and
/// `stages.<i>.<j>.{weight,bias,running_mean,running_var,num_batches_tracked}` for the
/// BatchNorms (`j` = 1, 4), the names a PyTorch `nn.Sequential(conv, bn, relu, conv, bn, relu)`
/// per stage would have: the ReLUs are fused into the BatchNorms and own no state.
public final class TinyConvNet: Backbone {
    let stages: [Sequential]
    public let outChannels: [Int]

    /// Initialises the convolutions as MMPose's Kaiming fan-out default, BatchNorms to 1 and 0.
    public init(inChannels: Int = 3, channels: [Int], rng: inout RandomGenerator) {
        var stages: [Sequential] = []
        var c = inChannels
        for out in channels {
            let down = Conv2d(c, out, kernel: 3, stride: 2, padding: 1, bias: false)
            let conv = Conv2d(out, out, kernel: 3, stride: 1, padding: 1, bias: false)
            WeightInit.kaimingFanOut(down, rng: &rng)
            WeightInit.kaimingFanOut(conv, rng: &rng)
            stages.append(Sequential([("0", down), ("1", BatchNorm2d(out, relu: true)),
                                      ("3", conv), ("4", BatchNorm2d(out, relu: true))]))
            c = out
        }
        // the image needs no gradient: the first convolution skips computing it
        stages.first?.setInputGradientNeeded(false)
        self.stages = stages
        outChannels = [c]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        var h = x
        for stage in stages { h = stage.forward(h, mode: mode) }
        return [h]
    }

    public func backward(_ dys: [Tensor?]) {
        guard var g = dys.last ?? nil else { return }
        for stage in stages.reversed() { g = stage.backward(g) }
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, stage) in stages.enumerated() { stage.collectState(prefix: prefix + "stages.\(i).", into: &state) }
    }
}

/// `dict(type='TinyConvNet', in_channels=3, channels=(16, 32, 64))`.
public struct TinyConvNetSpec: BackboneSpec {
    public var inChannels = 3
    public var channels = [16, 32, 64]

    public init() {}

    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone {
        TinyConvNet(inChannels: inChannels, channels: channels, rng: &rng)
    }
}
