import SwiftPose

/// A toy backbone registered from outside SwiftPose's modules, as a user's package would:
/// one strided 3×3 convolution with a fused BatchNorm and ReLU, `N × 3 × H × W` →
/// `N × width × H/stride × W/stride`. Its state_dict keys are `conv.weight` and `bn.*`.
public final class ToyBackbone: Backbone {
    let conv: Conv2d
    let bn: BatchNorm2d
    public let outChannels: [Int]

    public init(width: Int, stride: Int, rng: inout RandomGenerator) {
        conv = Conv2d(3, width, kernel: 3, stride: stride, padding: 1, bias: false)
        bn = BatchNorm2d(width, relu: true)
        WeightInit.normal(conv.weight, bias: nil, std: 0.1, rng: &rng)
        conv.setInputGradientNeeded(false)
        outChannels = [width]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        [bn.forward(conv.forward(x, mode: mode), mode: mode)]
    }

    public func backward(_ dys: [Tensor?]) {
        guard let dy = dys.first ?? nil else { return }
        _ = conv.backward(bn.backward(dy))
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        conv.collectState(prefix: prefix + "conv.", into: &state)
        bn.collectState(prefix: prefix + "bn.", into: &state)
    }
}

/// `ToyBackbone` as configured: `dict(type='ToyBackbone', width=8, stride=2)`.
public struct ToyBackboneSpec: BackboneSpec {
    public var width: Int
    public var stride: Int
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { ToyBackbone(width: width, stride: stride, rng: &rng) }
}

/// A toy neck with weights (a 1×1 convolution on the last feature map), to show that a neck's
/// parameters are trained and saved under `neck.`.
public final class ToyNeck: Neck {
    let conv: Conv2d

    public init(inChannels: Int, outChannels: Int, rng: inout RandomGenerator) {
        conv = Conv2d(inChannels, outChannels, kernel: 1, bias: true)
        WeightInit.normal(conv.weight, bias: conv.bias, std: 0.1, rng: &rng)
    }

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        guard let last = feats.last else { return feats }
        return feats.dropLast() + [conv.forward(last, mode: mode)]
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        guard let last = dys.last else { return dys }
        return dys.dropLast() + [last.map { conv.backward($0) }]
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        conv.collectState(prefix: prefix + "conv.", into: &state)
    }
}

/// `dict(type='ToyNeck', out_channels=8, declared_out_channels=8)`: a different
/// `declared_out_channels` makes a neck that misstates its output, for the start-up probe.
public struct ToyNeckSpec: NeckSpec {
    public var outChannels: Int
    public var declaredOutChannels: Int

    public func outputChannels(for inputChannels: [Int]) throws -> [Int] { inputChannels.dropLast() + [declaredOutChannels] }

    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        guard let last = inputChannels.last else { throw ModelError("ToyNeck needs at least one feature map") }
        return ToyNeck(inChannels: last, outChannels: outChannels, rng: &rng)
    }
}

/// Registers the toy components in `components`.
public func registerToyComponents(in components: inout Components) throws {
    try components.backbones.register("ToyBackbone") { cfg, _ in
        let width = try cfg.int("width", default: 8), stride = try cfg.int("stride", default: 2)
        guard width >= 1 else { throw cfg.error("width", "must be at least 1, got \(width)") }
        guard (1...8).contains(stride) else { throw cfg.error("stride", "must be between 1 and 8, got \(stride)") }
        return ToyBackboneSpec(width: width, stride: stride)
    }
    try components.necks.register("ToyNeck") { cfg, _ in
        let out = try cfg.int("out_channels")
        return ToyNeckSpec(outChannels: out, declaredOutChannels: try cfg.int("declared_out_channels", default: out))
    }
}
