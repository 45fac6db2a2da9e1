import PoseNN
import PoseTensor

/// MMPose's `HybridEncoder` (RT-DETR's, RTMO's neck): n maps `N × C_i × H_i × W_i` (each half the
/// size of the one before) → the `output_indices` of n maps of `hidden_dim` channels, through
/// the `projector` when there is one.
///
/// `input_proj[i]` (1×1 `ConvModule`, no activation) brings every map to `hidden_dim`; each map
/// of `use_encoder_idx` becomes `H·W` tokens that `encoder[j]` (`DetrTransformerEncoder`
/// layers) transforms with a 2-D sine positional encoding (temperature `pe_temperature`). A
/// PAFPN follows: top-down, `lateral_convs[i]` (1×1) on the current top, nearest ×2, joined
/// before the next larger map, `fpn_blocks[i]` (`CSPRepLayer`); bottom-up, `downsample_convs[j]`
/// (3×3, stride 2) joined before the top-down map of that size, `pan_blocks[j]`.
public final class HybridEncoder: Neck {
    /// The arguments the neck was built from.
    public let settings: HybridEncoderSpec
    private let inputProjections: [ConvModule]
    private let encoders: [[DetrTransformerEncoderLayer]]
    private let lateralConvs: [ConvModule]
    private let fpnBlocks: [CSPRepLayer]
    private let downsampleConvs: [ConvModule]
    private let panBlocks: [CSPRepLayer]
    private let upsamples: [UpsampleNearest]
    private let projector: ChannelMapper?
    private let positions: SinePositionalEncoding
    private var encodedSizes: [(Int, Int)] = []

