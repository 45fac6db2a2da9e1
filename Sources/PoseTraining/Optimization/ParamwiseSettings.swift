import PoseNN

/// MMEngine's `paramwise_cfg` for `DefaultOptimWrapperConstructor`: per-parameter learning-rate
/// and weight-decay multipliers, chosen as MMEngine's `add_params` chooses them.
///
/// - A parameter whose full name contains a `custom_keys` key (the longest key first, ties in
///   alphabetical order) takes that key's `lr_mult` and `decay_mult`, and no other rule applies.
/// - Otherwise a bias outside a normalisation layer takes `bias_lr_mult`, and the first of these
///   that is set decides the decay: `norm_decay_mult` for normalisation parameters,
///   `bias_decay_mult` for biases (a normalisation layer's too, when norm_decay_mult is not
///   set), `dwconv_decay_mult` for depthwise convolutions (SwiftPose's layers have none),
///   `flat_decay_mult` for 1-D parameters.
/// - Decay multipliers apply only when the optimizer config sets `weight_decay` (MMEngine's
///   `base_wd`; setting one without it is an error there and here).
public struct ParamwiseSettings: Sendable, Equatable {
    public struct CustomKey: Sendable, Equatable {
        public var key: String
        public var lrMult = 1.0
        public var decayMult = 1.0
        public init(key: String) { self.key = key }
    }
    public var customKeys: [CustomKey] = []
    public var biasLRMult: Double?
    public var biasDecayMult: Double?
    public var normDecayMult: Double?
    public var dwconvDecayMult: Double?
    public var flatDecayMult: Double?

    public init() {}

    /// Custom keys in MMEngine's matching order: longest first, then alphabetical.
    var orderedKeys: [CustomKey] {
        customKeys.sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }
    }

    /// (lr, weight decay) of one parameter, given the optimizer's base values.
    public func settings(name: String, role: ParameterRole, dimensions: Int, baseLR: Double, baseWD: Double,
                         weightDecayIsSet: Bool) -> (Double, Double) {
        if let custom = orderedKeys.first(where: { name.contains($0.key) }) {
            return (baseLR * custom.lrMult, weightDecayIsSet ? baseWD * custom.decayMult : baseWD)
        }
        // MMEngine tests the parameter's own name ('bias'); a normalisation layer's is not one for the rate
        let isBias = role == .bias || role == .normBias || name.hasSuffix(".bias")
        let lr = isBias && !role.isNormalization ? baseLR * (biasLRMult ?? 1) : baseLR
        guard weightDecayIsSet else { return (lr, baseWD) }
        if role.isNormalization, let m = normDecayMult { return (lr, baseWD * m) }
        if isBias, let m = biasDecayMult { return (lr, baseWD * m) }
        if dimensions == 1, let m = flatDecayMult { return (lr, baseWD * m) }
        return (lr, baseWD)
    }
}
