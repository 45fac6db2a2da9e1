/// MMEngine's `SyncBuffersHook`: averages the BatchNorm running statistics over ranks after
/// every epoch (before checkpoints and validation see them).
public struct SyncBuffersHookSpec: HookSpec {
    public init() {}
    public func makeHook() throws -> Hook { SyncBuffersHook() }
}

public final class SyncBuffersHook: Hook {
    public init() {}
    public func afterTrainEpoch(_ runner: Trainer) throws { try runner.syncBuffers() }
}