    /// Builds the neck and initialises it (Kaiming-uniform convolutions with a = √5 as the
    /// model's `init_cfg`, PyTorch's init for the transformer, BatchNorm 1/0).
    /// - Throws: `ModelError` when `settings.validate()` refuses the arguments.
    public init(_ settings: HybridEncoderSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        let hidden = settings.hiddenDimension, n = settings.inChannels.count
        var projections = ConvModuleBuilder(norm: settings.norm, activation: nil)
        var modules = ConvModuleBuilder(norm: settings.norm, activation: settings.activation)
        // CSPRepLayer is built with its own default norm (HybridEncoder passes it none)
        var cspModules = ConvModuleBuilder(norm: BatchNormSettings(), activation: settings.activation)
        var branches = ConvModuleBuilder(norm: BatchNormSettings(), activation: nil)
        inputProjections = settings.inChannels.map { projections.convModule($0, hidden, kernel: 1) }
        encoders = settings.encoderIndices.map { _ in
            (0..<settings.encoderLayers).map { _ in
                DetrTransformerEncoderLayer(embedDimensions: hidden, heads: settings.heads, feedforwardChannels: settings.feedforwardChannels,
                                            activation: settings.feedforwardActivation, rng: &rng)
            }
        }
        var lateral: [ConvModule] = [], fpn: [CSPRepLayer] = [], down: [ConvModule] = [], pan: [CSPRepLayer] = []
        for _ in 1..<n {
            lateral.append(modules.convModule(hidden, hidden, kernel: 1))
            fpn.append(CSPRepLayer(2 * hidden, hidden, blocks: settings.cspBlocks, widenFactor: settings.widenFactor, activation: settings.activation,
                                   modules: &cspModules, branches: &branches))
        }
        for _ in 1..<n {
            down.append(modules.convModule(hidden, hidden, kernel: 3, stride: 2, padding: 1))
            pan.append(CSPRepLayer(2 * hidden, hidden, blocks: settings.cspBlocks, widenFactor: settings.widenFactor, activation: settings.activation,
                                   modules: &cspModules, branches: &branches))
        }
        (lateralConvs, fpnBlocks, downsampleConvs, panBlocks) = (lateral, fpn, down, pan)
        upsamples = (1..<n).map { _ in UpsampleNearest(factor: 2) }
        positions = SinePositionalEncoding(outChannels: hidden / 2, temperature: settings.positionTemperature)
        for conv in projections.convs + modules.convs + cspModules.convs + branches.convs {
            WeightInit.kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng)
        }
        for bn in projections.norms + modules.norms + cspModules.norms + branches.norms { WeightInit.constant(bn, value: 1) }
        projector = try settings.projector.map { spec in
            guard let mapper = try spec.makeNeck(inputChannels: settings.outputIndices.map { _ in hidden }, rng: &rng) as? ChannelMapper else {
                throw ModelError("HybridEncoder: projector must be a ChannelMapper")
            }
            return mapper
        }
    }

    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        let n = settings.inChannels.count
        precondition(feats.count == n, "HybridEncoder expects \(n) feature maps, got \(feats.count)")
        var projected = zip(inputProjections, feats).map { $0.forward($1, mode: mode) }
        encodedSizes = []
        for (j, index) in settings.encoderIndices.enumerated() {
            let map = projected[index]
            let (h, w) = (map.shape[2], map.shape[3])
            encodedSizes.append((h, w))
            let position = positions.grid(height: h, width: w)
            var tokens = Self.tokens(map)
            for layer in encoders[j] { tokens = layer.forward(tokens, position: position, mode: mode) }
            projected[index] = Self.map(tokens, height: h, width: w)
        }
        var inner = [projected[n - 1]]
        for idx in stride(from: n - 1, to: 0, by: -1) {
            let i = n - 1 - idx
            let high = lateralConvs[i].forward(inner[0], mode: mode)
            inner[0] = high
            let up = upsamples[i].forward(high, mode: mode)
            inner.insert(fpnBlocks[i].forward(ChannelConcatenation.concatenate([up, projected[idx - 1]]), mode: mode), at: 0)
        }
        var outs = [inner[0]]
        for idx in 0..<(n - 1) {
            let down = downsampleConvs[idx].forward(outs[outs.count - 1], mode: mode)
            outs.append(panBlocks[idx].forward(ChannelConcatenation.concatenate([down, inner[idx + 1]]), mode: mode))
        }
        let selected = settings.outputIndices.map { outs[$0] }
        return projector?.forward(selected, mode: mode) ?? selected
    }

    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        let n = settings.inChannels.count, hidden = settings.hiddenDimension
        let dSelected = projector?.backward(dys) ?? dys
        var dOuts = [Tensor?](repeating: nil, count: n)
        for (index, dy) in zip(settings.outputIndices, dSelected) { if let dy { dOuts[index] = ElementwiseKernels.sum(dOuts[index], dy) } }
        // dHigh[i]: the gradient of lateral_convs[i]'s output
        var dHigh = [Tensor?](repeating: nil, count: n - 1)
        for idx in stride(from: n - 2, through: 0, by: -1) {
            guard let g = dOuts[idx + 1] else { continue }
            let parts = ChannelConcatenation.split(panBlocks[idx].backward(g), channels: [hidden, hidden])
            dOuts[idx] = ElementwiseKernels.sum(dOuts[idx], downsampleConvs[idx].backward(parts[0]))
            let i = n - 2 - idx
            dHigh[i] = ElementwiseKernels.sum(dHigh[i], parts[1])
        }
        var dProjected = [Tensor?](repeating: nil, count: n)
        var dTop = dOuts[0]
        for i in stride(from: n - 2, through: 0, by: -1) {
            let idx = n - 1 - i
            if let g = dTop {
                let parts = ChannelConcatenation.split(fpnBlocks[i].backward(g), channels: [hidden, hidden])
                dHigh[i] = ElementwiseKernels.sum(dHigh[i], upsamples[i].backward(parts[0]))
                dProjected[idx - 1] = parts[1]
            }
            dTop = dHigh[i].map { lateralConvs[i].backward($0) }
        }
        dProjected[n - 1] = dTop
        for (j, index) in settings.encoderIndices.enumerated().reversed() {
            guard let g = dProjected[index] else { continue }
            let (h, w) = encodedSizes[j]
            var dTokens = Self.tokens(g)
            for layer in encoders[j].reversed() { dTokens = layer.backward(dTokens) }
            dProjected[index] = Self.map(dTokens, height: h, width: w)
        }
        return zip(inputProjections, dProjected).map { conv, g in g.map { conv.backward($0) } }
    }

    /// `N × C × H × W` → `N × H·W × C` (PyTorch's `flatten(2).permute(0, 2, 1)`).
    static func tokens(_ x: Tensor) -> Tensor {
        let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor(zeros: [n, hw, c])
        for b in 0..<n { for ch in 0..<c { for p in 0..<hw { out.data[(b * hw + p) * c + ch] = x.data[(b * c + ch) * hw + p] } } }
        return out
    }

    /// `N × H·W × C` → `N × C × H × W`.
    static func map(_ tokens: Tensor, height h: Int, width w: Int) -> Tensor {
        let (n, hw, c) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
        let out = Tensor(zeros: [n, c, h, w])
        for b in 0..<n { for ch in 0..<c { for p in 0..<hw { out.data[(b * c + ch) * hw + p] = tokens.data[(b * hw + p) * c + ch] } } }
        return out
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (i, m) in inputProjections.enumerated() { m.collectState(prefix: prefix + "input_proj.\(i).", into: &state) }
        for (j, layers) in encoders.enumerated() {
            for (i, layer) in layers.enumerated() { layer.collectState(prefix: prefix + "encoder.\(j).layers.\(i).", into: &state) }
        }
        state.buffers.append((prefix + "sincos_pos_enc.dim_t", Tensor(positions.divisors, shape: [positions.outChannels / 2])))
        for (i, m) in lateralConvs.enumerated() { m.collectState(prefix: prefix + "lateral_convs.\(i).", into: &state) }
        for (i, m) in fpnBlocks.enumerated() { m.collectState(prefix: prefix + "fpn_blocks.\(i).", into: &state) }
        for (i, m) in downsampleConvs.enumerated() { m.collectState(prefix: prefix + "downsample_convs.\(i).", into: &state) }
        for (i, m) in panBlocks.enumerated() { m.collectState(prefix: prefix + "pan_blocks.\(i).", into: &state) }
        projector?.collectState(prefix: prefix + "projector.", into: &state)
    }
}

