import PoseNN
import PoseTensor

/// MMPose's `HRNet` backbone built from its `extra` dict (W18/W32/W48 and smaller variants).
///
/// Input `N × 3 × H × W` (H, W multiples of 32); output the highest-resolution branch
/// `N × C_0 × H/4 × W/4` (all branches when stage 4 has `multiscale_output`).
public final class HRNet: Backbone {
    /// The arguments the network was built from (MMPose's `HRNet` arguments and `extra` dict).
    public let settings: HRNetSpec
    public let outChannels: [Int]
    let stem: Sequential
    let layer1: Sequential
    /// transitions[s][i] feeds branch i of stage s+2 (nil: the previous branch passes through).
    let transitions: [[Layer?]]
    let stages: [[HRModule]]
    private let norms: [BatchNorm2d]
    private let convs: [Conv2d]
    private let boundary = BlockedLayoutBoundary()

    /// Builds the stem, `layer1`, the transitions and every stage's modules, initialises them as
    /// MMPose does (N(0, 0.001²) convolutions, BatchNorm weight 1 and bias 0, each block's last
    /// BatchNorm 0 with `zeroInitResidual`), then applies `frozenStages` and `normEval`.
    /// - Throws: `ModelError` when `settings.validate()` refuses the `extra` dict.
    public init(_ settings: HRNetSpec, rng: inout RandomGenerator) throws {
        try settings.validate()
        self.settings = settings
        var convs: [Conv2d] = [], norms: [BatchNorm2d] = [], lastNorms: [BatchNorm2d] = []
        let conv1 = Conv2d(settings.inChannels, 64, kernel: 3, stride: 2, padding: 1, bias: false)
        conv1.setInputGradientNeeded(false)
        let bn1 = BatchNorm2d(64, relu: true)
        let conv2 = Conv2d(64, 64, kernel: 3, stride: 2, padding: 1, bias: false)
        let bn2 = BatchNorm2d(64, relu: true)
        stem = Sequential([("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)])
        convs += [conv1, conv2]; norms += [bn1, bn2]

        let s1 = settings.stages[0]
        let out1 = s1.numChannels[0] * s1.expansion
        var blocks: [(String, Layer)] = []
        var inC = 64
        for k in 0..<s1.numBlocks[0] {
            var downsample: Layer?
            if k == 0 && inC != out1 {
                let conv = Conv2d(inC, out1, kernel: 1, bias: false), bn = BatchNorm2d(out1)
                downsample = Sequential([("0", conv), ("1", bn)])
                convs.append(conv); norms.append(bn)
            }
            let built = s1.block == "BOTTLENECK"
                ? ResNetBlocks.bottleneck(inChannels: inC, channels: s1.numChannels[0], stride: 1, dilation: 1, caffeStyle: false, downsample: downsample)
                : ResNetBlocks.basic(inChannels: inC, channels: s1.numChannels[0], stride: 1, dilation: 1, downsample: downsample)
            blocks.append((String(k), built.block))
            convs += built.convs; norms += built.norms; lastNorms.append(built.lastNorm)
            inC = out1
        }
        layer1 = Sequential(blocks)

        var previous = [out1]
        var transitions: [[Layer?]] = [], stages: [[HRModule]] = []
        for s in settings.stages.dropFirst() {
            let current = s.numChannels.map { $0 * s.expansion }
            var row: [Layer?] = []
            for i in 0..<s.numBranches {
                if i < previous.count {
                    if current[i] != previous[i] {
                        let conv = Conv2d(previous[i], current[i], kernel: 3, padding: 1, bias: false)
                        let bn = BatchNorm2d(current[i], relu: true)
                        convs.append(conv); norms.append(bn)
                        row.append(Sequential([("0", conv), ("1", bn)]))
                    } else {
                        row.append(nil)
                    }
                } else {
                    var chain: [(String, Layer)] = []
                    for j in 0..<(i + 1 - previous.count) {
                        let inCh = previous.last!
                        let outCh = j == i - previous.count ? current[i] : inCh
                        let conv = Conv2d(inCh, outCh, kernel: 3, stride: 2, padding: 1, bias: false)
                        let bn = BatchNorm2d(outCh, relu: true)
                        convs.append(conv); norms.append(bn)
                        chain.append((String(j), Sequential([("0", conv), ("1", bn)])))
                    }
                    row.append(Sequential(chain))
                }
            }
            transitions.append(row)
            var modules: [HRModule] = []
            var channels = current
            for m in 0..<s.numModules {
                let multiscale = s.multiscaleOutput || m < s.numModules - 1
                let module = HRModule(block: s.block, numBlocks: s.numBlocks, inChannels: channels, numChannels: s.numChannels,
                                      multiscaleOutput: multiscale, upsampleMode: settings.upsampleMode,
                                      alignCorners: settings.upsampleAlignCorners, convs: &convs, norms: &norms, lastNorms: &lastNorms)
                modules.append(module)
                channels = module.outChannels
            }
            stages.append(modules)
            previous = channels
        }
        self.transitions = transitions
        self.stages = stages
        self.norms = norms
        self.convs = convs
        outChannels = previous

        // MMPose's HRNet init: Normal(std=0.001) for convs, BatchNorm weight 1
        for conv in convs { WeightInit.normal(conv.weight, bias: conv.bias, std: 0.001, rng: &rng) }
        for bn in norms { WeightInit.constant(bn, value: 1) }
        if settings.zeroInitResidual { for bn in lastNorms { WeightInit.constant(bn, value: 0) } }
        applyFreezing()
        keepsChannelBlocking = true
    }

    /// Whether activations stay channel-blocked between layers on the oneDNN backend (the
    /// default); off, every convolution reads and writes NCHW.
    public var keepsChannelBlocking: Bool {
        get { convs.first?.blocksOutput ?? false }
        set { for conv in convs { conv.blocksOutput = newValue } }
    }

    private func applyFreezing() {
        var frozen: [StateDict] = []
        func state(_ collect: (inout StateDict) -> Void) -> StateDict { var s = StateDict(); collect(&s); return s }
        if settings.frozenStages >= 0 { frozen.append(state { stem.collectState(prefix: "", into: &$0) }) }
        if settings.frozenStages >= 1 {
            frozen.append(state { layer1.collectState(prefix: "", into: &$0) })
            if let t = transitions.first { frozen.append(state { s in for l in t { l?.collectState(prefix: "", into: &s) } }) }
        }
        if settings.frozenStages >= 2 {
            for i in 2...min(settings.frozenStages, settings.stages.count) {
                frozen.append(state { s in for m in stages[i - 2] { m.collectState(prefix: "", into: &s) } })
                if i - 1 < transitions.count { frozen.append(state { s in for l in transitions[i - 1] { l?.collectState(prefix: "", into: &s) } }) }
            }
        }
        var ids = Set<ObjectIdentifier>()
        for s in frozen { for p in s.parameters { p.parameter.requiresGrad = false; ids.insert(ObjectIdentifier(p.parameter)) } }
        for bn in norms where settings.normEval || ids.contains(ObjectIdentifier(bn.weight)) { bn.frozen = true }
        for bn in norms { bn.synchronized = settings.synchronizedNorm }
    }

    /// Each stride-2 step rounds up, and the fuse layers upsample by exact powers of two: the
    /// first branch's side (the input's, a quarter rounded up twice) must divide by 2^(branches − 1).
    public func checkInputSize(width: Int, height: Int) throws {
        let branches = settings.stages.map(\.numBranches).max() ?? 1
        let factor = 1 << (branches - 1)
        func first(_ side: Int) -> Int { ((side + 1) / 2 + 1) / 2 }
        guard first(width) % factor == 0, first(height) % factor == 0 else {
            throw ModelError("HRNet: an input of \(width)x\(height) gives \(first(width))x\(first(height)) features to its first branch, which its \(branches) branches cannot fuse (each side must divide by \(factor)); use an input_size whose sides are multiples of \(4 * factor), as MMPose's configs do")
        }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor] {
        var ys = [layer1.forward(stem.forward(x, mode: mode), mode: mode)]
        for (s, modules) in stages.enumerated() {
            // MMPose feeds every non-identity transition from the previous stage's last branch
            var xs: [Tensor] = []
            for (i, t) in transitions[s].enumerated() {
                xs.append(t?.forward(ys.last!, mode: mode) ?? ys[i])
            }
            for m in modules { xs = m.forward(xs, mode: mode) }
            ys = xs
        }
        return boundary.leave(ys)
    }

    public func backward(_ dys: [Tensor?]) {
        var gs: [Tensor?] = boundary.enter(dys)
        for s in stride(from: stages.count - 1, through: 0, by: -1) {
            var g = gs.map { $0! }
            for m in stages[s].reversed() { g = m.backward(g) }
            // route gradients back through the transitions to the previous stage's outputs
            let prevCount = s == 0 ? 1 : stages[s - 1].last!.outChannels.count
            var contributions = [[Tensor]](repeating: [], count: prevCount)
            for (i, t) in transitions[s].enumerated() {
                if let t { contributions[prevCount - 1].append(t.backward(g[i])) } else { contributions[i].append(g[i]) }
            }
            var prev = [Tensor?](repeating: nil, count: prevCount)
            for (i, parts) in contributions.enumerated() where !parts.isEmpty {
                if parts.count == 1 { prev[i] = parts[0]; continue }
                let sum = Tensor.pooled(shape: parts[0].shape)
                sum.copy(from: parts[0])
                for part in parts.dropFirst() { ElementwiseKernels.accumulate(part.data, into: sum.data, count: sum.count) }
                prev[i] = sum
            }
            gs = prev
            if s + 2 <= settings.frozenStages { return }
        }
        guard settings.frozenStages < 1 else { return }
        let g = layer1.backward(gs[0]!)
        if settings.frozenStages < 0 { _ = stem.backward(g) }
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        stem.collectState(prefix: prefix, into: &state)
        layer1.collectState(prefix: prefix + "layer1.", into: &state)
        for (s, modules) in stages.enumerated() {
            for (i, t) in transitions[s].enumerated() { t?.collectState(prefix: prefix + "transition\(s + 1).\(i).", into: &state) }
            for (m, module) in modules.enumerated() { module.collectState(prefix: prefix + "stage\(s + 2).\(m).", into: &state) }
        }
    }
}
