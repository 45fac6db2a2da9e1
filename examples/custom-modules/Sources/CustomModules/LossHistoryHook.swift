import Foundation
import SwiftPose

/// A hook that keeps the mean training loss of every epoch and writes them to
/// `work_dir/<filename>` (rank 0) after each epoch, as `{"epochs": [1, 2, …], "loss": [...]}`.
/// Its history is saved in checkpoints and restored on resume, so a resumed run's file has
/// every epoch.
public final class LossHistoryHook: Hook {
    struct History: Codable {
        var epochs: [Int] = []
        var loss: [Double] = []
    }

    public let filename: String
    private var history = History()
    private var sum = 0.0
    private var count = 0

    public init(filename: String) { self.filename = filename }

    public func beforeTrainEpoch(_ runner: Trainer) throws {
        sum = 0
        count = 0
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        sum += outputs.loss   // already the mean over ranks: every rank keeps the same history
        count += 1
    }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        history.epochs.append(runner.epoch + 1)
        history.loss.append(sum / Double(max(1, count)))
        guard runner.isMain else { return }
        try OutputPath.writeAtomically(try JSONEncoder().encode(history), to: runner.workDir + "/" + filename, label: "LossHistoryHook")
    }

    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {
        checkpoint.meta.hookStates["LossHistoryHook"] = String(decoding: try JSONEncoder().encode(history), as: UTF8.self)
    }

    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {
        // nil when the checkpoint has no state of this hook; a damaged one is an error naming
        // the file and the hook
        guard let saved = try checkpoint.hookState(History.self, hook: "LossHistoryHook") else { return }
        history = saved
    }
}

/// `dict(type='LossHistoryHook', filename='loss_history.json', priority='NORMAL')`.
public struct LossHistoryHookSpec: HookSpec {
    public var filename = "loss_history.json"

    public init() {}

    public func makeHook() throws -> Hook { LossHistoryHook(filename: filename) }
}