/// MMPose's `HybridEncoder(encoder_cfg, projector, num_encoder_layers, in_channels, feat_strides,
/// hidden_dim, use_encoder_idx, pe_temperature, widen_factor, deepen_factor, output_indices,
/// norm_cfg, act_cfg)`.
public struct HybridEncoderSpec: NeckSpec {
    /// `in_channels` ([512, 1024, 2048]), largest map first.
    public var inChannels = [512, 1024, 2048]
    /// `hidden_dim` (256).
    public var hiddenDimension = 256
    /// `use_encoder_idx` ([2]): the maps the transformer encodes.
    public var encoderIndices = [2]
    /// `num_encoder_layers` (1).
    public var encoderLayers = 1
    /// `encoder_cfg.self_attn_cfg.num_heads` (8).
    public var heads = 8
    /// `encoder_cfg.ffn_cfg.feedforward_channels` (1024).
    public var feedforwardChannels = 1024
    /// `encoder_cfg.ffn_cfg.act_cfg` (mmdet's FFN default: ReLU).
    public var feedforwardActivation = ActivationType.relu
    /// `pe_temperature` (10000).
    public var positionTemperature = 10000.0
    /// `widen_factor` (1): the CSPRepLayers' hidden channels are `hidden_dim` times this.
    public var widenFactor = 1.0
    /// `deepen_factor` (1): each CSPRepLayer has `round(3 · deepen_factor)` RepVGG blocks.
    public var deepenFactor = 1.0
    /// `output_indices` (None: every level).
    public var outputIndices: [Int] = [0, 1, 2]
    /// `norm_cfg` (PyTorch's BN defaults).
    public var norm = BatchNormSettings()
    /// `act_cfg` (SiLU).
    public var activation = ActivationType.silu
    /// `projector`: a `ChannelMapper` over the selected outputs, or nil.
    public var projector: ChannelMapperSpec?

    /// MMPose's defaults.
    public init() {}

    /// RepVGG blocks per CSPRepLayer (Python's `round`: halves to even).
    public var cspBlocks: Int { Int((3 * deepenFactor).rounded(.toNearestOrEven)) }

    /// Checks the arguments.
    /// - Throws: `ModelError` naming the first bad one.
    public func validate() throws {
        let n = inChannels.count
        guard n >= 2, inChannels.allSatisfy({ $0 >= 1 }) else {
            throw ModelError("HybridEncoder: in_channels needs at least two positive channel counts, got \(inChannels)")
        }
        guard hiddenDimension >= 4, hiddenDimension % 4 == 0 else {
            throw ModelError("HybridEncoder: hidden_dim must be a positive multiple of 4 (its 2-D sine encoding), got \(hiddenDimension)")
        }
        guard heads >= 1, hiddenDimension % heads == 0 else {
            throw ModelError("HybridEncoder: encoder_cfg.self_attn_cfg.num_heads \(heads) must divide hidden_dim \(hiddenDimension)")
        }
        guard encoderIndices.allSatisfy({ (0..<n).contains($0) }), Set(encoderIndices).count == encoderIndices.count else {
            throw ModelError("HybridEncoder: use_encoder_idx \(encoderIndices) must name distinct levels among 0..<\(n)")
        }
        guard !encoderIndices.isEmpty else {
            throw ModelError("HybridEncoder: use_encoder_idx is empty (MMPose 1.3.2 then fails to build its positional encoding)")
        }
        guard !outputIndices.isEmpty, outputIndices.allSatisfy({ (0..<n).contains($0) }) else {
            throw ModelError("HybridEncoder: output_indices \(outputIndices) must select among its \(n) outputs")
        }
        guard feedforwardChannels >= 1, encoderLayers >= 0, Int(Double(hiddenDimension) * widenFactor) >= 1, deepenFactor >= 0 else {
            throw ModelError("HybridEncoder: feedforward_channels, num_encoder_layers, widen_factor and deepen_factor must make positive sizes")
        }
        if let projector, projector.inChannels != outputIndices.map({ _ in hiddenDimension }) {
            throw ModelError("HybridEncoder: projector.in_channels \(projector.inChannels) must be hidden_dim \(hiddenDimension) for each of the \(outputIndices.count) outputs")
        }
    }

    public func outputChannels(for inputChannels: [Int]) throws -> [Int] {
        if let projector { return try projector.outputChannels(for: outputIndices.map { _ in hiddenDimension }) }
        return outputIndices.map { _ in hiddenDimension }
    }

    /// The neck for backbone maps of `inputChannels` channels.
    /// - Throws: `ModelError` when they are not `in_channels`, or the arguments are refused.
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        guard inputChannels == inChannels else {
            throw ModelError("model.neck.in_channels is \(inChannels) but the backbone gives maps of \(inputChannels) channels (its out_indices)")
        }
        return try HybridEncoder(self, rng: &rng)
    }
}
