import Foundation
import PoseNN
import PoseTensor

/// MMPose's `RTMCCBlock` with `attn_type='self-attn'`: the gated attention unit (GAU, Transformer
/// Quality in Linear Time) of RTMPose's head. Input `B × K × D` (K tokens: one per keypoint),
/// output `B × K × D'`.
///
/// `x̂ = ScaleNorm(x)` (`ln`); `[u, v, base] = SiLU(x̂ · uvᵀ)` split into e, e and s features
/// (e = D · `expansion_factor`); `q = base · γ₀ + β₀`, `k = base · γ₁ + β₁`;
/// `A = relu(q kᵀ / √s + bias)²` (`bias` the relative-position bias `w` with `use_rel_bias`);
/// `out = (u ⊙ A v) · oᵀ`, plus `x · res_scale` when D = D'. Keys `w` (with `use_rel_bias`),
/// `o.weight`, `uv.weight`, `gamma`, `beta`, `ln.g`, `res_scale.scale`.
final class RTMCCBlock: Layer {
    let tokens, inDims, outDims, e, s: Int
    let useRelativeBias: Bool
    let ln: ScaleNorm
    let uv: Linear, o: Linear
    /// γ and β, `2 × s` each: the per-feature scale and offset making q (row 0) and k (row 1).
    let gamma: Parameter, beta: Parameter
    /// The relative-position bias `w` (2K − 1 values), with `use_rel_bias`.
    let relativeBias: Parameter?
    /// `res_scale.scale` (D values), when D = D'.
    let residualScale: Parameter?
    /// A learned positional encoding (`K × s`) added to q and k (MMPose's `GAUEncoder` with
    /// `pos_enc='add'`, RTMO's DCC, which owns and names it); nil for none.
    var positionEncoding: Parameter?
    private var saved: (x: Tensor, uv: Tensor, q: Tensor, k: Tensor, qk: Tensor, kernel: Tensor, av: Tensor)?

    /// A block with gamma and beta drawn from U(0, 1) (PyTorch's `rand`), `res_scale` 1, and the
    /// linear layers left for the head's initialisation.
    /// - Parameters:
    ///   - tokens: K, the token count (needed by the relative-position bias).
    ///   - inDims, outDims: D and D'.
    ///   - expansionFactor: e = Int(D · expansionFactor).
    ///   - s: the attention's feature count.
    ///   - useRelativeBias: `use_rel_bias`; its `w` starts from U(0, 1).
    ///   - activation: `act_fn` (SiLU or ReLU) applied to `uv`'s output.
    init(tokens: Int, inDims: Int, outDims: Int, expansionFactor: Double, s: Int, useRelativeBias: Bool,
         activation: ActivationType, rng: inout RandomGenerator) {
        self.tokens = tokens; self.inDims = inDims; self.outDims = outDims; self.s = s
        e = Int(Double(inDims) * expansionFactor)
        self.useRelativeBias = useRelativeBias
        relativeBias = useRelativeBias ? Parameter(shape: [2 * tokens - 1], role: .other) : nil
        o = Linear(e, outDims, bias: false)
        uv = Linear(inDims, 2 * e + s, bias: false)
        gamma = Parameter(shape: [2, s], role: .other)
        beta = Parameter(shape: [2, s], role: .other)
        ln = ScaleNorm(inDims, eps: 1e-5)
        residualScale = inDims == outDims ? Parameter(shape: [inDims], role: .other) : nil
        self.activation = activation.makeLayer()
        if let relativeBias { rng.fillUniform(relativeBias.value, low: 0, high: 1) }
        rng.fillUniform(gamma.value, low: 0, high: 1)
        rng.fillUniform(beta.value, low: 0, high: 1)
        residualScale?.value.data.update(repeating: 1, count: inDims)
    }

