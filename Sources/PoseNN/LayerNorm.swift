import Foundation
import PoseTensor

/// PyTorch's `LayerNorm` over the last dimension: each row of `dimension` values becomes
/// `(x − mean) / √(var + eps) · weight + bias` (biased variance). Input `… × dimension`, output
/// the same shape.
///
/// A training forward keeps the normalised rows and their inverse deviations; `backward` adds
/// into `weight.grad` and `bias.grad` and returns dx. Keys `weight`, `bias`.
public final class LayerNorm: Layer {
    /// The normalised row length (`normalized_shape`).
    public let dimension: Int
    /// `eps` (PyTorch's default 1e-5).
    public let eps: Float
    /// The per-feature scale, ones at first (role `.normWeight`).
    public let weight: Parameter
    /// The per-feature shift, zeros at first (role `.normBias`).
    public let bias: Parameter
    private var normalized: Tensor?
    private var inverseDeviations: [Float] = []

    /// A layer norm over rows of `dimension` values, weight 1 and bias 0.
    public init(_ dimension: Int, eps: Float = 1e-5) {
        self.dimension = dimension
        self.eps = eps
        weight = Parameter(shape: [dimension], role: .normWeight)
        bias = Parameter(shape: [dimension], role: .normBias)
        for i in 0..<dimension { weight.value.data[i] = 1 }
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let d = dimension, rows = x.count / d
        precondition(x.count == rows * d, "LayerNorm(\(d)) expects rows of \(d) values, got \(x.shape)")
        let y = Tensor.pooled(shape: x.shape)
        let xhat = mode == .training ? Tensor.pooled(shape: x.shape) : y
        var inverse = [Float](repeating: 0, count: rows)
        let (g, b) = (weight.value.data, bias.value.data)
        for r in 0..<rows {
            let row = x.data + r * d
            // mean and variance in double: rows of a few hundred fp32 values, as PyTorch's Welford
            var mean = 0.0
            for i in 0..<d { mean += Double(row[i]) }
            mean /= Double(d)
            var variance = 0.0
            for i in 0..<d { let t = Double(row[i]) - mean; variance += t * t }
            variance /= Double(d)
            let inv = Float(1 / (variance + Double(eps)).squareRoot())
            inverse[r] = inv
            let m = Float(mean), out = y.data + r * d, h = xhat.data + r * d
            for i in 0..<d {
                let n = (row[i] - m) * inv
                h[i] = n
                out[i] = n * g[i] + b[i]
            }
        }
        normalized = mode == .training ? xhat : nil
        inverseDeviations = mode == .training ? inverse : []
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = normalized else { preconditionFailure("LayerNorm.backward without a training forward") }
        normalized = nil
        let d = dimension, rows = xhat.count / d
        let dx = Tensor.pooled(shape: xhat.shape)
        let (g, dg, db) = (weight.value.data, weight.grad.data, bias.grad.data)
        for r in 0..<rows {
            let h = xhat.data + r * d, gy = dy.data + r * d, out = dx.data + r * d
            // dx = inv · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)), ĝ = dy · weight
            var sum = 0.0, dot = 0.0
            for i in 0..<d {
                let gh = gy[i] * g[i]
                sum += Double(gh); dot += Double(gh * h[i])
                dg[i] += gy[i] * h[i]; db[i] += gy[i]
            }
            let meanG = Float(sum / Double(d)), meanDot = Float(dot / Double(d)), inv = inverseDeviations[r]
            for i in 0..<d { out[i] = inv * (gy[i] * g[i] - meanG - h[i] * meanDot) }
        }
        return dx
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "weight", weight))
        state.parameters.append((prefix + "bias", bias))
    }
}
