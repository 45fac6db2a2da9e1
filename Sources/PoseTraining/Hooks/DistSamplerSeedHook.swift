/// MMEngine's `DistSamplerSeedHook`: tells the sampler which epoch it shuffles for, so every
/// epoch sees a new order (the same on every rank).
public struct DistSamplerSeedHookSpec: HookSpec {
    /// The spec; the hook takes no settings (`sampler_seed=dict(type='DistSamplerSeedHook')`).
    public init() {}
    public func makeHook() throws -> Hook { DistSamplerSeedHook() }
}

/// The hook `DistSamplerSeedHookSpec` makes: `beforeTrainEpoch` sets `runner.samplerEpoch`
/// to `runner.epoch`.
public final class DistSamplerSeedHook: Hook {
    /// Makes the hook, which keeps no state.
    public init() {}
    public func beforeTrainEpoch(_ runner: Trainer) throws { runner.samplerEpoch = runner.epoch }
}
