// One suffix for one idea: what a config's dict decodes to is a `*Spec`. The earlier names
// still compile, with a warning naming the new one.

/// The former name of `ResNetSpec`; deprecated.
@available(*, deprecated, renamed: "ResNetSpec")
public typealias ResNetSettings = ResNetSpec
/// The former name of `HRNetSpec`; deprecated.
@available(*, deprecated, renamed: "HRNetSpec")
public typealias HRNetSettings = HRNetSpec
/// The former name of `RLELossSpec`; deprecated.
@available(*, deprecated, renamed: "RLELossSpec")
public typealias RLELossSettings = RLELossSpec
/// The former name of `TopdownTestSettings`; deprecated.
@available(*, deprecated, renamed: "TopdownTestSettings")
public typealias TopdownTestConfig = TopdownTestSettings
