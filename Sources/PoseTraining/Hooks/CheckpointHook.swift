import Foundation
import PoseConfig
import PoseData

/// MMEngine's `CheckpointHook(interval=-1, by_epoch=True, save_optimizer=True, out_dir=None,
/// max_keep_ckpts=-1, save_last=True, save_best=None, rule=None, greater_keys=None,
/// less_keys=None, filename_tmpl=None, save_begin=0)`: `epoch_N.safetensors` every `interval`
/// epochs from `save_begin` (or `iter_N.safetensors` every `interval` iterations with
/// `by_epoch=False`) and at the end of training, `last_checkpoint` naming the newest, at most
/// `max_keep_ckpts` kept, and after each validation `best_<metric>_epoch_N.safetensors` for the
/// best value so far of each `save_best` metric. When the run is asked to stop (SIGTERM,
/// SIGINT) it saves `iter_N.safetensors` at that iteration.
///
/// Checkpoints go to the work dir, or with `out_dir` to `out_dir/<the work dir's last
/// component>` as MMEngine does (`last_checkpoint` stays in the work dir and then holds the
/// full path). Every file the hook deletes is a file name inside that directory: a run resumed
/// from another directory, or a copy of a work dir, never touches the original's files.
public struct CheckpointHookSpec: HookSpec {
    /// How a `save_best` metric improves.
    public enum Rule: String, Sendable, Codable {
        /// `'greater'`, `'less'`: whether a larger or a smaller value is the better one.
        case greater, less

        func isBetter(_ score: Double, than best: Double?) -> Bool {
            guard let best else { return !score.isNaN }
            return self == .greater ? score > best : score < best
        }
    }

    /// `interval`: save every `interval` epochs (iterations with `byEpoch` false) counted from
    /// `saveBegin`; -1 (the default) or 0 saves regular checkpoints only at the end (`saveLast`).
    public var interval = -1
    /// `by_epoch`: count `interval` and `saveBegin` in epochs and name files `epoch_N` (true, the
    /// default), or in iterations with `iter_N` names.
    public var byEpoch = true
    /// `save_last`: also save at the end of training when that is no save point; true by default.
    public var saveLast = true
    /// Whether regular checkpoints hold the optimizer state (a resume without it starts the
    /// optimizer afresh, as MMEngine's).
    public var saveOptimizer = true
    /// `max_keep_ckpts`: how many resumable checkpoints to keep, deleting the oldest once a newer
    /// one is written; -1 (the default) or 0 keeps all. Best-model files do not count.
    public var maxKeepCheckpoints = -1
    /// The epoch (iteration) from which `interval` counts.
    public var saveBegin = 0
    /// The metrics to keep the best checkpoint of (`coco/AP`); `["auto"]` takes the first metric
    /// validation reports.
    public var saveBest: [String] = []
    /// One rule for every `saveBest` metric, or one per metric; nil: inferred from the name.
    public var rules: [Rule?] = [nil]
    /// Name parts that make `rule=None` infer 'greater' or 'less' (MMEngine's defaults).
    public var greaterKeys = ["acc", "top", "AR@", "auc", "precision", "mAP", "mDice", "mIoU", "mAcc", "aAcc"]
    /// Name parts that make `rule=None` infer 'less' (`less_keys`; MMEngine's default `["loss"]`).
    public var lessKeys = ["loss"]
    /// `out_dir`: checkpoints go to `outDir/<work dir's last component>`.
    public var outDir: String?
    /// `filename_tmpl`, with one `{}` for the epoch or iteration; a `.pth` ending is written as
    /// `.safetensors` (SwiftPose's checkpoint format). Nil: `epoch_{}` or `iter_{}`.
    public var filenameTemplate: String?

    /// MMEngine's defaults with `interval`.
    ///
    /// - Parameter interval: Epochs (or iterations) between checkpoints; -1 saves only the last.
    public init(interval: Int = -1) { self.interval = interval }

    public var defaultPriority: HookPriority { .veryLow }
    public func makeHook() throws -> Hook { CheckpointHook(settings: self) }

