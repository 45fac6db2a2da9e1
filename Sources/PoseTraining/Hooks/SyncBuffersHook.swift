/// MMEngine's `SyncBuffersHook`: averages the BatchNorm running statistics over ranks after
/// every epoch (before checkpoints and validation see them).
public struct SyncBuffersHookSpec: HookSpec {
    /// The spec; the hook takes no settings (`sync_buffers=dict(type='SyncBuffersHook')`).
    public init() {}
    public func makeHook() throws -> Hook { SyncBuffersHook() }
}

/// The hook `SyncBuffersHookSpec` makes: `afterTrainEpoch` calls `runner.syncBuffers()`,
/// which does nothing on a single rank.
public final class SyncBuffersHook: Hook {
    /// Makes the hook, which keeps no state.
    public init() {}
    public func afterTrainEpoch(_ runner: Trainer) throws { try runner.syncBuffers() }
}
