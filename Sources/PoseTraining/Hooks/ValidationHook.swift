/// Runs validation after every `interval`-th epoch from epoch `begin` on, and after the last
/// (MMEngine's `ValLoop` as driven by `EpochBasedTrainLoop`). The trainer adds it, with the
/// lowest priority, when the config has `val_dataloader` and `val_evaluator`.
public struct ValidationHookSpec: HookSpec {
    public var interval: Int
    public var begin: Int

    public init(interval: Int, begin: Int = 1) { self.interval = interval; self.begin = begin }

    public var defaultPriority: HookPriority { .lowest }
    public func makeHook() throws -> Hook { ValidationHook(settings: self) }
}

public final class ValidationHook: Hook {
    public let settings: ValidationHookSpec

    public init(settings: ValidationHookSpec) { self.settings = settings }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        guard runner.epoch + 1 >= settings.begin, everyNEpochs(runner, max(1, settings.interval)) || isLastTrainEpoch(runner) else { return }
        _ = try runner.validate()
        try runner.communicator.barrier()
    }
}
