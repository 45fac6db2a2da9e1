import PoseNN
import PoseTensor

/// MMPose's `CSPNeXtPAFPN` neck (RTMW's; YOLOX's PAFPN with CSPNeXt blocks): n maps
/// `N × C_i × H_i × W_i` (C = `in_channels`, each map half the size of the one before) → n
/// maps of the same shapes, `out_indices` of them returned.
///
/// Top-down, from the smallest map: `reduce_layers[i]` (1×1 `ConvModule`, C_j → C_{j−1})
/// reduces the current top map, which is upsampled (nearest, ×2), concatenated before the
/// next larger input, and `top_down_blocks[i]` (a `CSPLayer`, 2·C_{j−1} → C_{j−1}) makes the
/// new top. Bottom-up, from the largest: `downsamples[j]` (3×3 stride-2 `ConvModule`, or
/// depthwise-separable with `use_depthwise`) halves the last output, concatenated before the
/// top-down pass's map of that size (the reduced map), and `bottom_up_blocks[j]` (a `CSPLayer`,
/// 2·C_j → C_{j+1}) gives the next output. Convolutions are Kaiming-uniform (a = √5), as the
/// neck's `init_cfg`.
///
/// With `settings.darknetBlocks` and `settings.outChannels` it is mmdet's `YOLOXPAFPN`
/// (YOLOX-Pose's neck): Darknet bottlenecks in the CSPLayers, and every output through its
/// `out_convs[i]` (1×1 `ConvModule`, C_i → `out_channels`).
public final class CSPNeXtPAFPN: Neck {
    /// The arguments the neck was built from.
    public let settings: CSPNeXtPAFPNSpec
    private let reduceLayers: [ConvModule]
    private let topDownBlocks: [CSPLayer]
    private let downsamples: [Layer]
    private let bottomUpBlocks: [CSPLayer]
    private let upsamples: [UpsampleNearest]
    private let outConvs: [ConvModule]
    /// The channels of every output (`in_channels`), before `out_indices` selects.
    private var levels: Int { settings.inChannels.count }

