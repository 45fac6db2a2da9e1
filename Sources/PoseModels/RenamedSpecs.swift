// One suffix for one idea: what a config's dict decodes to is a `*Spec`. The earlier names
// still compile, with a warning naming the new one.

@available(*, deprecated, renamed: "ResNetSpec")
public typealias ResNetSettings = ResNetSpec
@available(*, deprecated, renamed: "HRNetSpec")
public typealias HRNetSettings = HRNetSpec
@available(*, deprecated, renamed: "RLELossSpec")
public typealias RLELossSettings = RLELossSpec
@available(*, deprecated, renamed: "TopdownTestSettings")
public typealias TopdownTestConfig = TopdownTestSettings
