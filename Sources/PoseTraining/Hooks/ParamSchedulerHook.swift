import PoseData

/// MMEngine's `ParamSchedulerHook`: steps iteration-based schedulers after every iteration and
/// epoch-based ones after every epoch; on a resumed run it replays the steps already taken.
public struct ParamSchedulerHookSpec: HookSpec {
    public init() {}
    public var defaultPriority: HookPriority { .low }
    public func makeHook() throws -> Hook { ParamSchedulerHook() }
}

public final class ParamSchedulerHook: Hook {
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
