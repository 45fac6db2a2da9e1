import Foundation

/// A learning-rate or momentum scheduler (MMEngine's `PARAM_SCHEDULERS`), chained with the
/// others of the same `scheduledValue` on the optimizer's current value as MMEngine chains them.
///
/// Contract for an implementation: MMEngine's `_ParamScheduler`. The scheduler acts on steps
/// `begin ≤ step < end`, counted in epochs (`byEpoch`) or iterations. On each step in that
/// range its `lastStep` grows by one (0 on its first active step) and every group's value
/// becomes `value(lastStep:current:initial:)`, where `current` is the value the schedulers
/// before it left there and `initial` the group's starting value: the chainable form of
/// `_get_value`.
public protocol ParameterScheduler: Sendable {
    /// `begin`: the first step it acts on, in epochs or iterations as `byEpoch` says; 0 by default.
    var begin: Int { get }
    /// `end`: the step it stops before; `schedulerNoEnd` when the config gives none, which the
    /// trainer replaces with `max_epochs` (× the iterations per epoch when counted in iterations).
    var end: Int { get }
    /// `by_epoch`: whether `begin`, `end` and its own step counts are epochs (stepped after each
    /// epoch) or iterations (stepped after each iteration); true by default.
    var byEpoch: Bool { get }
    /// The value a group takes on one active step (MMEngine's chainable `_get_value`).
    ///
    /// - Parameters:
    ///   - lastStep: The scheduler's active steps before this one: 0 on its first.
    ///   - current: The group's value now, as the schedulers before this one left it.
    ///   - initial: The group's starting value (`initial_lr` or `initial_momentum`).
    /// - Returns: The group's new value.
    func value(lastStep: Int, current: Double, initial: Double) -> Double
    /// MMEngine's `convert_to_iter_based=True`: an epoch-based config that steps every iteration
    /// (a `RangedScheduler` is converted; others are used as they are).
    var convertToIterBased: Bool { get }
    /// What it sets in every parameter group.
    var scheduledValue: ScheduledValue { get }
}

extension ParameterScheduler {
    public var convertToIterBased: Bool { false }
    public var scheduledValue: ScheduledValue { .learningRate }
}

/// The group value a scheduler sets (MMEngine's `param_name`).
public enum ScheduledValue: Sendable {
    /// `lr`, from `initial_lr`.
    case learningRate
    /// SGD's `momentum` or Adam's first beta, from `initial_momentum`.
    case momentum
}

/// MMEngine's `*Momentum` schedulers: the learning-rate scheduler's formula applied to each
/// group's momentum (SGD) or first beta (Adam), e.g. `CosineAnnealingMomentum` is
/// `MomentumScheduler(CosineAnnealingLR(...))`.
public struct MomentumScheduler<Base: RangedScheduler>: RangedScheduler {
    /// The learning-rate scheduler whose formula, range and `by_epoch` it uses.
    public var base: Base

    /// `base`'s formula applied to the momentum: `CosineAnnealingMomentum` is
    /// `MomentumScheduler(CosineAnnealingLR(...))`.
    public init(_ base: Base) { self.base = base }

    public var begin: Int { get { base.begin } set { base.begin = newValue } }
    public var end: Int { get { base.end } set { base.end = newValue } }
    public var byEpoch: Bool { get { base.byEpoch } set { base.byEpoch = newValue } }
    public var convertToIterBased: Bool { get { base.convertToIterBased } set { base.convertToIterBased = newValue } }
    public var scheduledValue: ScheduledValue { .momentum }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        base.value(lastStep: lastStep, current: current, initial: initial)
    }

    public func scalingSteps(by epochLength: Int) -> Self { MomentumScheduler(base.scalingSteps(by: epochLength)) }
}

/// A scheduler with settable `begin`/`end`/`by_epoch`: MMEngine's runner fills in a missing
/// `end` (`max_epochs`, or the run's iterations for an iteration-based one), and
/// `build_iter_from_epoch` scales the range and the scheduler's own step counts.
public protocol RangedScheduler: ParameterScheduler {
    /// `begin`, settable for the conversion to iterations.
    var begin: Int { get set }
    /// `end`, settable for the runner to fill in a missing one and for the conversion to iterations.
    var end: Int { get set }
    /// `by_epoch`, settable for the conversion to iterations.
    var byEpoch: Bool { get set }
    var convertToIterBased: Bool { get set }
    /// The scheduler with its own step counts (T_max, step_size, milestones) × `epochLength`.
    func scalingSteps(by epochLength: Int) -> Self
}

extension RangedScheduler {
    public func scalingSteps(by epochLength: Int) -> Self { self }

    /// This scheduler with `end` set, as MMEngine's runner sets a missing one.
    public func ending(at end: Int) -> Self {
        var s = self
        s.end = end
        return s
    }

    /// This scheduler counted in iterations of an epoch of `epochLength` (MMEngine's
    /// `build_iter_from_epoch`: `begin`, `end` and the scheduler's own step counts × epochLength).
    public func iterationBased(epochLength: Int) -> Self {
        var s = scalingSteps(by: epochLength)
        (s.begin, s.end) = iterationRange(begin: begin, end: end, epochLength: epochLength)
        s.byEpoch = false
        s.convertToIterBased = false
        return s
    }
}

