import Foundation
import PoseData

/// MMEngine's `CheckpointHook(interval=-1, by_epoch=True, save_last=True, max_keep_ckpts=-1,
/// save_best=None, rule='greater')`: `epoch_N.safetensors` every `interval` epochs (or
/// `iter_N.safetensors` every `interval` iterations with `by_epoch=False`) and at the end of
/// training, `last_checkpoint` naming the newest, at most `max_keep_ckpts` kept, and after each
/// validation `best_<metric>_epoch_N.safetensors` for the best `save_best` value so far. When the
/// run is asked to stop (SIGTERM, SIGINT) it saves `iter_N.safetensors` at that iteration.
///
/// Every file it names or deletes is a file name inside the work dir: a run resumed from
/// another directory, or a copy of a work dir, never touches the original's files.
public struct CheckpointHookSettings: HookSpec {
    public var interval = -1
    public var byEpoch = true
    public var saveLast = true
    public var maxKeepCheckpoints = -1
    /// The metric to keep the best checkpoint of (`coco/AP`), if any.
    public var saveBest: String?

    public init(interval: Int = -1) { self.interval = interval }

    public var defaultPriority: HookPriority { .veryLow }
    public func makeHook() throws -> Hook { CheckpointHook(settings: self) }
}

public final class CheckpointHook: Hook {
    /// What the hook keeps across a resume (saved in the checkpoint's metadata).
    struct State: Codable {
        var bestScore: Double?
        /// File names in the work dir.
        var bestCheckpoint: String?
        var kept: [String] = []
    }

    public let settings: CheckpointHookSettings
    private var state = State()
    /// The regular checkpoint written at the current position, if any.
    private var savedAt: (name: String, position: RunPosition)?

    public init(settings: CheckpointHookSettings) { self.settings = settings }

    public var bestScore: Double? { state.bestScore }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        let done = runner.completed.iteration
        if runner.stopRequested {
            try save(runner, name: "iter_\(done).safetensors")
            return
        }
        guard !settings.byEpoch else { return }
        let isLast = done == runner.iterationsPerEpoch * runner.maxEpochs
        if (settings.interval > 0 && done % settings.interval == 0) || (settings.saveLast && isLast) {
            try save(runner, name: "iter_\(done).safetensors")
        }
    }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        guard settings.byEpoch else { return }
        let completed = runner.completed.epoch
        let isLast = completed == runner.maxEpochs
        if (settings.interval > 0 && completed % settings.interval == 0) || (settings.saveLast && isLast) {
            try save(runner, name: "epoch_\(completed).safetensors")
        }
    }

    /// Runs on every rank with the same (broadcast) metrics, so every rank takes part in the save.
    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws {
        guard let key = settings.saveBest, let score = metrics.first(where: { $0.0 == key })?.1,
              score > (state.bestScore ?? -.infinity) else { return }
        if runner.isMain, let old = state.bestCheckpoint { CheckpointHook.remove(old, in: runner.workDir) }
        let position = runner.completed
        let tag = settings.byEpoch ? "epoch_\(position.epoch)" : "iter_\(position.iteration)"
        let name = "best_\(key.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: " ", with: "_"))_\(tag).safetensors"
        state.bestScore = score
        state.bestCheckpoint = name
        try runner.saveCheckpoint(to: runner.workDir + "/" + name, includeOptimizer: false)
        runner.log(String(format: "the best checkpoint with %.4f %@ at %@ is saved to %@", score, key,
                          tag.replacingOccurrences(of: "_", with: " "), runner.workDir + "/" + name))
        // the resumable checkpoint of this point must know the new best
        if let saved = savedAt, saved.position == position { try save(runner, name: saved.name) }
    }

    /// Writes a resumable checkpoint (every rank takes part), points `last_checkpoint` at it and
    /// removes the oldest beyond `max_keep_ckpts`, after the new one is complete.
    private func save(_ runner: Trainer, name: String) throws {
        var kept = state.kept.filter { $0 != name } + [name]
        var removed: [String] = []
        if settings.maxKeepCheckpoints > 0 && kept.count > settings.maxKeepCheckpoints {
            removed = Array(kept.prefix(kept.count - settings.maxKeepCheckpoints))
            kept.removeFirst(removed.count)
        }
        state.kept = kept
        try runner.saveCheckpoint(to: runner.workDir + "/" + name)
        savedAt = (name, runner.completed)
        guard runner.isMain else { return }
        try Data(name.utf8).write(to: URL(fileURLWithPath: runner.workDir + "/last_checkpoint"), options: .atomic)
        for old in removed { CheckpointHook.remove(old, in: runner.workDir) }
        runner.log("saved checkpoint \(runner.workDir)/\(name)")
    }

    /// Deletes a checkpoint the hook wrote: only a plain file name inside the work dir.
    static func remove(_ name: String, in workDir: String) {
        guard CheckpointHook.isPlainName(name) else { return }
        try? FileManager.default.removeItem(atPath: workDir + "/" + name)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".."
    }

    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {
        checkpoint.meta.hookStates["CheckpointHook"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    }

    /// Restores the best score and the kept files, keeping only names of files in this work dir:
    /// a run resumed from elsewhere never deletes the other directory's checkpoints.
    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {
        guard let json = checkpoint.meta?.hookStates["CheckpointHook"] else { return }
        var loaded = try JSONDecoder().decode(State.self, from: Data(json.utf8))
        func here(_ name: String) -> Bool {
            CheckpointHook.isPlainName(name) && FileManager.default.fileExists(atPath: runner.workDir + "/" + name)
        }
        loaded.kept = loaded.kept.filter(here)
        if let best = loaded.bestCheckpoint, !here(best) { loaded.bestCheckpoint = nil }
        state = loaded
    }
}
