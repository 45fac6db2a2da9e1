import PoseData

/// MMEngine's hook priorities: lower values run first at every stage.
public struct HookPriority: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }

    public static let highest = HookPriority(0)
    public static let veryHigh = HookPriority(10)
    public static let high = HookPriority(30)
    public static let aboveNormal = HookPriority(40)
    public static let normal = HookPriority(50)
    public static let belowNormal = HookPriority(60)
    public static let low = HookPriority(70)
    public static let veryLow = HookPriority(90)
    public static let lowest = HookPriority(100)

    /// MMEngine's names (`priority='VERY_LOW'` in a config).
    public static let named: [String: HookPriority] = [
        "HIGHEST": .highest, "VERY_HIGH": .veryHigh, "HIGH": .high, "ABOVE_NORMAL": .aboveNormal, "NORMAL": .normal,
        "BELOW_NORMAL": .belowNormal, "LOW": .low, "VERY_LOW": .veryLow, "LOWEST": .lowest,
    ]

    public static func < (a: HookPriority, b: HookPriority) -> Bool { a.value < b.value }
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
///   `beforeValidation`/`afterValidation` (metrics on rank 0, empty elsewhere), `afterRun`.
///   During an epoch `runner.epoch` is its 0-based index and `runner.iteration` the 0-based
///   index of the current iteration; validation after an epoch still sees that epoch's index.
/// - Checkpoints: `beforeSaveCheckpoint` may add tensors and a metadata string under the hook's
///   own names (rank 0 only, where checkpoints are written); `afterLoadCheckpoint` gets the
///   loaded file on every rank when a run resumes, to restore what the hook saved.
/// - A hook that throws ends the run (on every rank) with its message.
public protocol Hook: AnyObject {
    func beforeRun(_ runner: Trainer) throws
    func afterRun(_ runner: Trainer) throws
    func beforeTrainEpoch(_ runner: Trainer) throws
    func afterTrainEpoch(_ runner: Trainer) throws
    func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws
    func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws
    func beforeValidation(_ runner: Trainer) throws
    func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws
    func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws
    /// After the checkpoint file is written (rank 0): undo what `beforeSaveCheckpoint` changed.
    func afterSaveCheckpoint(_ runner: Trainer) throws
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
    func makeHook() throws -> Hook
    /// Where the hook writes a run's resumable checkpoints, for a run in `workDir`, so that
    /// `--resume` looks there; nil (the default) for hooks that write none.
    func checkpointDirectory(workDir: String) -> String?
}

extension HookSpec {
    public var defaultPriority: HookPriority { .normal }
    public func checkpointDirectory(workDir: String) -> String? { nil }
}

/// What one training iteration produced, averaged over ranks.
public struct TrainStepOutputs: Sendable {
    /// The optimised loss: the sum of the values whose name contains "loss".
    public var loss: Double
    /// Every value the model reported (`loss_kpt`, `acc_vis`, …).
    public var values: [(name: String, value: Double)]
}
