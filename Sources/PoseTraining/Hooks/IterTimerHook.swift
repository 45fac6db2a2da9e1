import PoseData
import PoseDistributed

/// MMEngine's `IterTimerHook`: the time spent waiting for each batch (`data_time`) and the
/// whole iteration (`time`), in seconds, for the logger.
public struct IterTimerHookSpec: HookSpec {
    /// The spec; the hook takes no settings (`timer=dict(type='IterTimerHook')`).
    public init() {}
    public func makeHook() throws -> Hook { IterTimerHook() }
}

/// The hook `IterTimerHookSpec` makes: it writes `data_time` (from the previous iteration's
/// end, or the epoch's start, until the batch is loaded) and `time` (the same start until the
/// iteration's hooks run) into `runner.messages`, in seconds.
public final class IterTimerHook: Hook {
    private var start = 0.0

    /// Makes the hook; its clock starts at each epoch.
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
