import PoseTensor

/// The size of a model worked out from its configuration, without building it: what its
/// parameters and buffers will hold, so that a model that cannot fit in memory is refused with
/// the figure before anything is allocated (`BackboneSpec.size` and its siblings).
///
/// Counts saturate at `Int.max` instead of overflowing: a configuration may ask for any size.
public struct ModelSize: Sendable, Equatable, CustomStringConvertible {
    /// Floats of every parameter (trainable or frozen).
    public var parameters: Int
    /// Floats of every buffer (BatchNorm running statistics).
    public var buffers: Int

    /// A size of `parameters` parameter floats and `buffers` buffer floats (0 each by default).
    public init(parameters: Int = 0, buffers: Int = 0) {
        self.parameters = parameters; self.buffers = buffers
    }

    /// No parameters and no buffers: the start of a sum, and the size of a part without state.
    public static let zero = ModelSize()

    /// Both counts added, saturating at `Int.max`.
    public static func + (a: ModelSize, b: ModelSize) -> ModelSize {
        ModelSize(parameters: add(a.parameters, b.parameters), buffers: add(a.buffers, b.buffers))
    }

    /// Adds `b` to `a`, saturating at `Int.max`.
    public static func += (a: inout ModelSize, b: ModelSize) { a = a + b }

    /// `n` copies.
    public static func * (n: Int, a: ModelSize) -> ModelSize {
        ModelSize(parameters: multiply(n, a.parameters), buffers: multiply(n, a.buffers))
    }

    /// The bytes training holds for the model's state: each parameter's value, gradient and up
    /// to two optimizer moments (Adam's), and each buffer; building it holds the same (each
    /// parameter's own tensors while they are copied into the flat arena).
    public var trainingBytes: Int { ModelSize.multiply(4, ModelSize.add(ModelSize.multiply(4, parameters), buffers)) }

    /// "N parameters and M buffer values", for logs and messages.
    public var description: String { "\(parameters) parameters and \(buffers) buffer values" }

    // MARK: layers, as SwiftPose's (and PyTorch's) layers hold them

    /// `Conv2d(in, out, kernel, groups, bias)`.
    public static func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, groups: Int = 1, bias: Bool) -> ModelSize {
        let weights = multiply(multiply(outChannels, inChannels / max(groups, 1)), multiply(kernel, kernel))
        return ModelSize(parameters: add(weights, bias ? outChannels : 0))
    }

    /// `ConvTranspose2d(in, out, kernel)` without bias.
    public static func deconv(_ inChannels: Int, _ outChannels: Int, kernel: Int) -> ModelSize {
        ModelSize(parameters: multiply(multiply(inChannels, outChannels), multiply(kernel, kernel)))
    }

    /// `BatchNorm2d(channels)`: weight and bias, running mean and variance.
    public static func batchNorm(_ channels: Int) -> ModelSize {
        ModelSize(parameters: multiply(2, channels), buffers: multiply(2, channels))
    }

    /// `Linear(in, out)`, with bias unless `bias` is false.
    public static func linear(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) -> ModelSize {
        ModelSize(parameters: add(multiply(inFeatures, outFeatures), bias ? outFeatures : 0))
    }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }
}

extension ResNetSpec {
    /// ResNet, ResNetV1d, SEResNet, ResNeXt and ResNeSt as `ResNet.init` builds them; nil for a
    /// depth that does not exist (building reports it).
    public var size: ModelSize? {
        guard let arch = architecture else { return nil }
        var total = ModelSize.zero
        if deepStem {
            let half = stemChannels / 2
            total += .conv(inChannels, half, kernel: 3, bias: false) + .batchNorm(half)
            total += .conv(half, half, kernel: 3, bias: false) + .batchNorm(half)
            total += .conv(half, stemChannels, kernel: 3, bias: false) + .batchNorm(stemChannels)
        } else {
            total += .conv(inChannels, stemChannels, kernel: 7, bias: false) + .batchNorm(stemChannels)
        }
        let expansion = arch.bottleneck ? 4 : 1
        var channelsIn = stemChannels
        for i in 0..<min(numStages, arch.blocks.count) {
            let channels = ModelSize.multiply(baseChannels, 1 << i)
            let out = ModelSize.multiply(channels, expansion)
            // the blocks after the first of a stage are alike
            var first = ModelSize.zero, other = ModelSize.zero
            let stride = i < strides.count ? strides[i] : 1
            if stride != 1 || channelsIn != out { first += .conv(channelsIn, out, kernel: 1, bias: false) + .batchNorm(out) }
            for (index, inputs) in [(0, channelsIn), (1, out)] {
                var block = ModelSize.zero
                if arch.bottleneck {
                    let width = groups == 1 ? channels : ModelSize.multiply(ModelSize.multiply(groups, widthPerGroup), channels) / max(baseChannels, 1)
                    block += .conv(inputs, width, kernel: 1, bias: false) + .batchNorm(width)
                    if let radix {
                        let inter = max(ModelSize.multiply(width, radix) / max(reductionFactor, 1), 32)
                        let split = ModelSize.multiply(width, radix)
                        block += .conv(width, split, kernel: 3, groups: ModelSize.multiply(groups, radix), bias: false) + .batchNorm(split)
                        block += .conv(width, inter, kernel: 1, groups: groups, bias: true) + .batchNorm(inter)
                        block += .conv(inter, split, kernel: 1, groups: groups, bias: true)
                    } else {
                        block += .conv(width, width, kernel: 3, groups: groups, bias: false) + .batchNorm(width)
                    }
                    block += .conv(width, out, kernel: 1, bias: false) + .batchNorm(out)
                    if let seRatio {
                        let squeezed = max(1, out / max(seRatio, 1))
                        block += .conv(out, squeezed, kernel: 1, bias: true) + .conv(squeezed, out, kernel: 1, bias: true)
                    }
                } else {
                    block += .conv(inputs, channels, kernel: 3, bias: false) + .batchNorm(channels)
                    block += .conv(channels, channels, kernel: 3, bias: false) + .batchNorm(channels)
                }
                if index == 0 { first += block } else { other = block }
            }
            total += first + max(0, arch.blocks[i] - 1) * other
            channelsIn = out
        }
        return total
    }
}

