import Foundation

/// MMEngine's parameter schedulers for the learning rate, chained multiplicatively.
///
/// Each scheduler is active for `begin ≤ step < end`, where a step is an iteration
/// (`byEpoch == false`) or an epoch. The learning rate at a point is the base rate times the
/// product of every scheduler's factor there, the closed form of MMEngine's chained updates.
public enum LRScheduler: Sendable, Equatable {
    /// `LinearLR(start_factor, end_factor, begin, end, by_epoch)`.
    case linear(startFactor: Double, endFactor: Double, begin: Int, end: Int, byEpoch: Bool)
    /// `MultiStepLR(milestones, gamma, begin, end, by_epoch)`.
    case multiStep(milestones: [Int], gamma: Double, begin: Int, end: Int, byEpoch: Bool)
    /// `ConstantLR(factor, begin, end, by_epoch)`.
    case constant(factor: Double, begin: Int, end: Int, byEpoch: Bool)

    /// The factor this scheduler contributes at 0-based `iteration` of 0-based `epoch`.
    public func factor(epoch: Int, iteration: Int) -> Double {
        switch self {
        case .linear(let s, let e, let begin, let end, let byEpoch):
            let step = byEpoch ? epoch : iteration
            if step < begin { return 1 }
            let total = max(1, end - begin - 1)
            let t = min(step - begin, total)
            return s + (e - s) * Double(t) / Double(total)
        case .multiStep(let milestones, let gamma, let begin, let end, let byEpoch):
            let step = byEpoch ? epoch : iteration
            // MMEngine counts steps from `begin`; a milestone m applies once m steps are done
            let last = min(step, end) - begin
            guard last > 0 else { return 1 }
            let passed = milestones.filter { $0 > 0 && $0 <= last }.count
            return pow(gamma, Double(passed))
        case .constant(let factor, let begin, let end, let byEpoch):
            let step = byEpoch ? epoch : iteration
            return step >= begin && step < end ? factor : 1
        }
    }

    /// The learning rate at 0-based `iteration` (global) in 0-based `epoch`.
    public static func learningRate(base: Double, schedulers: [LRScheduler], epoch: Int, iteration: Int) -> Double {
        schedulers.reduce(base) { $0 * $1.factor(epoch: epoch, iteration: iteration) }
    }
}
