import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels
import PoseNN
import PoseTensor

/// MMEngine's epoch-based runner, data-parallel over ranks. The loop itself is only: load a
/// batch → forward, loss, backward → allreduce gradients → optimizer step; everything else
/// (timing, logging, learning-rate schedules, BatchNorm buffer sync, checkpoints, validation)
/// is a hook, called at MMEngine's points.
public final class Trainer {
    public enum Resume: Equatable, Sendable {
        case none
        /// Continue from `work_dir/last_checkpoint` (or start fresh when there is none).
        case latest
        case path(String)
    }

    public let settings: ExperimentSettings
    public let communicator: Communicator
    public let workDir: String
    public let resume: Resume
    public let loadFrom: String?
    /// Loader threads per rank.
    public let loaderThreads: Int
    /// Fail on missing or unexpected keys when loading initial weights.
    public var strictLoading = false
    /// Rank 0's log (lines and `vis_data/scalars.json`); a no-op on other ranks.
    public let log: TrainingLog

    public private(set) var model: PoseEstimator!
    public private(set) var optimizer: Optimizer!
    /// The learning-rate schedulers over the optimizer's groups (stepped by `ParamSchedulerHook`).
    public private(set) var schedule: LearningRateSchedule!
    /// The hooks, in the order they are called.
    public private(set) var hooks: [Hook] = []
    /// 0-based index of the epoch being trained (after the run: the number of epochs trained).
    public private(set) var epoch = 0
    /// 0-based index of the iteration being trained, counted over the whole run.
    public private(set) var iteration = 0
    /// 0-based index of the iteration within its epoch.
    public private(set) var innerIteration = 0
    public private(set) var iterationsPerEpoch = 0
    /// The epoch the sampler shuffles for; `DistSamplerSeedHook` sets it to `epoch` (without it
    /// every epoch sees the first epoch's order, as in MMEngine).
    public var samplerEpoch = 0
    public private(set) var seed: UInt64
    /// Values of the current iteration for loggers (MMEngine's message hub): the runner adds
    /// `lr` and the losses, `IterTimerHook` the times. Cleared at the start of each iteration.
    public var messages: [String: Double] = [:]
    /// The mean loss over ranks of every iteration this trainer ran.
    public private(set) var losses: [Float] = []
    /// Metrics of the last validation (rank 0).
    public internal(set) var lastMetrics: [(String, Double)] = []

    public var maxEpochs: Int { settings.maxEpochs }
    public var isMain: Bool { communicator.rank == 0 }
    public var worldSize: Int { communicator.size }

    private var trainData: DataloaderSettings?
    private var instances: [PoseInstance] = []
    private var sampler: DistributedSampler?
    private var loader: DataLoader?

    public init(settings: ExperimentSettings, communicator: Communicator, workDir: String, resume: Resume = .none,
                loadFrom: String? = nil, loaderThreads: Int) {
        self.settings = settings
        self.communicator = communicator
        self.workDir = workDir
        self.resume = resume
        self.loadFrom = loadFrom ?? settings.loadFrom
        self.loaderThreads = max(1, loaderThreads)
        seed = settings.seed
        log = TrainingLog(directory: communicator.rank == 0 ? workDir : nil, enabled: communicator.rank == 0)
    }

    /// Trains to `max_epochs`, resuming first if asked.
    public func run() throws {
        try setUp()
        try callHooks { try $0.beforeRun(self) }
        while epoch < maxEpochs {
            try trainEpoch()
        }
        try callHooks { try $0.afterRun(self) }
        log("training finished after \(maxEpochs) epochs (\(iteration) iterations)")
    }

    private func trainEpoch() throws {
        guard let loader, let sampler, let trainData else { return }
        try callHooks { try $0.beforeTrainEpoch(self) }
        loader.start(epoch: epoch, indices: sampler.indices(epoch: samplerEpoch), dropLast: trainData.dropLast)
        innerIteration = 0
        while let batch = try loader.next() {
            messages = [:]
            try callHooks { try $0.beforeTrainIteration(self, batch: batch) }
            let outputs = try trainStep(batch)
            try callHooks { try $0.afterTrainIteration(self, batch: batch, outputs: outputs) }
            iteration += 1
            innerIteration += 1
        }
        try callHooks { try $0.afterTrainEpoch(self) }
        epoch += 1
    }

