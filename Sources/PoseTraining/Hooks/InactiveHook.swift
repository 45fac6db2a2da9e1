/// MMPose hooks a training config lists switched off (`PoseVisualizationHook(enable=False)`,
/// `BadCaseAnalysisHook(enable=False)`): accepted, and as in MMPose they do nothing then.
/// Enabling one is an error, since SwiftPose does not draw or analyse during training yet.
public struct InactiveHookSpec: HookSpec {
    /// The spec of a switched-off hook; the builder has read and ignored the hook's settings.
    public init() {}
    public func makeHook() throws -> Hook { InactiveHook() }
}

/// The hook `InactiveHookSpec` makes: it implements no stage, so it does nothing.
public final class InactiveHook: Hook {
    /// Makes the hook, which keeps no state.
    public init() {}
}
