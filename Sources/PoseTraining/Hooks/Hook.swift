import PoseData

/// MMEngine's hook priorities: lower values run first at every stage.
public struct HookPriority: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The priority as MMEngine's integer, 0 (`HIGHEST`) to 100 (`LOWEST`); the trainer calls
    /// hooks with lower values first.
    public let value: Int
    /// A priority of `value`, as a config's integer `priority=45` gives; values between or beyond
    /// the named levels are allowed.
    public init(_ value: Int) { self.value = value }

    /// `HIGHEST` (0): before every other hook.
    public static let highest = HookPriority(0)
    /// `VERY_HIGH` (10): MMEngine's level for `RuntimeInfoHook`; no stock hook uses it.
    public static let veryHigh = HookPriority(10)
    /// `HIGH` (30); no stock hook uses it.
    public static let high = HookPriority(30)
    /// `ABOVE_NORMAL` (40); no stock hook uses it.
    public static let aboveNormal = HookPriority(40)
    /// `NORMAL` (50): a `HookSpec`'s default, used by `IterTimerHook`, `DistSamplerSeedHook`,
    /// `SyncBuffersHook` and `EMAHook`.
    public static let normal = HookPriority(50)
    /// `BELOW_NORMAL` (60): `LoggerHook`'s, so it logs after the `NORMAL` hooks recorded the
    /// iteration's times.
    public static let belowNormal = HookPriority(60)
    /// `LOW` (70): `ParamSchedulerHook`'s, after the logger and the `NORMAL` hooks.
    public static let low = HookPriority(70)
    /// `VERY_LOW` (90): `CheckpointHook`'s, so a checkpoint sees the stage's other hooks done
    /// (schedulers stepped, buffers synced).
    public static let veryLow = HookPriority(90)
    /// `LOWEST` (100): the trainer's `ValidationHook`, so validation follows the epoch's checkpoint.
    public static let lowest = HookPriority(100)

    /// MMEngine's names (`priority='VERY_LOW'` in a config).
    public static let named: [String: HookPriority] = [
        "HIGHEST": .highest, "VERY_HIGH": .veryHigh, "HIGH": .high, "ABOVE_NORMAL": .aboveNormal, "NORMAL": .normal,
        "BELOW_NORMAL": .belowNormal, "LOW": .low, "VERY_LOW": .veryLow, "LOWEST": .lowest,
    ]

    /// Whether `a` runs before `b`: its value is lower.
    public static func < (a: HookPriority, b: HookPriority) -> Bool { a.value < b.value }
    /// MMEngine's name for a named level (`VERY_LOW`), the number otherwise; the trainer's log
    /// lists the hooks with it.
    public var description: String { HookPriority.named.first { $0.value == self }?.key ?? String(value) }
}

