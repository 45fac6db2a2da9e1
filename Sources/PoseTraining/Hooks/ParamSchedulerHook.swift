import PoseData

/// MMEngine's `ParamSchedulerHook`: steps iteration-based schedulers after every iteration and
/// epoch-based ones after every epoch; on a resumed run it replays the steps already taken.
public struct ParamSchedulerHookSpec: HookSpec {
    /// The spec; the hook takes no settings (`param_scheduler=dict(type='ParamSchedulerHook')`).
    public init() {}
    public var defaultPriority: HookPriority { .low }
    public func makeHook() throws -> Hook { ParamSchedulerHook() }
}

/// The hook `ParamSchedulerHookSpec` makes: it steps `runner.schedule` with `step(byEpoch:)`
/// after each iteration and each epoch, and in `beforeRun` replays the steps of a resumed
/// run's completed epochs and iterations with `advance(epochs:iterationsPerEpoch:iterations:)`.
public final class ParamSchedulerHook: Hook {
    /// Makes the hook; the schedule it steps is the runner's.
    public init() {}

    public func beforeRun(_ runner: Trainer) throws {
        runner.schedule.advance(epochs: runner.completed.epoch, iterationsPerEpoch: runner.iterationsPerEpoch,
                                iterations: runner.completed.innerIteration)
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        runner.schedule.step(byEpoch: false)
    }

    public func afterTrainEpoch(_ runner: Trainer) throws { runner.schedule.step(byEpoch: true) }
}
