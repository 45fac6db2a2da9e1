/// The learning-rate and momentum schedulers of a run, stepping an optimizer's groups as
/// MMEngine does: each scheduler steps once when it is built (in list order), then
/// `ParamSchedulerHook` steps the iteration-based ones after every iteration and the
/// epoch-based ones after every epoch.
public final class ParameterSchedule {
    /// The schedulers in the config's order, with a missing `end` filled in and
    /// `convert_to_iter_based` ones converted to iterations.
    public let schedulers: [any ParameterScheduler]
    /// The optimizer whose groups' `learningRate` and `momentum` the schedulers set.
    public let optimizer: Optimizer
    /// Each scheduler's `_global_step` and `last_step`.
    private var globalSteps: [Int]
    private var lastSteps: [Int]

    /// Resets the groups to their initial rates and momenta and takes the construction step.
    /// As MMEngine's runner does, a scheduler without `end` ends at `maxEpochs` (× `epochLength`
    /// when counted in iterations), and one with `convertToIterBased` is converted with
    /// `epochLength`. Throws if a momentum scheduler meets an optimizer without momentum.
    ///
    /// - Parameters:
    ///   - schedulers: The `param_scheduler` entries, in the config's order.
    ///   - optimizer: The optimizer whose groups they set.
    ///   - epochLength: Iterations per epoch, for the conversion to iterations.
    ///   - maxEpochs: `max_epochs`, the `end` of schedulers without one; nil leaves it unset
    ///     (`schedulerNoEnd`).
    /// - Throws: `TrainingError` when a momentum scheduler meets an optimizer without momentum.
    public init(_ schedulers: [any ParameterScheduler], optimizer: Optimizer, epochLength: Int = 1, maxEpochs: Int? = nil) throws {
        try ParameterSchedule.check(schedulers, for: optimizer)
        self.schedulers = schedulers.map { scheduler in
            guard let ranged = scheduler as? any RangedScheduler else { return scheduler }
            return ParameterSchedule.prepared(ranged, epochLength: epochLength, maxEpochs: maxEpochs)
        }
        self.optimizer = optimizer
        globalSteps = Array(repeating: -1, count: schedulers.count)
        lastSteps = Array(repeating: -1, count: schedulers.count)
        for g in optimizer.groups.indices {
            optimizer.groups[g].learningRate = optimizer.groups[g].initialLearningRate
            optimizer.groups[g].momentum = optimizer.groups[g].initialMomentum
        }
        for i in schedulers.indices { step(i) }
    }

    /// Throws if a momentum scheduler meets an optimizer that has no momentum to set.
    ///
    /// - Throws: `TrainingError` when any of `schedulers` sets the momentum and `optimizer`
    ///   does not use `usesGroupMomentum`.
    public static func check(_ schedulers: [any ParameterScheduler], for optimizer: Optimizer) throws {
        if schedulers.contains(where: { $0.scheduledValue == .momentum }) && !optimizer.usesGroupMomentum {
            throw TrainingError("param_scheduler: momentum schedulers need an optimizer with momentum or betas (SGD, Adam, AdamW); \(type(of: optimizer)) has neither")
        }
    }

    /// A missing `end` filled in, then the conversion to iterations when asked for.
    private static func prepared<S: RangedScheduler>(_ scheduler: S, epochLength: Int, maxEpochs: Int?) -> any ParameterScheduler {
        var s = scheduler
        if let maxEpochs, s.end == schedulerNoEnd { s = s.ending(at: s.byEpoch ? maxEpochs : maxEpochs * epochLength) }
        return s.convertToIterBased ? s.iterationBased(epochLength: epochLength) : s
    }

    /// Steps every scheduler counted in epochs (`byEpoch`) or in iterations.
    public func step(byEpoch: Bool) {
        for i in schedulers.indices where schedulers[i].byEpoch == byEpoch { step(i) }
    }

    /// Replays the steps of `epochs` whole epochs of `iterationsPerEpoch` iterations and
    /// `iterations` more, as a run resumed at that point must see them.
    public func advance(epochs: Int, iterationsPerEpoch: Int, iterations: Int = 0) {
        for _ in 0..<max(0, epochs) {
            for _ in 0..<iterationsPerEpoch { step(byEpoch: false) }
            step(byEpoch: true)
        }
        for _ in 0..<max(0, iterations) { step(byEpoch: false) }
    }

    /// The first group's current rate (the one logs show, as MMEngine's `lr`).
    public var learningRate: Double { optimizer.groups.first?.learningRate ?? 0 }

    /// The first group's current momentum (SGD) or first beta (Adam).
    public var momentum: Double { optimizer.groups.first?.momentum ?? 0 }

    private func step(_ i: Int) {
        let s = schedulers[i]
        globalSteps[i] += 1
        guard s.begin <= globalSteps[i] && globalSteps[i] < s.end else { return }
        lastSteps[i] += 1
        for g in optimizer.groups.indices {
            let group = optimizer.groups[g]
            switch s.scheduledValue {
            case .learningRate:
                optimizer.groups[g].learningRate = s.value(lastStep: lastSteps[i], current: group.learningRate,
                                                           initial: group.initialLearningRate)
            case .momentum:
                optimizer.groups[g].momentum = s.value(lastStep: lastSteps[i], current: group.momentum,
                                                       initial: group.initialMomentum)
            }
        }
    }
}