/// The conversion every scheduler shares: `begin` and a finite `end` scaled, `by_epoch` off.
func iterationRange(begin: Int, end: Int, epochLength: Int) -> (Int, Int) {
    (begin * epochLength, end == schedulerNoEnd ? end : end * epochLength)
}

/// Python's `%` (the result takes the divisor's sign).
func pythonModulo(_ a: Int, _ m: Int) -> Int { ((a % m) + m) % m }

/// MMEngine's "no end" for schedulers (`INF = int(1e9)`).
public let schedulerNoEnd = 1_000_000_000

/// MMEngine's `LinearLR(start_factor=1/3, end_factor=1, begin, end, by_epoch)`.
public struct LinearLR: RangedScheduler {
    /// `start_factor`: the rate's factor on the first step, in (0, 1]; 1/3 by default.
    public var startFactor = 1.0 / 3
    /// `end_factor`: the factor reached on the last step (`end − 1`), in [0, 1]; 1 by default.
    public var endFactor = 1.0
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// MMEngine's defaults: from 1/3 of the rate to the full rate, from step 0 to a missing `end`
    /// (filled in by the runner), by epoch.
    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        if lastStep == 0 { return current * startFactor }
        let total = Double(end - begin - 1)
        return current * (1 + (endFactor - startFactor) / (total * startFactor + Double(lastStep - 1) * (endFactor - startFactor)))
    }
}

/// MMEngine's `MultiStepLR(milestones, gamma=0.1, begin, end, by_epoch)`: × gamma at each
/// milestone (counted from `begin`; a repeated milestone applies gamma as often).
public struct MultiStepLR: RangedScheduler {
    /// `milestones`: the steps, counted from `begin`, at which the rate is multiplied by `gamma`.
    public var milestones: [Int]
    /// `gamma`: the factor at each milestone; 0.1 by default.
    public var gamma = 0.1
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// MMEngine's defaults with `milestones`: gamma 0.1, from step 0 to a missing `end`, by epoch.
    public init(milestones: [Int]) { self.milestones = milestones }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        let hits = milestones.filter { $0 == lastStep }.count
        return hits == 0 ? current : current * Foundation.pow(gamma, Double(hits))
    }

    public func scalingSteps(by epochLength: Int) -> Self {
        var s = self
        s.milestones = milestones.map { $0 * epochLength }
        return s
    }
}

/// MMEngine's `ConstantLR(factor=1/3, begin, end, by_epoch)`: × factor from its first step,
/// restored on its last (`lastStep == end − begin − 1`).
public struct ConstantLR: RangedScheduler {
    /// `factor`: the rate's factor from the first step until the last, in (0, 1]; 1/3 by default.
    public var factor = 1.0 / 3
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// MMEngine's defaults: factor 1/3, from step 0 to a missing `end` (filled in by the runner),
    /// by epoch.
    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        if lastStep == 0 { return current * factor }
        return lastStep == end - begin - 1 ? current / factor : current
    }
}

/// MMEngine's `CosineAnnealingLR(T_max=end−begin, eta_min=0 | eta_min_ratio, begin, end, by_epoch)`
/// in its chainable form; `eta_min_ratio` is relative to each group's initial rate.
public struct CosineAnnealingLR: RangedScheduler {
    /// The half period in steps; nil means `end − begin`.
    public var tMax: Int?
    /// `eta_min`: the lowest rate, reached after `tMax` steps; 0 by default, unused when
    /// `etaMinRatio` is set.
    public var etaMin = 0.0
    /// `eta_min_ratio`: the lowest rate as a fraction of each group's initial rate; nil uses `etaMin`.
    public var etaMinRatio: Double?
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// MMEngine's defaults: `T_max` = `end − begin`, `eta_min` 0, from step 0 to a missing `end`,
    /// by epoch.
    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        let t = Double(tMax ?? (end - begin)), period = tMax ?? (end - begin)
        let floor = etaMinRatio.map { initial * $0 } ?? etaMin
        if lastStep == 0 { return current }
        if pythonModulo(lastStep - 1 - period, 2 * period) == 0 {
            return current + (initial - floor) * (1 - cos(Double.pi / t)) / 2
        }
        return (1 + cos(Double.pi * Double(lastStep) / t)) / (1 + cos(Double.pi * Double(lastStep - 1) / t)) * (current - floor) + floor
    }

    public func scalingSteps(by epochLength: Int) -> Self {
        var s = self
        s.tMax = tMax.map { $0 * epochLength }
        return s
    }
}

/// MMEngine's `ExponentialLR(gamma, begin, end, by_epoch)`: × gamma every step after the first.
public struct ExponentialLR: RangedScheduler {
    /// `gamma`: the factor applied on every step after the first.
    public var gamma: Double
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// A decay by `gamma` per step, from step 0 to a missing `end`, by epoch.
    public init(gamma: Double) { self.gamma = gamma }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        lastStep == 0 ? current : current * gamma
    }
}

