import Foundation
import PoseNN

/// MMEngine's `optim_wrapper.clip_grad=dict(max_norm, norm_type=2)`: PyTorch's
/// `clip_grad_norm_` over the optimizer's parameters, applied after the gradient allreduce, so
/// the norm is of the gradient every rank steps with.
public struct GradientClipping: Sendable, Equatable {
    public var maxNorm: Double
    /// The p of the p-norm; `.infinity` for the largest magnitude.
    public var normType: Double

    public init(maxNorm: Double, normType: Double = 2) {
        self.maxNorm = maxNorm
        self.normType = normType
    }

    /// Scales the trainable gradients of `groups` by `min(1, maxNorm / (norm + 1e-6))` as
    /// `torch.nn.utils.clip_grad_norm_` does; returns the norm before clipping.
    @discardableResult
    public func clip(_ arena: ParameterArena, groups: [ParameterGroup]) -> Double {
        var accumulated = 0.0
        arena.forEachTrainable(in: groups) { _, offset, count in
            let g = arena.gradients.data + offset
            if normType == .infinity {
                for i in 0..<count { accumulated = Swift.max(accumulated, Double(abs(g[i]))) }
            } else {
                for i in 0..<count { accumulated += Foundation.pow(Double(abs(g[i])), normType) }
            }
        }
        let norm = normType == .infinity ? accumulated : Foundation.pow(accumulated, 1 / normType)
        let coefficient = Float(Swift.min(1, maxNorm / (norm + 1e-6)))
        if coefficient < 1 {
            arena.forEachTrainable(in: groups) { _, offset, count in
                let g = arena.gradients.data + offset
                for i in 0..<count { g[i] *= coefficient }
            }
        }
        return norm
    }
}