    /// Builds the neck and initialises it (Kaiming-uniform convolutions, BatchNorm 1 and 0).
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: CSPNeXtPAFPNSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        let c = settings.inChannels, n = c.count
        var modules = ConvModuleBuilder(norm: settings.norm, activation: settings.activation)
        var reduce: [ConvModule] = [], topDown: [CSPLayer] = []
        for idx in stride(from: n - 1, to: 0, by: -1) {
            reduce.append(modules.convModule(c[idx], c[idx - 1], kernel: 1))
            topDown.append(CSPLayer(2 * c[idx - 1], c[idx - 1], expandRatio: settings.expandRatio, blocks: settings.cspBlocks,
                                    addIdentity: false, depthwise: settings.useDepthwise, cspNeXtBlocks: !settings.darknetBlocks, channelAttention: false,
                                    modules: &modules))
        }
        var down: [Layer] = [], bottomUp: [CSPLayer] = []
        for idx in 0..<(n - 1) {
            down.append(settings.useDepthwise ? modules.depthwiseSeparable(c[idx], c[idx], kernel: 3, stride: 2, padding: 1)
                                              : modules.convModule(c[idx], c[idx], kernel: 3, stride: 2, padding: 1))
            bottomUp.append(CSPLayer(2 * c[idx], c[idx + 1], expandRatio: settings.expandRatio, blocks: settings.cspBlocks,
                                     addIdentity: false, depthwise: settings.useDepthwise, cspNeXtBlocks: !settings.darknetBlocks, channelAttention: false,
                                     modules: &modules))
        }
        (reduceLayers, topDownBlocks, downsamples, bottomUpBlocks) = (reduce, topDown, down, bottomUp)
        upsamples = (1..<n).map { _ in UpsampleNearest(factor: 2) }
        outConvs = settings.outChannels.map { out in c.map { modules.convModule($0, out, kernel: 1) } } ?? []
        for conv in modules.convs { WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng) }
        for bn in modules.norms { WeightInit.constant(bn, value: 1) }
    }

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        precondition(feats.count == levels, "CSPNeXtPAFPN expects \(levels) feature maps, got \(feats.count)")
        let n = levels
        // inner[0] the current top; inner[m ≥ 1] the reduced maps, smallest last
        var inner = [feats[n - 1]]
        for idx in stride(from: n - 1, to: 0, by: -1) {
            let i = n - 1 - idx
            let reduced = reduceLayers[i].forward(inner[0], mode: mode)
            inner[0] = reduced
            let up = upsamples[i].forward(reduced, mode: mode)
            inner.insert(topDownBlocks[i].forward(ChannelConcatenation.concatenate([up, feats[idx - 1]]), mode: mode), at: 0)
        }
        var outs = [inner[0]]
        for idx in 0..<(n - 1) {
            let down = downsamples[idx].forward(outs[outs.count - 1], mode: mode)
            outs.append(bottomUpBlocks[idx].forward(ChannelConcatenation.concatenate([down, inner[idx + 1]]), mode: mode))
        }
        if !outConvs.isEmpty { outs = zip(outConvs, outs).map { $0.forward($1, mode: mode) } }
        return settings.outIndices.map { outs[$0] }
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        let n = levels, c = settings.inChannels
        var dOuts = [Tensor?](repeating: nil, count: n)
        for (index, dy) in zip(settings.outIndices, dys) { if let dy { dOuts[index] = ElementwiseKernels.sum(dOuts[index], dy) } }
        if !outConvs.isEmpty { dOuts = zip(outConvs, dOuts).map { conv, g in g.map { conv.backward($0) } } }
        // dReduced[i]: the gradient of reduce_layers[i]'s output (inner[n − 1 − i])
        var dReduced = [Tensor?](repeating: nil, count: n - 1)
        for idx in stride(from: n - 2, through: 0, by: -1) {
            guard let g = dOuts[idx + 1] else { continue }
            let parts = ChannelConcatenation.split(bottomUpBlocks[idx].backward(g), channels: [c[idx], c[idx]])
            dOuts[idx] = ElementwiseKernels.sum(dOuts[idx], downsamples[idx].backward(parts[0]))
            let i = n - 2 - idx
            dReduced[i] = ElementwiseKernels.sum(dReduced[i], parts[1])
        }
        var dInputs = [Tensor?](repeating: nil, count: n)
        // the top-down pass backwards: top_down_blocks[n − 2] made outs[0]
        var dTop = dOuts[0]
        for i in stride(from: n - 2, through: 0, by: -1) {
            let idx = n - 1 - i
            if let g = dTop {
                let parts = ChannelConcatenation.split(topDownBlocks[i].backward(g), channels: [c[idx - 1], c[idx - 1]])
                dReduced[i] = ElementwiseKernels.sum(dReduced[i], upsamples[i].backward(parts[0]))
                dInputs[idx - 1] = parts[1]
            }
            // reduce_layers[i] read the previous top (inputs[n − 1] for the first)
            dTop = dReduced[i].map { reduceLayers[i].backward($0) }
        }
        dInputs[n - 1] = dTop
        return dInputs
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, layer) in reduceLayers.enumerated() { layer.collectState(prefix: prefix + "reduce_layers.\(i).", into: &state) }
        for (i, layer) in topDownBlocks.enumerated() { layer.collectState(prefix: prefix + "top_down_blocks.\(i).", into: &state) }
        for (i, layer) in downsamples.enumerated() { layer.collectState(prefix: prefix + "downsamples.\(i).", into: &state) }
        for (i, layer) in bottomUpBlocks.enumerated() { layer.collectState(prefix: prefix + "bottom_up_blocks.\(i).", into: &state) }
        for (i, layer) in outConvs.enumerated() { layer.collectState(prefix: prefix + "out_convs.\(i).", into: &state) }
    }
}

