import PoseNN
import PoseTensor

/// Parameters updated with the same learning rate and weight decay (PyTorch's `param_groups`
/// entry). Parameter schedulers set `learningRate` from `initialLearningRate`, and momentum
/// schedulers `momentum` from `initialMomentum`.
public struct ParameterGroup: Sendable, Equatable {
    /// Indices into the arena's parameters (the model's state_dict order).
    public var parameters: [Int]
    /// The rate the schedulers start from (MMEngine's `initial_lr`).
    public var initialLearningRate: Double
    /// The current rate.
    public var learningRate: Double
    /// The group's L2 weight decay (`weight_decay`, after any `paramwise_cfg` multiplier); the
    /// schedulers leave it as it is.
    public var weightDecay: Double
    /// The momentum the schedulers start from (MMEngine's `initial_momentum`): SGD's
    /// `momentum` or Adam's first beta, set by the optimizer that takes the group.
    public var initialMomentum = 0.0
    /// The current momentum (SGD) or first beta (Adam, AdamW).
    public var momentum = 0.0

    /// A group at `learningRate`, which is also its `initialLearningRate`; its momentum is 0
    /// until the optimizer that takes it sets it (`startingMomentum(_:)`).
    ///
    /// - Parameters:
    ///   - parameters: Indices into the arena's parameters.
    ///   - learningRate: The group's rate, before any scheduler.
    ///   - weightDecay: The group's weight decay.
    public init(parameters: [Int], learningRate: Double, weightDecay: Double) {
        self.parameters = parameters
        initialLearningRate = learningRate
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// This group with its momentum (and the momentum schedulers' start) set to `momentum`.
    public func startingMomentum(_ momentum: Double) -> ParameterGroup {
        var g = self
        g.initialMomentum = momentum
        g.momentum = momentum
        return g
    }
}

/// An optimizer (MMEngine's `OPTIMIZERS`): updates the model's parameters in place from their
/// gradients, group by group.
///
/// Contract for an implementation:
/// - It works on the model's `ParameterArena`: parameter `i` of a group is
///   `arena.parameters[i]`, its value and gradient views into two flat buffers. `step()` updates
///   every parameter with `requiresGrad` from its (already averaged over ranks) gradient, at its
///   group's current `learningRate` and `weightDecay`.
/// - Its state (momenta, moment estimates) is laid out like `arena.values`, one flat tensor per
///   kind, listed in `stateTensors` by name: checkpoints save each as
///   `optimizer.<name>.<parameter key>` and `restore(stepCount:)` follows loading them.
public protocol Optimizer: AnyObject {
    /// The parameter groups; schedulers set their learning rates between steps.
    var groups: [ParameterGroup] { get set }
    /// Applies one update to every parameter that requires gradients.
    func step()
    /// The number of steps taken.
    var stepCount: Int { get }
    /// Restores the step count after the state tensors were loaded.
    func restore(stepCount: Int)
    /// Named state buffers, each laid out like the parameter arena (for checkpoints).
    var stateTensors: [(name: String, tensor: Tensor)] { get }
    /// Whether `step` reads each group's `momentum` (MMEngine's momentum schedulers need an
    /// optimizer with `momentum` or `betas`).
    var usesGroupMomentum: Bool { get }
}

extension Optimizer {
    public var usesGroupMomentum: Bool { false }
}

/// The loop SwiftPose's optimizers and gradient clipping run over an arena.
extension ParameterArena {
    /// Calls `body` for every parameter of `groups` that requires a gradient, with its group,
    /// its offset in the arena (where its value, its gradient and any optimizer state laid out
    /// like the arena start) and its element count: the loop every optimizer's `step` runs.
    public func forEachTrainable(in groups: [ParameterGroup], _ body: (_ group: ParameterGroup, _ offset: Int, _ count: Int) -> Void) {
        for group in groups {
            for index in group.parameters where parameters[index].requiresGrad {
                body(group, offsets[index], parameters[index].value.count)
            }
        }
    }
}

/// A configured optimizer, decoded from `optim_wrapper.optimizer` by a registered builder.
public protocol OptimizerSpec: Sendable {
    /// The base learning rate (`lr`) groups start from.
    var learningRate: Double { get }
    /// The base `weight_decay`.
    var weightDecay: Double { get }
    /// Whether the config set `weight_decay` (MMEngine's `base_wd`; paramwise decay multipliers
    /// apply only then).
    var weightDecayIsSet: Bool { get }
    /// Makes the optimizer for a model's arena with the constructor's groups.
    ///
    /// - Throws: An error for settings the optimizer cannot run with (the stock specs never throw).
    func makeOptimizer(arena: ParameterArena, groups: [ParameterGroup]) throws -> Optimizer
}

extension OptimizerSpec {
    public var weightDecayIsSet: Bool { true }
}

/// A configured optimizer constructor (MMEngine's `OPTIM_WRAPPER_CONSTRUCTORS`, named by
/// `optim_wrapper.constructor`): splits the model's parameters into groups with their own
/// learning rates and weight decays (`paramwise_cfg`).
///
/// It gets the model's named parameters (`state.parameters`, in arena order, each with its
/// `role`: weight, bias, norm weight, norm bias) and the optimizer's base rate and decay.
public protocol OptimizerConstructorSpec: Sendable {
    /// Splits the model's parameters into groups with their own rates and decays.
    ///
    /// - Parameters:
    ///   - state: The model's state dict; a group's `parameters` index its `parameters` (the
    ///     arena's order).
    ///   - optimizer: The configured optimizer, for its base `learningRate` and `weightDecay`
    ///     and whether the config set `weight_decay`.
    /// - Returns: The groups, each parameter in exactly one.
    /// - Throws: An error when the settings cannot apply to this optimizer
    ///   (`DefaultOptimWrapperConstructor`: a `TrainingError` for decay multipliers without
    ///   `weight_decay`).
    func parameterGroups(for state: StateDict, optimizer: any OptimizerSpec) throws -> [ParameterGroup]
}

/// MMEngine's `DefaultOptimWrapperConstructor`: without `paramwise_cfg` one group with every
/// parameter at the optimizer's rate and decay; with it, each parameter's rate and decay from
/// `ParamwiseSettings`, parameters with equal settings sharing a group (in first-seen order).
public struct DefaultOptimWrapperConstructor: OptimizerConstructorSpec {
    /// `paramwise_cfg`; nil puts every parameter in one group at the optimizer's rate and decay.
    public var paramwise: ParamwiseSettings?

