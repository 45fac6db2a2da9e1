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
    /// One `custom_keys` entry: the multipliers of every parameter whose full name contains `key`.
    public struct CustomKey: Sendable, Equatable {
        /// The name part to match anywhere in a parameter's full name (`'backbone'`,
        /// `'head.final_layer'`).
        public var key: String
        /// `lr_mult`: the factor on the base learning rate; 1 by default.
        public var lrMult = 1.0
        /// `decay_mult`: the factor on the base weight decay (applied only when the optimizer sets
        /// `weight_decay`); 1 by default.
        public var decayMult = 1.0
        /// An entry for `key` with both multipliers 1.
        public init(key: String) { self.key = key }
    }
    /// `custom_keys`, in the config's order; matching tries the longest key first (ties in
    /// alphabetical order).
    public var customKeys: [CustomKey] = []
    /// `bias_lr_mult`: the learning-rate factor of biases outside normalisation layers; nil leaves
    /// them at the base rate.
    public var biasLRMult: Double?
    /// `bias_decay_mult`: the weight-decay factor of biases (a normalisation layer's too, when
    /// `normDecayMult` is nil).
    public var biasDecayMult: Double?
    /// `norm_decay_mult`: the weight-decay factor of normalisation layers' weights and biases.
    public var normDecayMult: Double?
    /// `dwconv_decay_mult`: accepted for MMEngine's configs but changes no parameter, since
    /// SwiftPose's layers have no depthwise convolutions (it still needs `weight_decay`).
    public var dwconvDecayMult: Double?
    /// `flat_decay_mult`: the weight-decay factor of the other 1-D parameters.
    public var flatDecayMult: Double?

    /// No custom keys and no multipliers: every parameter at the optimizer's base rate and decay.
    public init() {}

    /// Custom keys in MMEngine's matching order: longest first, then alphabetical.
    var orderedKeys: [CustomKey] {
        customKeys.sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }
    }

    /// (lr, weight decay) of one parameter, given the optimizer's base values.
    ///
    /// - Parameters:
    ///   - name: The parameter's full name (`backbone.layer1.0.bn1.weight`).
    ///   - role: Weight, bias, normalisation weight or normalisation bias.
    ///   - dimensions: The number of dimensions of its shape (1 for `flat_decay_mult`).
    ///   - baseLR: The optimizer's `lr`.
    ///   - baseWD: The optimizer's `weight_decay`.
    ///   - weightDecayIsSet: Whether the config set `weight_decay`; decay multipliers apply only then.
    /// - Returns: The parameter's learning rate and weight decay.
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