/// MMPose's `CSPNeXtPAFPN(in_channels, out_channels, out_indices, num_csp_blocks, use_depthwise,
/// expand_ratio, upsample_cfg, conv_cfg, norm_cfg, act_cfg)`; `out_channels` must be None (with
/// a value, MMPose 1.3.2's forward fails: its `out_convs` is one module, iterated).
public struct CSPNeXtPAFPNSpec: NeckSpec {
    /// `in_channels`: the channels of the backbone's maps, largest map first.
    public var inChannels: [Int]
    /// `out_indices` (default (0, 1, 2)).
    public var outIndices = [0, 1, 2]
    /// `num_csp_blocks` (3).
    public var cspBlocks = 3
    /// `use_depthwise` (false).
    public var useDepthwise = false
    /// `expand_ratio` (0.5).
    public var expandRatio = 0.5
    /// `norm_cfg` (mmdet's BN: momentum 0.03, eps 0.001).
    public var norm = BatchNormSettings(eps: 0.001, momentum: 0.03)
    /// `act_cfg` (Swish, that is SiLU).
    public var activation: ActivationType = .silu
    /// Darknet bottlenecks (1×1 then 3×3) in the CSPLayers rather than CSPNeXt blocks: YOLOXPAFPN.
    public var darknetBlocks = false
    /// YOLOXPAFPN's `out_channels`: every output through a 1×1 `ConvModule` to this; nil (CSPNeXtPAFPN) for none.
    public var outChannels: Int?

    /// A spec with MMPose's defaults for everything but `in_channels`.
    public init(inChannels: [Int]) { self.inChannels = inChannels }

    /// Checks the arguments.
    /// - Throws: `ModelError` naming the first bad one.
    public func validate() throws {
        guard inChannels.count >= 2, inChannels.allSatisfy({ $0 >= 1 }) else {
            throw ModelError("CSPNeXtPAFPN: in_channels needs at least two positive channel counts, got \(inChannels)")
        }
        guard !outIndices.isEmpty, outIndices.allSatisfy({ (0..<inChannels.count).contains($0) }) else {
            throw ModelError("CSPNeXtPAFPN: out_indices \(outIndices) must select among its \(inChannels.count) outputs (0..<\(inChannels.count))")
        }
        guard cspBlocks >= 0, inChannels.allSatisfy({ Int(Double($0) * expandRatio) >= 1 }) else {
            throw ModelError("CSPNeXtPAFPN: num_csp_blocks and expand_ratio must make positive sizes")
        }
    }

    public func outputChannels(for inputChannels: [Int]) throws -> [Int] { outIndices.map { outChannels ?? inChannels[$0] } }

    /// The neck for backbone maps of `inputChannels` channels.
    /// - Throws: `ModelError` when they are not `in_channels`, or the arguments are refused.
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        guard inputChannels == inChannels else {
            throw ModelError("model.neck.in_channels is \(inChannels) but the backbone gives maps of \(inputChannels) channels (its out_indices)")
        }
        return try CSPNeXtPAFPN(self, rng: &rng)
    }

    /// The neck's parameters and BatchNorm statistics.
    public var size: ModelSize? {
        func convModule(_ cin: Int, _ cout: Int, _ k: Int, groups: Int = 1) -> ModelSize {
            .conv(cin, cout, kernel: k, groups: groups, bias: false) + .batchNorm(cout)
        }
        func csp(_ cin: Int, _ cout: Int) -> ModelSize {
            let mid = Int(Double(cout) * expandRatio)
            let threeByThree = useDepthwise ? convModule(mid, mid, 3, groups: mid) + convModule(mid, mid, 1) : convModule(mid, mid, 3)
            let block = darknetBlocks ? convModule(mid, mid, 1) + threeByThree
                                      : threeByThree + convModule(mid, mid, 5, groups: mid) + convModule(mid, mid, 1)
            return 2 * convModule(cin, mid, 1) + cspBlocks * block + convModule(2 * mid, cout, 1)
        }
        var total = ModelSize.zero
        let c = inChannels
        for idx in stride(from: c.count - 1, to: 0, by: -1) { total += convModule(c[idx], c[idx - 1], 1) + csp(2 * c[idx - 1], c[idx - 1]) }
        for idx in 0..<(c.count - 1) {
            total += (useDepthwise ? convModule(c[idx], c[idx], 3, groups: c[idx]) + convModule(c[idx], c[idx], 1) : convModule(c[idx], c[idx], 3))
                + csp(2 * c[idx], c[idx + 1])
        }
        if let outChannels { for cin in c { total += convModule(cin, outChannels, 1) } }
        return total
    }
}