extension HRNetSpec {
    /// HRNet as `HRNet.init` builds it: the stem, stage 1's blocks, and per later stage its
    /// transition, branches and fuse layers.
    public var size: ModelSize? {
        guard let first = stages.first, let firstBlocks = first.numBlocks.first, let firstWidth = first.numChannels.first else { return nil }
        var total = ModelSize.conv(inChannels, 64, kernel: 3, bias: false) + .batchNorm(64)
        total += .conv(64, 64, kernel: 3, bias: false) + .batchNorm(64)
        func blocks(_ block: String, inputs: Int, width: Int, count: Int) -> ModelSize {
            let out = ModelSize.multiply(width, block == "BOTTLENECK" ? 4 : 1)
            func one(_ inputs: Int) -> ModelSize {
                var b = ModelSize.zero
                if block == "BOTTLENECK" {
                    b += .conv(inputs, width, kernel: 1, bias: false) + .batchNorm(width)
                    b += .conv(width, width, kernel: 3, bias: false) + .batchNorm(width)
                    b += .conv(width, out, kernel: 1, bias: false) + .batchNorm(out)
                } else {
                    b += .conv(inputs, width, kernel: 3, bias: false) + .batchNorm(width)
                    b += .conv(width, width, kernel: 3, bias: false) + .batchNorm(width)
                }
                if inputs != out { b += .conv(inputs, out, kernel: 1, bias: false) + .batchNorm(out) }
                return b
            }
            guard count > 0 else { return .zero }
            return one(inputs) + max(0, count - 1) * one(out)
        }
        total += blocks(first.block, inputs: 64, width: firstWidth, count: firstBlocks)
        var previous = [ModelSize.multiply(firstWidth, first.expansion)]
        for s in stages.dropFirst() {
            let current = s.numChannels.map { ModelSize.multiply($0, s.expansion) }
            // the transition into this stage's branches
            for i in 0..<current.count {
                if i < previous.count {
                    if previous[i] != current[i] { total += .conv(previous[i], current[i], kernel: 3, bias: false) + .batchNorm(current[i]) }
                } else if let last = previous.last {
                    for j in 0..<(i + 1 - previous.count) {
                        let outputs = j == i - previous.count ? current[i] : last
                        total += .conv(last, outputs, kernel: 3, bias: false) + .batchNorm(outputs)
                    }
                }
            }
            var module = ModelSize.zero
            for b in 0..<min(s.numBranches, s.numBlocks.count, s.numChannels.count) {
                module += blocks(s.block, inputs: current[b], width: s.numChannels[b], count: s.numBlocks[b])
            }
            var fuse = ModelSize.zero, lastFuse = ModelSize.zero
            if current.count > 1 {
                for i in 0..<current.count {
                    var row = ModelSize.zero
                    for j in 0..<current.count where j != i {
                        if j > i {
                            row += .conv(current[j], current[i], kernel: 1, bias: false) + .batchNorm(current[i])
                        } else {
                            for k in 0..<(i - j) {
                                let outputs = k == i - j - 1 ? current[i] : current[j]
                                row += .conv(current[j], outputs, kernel: 3, bias: false) + .batchNorm(outputs)
                            }
                        }
                    }
                    fuse += row
                    if i == 0 { lastFuse = row }
                }
            }
            let modules = max(0, s.numModules)
            total += modules * module
            total += max(0, modules - 1) * fuse + (modules > 0 ? (s.multiscaleOutput ? fuse : lastFuse) : .zero)
            previous = s.multiscaleOutput || current.count == 1 ? current : [current[0]]
        }
        return total
    }
}

extension HeatmapHeadSettings {
    /// The deconvolutions, convolutions and final layer of `HeatmapHead`.
    public var size: ModelSize {
        var total = ModelSize.zero
        var channels = inChannels
        for (out, k) in zip(deconvOutChannels, deconvKernelSizes) {
            total += .deconv(channels, out, kernel: k) + .batchNorm(out)
            channels = out
        }
        for (out, k) in zip(convOutChannels, convKernelSizes) {
            total += .conv(channels, out, kernel: k, bias: true) + .batchNorm(out)
            channels = out
        }
        if let k = finalLayerKernelSize { total += .conv(channels, outChannels, kernel: k, bias: true) }
        return total
    }
}
