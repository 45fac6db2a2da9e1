import Foundation
import PoseTensor

/// DWPose's logit distillation, MMPose's `KDLoss(name, use_this, weight)`: the student's SimCC
/// logits `N × K × B` pulled towards the teacher's on each axis,
/// `weight · mean_N Σ_K KL(softmax(β·teacher) ‖ softmax(β·student))`, the x and y terms summed
/// and divided by K. β is the student head's `KLDiscretLoss` β; the teacher's logits carry no
/// gradient. MMPose passes the keypoint weights but does not use them, and neither does this.
public struct KDLoss: Sendable, Equatable {
    /// The loss's factor (`weight`, default 1).
    public var weight: Float

    /// A loss scaled by `weight` (MMPose's default 1).
    public init(weight: Float = 1) { self.weight = weight }

    /// The loss of the student's logits against the teacher's, both axes; adds `scale` times its
    /// gradient with respect to the student's logits into `gradients`.
    /// - Parameters:
    ///   - student: the student's logits, `N × K × Wx` and `N × K × Hy`.
    ///   - teacher: the teacher's logits, the same shapes.
    ///   - beta: the temperature on both (the student head's KLDiscretLoss β).
    ///   - scale: a factor on the returned loss and its gradient (DWPose's decay over epochs).
    ///   - gradients: `N × K × Wx` and `N × K × Hy`, added into.
    /// - Throws: `ModelError` when the teacher's logits are not the student's shapes.
    public func callAsFunction(student: (x: Tensor, y: Tensor), teacher: (x: Tensor, y: Tensor), beta: Float, scale: Float,
                               gradients: (x: Tensor, y: Tensor)) throws -> Float {
        guard student.x.shape == teacher.x.shape, student.y.shape == teacher.y.shape, student.x.shape.count == 3 else {
            throw ModelError("KDLoss: the teacher's SimCC logits are \(teacher.x.shape) and \(teacher.y.shape), the student's \(student.x.shape) and \(student.y.shape); teacher and student need the same keypoints, input_size and simcc_split_ratio")
        }
        let k = student.x.shape[1]
        let x = axis(student.x, teacher.x, beta: beta, scale: scale / Float(k), gradient: gradients.x)
        let y = axis(student.y, teacher.y, beta: beta, scale: scale / Float(k), gradient: gradients.y)
        return scale * (x + y) / Float(k)
    }

    /// `weight · mean_N Σ_K KL` on one axis; adds `scale` times its gradient into `gradient`.
    private func axis(_ s: Tensor, _ t: Tensor, beta: Float, scale: Float, gradient: Tensor) -> Float {
        let (n, bins) = (s.shape[0], s.shape[2])
        let rows = n * s.shape[1]
        var perRow = [Double](repeating: 0, count: rows)
        let factor = Double(weight) / Double(n)
        let (sp, tp, gp) = (s.data, t.data, gradient.data)
        perRow.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            ParallelLoop.run(rows, grain: ParallelLoop.grain(perItem: 4 * bins)) { range in
                var logS = [Double](repeating: 0, count: bins), logT = [Double](repeating: 0, count: bins)
                for r in range {
                    KLDiscretLoss.logSoftmax(sp + r * bins, beta: beta, count: bins, into: &logS)
                    KLDiscretLoss.logSoftmax(tp + r * bins, beta: beta, count: bins, into: &logT)
                    var kl = 0.0
                    let g = gp + r * bins
                    for i in 0..<bins {
                        let ti = exp(logT[i])
                        // PyTorch's kl_div: t·(log t − log s), 0 where t underflows to 0
                        if ti > 0 { kl += ti * (logT[i] - logS[i]) }
                        // d/dlogit of −Σ t·log softmax(β·logit) = β·(softmax − t), Σ t = 1
                        g[i] += Float(factor * Double(scale) * Double(beta) * (exp(logS[i]) - ti))
                    }
                    out[r] = kl
                }
            }
        }
        return Float(factor * perRow.reduce(0, +))
    }
}
