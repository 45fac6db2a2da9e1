// One suffix for one idea: what a config's dict decodes to is a `*Spec`. The earlier names
// still compile, with a warning naming the new one.

/// The former name of `AdamSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "AdamSpec")
public typealias AdamSettings = AdamSpec
/// The former name of `SGDSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "SGDSpec")
public typealias SGDSettings = SGDSpec
/// The former name of `CheckpointHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "CheckpointHookSpec")
public typealias CheckpointHookSettings = CheckpointHookSpec
/// The former name of `DistSamplerSeedHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "DistSamplerSeedHookSpec")
public typealias DistSamplerSeedHookSettings = DistSamplerSeedHookSpec
/// The former name of `EMAHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "EMAHookSpec")
public typealias EMAHookSettings = EMAHookSpec
/// The former name of `InactiveHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "InactiveHookSpec")
public typealias InactiveHookSettings = InactiveHookSpec
/// The former name of `IterTimerHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "IterTimerHookSpec")
public typealias IterTimerHookSettings = IterTimerHookSpec
/// The former name of `LoggerHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "LoggerHookSpec")
public typealias LoggerHookSettings = LoggerHookSpec
/// The former name of `ParamSchedulerHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "ParamSchedulerHookSpec")
public typealias ParamSchedulerHookSettings = ParamSchedulerHookSpec
/// The former name of `SyncBuffersHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "SyncBuffersHookSpec")
public typealias SyncBuffersHookSettings = SyncBuffersHookSpec
/// The former name of `ValidationHookSpec`; it still compiles, with a deprecation warning naming the new one.
@available(*, deprecated, renamed: "ValidationHookSpec")
public typealias ValidationHookSettings = ValidationHookSpec
