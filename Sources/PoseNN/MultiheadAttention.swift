import Foundation
import PoseTensor

/// PyTorch's `nn.MultiheadAttention` with `batch_first=True`, no masks and no dropout: queries,
/// keys and values `N × L × E` (one sequence length `L`) → `N × L × E`.
///
/// `q = query·Wqᵀ + bq`, `k = key·Wkᵀ + bk`, `v = value·Wvᵀ + bv` (the three packed as PyTorch's
/// `in_proj_weight`, `3E × E`, and `in_proj_bias`, `3E`); each of the `heads` heads of
/// `d = E / heads` features attends with `softmax(q_h k_hᵀ / √d) v_h`; the heads joined are
/// projected by `out_proj` (`E × E` and bias). Keys `in_proj_weight`, `in_proj_bias`,
/// `out_proj.weight`, `out_proj.bias`.
///
/// A training forward keeps its inputs, projections and attention weights; `backward` adds
/// every parameter's gradient and returns the gradients of query, key and value.
public final class MultiheadAttention {
    /// `embed_dims` (E).
    public let embedDimensions: Int
    /// `num_heads`.
    public let heads: Int
    /// The packed query, key and value projections, `3E × E` (role `.weight`).
    public let inProjectionWeight: Parameter
    /// Their biases, `3E` (role `.bias`).
    public let inProjectionBias: Parameter
    /// The output projection, `E → E`.
    public let outProjection: Linear
    private var saved: (query: Tensor, key: Tensor, value: Tensor, q: Tensor, k: Tensor, v: Tensor, weights: Tensor, joined: Tensor, length: Int)?

    /// Attention over `embedDimensions` features split into `heads` heads (it must divide
    /// them), zero-initialised: the owner sets the weights (PyTorch: Xavier-uniform in-projection,
    /// zero biases).
    public init(embedDimensions: Int, heads: Int) {
        precondition(heads > 0 && embedDimensions % heads == 0, "MultiheadAttention: embed_dims \(embedDimensions) must divide into \(heads) heads")
        self.embedDimensions = embedDimensions
        self.heads = heads
        inProjectionWeight = Parameter(shape: [3 * embedDimensions, embedDimensions], role: .weight)
        inProjectionBias = Parameter(shape: [3 * embedDimensions], role: .bias)
        outProjection = Linear(embedDimensions, embedDimensions)
    }

    /// The attention output, `N × L × E`.
    /// - Parameters:
    ///   - query, key, value: `N × L × E` each.
    public func forward(query: Tensor, key: Tensor, value: Tensor, mode: ForwardMode) -> Tensor {
        let e = embedDimensions, (n, length) = (query.shape[0], query.shape[1])
        precondition(query.shape == [n, length, e] && key.shape == query.shape && value.shape == query.shape,
                     "MultiheadAttention expects N×L×\(e) query, key and value of one shape, got \(query.shape), \(key.shape), \(value.shape)")
        let rows = n * length
        let projections = [query, key, value].enumerated().map { i, x -> Tensor in
            let y = Tensor(zeros: [rows, e])
            LinearKernels.forward(x: x.data, weight: inProjectionWeight.value.data + i * e * e, bias: inProjectionBias.value.data + i * e,
                                  y: y.data, batch: rows, inFeatures: e, outFeatures: e, precision: .float32)
            return y
        }
        let (q, k, v) = (projections[0], projections[1], projections[2])
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        let weights = Tensor(zeros: [n, heads, length, length])
        let joined = Tensor(zeros: [rows, e])
        for b in 0..<n {
            for h in 0..<heads {
                let offset = b * length * e + h * d
                let p = weights.data + (b * heads + h) * length * length
                BLAS.sgemm(transB: true, m: length, n: length, k: d, alpha: scale, a: q.data + offset, lda: e,
                           b: k.data + offset, ldb: e, c: p, ldc: length)
                Self.softmaxRows(p, rows: length, columns: length)
                BLAS.sgemm(m: length, n: d, k: length, a: p, lda: length, b: v.data + offset, ldb: e, c: joined.data + offset, ldc: e)
            }
        }
        let out = outProjection.forward(joined, mode: mode)
        saved = mode == .training ? (query, key, value, q, k, v, weights, joined, length) : nil
        return Tensor(viewing: out.data, shape: [n, length, e], base: out)
    }