    /// The rule of the `index`-th `save_best` metric, named `key` (for 'auto', the metric it
    /// resolved to), as MMEngine's `_init_rule`: the given rule, else 'greater' when the name is
    /// (then contains) one of `greaterKeys`, 'less' likewise for `lessKeys`, matched without case.
    ///
    /// - Throws: `ConfigError` when no rule is given and the name matches neither list.
    public func rule(for key: String, at index: Int) throws -> Rule {
        if let rule = rules.count == 1 ? rules[0] : rules[index] { return rule }
        let name = key.lowercased(), greater = greaterKeys.map { $0.lowercased() }, less = lessKeys.map { $0.lowercased() }
        if greater.contains(name) { return .greater }
        if less.contains(name) { return .less }
        if greater.contains(where: { name.contains($0) }) { return .greater }
        if less.contains(where: { name.contains($0) }) { return .less }
        throw ConfigError("default_hooks.checkpoint: cannot infer the rule for save_best '\(key)' (MMEngine infers 'greater' for names containing \(greaterKeys.joined(separator: ", ")) and 'less' for \(lessKeys.joined(separator: ", "))); set rule='greater' or rule='less'")
    }

    /// The checkpoint file name for epoch (iteration) `number`.
    public func fileName(_ number: Int) -> String {
        guard let template = filenameTemplate else { return (byEpoch ? "epoch_" : "iter_") + "\(number).safetensors" }
        var name = template.replacingOccurrences(of: "{}", with: String(number))
        if name.hasSuffix(".pth") { name = String(name.dropLast(4)) + ".safetensors" }
        return name
    }

    /// Whether `name` is one this hook writes: a regular checkpoint (`fileName(N)`), the
    /// checkpoint of a stop (`iter_N.safetensors`), or with `best` a best-model file
    /// (`best_<metric>_` + `fileName(N)`). Names from a checkpoint's metadata are only trusted,
    /// and only ever deleted, when they pass this.
    public func writes(_ name: String, best: Bool = false) -> Bool {
        guard CheckpointHook.isPlainName(name), name.utf8.count <= 255 else { return false }
        // every run of digits is a candidate epoch (iteration) number
        var numbers: [Int] = []
        var digits = ""
        for c in name + " " {
            if c.isASCII && c.isNumber { digits.append(c); continue }
            if !digits.isEmpty, digits.count <= 10, let n = Int(digits) { numbers.append(n) }
            digits = ""
        }
        for n in numbers {
            if best {
                if name.hasPrefix("best_") && name.hasSuffix("_" + fileName(n)) { return true }
            } else if name == fileName(n) || name == "iter_\(n).safetensors" {
                return true
            }
        }
        return false
    }

    /// Whether `count` completed epochs (iterations) is a regular save point.
    func isSavePoint(_ count: Int) -> Bool {
        interval > 0 && count >= saveBegin && (count - saveBegin) % interval == 0 && count > 0
    }

    public func checkpointDirectory(workDir: String) -> String? { directory(workDir: workDir) }

    /// Where checkpoints of a run in `workDir` go.
    public func directory(workDir: String) -> String {
        guard let outDir else { return workDir }
        let base = URL(fileURLWithPath: workDir).standardizedFileURL.lastPathComponent
        return outDir.hasSuffix("/") ? outDir + base : outDir + "/" + base
    }
}

/// The hook `CheckpointHookSpec` makes. Its state (the resumable files it keeps and each
/// `save_best` metric's best score and file) goes into every checkpoint's metadata under
/// `CheckpointHook` and comes back on resume.
public final class CheckpointHook: Hook {
    /// What the hook keeps across a resume (saved in the checkpoint's metadata).
    struct State: Codable {
        struct Best: Codable {
            var score: Double
            /// A file name in the checkpoint directory.
            var checkpoint: String?
        }
        /// By `save_best` metric.
        var best: [String: Best]?
        /// Before per-metric bests (one `save_best` metric).
        var bestScore: Double?
        var bestCheckpoint: String?
        var kept: [String] = []
    }

    /// The spec it was made from, which fixes when, where and what the hook saves.
    public let settings: CheckpointHookSpec
    private var state = State()
    /// The regular checkpoint written at the current position, if any.
    private var savedAt: (name: String, position: RunPosition)?