    private let activation: Layer

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 3 && x.shape[2] == inDims, "RTMCCBlock expects B×K×\(inDims) tokens, got \(x.shape)")
        let (b, n) = (x.shape[0], x.shape[1])
        precondition(!useRelativeBias || n <= tokens, "RTMCCBlock: \(n) tokens, but the relative bias was built for \(tokens)")
        let rows = b * n
        let normed = ln.forward(x.reshaped([rows, inDims]), mode: mode)
        let act = activation.forward(uv.forward(normed, mode: mode), mode: mode)   // rows × (2e + s)
        let width = 2 * e + s
        let q = Tensor.pooled(shape: [rows, s]), k = Tensor.pooled(shape: [rows, s])
        let g = gamma.value.data, bt = beta.value.data
        for r in 0..<rows {
            let base = act.data + r * width + 2 * e
            for c in 0..<s {
                q[r * s + c] = base[c] * g[c] + bt[c]
                k[r * s + c] = base[c] * g[s + c] + bt[s + c]
            }
            if let pe = positionEncoding?.value.data {
                let token = pe + (r % n) * s
                for c in 0..<s { q[r * s + c] += token[c]; k[r * s + c] += token[c] }
            }
        }
        // per image: qk = q kᵀ / √s (+ bias), kernel = relu(qk)², av = kernel · v
        let qk = Tensor.pooled(shape: [b, n, n]), kernel = Tensor.pooled(shape: [b, n, n])
        let av = Tensor.pooled(shape: [rows, e])
        let root = Float(Double(s).squareRoot())
        for image in 0..<b {
            let qb = q.data + image * n * s, kb = k.data + image * n * s, qkb = qk.data + image * n * n
            MatrixProduct.gemm(transB: true, m: n, n: n, k: s, a: qb, lda: s, b: kb, ldb: s, c: qkb, ldc: n)
            for i in 0..<n {
                for j in 0..<n {
                    var v = qkb[i * n + j]
                    if let w = relativeBias { v += w.value[j - i + tokens - 1] }
                    v /= root
                    qkb[i * n + j] = v
                    let r = max(v, 0)
                    kernel[image * n * n + i * n + j] = r * r
                }
            }
            MatrixProduct.gemm(m: n, n: e, k: n, a: kernel.data + image * n * n, lda: n,
                       b: act.data + image * n * width + e, ldb: width, c: av.data + image * n * e, ldc: e)
        }
        let gated = Tensor.pooled(shape: [rows, e])
        for r in 0..<rows {
            let u = act.data + r * width
            for c in 0..<e { gated[r * e + c] = u[c] * av[r * e + c] }
        }
        let out = o.forward(gated, mode: mode)   // rows × D'
        if let residualScale {
            let sc = residualScale.value.data
            for r in 0..<rows { for c in 0..<outDims { out[r * outDims + c] += x[r * inDims + c] * sc[c] } }
        }
        saved = mode == .training ? (x, act, q, k, qk, kernel, av) : nil
        return out.reshaped([b, n, outDims])
    }

    func backward(_ dy: Tensor) -> Tensor {
        guard let (x, act, q, k, qk, kernel, av) = saved else { preconditionFailure("RTMCCBlock.backward without a training forward") }
        saved = nil
        let (b, n) = (x.shape[0], x.shape[1])
        let rows = b * n, width = 2 * e + s
        let dOut = dy.reshaped([rows, outDims])
        let dGated = o.backward(dOut)
        // d(act): u gets dGated ⊙ av; av gets dGated ⊙ u
        let dAct = Tensor.pooled(shape: [rows, width])
        let dAV = Tensor.pooled(shape: [rows, e])
        for r in 0..<rows {
            let u = act.data + r * width
            for c in 0..<e {
                dAct[r * width + c] = dGated[r * e + c] * av[r * e + c]
                dAV[r * e + c] = dGated[r * e + c] * u[c]
            }
        }
        let dQ = Tensor.pooled(shape: [rows, s]), dK = Tensor.pooled(shape: [rows, s])
        let dKernel = Tensor.pooled(shape: [n, n])
        let root = Float(Double(s).squareRoot())
        for image in 0..<b {
            let actB = act.data + image * n * width
            // dv = kernelᵀ · dAV, into dAct's v columns
            MatrixProduct.gemm(transA: true, m: n, n: e, k: n, a: kernel.data + image * n * n, lda: n,
                       b: dAV.data + image * n * e, ldb: e, c: dAct.data + image * n * width + e, ldc: width)
            // dKernel = dAV · vᵀ
            MatrixProduct.gemm(transB: true, m: n, n: n, k: e, a: dAV.data + image * n * e, lda: e, b: actB + e, ldb: width,
                       c: dKernel.data, ldc: n)
            // through relu², the scaling and the bias: dqk (before the 1/√s)
            for i in 0..<n {
                for j in 0..<n {
                    let v = qk[image * n * n + i * n + j]
                    let d = v > 0 ? dKernel[i * n + j] * 2 * v / root : 0
                    dKernel[i * n + j] = d
                    if let w = relativeBias { w.grad[j - i + tokens - 1] += d }
                }
            }
            // dq = dqk · k, dk = dqkᵀ · q
            MatrixProduct.gemm(m: n, n: s, k: n, a: dKernel.data, lda: n, b: k.data + image * n * s, ldb: s,
                       c: dQ.data + image * n * s, ldc: s)
            MatrixProduct.gemm(transA: true, m: n, n: s, k: n, a: dKernel.data, lda: n, b: q.data + image * n * s, ldb: s,
                       c: dK.data + image * n * s, ldc: s)
        }
        // q = base·γ₀ + β₀, k = base·γ₁ + β₁
        let g = gamma.value.data, dg = gamma.grad.data, db = beta.grad.data
        for r in 0..<rows {
            let base = act.data + r * width + 2 * e, dBase = dAct.data + r * width + 2 * e
            for c in 0..<s {
                let dq = dQ[r * s + c], dk = dK[r * s + c]
                dBase[c] = dq * g[c] + dk * g[s + c]
                dg[c] += dq * base[c]; dg[s + c] += dk * base[c]
                db[c] += dq; db[s + c] += dk
            }
            if let dpe = positionEncoding?.grad.data {
                let token = dpe + (r % n) * s
                for c in 0..<s { token[c] += dQ[r * s + c] + dK[r * s + c] }
            }
        }
        let dx = ln.backward(uv.backward(activation.backward(dAct))).reshaped(x.shape)
        if let residualScale {
            let sc = residualScale.value.data, dsc = residualScale.grad.data
            for r in 0..<rows {
                for c in 0..<inDims {
                    dx[r * inDims + c] += dOut[r * outDims + c] * sc[c]
                    dsc[c] += dOut[r * outDims + c] * x[r * inDims + c]
                }
            }
        }
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        if let relativeBias { state.parameters.append((prefix + "w", relativeBias)) }
        o.collectState(prefix: prefix + "o.", into: &state)
        uv.collectState(prefix: prefix + "uv.", into: &state)
        state.parameters.append((prefix + "gamma", gamma))
        state.parameters.append((prefix + "beta", beta))
        ln.collectState(prefix: prefix + "ln.", into: &state)
        if let residualScale { state.parameters.append((prefix + "res_scale.scale", residualScale)) }
    }
}