    /// Back-propagates `dy` (`N × L × E`): adds the parameters' gradients and returns the
    /// gradients of query, key and value, each `N × L × E`.
    public func backward(_ dy: Tensor) -> (query: Tensor, key: Tensor, value: Tensor) {
        guard let s = saved else { preconditionFailure("MultiheadAttention.backward without a training forward") }
        saved = nil
        let e = embedDimensions, n = s.query.shape[0], length = s.length, rows = n * length
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        let dJoined = outProjection.backward(Tensor(viewing: dy.data, shape: [rows, e], base: dy))
        let dq = Tensor(zeros: [rows, e]), dk = Tensor(zeros: [rows, e]), dv = Tensor(zeros: [rows, e])
        let dp = Tensor(zeros: [length, length])
        for b in 0..<n {
            for h in 0..<heads {
                let offset = b * length * e + h * d
                let p = s.weights.data + (b * heads + h) * length * length
                // dP = dO vᵀ, dv = Pᵀ dO
                BLAS.sgemm(transB: true, m: length, n: length, k: d, a: dJoined.data + offset, lda: e, b: s.v.data + offset, ldb: e,
                           c: dp.data, ldc: length)
                BLAS.sgemm(transA: true, m: length, n: d, k: length, a: p, lda: length, b: dJoined.data + offset, ldb: e,
                           c: dv.data + offset, ldc: e)
                // softmax: dS = P ⊙ (dP − Σ_j dP·P), then the 1/√d of the scores
                for r in 0..<length {
                    let pr = p + r * length, gr = dp.data + r * length
                    var dot: Float = 0
                    for c in 0..<length { dot += pr[c] * gr[c] }
                    for c in 0..<length { gr[c] = pr[c] * (gr[c] - dot) * scale }
                }
                BLAS.sgemm(m: length, n: d, k: length, a: dp.data, lda: length, b: s.k.data + offset, ldb: e, c: dq.data + offset, ldc: e)
                BLAS.sgemm(transA: true, m: length, n: d, k: length, a: dp.data, lda: length, b: s.q.data + offset, ldb: e,
                           c: dk.data + offset, ldc: e)
            }
        }
        let inputs = [(s.query, dq), (s.key, dk), (s.value, dv)].enumerated().map { i, pair -> Tensor in
            let dx = Tensor(zeros: [n, length, e])
            LinearKernels.backward(x: pair.0.data, weight: inProjectionWeight.value.data + i * e * e, dy: pair.1.data, dx: dx.data,
                                   dWeight: inProjectionWeight.grad.data + i * e * e, dBias: inProjectionBias.grad.data + i * e,
                                   batch: rows, inFeatures: e, outFeatures: e, precision: .float32)
            return dx
        }
        return (inputs[0], inputs[1], inputs[2])
    }

    /// Row-wise softmax in place, as PyTorch's: the row maximum subtracted before `exp`.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = p + r * columns
            var top = -Float.infinity
            for c in 0..<columns { top = max(top, row[c]) }
            var sum: Float = 0
            for c in 0..<columns { row[c] = expf(row[c] - top); sum += row[c] }
            let inv = 1 / sum
            for c in 0..<columns { row[c] *= inv }
        }
    }

    /// Adds the parameters under `prefix` (PyTorch's names).
    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "in_proj_weight", inProjectionWeight))
        state.parameters.append((prefix + "in_proj_bias", inProjectionBias))
        outProjection.collectState(prefix: prefix + "out_proj.", into: &state)
    }
}
