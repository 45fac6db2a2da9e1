// One suffix for one idea: what a config's dict decodes to is a `*Spec`. The earlier names
// still compile, with a warning naming the new one.

@available(*, deprecated, renamed: "AdamSpec")
public typealias AdamSettings = AdamSpec
@available(*, deprecated, renamed: "SGDSpec")
public typealias SGDSettings = SGDSpec
@available(*, deprecated, renamed: "CheckpointHookSpec")
public typealias CheckpointHookSettings = CheckpointHookSpec
@available(*, deprecated, renamed: "DistSamplerSeedHookSpec")
public typealias DistSamplerSeedHookSettings = DistSamplerSeedHookSpec
@available(*, deprecated, renamed: "EMAHookSpec")
public typealias EMAHookSettings = EMAHookSpec
@available(*, deprecated, renamed: "InactiveHookSpec")
public typealias InactiveHookSettings = InactiveHookSpec
@available(*, deprecated, renamed: "IterTimerHookSpec")
public typealias IterTimerHookSettings = IterTimerHookSpec
@available(*, deprecated, renamed: "LoggerHookSpec")
public typealias LoggerHookSettings = LoggerHookSpec
@available(*, deprecated, renamed: "ParamSchedulerHookSpec")
public typealias ParamSchedulerHookSettings = ParamSchedulerHookSpec
@available(*, deprecated, renamed: "SyncBuffersHookSpec")
public typealias SyncBuffersHookSettings = SyncBuffersHookSpec
@available(*, deprecated, renamed: "ValidationHookSpec")
public typealias ValidationHookSettings = ValidationHookSpec
