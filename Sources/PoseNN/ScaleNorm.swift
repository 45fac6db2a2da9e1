import Foundation
import PoseTensor

/// MMPose's `ScaleNorm(dim, eps)` (Transformers without Tears): each row of the last dimension,
/// `y = x / max(‖x‖ · dim^−½, eps) · g`, with one learned scale `g` (state key `g`, shape [1],
/// initialised to 1). Input and output `… × dim`.
///
/// A training forward keeps its input and each row's divisor; `backward` adds dL/dg into
/// `g.grad` and returns dx.
public final class ScaleNorm: Layer {
    /// The row length `dim`.
    public let dimension: Int
    /// The divisor's floor (`eps`, default 1e-5).
    public let eps: Float
    /// The learned scale `g` (one value, role `.other`: MMEngine decays it as a weight).
    public let g: Parameter
    private var input: Tensor?
    private var divisors: [Float] = []

    /// A scale norm over rows of `dimension` values, with `g` = 1.
    public init(_ dimension: Int, eps: Float = 1e-5) {
        self.dimension = dimension
        self.eps = eps
        g = Parameter(shape: [1], role: .other)
        g.value[0] = 1
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.last == dimension, "ScaleNorm expects rows of \(dimension), got \(x.shape)")
        let rows = x.count / dimension, d = dimension
        let y = Tensor.pooled(shape: x.shape)
        if divisors.count != rows { divisors = [Float](repeating: 0, count: rows) }
        let scale = 1 / Double(d).squareRoot(), gain = g.value[0], floor = eps
        divisors.withUnsafeMutableBufferPointer { div in
            let div = div.baseAddress!
            ParallelLoop.run(rows, grain: ParallelLoop.grain(perItem: d)) { range in for r in range {
                let row = x.data + r * d, out = y.data + r * d
                var sum = 0.0
                for i in 0..<d { sum += Double(row[i]) * Double(row[i]) }
                let c = max(Float(sum.squareRoot() * scale), floor)
                div[r] = c
                for i in 0..<d { out[i] = row[i] / c * gain }
            } }
        }
        input = mode == .training ? x : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("ScaleNorm.backward without a training forward") }
        input = nil
        let rows = x.count / dimension, d = dimension
        let dx = Tensor.pooled(shape: x.shape)
        let gain = g.value[0], floor = eps
        var dg = [Double](repeating: 0, count: rows)
        divisors.withUnsafeBufferPointer { div in
            dg.withUnsafeMutableBufferPointer { dgRows in
                let div = div.baseAddress!, dgRows = dgRows.baseAddress!
                ParallelLoop.run(rows, grain: ParallelLoop.grain(perItem: d)) { range in for r in range {
                    let row = x.data + r * d, upstream = dy.data + r * d, out = dx.data + r * d
                    let c = div[r]
                    var dot = 0.0, squares = 0.0
                    for i in 0..<d { dot += Double(upstream[i]) * Double(row[i]); squares += Double(row[i]) * Double(row[i]) }
                    dgRows[r] = dot / Double(c)
                    if c > floor {
                        // c = ‖x‖/√d, so ∂(x_j / c)/∂x_i = (δ_ij − x_i x_j / ‖x‖²) / c
                        let k = Float(dot / squares)
                        for i in 0..<d { out[i] = gain / c * (upstream[i] - row[i] * k) }
                    } else {
                        for i in 0..<d { out[i] = gain / c * upstream[i] }
                    }
                } }
            }
        }
        g.grad[0] += Float(dg.reduce(0, +))
        return dx
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        state.parameters.append((prefix + "g", g))
    }
}