    /// Makes the hook for `settings`, with no kept files and no best scores yet.
    public init(settings: CheckpointHookSpec) { self.settings = settings }

    /// The best score so far of `metric` (the first `save_best` metric when nil).
    public func bestScore(_ metric: String? = nil) -> Double? {
        guard let key = metric ?? state.best?.keys.sorted().first else { return nil }
        return state.best?[key]?.score
    }

    /// The lock on `out_dir/<name>` while this run writes there.
    private var outDirLock: WorkDirLock?

    /// The file in `out_dir/<name>` naming the work dir whose run writes there.
    static let ownerFile = ".swiftpose_work_dir"

    /// With `out_dir`, claims `out_dir/<the work dir's last component>` for this run: it is
    /// locked while the run lasts, and it must hold no other work dir's checkpoints (two work
    /// dirs of one name, or a copy of a work dir resumed elsewhere, would overwrite and, with
    /// `max_keep_ckpts`, delete each other's files).
    ///
    /// - Throws: `OutputError` when the directory cannot be created; `TrainingError` when
    ///   another run holds its lock, its owner file names another work dir, or that file
    ///   cannot be written.
    public func beforeRun(_ runner: Trainer) throws {
        guard settings.outDir != nil, runner.isMain else { return }
        let dir = settings.directory(workDir: runner.workDir)
        let workDir = URL(fileURLWithPath: runner.workDir).standardizedFileURL.path
        try OutputPath.createDirectory(dir, label: "default_hooks.checkpoint.out_dir")
        guard URL(fileURLWithPath: dir).standardizedFileURL.path != workDir else { return }
        do {
            outDirLock = try WorkDirLock(workDir: dir)
        } catch {
            throw TrainingError("default_hooks.checkpoint.out_dir: \(dir) is in use by another run, whose work dir also ends in '\(URL(fileURLWithPath: workDir).lastPathComponent)'; give this run another work dir name or out_dir")
        }
        let owner = dir + "/" + CheckpointHook.ownerFile
        if let data = FileManager.default.contents(atPath: owner) {
            let recorded = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard recorded == workDir else {
                throw TrainingError("default_hooks.checkpoint.out_dir: \(dir) holds the checkpoints of the run in \(recorded), not of this run's work dir \(workDir); give this run another work dir name or out_dir (or remove \(owner) if that run is gone)")
            }
        } else {
            do {
                try Data((workDir + "\n").utf8).write(to: URL(fileURLWithPath: owner))
            } catch {
                throw TrainingError("default_hooks.checkpoint.out_dir: cannot write \(owner) (\(OutputPath.reason(error)))")
            }
        }
        runner.log("checkpoints will be saved to \(dir)")
    }

    public func afterRun(_ runner: Trainer) throws {
        outDirLock = nil
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        let done = runner.completed.iteration
        if runner.stopRequested {
            try save(runner, name: "iter_\(done).safetensors")
            return
        }
        guard !settings.byEpoch else { return }
        let isLast = done == runner.iterationsPerEpoch * runner.maxEpochs
        if settings.isSavePoint(done) || (settings.saveLast && isLast) {
            try save(runner, name: settings.fileName(done))
        }
    }

    public func afterTrainEpoch(_ runner: Trainer) throws {
        guard settings.byEpoch else { return }
        let completed = runner.completed.epoch
        let isLast = completed == runner.maxEpochs
        if settings.isSavePoint(completed) || (settings.saveLast && isLast) {
            try save(runner, name: settings.fileName(completed))
        }
    }

