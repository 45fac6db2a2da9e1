import Foundation

/// MMEngine's `CheckpointHook(interval=-1, max_keep_ckpts=-1, save_best=None, rule='greater')`,
/// by epoch: rank 0 writes `epoch_N.safetensors` every `interval` epochs and after the last,
/// points `last_checkpoint` at it, keeps at most `max_keep_ckpts` of them, and after each
/// validation keeps `best_<metric>_epoch_N.safetensors` for the best `save_best` value so far.
public struct CheckpointHookSettings: HookSpec {
    public var interval = -1
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
        var bestCheckpoint: String?
        var kept: [String] = []
    }

    public let settings: CheckpointHookSettings
    private var state = State()
    /// The checkpoint written after the current epoch, if any.
    private var savedThisEpoch: String?

    public init(settings: CheckpointHookSettings) { self.settings = settings }

    public var bestScore: Double? { state.bestScore }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        savedThisEpoch = nil
        let completed = runner.epoch + 1
        guard settings.interval > 0, completed % settings.interval == 0 || completed == runner.maxEpochs else { return }
        try save(runner)
    }

    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws {
        guard runner.isMain, let key = settings.saveBest, let score = metrics.first(where: { $0.0 == key })?.1,
              score > (state.bestScore ?? -.infinity) else { return }
        if let old = state.bestCheckpoint { try? FileManager.default.removeItem(atPath: old) }
        let completed = runner.epoch + 1
        let path = runner.workDir + "/best_\(key.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: " ", with: "_"))_epoch_\(completed).safetensors"
        state.bestScore = score
        state.bestCheckpoint = path
        try runner.saveCheckpoint(to: path, includeOptimizer: false)
        runner.log(String(format: "the best checkpoint with %.4f %@ at epoch %d is saved to %@", score, key, completed, path))
        // the resumable checkpoint of this epoch must know the new best
        if savedThisEpoch != nil { try save(runner) }
    }

    /// Writes `epoch_N.safetensors` and `last_checkpoint`, removing ones beyond `max_keep_ckpts`.
    private func save(_ runner: Trainer) throws {
        guard runner.isMain else { return }
        let path = runner.workDir + "/epoch_\(runner.epoch + 1).safetensors"
        if !state.kept.contains(path) { state.kept.append(path) }
        if settings.maxKeepCheckpoints > 0 {
            while state.kept.count > settings.maxKeepCheckpoints {
                try? FileManager.default.removeItem(atPath: state.kept.removeFirst())
            }
        }
        try runner.saveCheckpoint(to: path)
        try Data(path.utf8).write(to: URL(fileURLWithPath: runner.workDir + "/last_checkpoint"), options: .atomic)
        savedThisEpoch = path
        runner.log("saved checkpoint \(path)")
    }

    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {
        checkpoint.meta.hookStates["CheckpointHook"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    }

    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {
        guard let json = checkpoint.meta?.hookStates["CheckpointHook"] else { return }
        state = try JSONDecoder().decode(State.self, from: Data(json.utf8))
    }
}
