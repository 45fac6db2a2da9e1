import Foundation
import PoseNN
import PoseTensor

/// MMEngine's `optim_wrapper.clip_grad=dict(max_norm, norm_type=2)`: PyTorch's
/// `clip_grad_norm_` over the optimizer's parameters, applied after the gradient allreduce, so
/// the norm is of the gradient every rank steps with.
public struct GradientClipping: Sendable, Equatable {
    /// `max_norm`: the largest total gradient norm kept; larger norms scale the gradients down to it.
    public var maxNorm: Double
    /// The p of the p-norm; `.infinity` for the largest magnitude.
    public var normType: Double

    /// Clipping at `maxNorm`.
    ///
    /// - Parameters:
    ///   - maxNorm: `max_norm`, the largest total norm.
    ///   - normType: `norm_type`, the p of the p-norm; 2 by default, `.infinity` for the
    ///     largest magnitude.
    public init(maxNorm: Double, normType: Double = 2) {
        self.maxNorm = maxNorm
        self.normType = normType
    }

    /// Scales the trainable gradients of `groups` by `min(1, maxNorm / (norm + 1e-6))` as
    /// `torch.nn.utils.clip_grad_norm_` does; returns the norm before clipping.
    ///
    /// - Parameters:
    ///   - arena: The arena whose `gradients` are scaled in place.
    ///   - groups: The optimizer's groups; parameters without `requiresGrad` are left out.
    /// - Returns: The total `normType`-norm of the gradients before clipping (logged as `grad_norm`).
    @discardableResult
    public func clip(_ arena: ParameterArena, groups: [ParameterGroup]) -> Double {
        var accumulated = 0.0
        let gradients = arena.gradients.data, p = normType
        arena.forEachTrainable(in: groups) { _, offset, count in
            let g = gradients + offset
            if p == .infinity {
                accumulated = Swift.max(accumulated, ParallelLoop.blockReduce(count, initial: 0, Swift.max) { range in
                    range.reduce(0.0) { Swift.max($0, Double(abs(g[$1]))) }
                })
            } else {
                accumulated += ParallelLoop.blockReduce(count, initial: 0, +) { range in
                    p == 2 ? range.reduce(0.0) { $0 + Double(g[$1]) * Double(g[$1]) }
                           : range.reduce(0.0) { $0 + Foundation.pow(Double(abs(g[$1])), p) }
                }
            }
        }
        let norm = p == .infinity ? accumulated : Foundation.pow(accumulated, 1 / p)
        let coefficient = Float(Swift.min(1, maxNorm / (norm + 1e-6)))
        if coefficient < 1 {
            arena.forEachTrainable(in: groups) { _, offset, count in
                ElementwiseKernels.scale(gradients + offset, by: coefficient, count: count)
            }
        }
        return norm
    }
}