    /// Runs on every rank with the same (broadcast) metrics, so every rank takes part in the save.
    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws {
        guard !settings.saveBest.isEmpty, let first = metrics.first else { return }
        let keys = settings.saveBest == ["auto"] ? [first.0] : settings.saveBest
        let position = runner.completed
        let number = settings.byEpoch ? position.epoch : position.iteration
        let dir = settings.directory(workDir: runner.workDir)
        var best = state.best ?? [:]
        var updated = false
        for (index, key) in keys.enumerated() {
            guard let score = metrics.first(where: { $0.0 == key })?.1 else { continue }
            let rule = try settings.rule(for: key, at: index)
            guard rule.isBetter(score, than: best[key]?.score) else { continue }
            if runner.isMain, let old = best[key]?.checkpoint { CheckpointHook.remove(old, in: dir) }
            let name = "best_\(key.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: " ", with: "_"))_\(settings.fileName(number))"
            best[key] = State.Best(score: score, checkpoint: name)
            state.best = best
            try runner.saveCheckpoint(to: dir + "/" + name, includeOptimizer: false, resumable: false)
            runner.log(String(format: "the best checkpoint with %.4f %@ (rule '%@') at %@ %d is saved to %@", score, key, rule.rawValue,
                              settings.byEpoch ? "epoch" : "iter", number, dir + "/" + name))
            updated = true
        }
        // the resumable checkpoint of this point must know the new best
        if updated, let saved = savedAt, saved.position == position { try save(runner, name: saved.name) }
    }

    /// Writes a resumable checkpoint (every rank takes part), points `last_checkpoint` at it and
    /// removes the oldest beyond `max_keep_ckpts`, after the new one is complete.
    private func save(_ runner: Trainer, name: String) throws {
        let dir = settings.directory(workDir: runner.workDir)
        var kept = state.kept.filter { $0 != name } + [name]
        var removed: [String] = []
        if settings.maxKeepCheckpoints > 0 && kept.count > settings.maxKeepCheckpoints {
            removed = Array(kept.prefix(kept.count - settings.maxKeepCheckpoints))
            kept.removeFirst(removed.count)
        }
        state.kept = kept
        try runner.saveCheckpoint(to: dir + "/" + name, includeOptimizer: settings.saveOptimizer)
        savedAt = (name, runner.completed)
        guard runner.isMain else { return }
        // a name inside the work dir, as before out_dir; the full path otherwise (as MMEngine)
        let pointer = settings.outDir == nil ? name : dir + "/" + name
        try OutputPath.writeAtomically(Data(pointer.utf8), to: runner.workDir + "/last_checkpoint", label: "work dir")
        for old in removed { CheckpointHook.remove(old, in: dir) }
        runner.log("saved checkpoint \(dir)/\(name)" + (settings.saveOptimizer ? "" : " (without optimizer state: save_optimizer=False)"))
    }

    /// Deletes a checkpoint the hook wrote: a plain file name inside `directory` that is a
    /// file (never a folder, whatever its name).
    static func remove(_ name: String, in directory: String) {
        guard CheckpointHook.isPlainName(name) else { return }
        var status = stat()
        let path = directory + "/" + name
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG || (status.st_mode & S_IFMT) == S_IFLNK else { return }
        unlink(path)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".."
    }

    public func beforeSaveCheckpoint(_ runner: Trainer, checkpoint: inout CheckpointContents) throws {
        checkpoint.meta.hookStates["CheckpointHook"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    }

    /// Restores the best scores and the kept files, keeping only names of files in this run's
    /// checkpoint directory: a run resumed from elsewhere never deletes another directory's files.
    public func afterLoadCheckpoint(_ runner: Trainer, checkpoint: Checkpoint.Loaded) throws {
        guard var loaded = try checkpoint.hookState(State.self, hook: "CheckpointHook") else { return }
        let dir = settings.directory(workDir: runner.workDir)
        /// A file of this directory that this hook writes under that name.
        func here(_ name: String, best: Bool) -> Bool {
            var status = stat()
            return settings.writes(name, best: best) && lstat(dir + "/" + name, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        }
        loaded.kept = loaded.kept.filter { here($0, best: false) }
        if let name = loaded.bestCheckpoint, !here(name, best: true) { loaded.bestCheckpoint = nil }
        if let score = loaded.bestScore, !score.isFinite { loaded.bestScore = nil }
        if loaded.best == nil, let score = loaded.bestScore, let key = settings.saveBest.first, key != "auto" {
            loaded.best = [key: State.Best(score: score, checkpoint: loaded.bestCheckpoint)]
        }
        loaded.bestScore = nil; loaded.bestCheckpoint = nil
        for (key, best) in loaded.best ?? [:] where best.checkpoint.map({ here($0, best: true) }) == false {
            loaded.best?[key]?.checkpoint = nil
        }
        state = loaded
    }
}
