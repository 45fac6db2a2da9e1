import SwiftPose

/// An optimizer constructor that turns weight decay off for normalisation layers' weights and
/// biases and for every bias, keeping the optimizer's decay for the other weights: two
/// parameter groups, chosen by each parameter's role (not by its name, so it works for any
/// backbone or head). The effect of MMEngine's `paramwise_cfg=dict(norm_decay_mult=0,
/// bias_decay_mult=0)`, as a component of one's own.
public struct NoDecayNormAndBiasConstructor: OptimizerConstructorSpec {
    public init() {}

    public func parameterGroups(for state: StateDict, optimizer: any OptimizerSpec) throws -> [ParameterGroup] {
        let noDecay = state.parameters.indices.filter { i in
            let role = state.parameters[i].parameter.role
            return role.isNormalization || role == .bias
        }
        let decay = state.parameters.indices.filter { !noDecay.contains($0) }
        return [ParameterGroup(parameters: decay, learningRate: optimizer.learningRate, weightDecay: optimizer.weightDecay),
                ParameterGroup(parameters: noDecay, learningRate: optimizer.learningRate, weightDecay: 0)]
            .filter { !$0.parameters.isEmpty }
    }
}
