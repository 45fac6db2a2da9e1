/// MMPose hooks a training config lists switched off (`PoseVisualizationHook(enable=False)`,
/// `BadCaseAnalysisHook(enable=False)`): accepted, and as in MMPose they do nothing then.
/// Enabling one is an error, since SwiftPose does not draw or analyse during training yet.
public struct InactiveHookSpec: HookSpec {
    public init() {}
    public func makeHook() throws -> Hook { InactiveHook() }
}

public final class InactiveHook: Hook {
    public init() {}
}
