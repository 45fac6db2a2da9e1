import PoseData

/// MMEngine's `IterTimerHook`: the time spent waiting for each batch (`data_time`) and the
/// whole iteration (`time`), in seconds, for the logger.
public struct IterTimerHookSettings: HookSpec {
    public init() {}
    public func makeHook() throws -> Hook { IterTimerHook() }
}

public final class IterTimerHook: Hook {
    private var start = 0.0

    public init() {}

    public func beforeTrainEpoch(_ runner: Trainer) throws { start = monotonicClock() }

    public func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws {
        runner.messages["data_time"] = monotonicClock() - start
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        let now = monotonicClock()
        runner.messages["time"] = now - start
        start = now
    }
}