/// MMEngine's `StepLR(step_size, gamma=0.1, begin, end, by_epoch)`: × gamma every `step_size` steps.
public struct StepLR: RangedScheduler {
    /// `step_size`: the number of steps between two decays, counted from `begin`.
    public var stepSize: Int
    /// `gamma`: the factor at each decay; 0.1 by default.
    public var gamma = 0.1
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// A decay by 0.1 every `stepSize` steps, from step 0 to a missing `end`, by epoch.
    public init(stepSize: Int) { self.stepSize = stepSize }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        lastStep == 0 || lastStep % stepSize != 0 ? current : current * gamma
    }

    public func scalingSteps(by epochLength: Int) -> Self {
        var s = self
        s.stepSize = stepSize * epochLength
        return s
    }
}

/// MMEngine's `PolyLR(eta_min=0, power=1, begin, end, by_epoch)` over `end − begin − 1` steps.
public struct PolyLR: RangedScheduler {
    /// `eta_min`: the rate reached on the last step; 0 by default.
    public var etaMin = 0.0
    /// `power`: the polynomial's exponent; 1 (a linear decay) by default.
    public var power = 1.0
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// MMEngine's defaults: a linear decay (`power` 1) to 0, from step 0 to a missing `end`, by epoch.
    public init() {}

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        if lastStep == 0 { return current }
        let total = end - begin - 1
        return (current - etaMin) * pow(1 - 1 / Double(total - lastStep + 1), power) + etaMin
    }
}

/// MMPose's `QuadraticWarmupLR(begin, end, by_epoch)`: the rate grows as ((step+1)/(end−begin))²
/// of the initial rate (`end` must be finite).
public struct QuadraticWarmupLR: RangedScheduler {
    public var begin = 0
    public var end: Int
    public var byEpoch = true
    public var convertToIterBased = false

    /// A warm-up from step 0 to `end` (exclusive), by epoch.
    ///
    /// - Parameter end: The step the warm-up stops before; the stock builder passes
    ///   `schedulerNoEnd`, replaced by the config's `end` or by the run's length.
    public init(end: Int) { self.end = end }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        let total = Double(end - begin)
        let increment = initial * Double(2 * lastStep + 1) / (total * total)
        return lastStep == 0 ? increment : current + increment
    }
}

/// MMEngine's `OneCycleLR(eta_max, total_steps=end−begin, pct_start=0.3, anneal_strategy='cos',
/// div_factor=25, final_div_factor=1e4, three_phase=False)`: from eta_max/div_factor up to
/// eta_max and down to eta_max/div_factor/final_div_factor, whatever the optimizer's rate.
public struct OneCycleLR: RangedScheduler {
    /// `eta_max`: the peak rate, reached after `pctStart` of the cycle.
    public var etaMax: Double
    /// `total_steps`: the cycle's length in steps; nil means `end − begin`.
    public var totalSteps: Int?
    /// `pct_start`: the fraction of the cycle that raises the rate; 0.3 by default.
    public var pctStart = 0.3
    /// `anneal_strategy`: cosine annealing between the phases' rates (`'cos'`, true, the default)
    /// or linear (`'linear'`, false).
    public var cosine = true
    /// `div_factor`: the cycle starts at `etaMax / divFactor`; 25 by default.
    public var divFactor = 25.0
    /// `final_div_factor`: the cycle ends at its starting rate / `finalDivFactor`; 1e4 by default.
    public var finalDivFactor = 1e4
    /// `three_phase`: after the peak, back down to the starting rate in as many steps, then down to
    /// the final rate (false: straight from the peak to the final rate).
    public var threePhase = false
    public var begin = 0
    public var end = schedulerNoEnd
    public var byEpoch = true
    public var convertToIterBased = false

    /// A cycle peaking at `etaMax`, with MMEngine's defaults for the rest, over `end − begin` steps.
    public init(etaMax: Double) { self.etaMax = etaMax }

    public func value(lastStep: Int, current: Double, initial: Double) -> Double {
        let total = Double(totalSteps ?? (end - begin))
        let low = etaMax / divFactor, floor = low / finalDivFactor
        let phases: [(end: Double, from: Double, to: Double)] = threePhase
            ? [(pctStart * total - 1, low, etaMax), (2 * pctStart * total - 2, etaMax, low), (total - 1, low, floor)]
            : [(pctStart * total - 1, low, etaMax), (total - 1, etaMax, floor)]
        var start = 0.0
        for (i, phase) in phases.enumerated() {
            if Double(lastStep) <= phase.end || i == phases.count - 1 {
                let pct = (Double(lastStep) - start) / (phase.end - start)
                return cosine ? phase.to + (phase.from - phase.to) / 2 * (cos(Double.pi * pct) + 1)
                              : (phase.to - phase.from) * pct + phase.from
            }
            start = phase.end
        }
        return current
    }

    public func scalingSteps(by epochLength: Int) -> Self {
        var s = self
        s.totalSteps = totalSteps.map { $0 * epochLength }
        return s
    }
}