/// A hook (MMEngine's `HOOKS`): code the trainer calls at fixed points of a run. Logging,
/// checkpoints, learning-rate scheduling, BatchNorm buffer sync and validation are hooks too.
///
/// Contract for an implementation:
/// - Every stage has an empty default; implement the ones you need. Hooks run on every rank, in
///   priority order (then registration order) at each stage; write files only where
///   `runner.isMain`, and keep anything that affects training identical on all ranks.
/// - Stages: `beforeRun` (the model is built and any checkpoint resumed), `beforeTrainEpoch`,
///   `beforeTrainIteration` (the batch is loaded), `afterTrainIteration` (the optimizer has
///   stepped; `outputs` are the step's losses, averaged over ranks), `afterTrainEpoch`,
///   `beforeValidation`/`afterValidation` (rank 0's metrics, broadcast to every rank), `afterRun`.
///   During an epoch `runner.epoch` is its 0-based index and `runner.iteration` the 0-based
///   index of the current iteration; validation after an epoch still sees that epoch's index.
/// - Checkpoints: `beforeSaveCheckpoint` may add tensors and a metadata string under the hook's
///   own names (rank 0 only, where checkpoints are written); `afterLoadCheckpoint` gets the
///   loaded file on every rank when a run resumes, to restore what the hook saved.
/// - A hook that throws ends the run (on every rank) with its message.
public protocol Hook: AnyObject {
    /// Once before the first epoch trains: the model, optimizer and hooks are built and any
    /// checkpoint resumed (after `afterLoadCheckpoint`).
    func beforeRun(_ runner: Trainer) throws
    /// Once after the last epoch has trained and been validated; not called when the run stops
    /// for a signal or a stage throws.
    func afterRun(_ runner: Trainer) throws
    /// At the start of each epoch, before the sampler draws its order and the first batch loads;
    /// `runner.epoch` is the epoch's 0-based index.
    func beforeTrainEpoch(_ runner: Trainer) throws
    /// After the epoch's last iteration: `runner.completed` counts the epoch as done, while
    /// `runner.epoch` is still its index. Epoch checkpoints and validation happen here.
    func afterTrainEpoch(_ runner: Trainer) throws
    /// Before each iteration's forward pass, with its batch loaded and `runner.messages` cleared.
    ///
    /// - Parameters:
    ///   - runner: The trainer, for the run's position and services.
    ///   - batch: This rank's batch for the iteration.
    func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws
    /// After each iteration's backward pass and optimizer step (with `accumulative_counts` only
    /// every N-th iteration steps); `runner.completed` counts the iteration as done.
    ///
    /// - Parameters:
    ///   - runner: The trainer, for the run's position and services.
    ///   - batch: This rank's batch of the iteration.
    ///   - outputs: The iteration's loss and model values, averaged over ranks.
    func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws
    /// Before the validation loop runs, on every rank (`EMAHook` swaps in the averaged weights here).
    func beforeValidation(_ runner: Trainer) throws
    /// After the validation loop, on every rank with the same metrics.
    ///
    /// - Parameters:
    ///   - runner: The trainer, for the run's position and services.
    ///   - metrics: Rank 0's metrics (`coco/AP`, `PCK`, …) in the evaluator's order, broadcast
    ///     to every rank.
    func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws
    /// Before any checkpoint file is written (rank 0 only; best-model files too): add the hook's
    /// state under its own names.
    ///
    /// - Parameters:
    ///   - runner: The trainer, for the run's position and services.
    ///   - checkpoint: The contents about to be written: tensors go into `extraTensors` (saved
    ///     under `hooks.<name>`), a state string into `meta.hookStates[<hook name>]`.
    func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws
    /// After the checkpoint file is written (rank 0): undo what `beforeSaveCheckpoint` changed.
    func afterSaveCheckpoint(_ runner: Trainer) throws
    /// When a run resumes, on every rank after the model and optimizer are restored (before
    /// `beforeRun`): restore what `beforeSaveCheckpoint` saved. Not called for `load_from`.
    ///
    /// - Parameters:
    ///   - runner: The trainer, its model and optimizer already restored.
    ///   - checkpoint: The loaded file; `hookState(_:hook:)` and `hookTensor(_:into:)` read what
    ///     the hook saved.
    func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws
}

extension Hook {
    public func beforeRun(_ runner: Trainer) throws {}
    public func afterRun(_ runner: Trainer) throws {}
    public func beforeTrainEpoch(_ runner: Trainer) throws {}
    public func afterTrainEpoch(_ runner: Trainer) throws {}
    public func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws {}
    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {}
    public func beforeValidation(_ runner: Trainer) throws {}
    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws {}
    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {}
    public func afterSaveCheckpoint(_ runner: Trainer) throws {}
    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {}
}

/// A configured hook, decoded from a `default_hooks` or `custom_hooks` entry by a registered
/// builder; each rank makes its own hook from it.
public protocol HookSpec: Sendable {
    /// The hook's priority when the config gives none (MMEngine's class attribute).
    var defaultPriority: HookPriority { get }
    /// Makes this rank's hook; the trainer calls it once per run, before any checkpoint is resumed.
    ///
    /// - Throws: An error for settings the hook cannot run with, which stops the run before it
    ///   starts (the stock specs never throw).
    func makeHook() throws -> Hook
    /// Where the hook writes a run's resumable checkpoints, for a run in `workDir`, so that
    /// `--resume` looks there; nil (the default) for hooks that write none.
    func checkpointDirectory(workDir: String) -> String?
    /// Checks the hook's settings against the rest of the config before the run touches its
    /// work dir (a switched pipeline against the training one); the default accepts anything.
    /// - Throws: an error saying what does not fit; the trainer prefixes the hook's config key.
    func check(_ settings: ExperimentSettings) throws
}

extension HookSpec {
    public var defaultPriority: HookPriority { .normal }
    public func checkpointDirectory(workDir: String) -> String? { nil }
    public func check(_ settings: ExperimentSettings) throws {}
}

/// What one training iteration produced, averaged over ranks.
public struct TrainStepOutputs: Sendable {
    /// The optimised loss: the sum of the values whose name contains "loss".
    public var loss: Double
    /// Every value the model reported (`loss_kpt`, `acc_vis`, …).
    public var values: [(name: String, value: Double)]
}