    /// Forward, loss and backward, gradients averaged over ranks, one optimizer step.
    private func trainStep(_ batch: Batch) throws -> TrainStepOutputs {
        model.arena.zeroGradients()
        let named = try model.trainStep(batch, epoch: epoch)
        try communicator.allReduceMean(model.arena.gradients.data, count: model.arena.gradients.count)
        messages["lr"] = schedule.learningRate
        optimizer.step()
        // every logged value is the mean over ranks (MMPose logs rank 0's own)
        var values = named.map { Double($0.value) }
        try communicator.allReduceSum(&values)
        let means = zip(named, values).map { (name: $0.0.name, value: $0.1 / Double(worldSize)) }
        let loss = means.filter { $0.name.contains("loss") }.reduce(0) { $0 + $1.value }
        guard loss.isFinite else {
            throw TrainingError("epoch \(epoch + 1), iteration \(innerIteration + 1): the loss is \(loss); lower the learning rate or check the data")
        }
        losses.append(Float(loss))
        messages["loss"] = loss
        for (name, value) in means { messages[name] = value }
        return TrainStepOutputs(loss: loss, values: means)
    }

    /// Builds the model, optimizer, schedule and hooks, resumes or loads initial weights, and
    /// prepares the training data.
    private func setUp() throws {
        guard let trainData = settings.train else { throw DatasetError("the config has no train_dataloader") }
        self.trainData = trainData
        if isMain { try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true) }
        model = try makeModel(settings, seed: settings.seed)
        let groups = try settings.optimWrapper.constructor.parameterGroups(for: model.state, optimizer: settings.optimWrapper.optimizer)
        optimizer = try settings.optimWrapper.optimizer.makeOptimizer(arena: model.arena, groups: groups)
        schedule = LearningRateSchedule(settings.schedulers, optimizer: optimizer)
        let ordered = orderedHooks()
        hooks = try ordered.map { try $0.spec.makeHook() }
        log("SwiftPose training: \(worldSize) rank\(worldSize == 1 ? "" : "s"), \(BLAS.threadCount) BLAS thread\(BLAS.threadCount == 1 ? "" : "s") and \(loaderThreads) loader thread\(loaderThreads == 1 ? "" : "s") per rank, OpenBLAS core \(BLAS.coreName)")
        log("model: \(model.summary), \(model.trainableParameterCount) trainable parameters; optimizer \(settings.optimWrapper.optimizerType) (\(groups.count) parameter group\(groups.count == 1 ? "" : "s"))")
        log("hooks, in call order: " + ordered.map { "\($0.type) (\($0.priority))" }.joined(separator: ", "))
        if !settings.ignoredKeys.isEmpty {
            log("config keys accepted without effect here: \(settings.ignoredKeys.joined(separator: ", "))")
        }

        if let loaded = try broadcastResumeCheckpoint() {
            try restore(from: loaded)
        } else {
            try loadInitialWeights()
        }

