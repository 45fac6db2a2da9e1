/// Runs validation after every `interval`-th epoch from epoch `begin` on, and after the last
/// (MMEngine's `ValLoop` as driven by `EpochBasedTrainLoop`). The trainer adds it, with the
/// lowest priority, when the config has `val_dataloader` and `val_evaluator`.
public struct ValidationHookSpec: HookSpec {
    /// `train_cfg`'s `val_interval`: validate after every epoch whose number (from 1) is a
    /// multiple of it, from `begin` on; values below 1 act as 1.
    public var interval: Int
    /// `train_cfg`'s `val_begin`: the first epoch (counted from 1) that is validated; 1 by default.
    public var begin: Int

    /// Validation every `interval` epochs from epoch `begin`, and after the last epoch.
    ///
    /// - Parameters:
    ///   - interval: `val_interval`, in epochs.
    ///   - begin: `val_begin`, the first epoch (from 1) that may be validated.
    public init(interval: Int, begin: Int = 1) { self.interval = interval; self.begin = begin }

    public var defaultPriority: HookPriority { .lowest }
    public func makeHook() throws -> Hook { ValidationHook(settings: self) }
}

/// The hook `ValidationHookSpec` makes: after each validation epoch `afterTrainEpoch` runs
/// `runner.validate()` on every rank, then waits at a barrier for all of them.
public final class ValidationHook: Hook {
    /// The spec it was made from (`interval`, `begin`).
    public let settings: ValidationHookSpec

    /// Makes the hook for `settings`; it keeps no other state.
    public init(settings: ValidationHookSpec) { self.settings = settings }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        guard runner.epoch + 1 >= settings.begin, everyNEpochs(runner, max(1, settings.interval)) || isLastTrainEpoch(runner) else { return }
        _ = try runner.validate()
        try runner.communicator.barrier()
    }
}
