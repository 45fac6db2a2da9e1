import Foundation
import PoseData
import PoseTensor

/// MMEngine's `EMAHook` with `ExpMomentumEMA` (MMPose's recipe) or `ExponentialMovingAverage`:
/// an exponential moving average of the weights, updated after every training iteration, used
/// for validation and written as the checkpoint's weights (the source weights go under
/// `hooks.ema_state_dict.module.<name>`, as MMEngine swaps them), so `pose-test` evaluates the
/// average and `--resume` continues it exactly.
public struct EMAHookSpec: HookSpec {
    /// The average's momentum schedule (MMEngine's `ema_type`): `expMomentum`
    /// (`ExpMomentumEMA`, MMPose's recipe) starts near 1 and decays towards `momentum` as
    /// `(1 − momentum) · exp(−(1 + step) / gamma) + momentum`; `exponential`
    /// (`ExponentialMovingAverage`) keeps `momentum` constant.
    public enum Kind: String, Sendable {
        /// `ExpMomentumEMA`: the momentum decays from near 1 towards `momentum` over `gamma` steps.
        case expMomentum = "ExpMomentumEMA"
        /// `ExponentialMovingAverage`: a constant `momentum`.
        case exponential = "ExponentialMovingAverage"
    }
    /// `ema_type`: `ExponentialMovingAverage` (a constant momentum) by default, as MMEngine's.
    public var kind = Kind.exponential
    /// The weight of the new value in each update (MMEngine's convention).
    public var momentum = 0.0002
    /// ExpMomentumEMA's decay of the extra early momentum.
    public var gamma = 2000.0
    /// Average BatchNorm statistics too (otherwise the average model uses the source model's).
    public var updateBuffers = false
    /// `interval`: once started the average updates every `interval` iterations; 1 by default,
    /// and at least 1.
    public var interval = 1
    /// `begin_iter`: until the run's iteration (counted from 1) reaches it, the average copies the
    /// model instead of averaging; 0 (the default) starts at once.
    public var beginIteration = 0
    /// `begin_epoch`: the same for the epoch (counted from 1); 0 by default.
    public var beginEpoch = 0

    /// MMEngine's defaults: `ExponentialMovingAverage`, momentum 0.0002, gamma 2000, buffers not
    /// averaged, every iteration from the start.
    public init() {}
    public var defaultPriority: HookPriority { .normal }
    public func makeHook() throws -> Hook { EMAHook(self) }
}

/// The hook `EMAHookSpec` makes: it keeps the average in a tensor laid out like the model's
/// arena values, swaps it in for validation and checkpoints, and restores it on resume.
public final class EMAHook: Hook {
    let settings: EMAHookSpec
    /// The averaged parameters, laid out like the model's arena values.
    private var average: Tensor?
    /// The averaged float buffers (with `updateBuffers`).
    private var averageBuffers: [Tensor] = []
    private var steps = 0

    init(_ settings: EMAHookSpec) { self.settings = settings }

    private func start(_ runner: Trainer) {
        guard average == nil else { return }
        average = runner.model.arena.values.clone()
        averageBuffers = runner.model.state.buffers.map { $0.tensor.clone() }
    }

    public func beforeRun(_ runner: Trainer) throws { start(runner) }

    /// MMEngine's momentum at update `step`.
    func momentum(step: Int) -> Float {
        switch settings.kind {
        case .exponential: return Float(settings.momentum)
        case .expMomentum: return Float((1 - settings.momentum) * exp(-Double(1 + step) / settings.gamma) + settings.momentum)
        }
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        start(runner)
        guard let average else { return }
        let values = runner.model.arena.values
        let buffers = runner.model.state.buffers.map(\.tensor)
        guard runner.iteration + 1 >= settings.beginIteration && runner.epoch + 1 >= settings.beginEpoch else {
            // before the average starts it follows the model
            average.copy(from: values)
            for (a, b) in zip(averageBuffers, buffers) { a.copy(from: b) }
            return
        }
        if steps == 0 {
            average.copy(from: values)
            if settings.updateBuffers { for (a, b) in zip(averageBuffers, buffers) { a.copy(from: b) } }
        } else if steps % settings.interval == 0 {
            let m = momentum(step: steps)
            lerp(average, toward: values, m)
            if settings.updateBuffers { for (a, b) in zip(averageBuffers, buffers) { lerp(a, toward: b, m) } }
        }
        if !settings.updateBuffers { for (a, b) in zip(averageBuffers, buffers) { a.copy(from: b) } }
        steps += 1
    }

