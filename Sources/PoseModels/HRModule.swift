import PoseNN
import PoseTensor

/// One multi-resolution module of HRNet: parallel branches of residual blocks, then fusion
/// `y_i = relu(Σ_j f_ij(x_j))` with `f_ii` the identity, `f_ij` (j > i) a 1×1 conv + BN +
/// nearest (or bilinear) upsampling and (j < i) a chain of stride-2 3×3 convs. Inputs and outputs are lists
/// of `N × C_b × H/2^b × W/2^b` tensors. Keys: `branches.{b}.{k}.*`, `fuse_layers.{i}.{j}.*`.
final class HRModule: MultiLayer {
    let branches: [Sequential]
    /// fuse[i][j], nil on the diagonal; empty when the module has one branch.
    let fuse: [[Layer?]]
    let outChannels: [Int]
    /// The fused outputs of the last training forward, for the ReLU's mask in backward.
    private var outputs: [Tensor] = []

    init(block: String, numBlocks: [Int], inChannels: [Int], numChannels: [Int], multiscaleOutput: Bool,
         upsampleMode: String = "nearest", alignCorners: Bool = false,
         convs: inout [Conv2d], norms: inout [BatchNorm2d], lastNorms: inout [BatchNorm2d]) {
        let expansion = block == "BOTTLENECK" ? 4 : 1
        var channels = inChannels
        var branches: [Sequential] = []
        for b in 0..<numBlocks.count {
            var layers: [(String, Layer)] = []
            for k in 0..<numBlocks[b] {
                let out = numChannels[b] * expansion
                var downsample: Layer?
                if k == 0 && channels[b] != out {
                    let conv = Conv2d(channels[b], out, kernel: 1, bias: false), bn = BatchNorm2d(out)
                    downsample = Sequential([("0", conv), ("1", bn)])
                    convs.append(conv); norms.append(bn)
                }
                let built = block == "BOTTLENECK"
                    ? ResNetBlocks.bottleneck(inChannels: channels[b], channels: numChannels[b], stride: 1, dilation: 1,
                                              caffeStyle: false, downsample: downsample)
                    : ResNetBlocks.basic(inChannels: channels[b], channels: numChannels[b], stride: 1, dilation: 1,
                                         downsample: downsample)
                layers.append((String(k), built.block))
                convs += built.convs; norms += built.norms; lastNorms.append(built.lastNorm)
                channels[b] = out
            }
            branches.append(Sequential(layers))
        }
        self.branches = branches
        var fuse: [[Layer?]] = []
        if branches.count > 1 {
            for i in 0..<(multiscaleOutput ? branches.count : 1) {
                var row: [Layer?] = []
                for j in 0..<branches.count {
                    if j > i {
                        let conv = Conv2d(channels[j], channels[i], kernel: 1, bias: false), bn = BatchNorm2d(channels[i])
                        convs.append(conv); norms.append(bn)
                        let upsample: Layer = upsampleMode == "bilinear"
                            ? UpsampleBilinear(factor: 1 << (j - i), alignCorners: alignCorners)
                            : UpsampleNearest(factor: 1 << (j - i))
                        row.append(Sequential([("0", conv), ("1", bn), ("2", upsample)]))
                    } else if j == i {
                        row.append(nil)
                    } else {
                        var chain: [(String, Layer)] = []
                        for k in 0..<(i - j) {
                            let last = k == i - j - 1
                            let out = last ? channels[i] : channels[j]
                            let conv = Conv2d(channels[j], out, kernel: 3, stride: 2, padding: 1, bias: false)
                            let bn = BatchNorm2d(out, relu: !last)
                            convs.append(conv); norms.append(bn)
                            chain.append((String(k), Sequential([("0", conv), ("1", bn)])))
                        }
                        row.append(Sequential(chain))
                    }
                }
                fuse.append(row)
            }
        }
        self.fuse = fuse
        outChannels = fuse.isEmpty ? channels : (0..<fuse.count).map { channels[$0] }
    }

    func forward(_ xs: [Tensor], mode: ForwardMode) -> [Tensor] {
        let hs = zip(branches, xs).map { $0.forward($1, mode: mode) }
        guard !fuse.isEmpty else { return hs }
        var out: [Tensor] = []
        for (i, row) in fuse.enumerated() {
            let y = Tensor.pooled(shape: hs[i].shape)
            y.copy(from: hs[i])
            for (j, f) in row.enumerated() where j != i {
                let t = f!.forward(hs[j], mode: mode)
                precondition(t.shape == y.shape, "HRNet fuse: branch \(j) gives \(t.shape) for branch \(i)'s \(y.shape); input sizes must be multiples of 32")
                ElementwiseKernels.accumulate(t.data, into: y.data, count: y.count)
            }
            ElementwiseKernels.relu(y.data, y.data, count: y.count)
            out.append(y)
        }
        outputs = mode == .training ? out : []
        return out
    }

    func backward(_ dys: [Tensor]) -> [Tensor] {
        guard !fuse.isEmpty else { return zip(branches, dys).map { $0.backward($1) } }
        precondition(outputs.count == fuse.count, "HRModule.backward without a training forward")
        var gs: [Tensor] = []
        for i in 0..<fuse.count {
            let g = Tensor.pooled(shape: outputs[i].shape)
            ElementwiseKernels.reluBackward(y: outputs[i].data, dy: dys[i].data, dx: g.data, count: g.count)
            gs.append(g)
        }
        outputs = []
        var dx: [Tensor] = []
        for j in 0..<branches.count {
            var acc: Tensor?
            for (i, row) in fuse.enumerated() {
                var contribution = i == j ? gs[i] : row[j]!.backward(gs[i])
                if acc == nil {
                    // a fuse layer's gradient nobody else holds becomes the sum itself
                    if isKnownUniquelyReferenced(&contribution) {
                        acc = contribution
                    } else {
                        let t = Tensor.pooled(shape: contribution.shape)
                        t.copy(from: contribution)
                        acc = t
                    }
                } else {
                    ElementwiseKernels.accumulate(contribution.data, into: acc!.data, count: acc!.count)
                }
            }
            dx.append(branches[j].backward(acc!))
        }
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        for (b, branch) in branches.enumerated() { branch.collectState(prefix: prefix + "branches.\(b).", into: &state) }
        for (i, row) in fuse.enumerated() {
            for (j, f) in row.enumerated() { f?.collectState(prefix: prefix + "fuse_layers.\(i).\(j).", into: &state) }
        }
    }
}
