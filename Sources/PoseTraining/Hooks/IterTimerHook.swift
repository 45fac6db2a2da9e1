import PoseData
import PoseDistributed

/// MMEngine's `IterTimerHook`: the time spent waiting for each batch (`data_time`) and the
/// whole iteration (`time`), in seconds, for the logger.
public struct IterTimerHookSpec: HookSpec {
    public init() {}
    public func makeHook() throws -> Hook { IterTimerHook() }
}

public final class IterTimerHook: Hook {
    private var start = 0.0

    public init() {}

    public func beforeTrainEpoch(_ runner: Trainer) throws { start = monotonicSeconds() }

    public func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws {
        runner.messages["data_time"] = monotonicSeconds() - start
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        let now = monotonicSeconds()
        runner.messages["time"] = now - start
        start = now
    }
}