        let dataset = trainData.dataset
        instances = try dataset.load(testMode: false).instances
        guard !instances.isEmpty else { throw DatasetError("train_dataloader: the dataset has no valid training instances") }
        let pipeline = dataset.pipeline
        guard let codec = pipeline.codec, pipeline.inputSize != nil else {
            throw DatasetError("train_pipeline needs TopdownAffine and GenerateTarget")
        }
        if let decoder = settings.model.decoder, codec.inputSize != decoder.inputSize {
            throw DatasetError("train_pipeline's codec input_size \(codec.inputSize) differs from the model decoder's \(decoder.inputSize)")
        }
        let sampler = DistributedSampler(count: instances.count, shuffle: trainData.shuffle, seed: seed,
                                         rank: communicator.rank, worldSize: worldSize, roundUp: trainData.roundUp)
        self.sampler = sampler
        loader = DataLoader(instances: instances, pipeline: pipeline, batchSize: trainData.batchSize,
                            mean: settings.model.dataPreprocessor.mean, std: settings.model.dataPreprocessor.std,
                            seed: seed, workers: loaderThreads)
        iterationsPerEpoch = trainData.dropLast ? sampler.samplesPerRank / trainData.batchSize
                                                : (sampler.samplesPerRank + trainData.batchSize - 1) / trainData.batchSize
        log("train: \(instances.count) instances, \(iterationsPerEpoch) iterations per epoch of \(trainData.batchSize) per rank (global batch \(trainData.batchSize * worldSize)), \(maxEpochs) epochs")
    }

    /// The configured hooks in MMEngine's order (priority, then registration), with the
    /// validation hook the run adds when it has a val dataloader and evaluator.
    private func orderedHooks() -> [HookEntry] {
        var entries = settings.hooks
        if settings.val != nil && settings.valEvaluator != nil {
            let validation = ValidationHookSettings(interval: settings.valInterval, begin: settings.valBegin)
            entries.append(HookEntry(key: "val_cfg", type: "ValidationHook", priority: validation.defaultPriority, spec: validation))
        }
        return entries.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    func callHooks(_ stage: (Hook) throws -> Void) throws {
        for hook in hooks { try stage(hook) }
    }

    // MARK: - Services for hooks

    /// Runs the validation loop on every rank and the hooks' validation stages; returns the
    /// metrics (on rank 0; empty elsewhere).
    public func validate() throws -> [(String, Double)] {
        guard let val = settings.val, let evaluator = settings.valEvaluator else { return [] }
        try callHooks { try $0.beforeValidation(self) }
        let result = try Evaluation(dataloader: val, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor, seed: seed)
            .run(model, communicator: communicator, workers: loaderThreads)
        if isMain { lastMetrics = result.metrics }
        try callHooks { try $0.afterValidation(self, metrics: result.metrics) }
        return result.metrics
    }

    /// Writes a checkpoint of the current state to `path` (rank 0; other ranks return at once):
    /// model, optimizer (unless `includeOptimizer` is false), run metadata and what the hooks add.
    public func saveCheckpoint(to path: String, includeOptimizer: Bool = true) throws {
        guard isMain else { return }
        var contents = CheckpointContents(meta: CheckpointMeta(
            epoch: epoch + 1, iteration: iteration, optimizerSteps: optimizer.stepCount, optimizer: settings.optimWrapper.optimizerType,
            seed: seed, worldSize: worldSize, config: settings.configText))
        try callHooks { try $0.beforeSaveCheckpoint(self, checkpoint: &contents) }
        try Checkpoint.save(model: model, optimizer: includeOptimizer ? optimizer : nil, contents: contents, to: path)
    }

    /// Averages every float buffer (BatchNorm running statistics) over ranks.
    public func syncBuffers() throws {
        guard worldSize > 1 else { return }
        for (_, t) in model.state.buffers { try communicator.allReduceMean(t.data, count: t.count) }
    }

    // MARK: - Weights and resume

    /// Restores model, optimizer, counters and hook state from a checkpoint every rank has read.
    private func restore(from loaded: Checkpoint.Loaded) throws {
        guard let meta = loaded.meta else {
            throw CheckpointError("\(loaded.path): not a SwiftPose checkpoint (no run metadata); to start from its weights use load_from or --load-from")
        }
        guard meta.resumable else { throw CheckpointError("\(loaded.path): a weights-only checkpoint cannot be resumed; use load_from") }
        if meta.optimizer != settings.optimWrapper.optimizerType {
            throw CheckpointError("\(loaded.path): written with optimizer \(meta.optimizer), but the config uses \(settings.optimWrapper.optimizerType)")
        }
        try Checkpoint.loadWeights(loaded, into: model, strict: true)
        try Checkpoint.loadOptimizer(loaded, into: optimizer, model: model)
        epoch = meta.epoch
        iteration = meta.iteration
        seed = meta.seed
        samplerEpoch = meta.epoch
        try callHooks { try $0.afterLoadCheckpoint(self, checkpoint: loaded) }
        log("resumed from \(loaded.path): epoch \(meta.epoch), iteration \(meta.iteration)")
        if meta.worldSize != worldSize {
            log("warning: the checkpoint was written by \(meta.worldSize) ranks, this run has \(worldSize); the global batch and learning rate differ")
        }
    }

    /// `init_cfg` Pretrained weights, then `load_from`: rank 0 reads each file and every rank
    /// loads the same bytes.
    private func loadInitialWeights() throws {
        for pretrained in settings.model.pretrained {
            let what = pretrained.target.isEmpty ? "model" : String(pretrained.target.dropLast())
            if pretrained.checkpoint.contains("://") {
                log("note: \(what) init_cfg Pretrained '\(pretrained.checkpoint)' is a download, which SwiftPose does not fetch; keeping MMPose's random initialisation (give a local .pth or .safetensors path to load it)")
                continue
            }
            guard let loaded = try broadcastCheckpoint(path: pretrained.checkpoint) else { continue }
            let rename: ((String) -> String?)? = pretrained.target.isEmpty && pretrained.prefix == nil ? nil : { key in
                if let prefix = pretrained.prefix { return key.hasPrefix(prefix) ? pretrained.target + key.dropFirst(prefix.count) : nil }
                return key.hasPrefix(pretrained.target) ? key : pretrained.target + key
            }
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strictLoading, rename: rename)
            log("\(what) initialised from \(pretrained.checkpoint)" + Trainer.keyReport(missing: missing, unexpected: unexpected))
        }
        if let path = loadFrom, let loaded = try broadcastCheckpoint(path: path) {
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strictLoading)
            log("loaded weights from \(path)" + Trainer.keyReport(missing: missing, unexpected: unexpected))
        }
    }

    /// " (all keys matched)" or the missing and unexpected keys, a few by name.
    public static func keyReport(missing: [String], unexpected: [String]) -> String {
        if missing.isEmpty && unexpected.isEmpty { return " (all keys matched)" }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) missing: \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected: \(unexpected.prefix(5).joined(separator: ", "))\(unexpected.count > 5 ? ", …" : "")") }
        return " (" + parts.joined(separator: "; ") + ")"
    }

    /// Rank 0 reads and verifies `path`; every rank gets the same parsed file.
    private func broadcastCheckpoint(path: String) throws -> Checkpoint.Loaded? {
        try broadcast { try Checkpoint.load(path: path) }
    }

    /// Rank 0 picks the checkpoint to resume from; every rank gets the same parsed file.
    private func broadcastResumeCheckpoint() throws -> Checkpoint.Loaded? {
        try broadcast { try findResumeCheckpoint() }
    }

    /// Runs `read` on rank 0 and sends the file (path and bytes) to the other ranks, which
    /// parse it themselves, so the ranks need no shared filesystem. A failure on rank 0 ends
    /// every rank.
    private func broadcast(_ read: () throws -> Checkpoint.Loaded?) throws -> Checkpoint.Loaded? {
        var loaded: Checkpoint.Loaded?
        var failure: Error?
        if isMain {
            do { loaded = try read() } catch { failure = error }
        }
        guard worldSize > 1 else {
            if let failure { throw failure }
            return loaded
        }
        var status: [Int64] = [failure != nil ? -1 : loaded == nil ? 0 : 1]
        try status.withUnsafeMutableBytes { try communicator.broadcast($0.baseAddress!, bytes: $0.count, root: 0) }
        if let failure { throw failure }
        guard status[0] == 1 else {
            if status[0] < 0 { throw TrainingError("rank 0 could not read a checkpoint (its error is reported by rank 0)") }
            return nil
        }
        let path = try communicator.broadcast(loaded.map { Array($0.path.utf8) }, root: 0) ?? []
        let bytes = try communicator.broadcast(loaded.map { [UInt8]($0.data) }, root: 0) ?? []
        if isMain { return loaded }
        return try Checkpoint.load(data: Data(bytes), path: String(decoding: path, as: UTF8.self))
    }

    /// The checkpoint to resume from (rank 0 decides), skipping damaged files back to the
    /// newest complete one.
    private func findResumeCheckpoint() throws -> Checkpoint.Loaded? {
        switch resume {
        case .none: return nil
        case .path(let p): return try Checkpoint.load(path: p)
        case .latest:
            let marker = workDir + "/last_checkpoint"
            var candidates: [String] = []
            if let text = try? String(contentsOfFile: marker, encoding: .utf8) {
                candidates.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: workDir)) ?? []
            let epochs = files.compactMap { f -> (Int, String)? in
                guard f.hasPrefix("epoch_"), f.hasSuffix(".safetensors"),
                      let n = Int(f.dropFirst(6).dropLast(12)) else { return nil }
                return (n, workDir + "/" + f)
            }.sorted { $0.0 > $1.0 }
            candidates += epochs.map(\.1).filter { !candidates.contains($0) }
            for c in candidates {
                do {
                    return try Checkpoint.load(path: c)
                } catch {
                    log("warning: cannot resume from \(c) (\(error)); trying an older checkpoint")
                }
            }
            log("no checkpoint found in \(workDir) to resume from; starting from scratch")
            return nil
        }
    }
}

/// Builds the configured model with its initialisation drawn from a generator seeded by `seed`,
/// so every rank that uses the same seed starts from the same weights.
public func makeModel(_ settings: ExperimentSettings, seed: UInt64) throws -> PoseEstimator {
    var rng = RandomGenerator(seed: seed, stream: [0x1417])
    return try settings.model.makeEstimator(rng: &rng)
}

/// A training run that cannot continue; the message says where and why.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

func monotonicClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
}
