import Foundation

/// A learning-rate scheduler (MMEngine's `PARAM_SCHEDULERS`), chained with the others on the
/// optimizer's current value as MMEngine chains them.
///
/// Contract for an implementation: MMEngine's `_ParamScheduler`. The scheduler acts on steps
/// `begin ≤ step < end`, counted in epochs (`byEpoch`) or iterations. On each step in that
/// range its `lastStep` grows by one (0 on its first active step) and every group's value
/// becomes `value(lastStep:current:initial:)`, where `current` is the value the schedulers
/// before it left there and `initial` the group's starting value: the chainable form of
/// `_get_value`.
public protocol ParameterScheduler: Sendable {
    var begin: Int { get }
    var end: Int { get }
    var byEpoch: Bool { get }
    func value(lastStep: Int, current: Double, initial: Double) -> Double
}

/// MMEngine's "no end" for schedulers (`INF = int(1e9)`).
public let schedulerNoEnd = 1_000_000_000

/// MMEngine's `LinearLR(start_factor=1/3, end_factor=1, begin, end, by_epoch)`.
public struct LinearLR: ParameterScheduler {
    public var startFactor = 1.0 / 3
    public var endFactor = 1.0
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true

    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        if lastStep == 0 { return current * startFactor }
        let total = Double(end - begin - 1)
        return current * (1 + (endFactor - startFactor) / (total * startFactor + Double(lastStep - 1) * (endFactor - startFactor)))
    }
}

/// MMEngine's `MultiStepLR(milestones, gamma=0.1, begin, end, by_epoch)`: × gamma at each
/// milestone (counted from `begin`; a repeated milestone applies gamma as often).
public struct MultiStepLR: ParameterScheduler {
    public var milestones: [Int]
    public var gamma = 0.1
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true

    public init(milestones: [Int]) { self.milestones = milestones }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        let hits = milestones.filter { $0 == lastStep }.count
        return hits == 0 ? current : current * Foundation.pow(gamma, Double(hits))
    }
}

/// MMEngine's `ConstantLR(factor=1/3, begin, end, by_epoch)`: × factor from its first step,
/// restored on its last (`lastStep == end − begin − 1`).
public struct ConstantLR: ParameterScheduler {
    public var factor = 1.0 / 3
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true

    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        if lastStep == 0 { return current * factor }
        return lastStep == end - begin - 1 ? current / factor : current
    }
}
