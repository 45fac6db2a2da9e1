/// MMEngine's `DistSamplerSeedHook`: tells the sampler which epoch it shuffles for, so every
/// epoch sees a new order (the same on every rank).
public struct DistSamplerSeedHookSpec: HookSpec {
    public init() {}
    public func makeHook() throws -> Hook { DistSamplerSeedHook() }
}

public final class DistSamplerSeedHook: Hook {
    public init() {}
    public func beforeTrainEpoch(_ runner: Trainer) throws { runner.samplerEpoch = runner.epoch }
}