    /// `a += m · (b − a)`, torch's `lerp_`.
    private func lerp(_ a: Tensor, toward b: Tensor, _ m: Float) {
        let (x, y) = (a.data, b.data)
        ParallelLoop.run(a.count, grain: ParallelLoop.elementGrain) { range in for i in range { x[i] += m * (y[i] - x[i]) } }
    }

    /// Exchanges the model's weights (and, with `updateBuffers`, its statistics) with the average.
    private func swap(_ runner: Trainer) {
        guard let average else { return }
        let values = runner.model.arena.values
        ElementwiseKernels.swap(values.data, average.data, count: values.count)
        runner.model.arena.valuesDidChange()
        guard settings.updateBuffers else { return }
        for (a, (_, b)) in zip(averageBuffers, runner.model.state.buffers) {
            for i in 0..<b.count { Swift.swap(&b.data[i], &a.data[i]) }
        }
    }

    public func beforeValidation(_ runner: Trainer) throws { swap(runner) }
    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws { swap(runner) }

    /// The checkpoint holds the average as the model's weights and the source weights under
    /// `ema_state_dict.module.<name>`; `afterSaveCheckpoint` swaps back.
    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {
        guard let average else { return }
        swap(runner)
        // while swapped, each source weight sits in the average at its parameter's arena offset
        let arena = runner.model.arena
        for ((name, p), offset) in zip(runner.model.state.parameters, arena.offsets) {
            checkpoint.extraTensors.append((name: "ema_state_dict.module." + name,
                                            tensor: Tensor(viewing: average.data + offset, shape: p.shape, base: average)))
        }
        if settings.updateBuffers {
            for (i, (name, _)) in runner.model.state.buffers.enumerated() {
                checkpoint.extraTensors.append((name: "ema_state_dict.module." + name, tensor: averageBuffers[i]))
            }
        }
        checkpoint.meta.hookStates["EMAHook"] = String(steps)
    }

    public func afterSaveCheckpoint(_ runner: Trainer) throws {
        if average != nil { swap(runner) }
    }

    /// On resume the loaded weights are the average and the source weights come from
    /// `ema_state_dict`; a checkpoint without them starts the average from its weights.
    ///
    /// - Throws: `CheckpointError` when the saved step count is out of range or a source
    ///   weight is missing (a damaged file).
    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {
        start(runner)
        guard let average else { return }
        average.copy(from: runner.model.arena.values)
        for (a, (_, b)) in zip(averageBuffers, runner.model.state.buffers) { a.copy(from: b) }
        guard let saved = checkpoint.meta?.hookStates["EMAHook"] else { return }
        guard let count = Int(saved), (0...(checkpoint.meta?.iteration ?? 0)).contains(count) else {
            throw CheckpointError("\(checkpoint.path): the saved state of EMAHook is \(saved.prefix(40)) averaged steps; expected 0 to the checkpoint's \(checkpoint.meta?.iteration ?? 0) iterations (the file is damaged)")
        }
        for (name, p) in runner.model.state.parameters {
            guard try checkpoint.hookTensor("ema_state_dict.module." + name, into: p.value) else {
                throw CheckpointError("\(checkpoint.path): EMAHook state without 'hooks.ema_state_dict.module.\(name)'")
            }
        }
        // without updateBuffers the average keeps the model's statistics, copied above
        if settings.updateBuffers {
            for (name, t) in runner.model.state.buffers {
                _ = try checkpoint.hookTensor("ema_state_dict.module." + name, into: t)
            }
        }
        steps = count
    }
}