    /// The constructor with `paramwise_cfg` = `paramwise` (nil: none).
    public init(paramwise: ParamwiseSettings? = nil) { self.paramwise = paramwise }

    public func parameterGroups(for state: StateDict, optimizer: any OptimizerSpec) throws -> [ParameterGroup] {
        guard let paramwise else {
            return [ParameterGroup(parameters: Array(state.parameters.indices), learningRate: optimizer.learningRate,
                                   weightDecay: optimizer.weightDecay)]
        }
        if !optimizer.weightDecayIsSet && (paramwise.biasDecayMult != nil || paramwise.normDecayMult != nil || paramwise.dwconvDecayMult != nil) {
            // MMEngine's check: the multipliers would scale a weight decay the config never gave
            throw TrainingError("optim_wrapper.paramwise_cfg: bias_decay_mult, norm_decay_mult and dwconv_decay_mult need optim_wrapper.optimizer.weight_decay")
        }
        var groups: [ParameterGroup] = []
        for (i, entry) in state.parameters.enumerated() {
            let (lr, wd) = paramwise.settings(name: entry.name, role: entry.parameter.role, dimensions: entry.parameter.shape.count,
                                              baseLR: optimizer.learningRate, baseWD: optimizer.weightDecay,
                                              weightDecayIsSet: optimizer.weightDecayIsSet)
            if let g = groups.firstIndex(where: { $0.learningRate == lr && $0.weightDecay == wd }) {
                groups[g].parameters.append(i)
            } else {
                groups.append(ParameterGroup(parameters: [i], learningRate: lr, weightDecay: wd))
            }
        }
        return groups
    }
}
