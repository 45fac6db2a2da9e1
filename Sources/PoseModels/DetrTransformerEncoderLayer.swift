import PoseNN
import PoseTensor

/// mmdet's `DetrTransformerEncoderLayer` (post-norm), as MMPose's `HybridEncoder` uses it:
/// tokens `N × L × E` and their positional encoding `L × E` → `N × L × E`.
///
/// `x₁ = norms.0(x + self_attn(x + pos, x + pos, x))`, then
/// `norms.1(x₁ + ffn(x₁))` with the FFN `Linear(E, F) → activation → Linear(F, E)` (MMCV's
/// `FFN` with its identity shortcut; dropouts are 0 in every MMPose config). Keys
/// `self_attn.attn.{in_proj_weight, in_proj_bias, out_proj.*}`, `ffn.layers.0.0.*`,
/// `ffn.layers.1.*`, `norms.{0,1}.*`.
final class DetrTransformerEncoderLayer {
    let attention: MultiheadAttention
    private let fc1, fc2: Linear
    private let activation: Layer
    private let norm1, norm2: LayerNorm

    /// A layer of `embedDimensions` features, `heads` attention heads and an FFN of
    /// `feedforwardChannels`, initialised as PyTorch does (Xavier-uniform in-projection, zero
    /// projection biases, default `Linear` init elsewhere, LayerNorm 1/0).
    init(embedDimensions e: Int, heads: Int, feedforwardChannels: Int, activation: ActivationType, rng: inout RandomGenerator) {
        attention = MultiheadAttention(embedDimensions: e, heads: heads)
        fc1 = Linear(e, feedforwardChannels)
        fc2 = Linear(feedforwardChannels, e)
        self.activation = activation.makeLayer()
        norm1 = LayerNorm(e)
        norm2 = LayerNorm(e)
        WeightInit.xavierUniform(attention.inProjectionWeight, fanIn: e, fanOut: 3 * e, rng: &rng)
        WeightInit.pytorchDefault(attention.outProjection, rng: &rng)
        attention.outProjection.bias?.value.zero()
        WeightInit.pytorchDefault(fc1, rng: &rng)
        WeightInit.pytorchDefault(fc2, rng: &rng)
    }

    /// - Parameters:
    ///   - x: tokens, `N × L × E`.
    ///   - position: the positional encoding added to queries and keys, `L × E`.
    func forward(_ x: Tensor, position: Tensor, mode: ForwardMode) -> Tensor {
        let (n, length, e) = (x.shape[0], x.shape[1], x.shape[2])
        let withPosition = Tensor(zeros: x.shape)
        for b in 0..<n {
            for i in 0..<length * e { withPosition.data[b * length * e + i] = x.data[b * length * e + i] + position.data[i] }
        }
        let attended = attention.forward(query: withPosition, key: withPosition, value: x, mode: mode)
        let x1 = norm1.forward(ElementwiseKernels.sum(attended, x), mode: mode)
        let rows = Tensor(viewing: x1.data, shape: [n * length, e], base: x1)
        let f = fc2.forward(activation.forward(fc1.forward(rows, mode: mode), mode: mode), mode: mode)
        let out = norm2.forward(ElementwiseKernels.sum(Tensor(viewing: f.data, shape: x.shape, base: f), x1), mode: mode)
        return Tensor(viewing: out.data, shape: x.shape, base: out)
    }

    /// Back-propagates `dy` (`N × L × E`); returns the tokens' gradient (the positional
    /// encoding is fixed).
    func backward(_ dy: Tensor) -> Tensor {
        let shape = dy.shape, e = shape[2]
        let dSum2 = norm2.backward(dy)
        let dRows = fc1.backward(activation.backward(fc2.backward(Tensor(viewing: dSum2.data, shape: [dSum2.count / e, e], base: dSum2))))
        let dx1 = ElementwiseKernels.sum(Tensor(viewing: dRows.data, shape: shape, base: dRows), Tensor(viewing: dSum2.data, shape: shape, base: dSum2))
        let dSum1 = norm1.backward(dx1)
        let d = attention.backward(Tensor(viewing: dSum1.data, shape: shape, base: dSum1))
        let dx = ElementwiseKernels.sum(d.query, d.key)
        ElementwiseKernels.accumulate(d.value.data, into: dx.data, count: dx.count)
        ElementwiseKernels.accumulate(dSum1.data, into: dx.data, count: dx.count)
        return Tensor(viewing: dx.data, shape: shape, base: dx)
    }

    func collectState(prefix: String, into state: inout StateDict) {
        attention.collectState(prefix: prefix + "self_attn.attn.", into: &state)
        fc1.collectState(prefix: prefix + "ffn.layers.0.0.", into: &state)
        fc2.collectState(prefix: prefix + "ffn.layers.1.", into: &state)
        norm1.collectState(prefix: prefix + "norms.0.", into: &state)
        norm2.collectState(prefix: prefix + "norms.1.", into: &state)
    }
}
