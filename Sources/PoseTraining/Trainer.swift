import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels
import PoseNN
import PoseTensor

/// MMEngine's runner for an epoch-based, data-parallel run: it checks the config's files and
/// the model's shapes before the work dir is touched, builds the model, optimizer, schedule,
/// hooks and data, resumes or loads initial weights (`ResumeSearch`, `InitialWeights`, each
/// file read by rank 0 and shared by `CheckpointBroadcast`), and hands over to the loop
/// (`EpochBasedTrainLoop`: batch → forward, loss, backward → allreduce → optimizer step). It
/// holds the run's position and offers the hooks their services (`validate`, `saveCheckpoint`,
/// `syncBuffers`); timing, logging, schedules, buffer sync, checkpoints and validation are hooks.
public final class Trainer {
    /// Where a run continues from (MMEngine's `resume`, `pose-train --resume [CHECKPOINT]`):
    /// rank 0 finds and reads the checkpoint, and every rank restores the same model,
    /// optimizer, position and hook state from it.
    public enum Resume: Equatable, Sendable {
        /// Start afresh: from `init_cfg` Pretrained weights and `load_from`, if any.
        case none
        /// Continue from `work_dir/last_checkpoint` (or the newest complete checkpoint there).
        case latest
        /// Continue from this SwiftPose `.safetensors` checkpoint; one outside the work dir is
        /// copied into it first, so the run never writes next to the original.
        case path(String)
    }

    /// The decoded config the run trains by (model, data, optimizer, schedules, hooks).
    public let settings: ExperimentSettings
    /// The collectives among the job's ranks: gradient allreduce, checkpoint broadcasts,
    /// barriers (a one-rank communicator for a single process).
    public let communicator: Communicator
    /// MMEngine's `work_dir`: where rank 0 takes the lock and writes the log and (without the
    /// checkpoint hook's `out_dir`) the checkpoints.
    public let workDir: String
    /// Where the run continues from; `.none` starts afresh.
    public let resume: Resume
    /// The checkpoint whose weights the model starts from when the run does not resume
    /// (`--load-from`, else the config's `load_from`); nil for none.
    public let loadFrom: String?
    /// Loader threads per rank.
    public let loaderThreads: Int
    /// Fail on missing or unexpected keys when loading initial weights.
    public var strictLoading = false
    /// SIGTERM/SIGINT, as a request to stop at the next iteration boundary.
    public let stopRequest: StopRequest
    /// Rank 0's log (lines and `vis_data/scalars.json`); other ranks only append errors to it.
    public let log: TrainingLog

    /// The model being trained; nil until `run()` builds it.
    public internal(set) var model: PoseEstimator!
    /// The optimizer over the model's parameter groups (`optim_wrapper.optimizer`, rates
    /// scaled by `auto_scale_lr`); nil until `run()` builds it.
    public private(set) var optimizer: Optimizer!
    /// The learning-rate schedulers over the optimizer's groups (stepped by `ParamSchedulerHook`).
    public internal(set) var schedule: ParameterSchedule!
    /// The hooks, in the order they are called.
    public private(set) var hooks: [Hook] = []
    /// 0-based index of the epoch being trained (after the run: the number of epochs trained).
    public internal(set) var epoch = 0
    /// 0-based index of the iteration being trained, counted over the whole run.
    public internal(set) var iteration = 0
    /// 0-based index of the iteration within its epoch.
    public internal(set) var innerIteration = 0
    /// Iterations (batches per rank) in one epoch, from the sampler's share of the dataset and
    /// `drop_last`; set by `run()`, 0 before.
    public private(set) var iterationsPerEpoch = 0
    /// What the run has completed: after an iteration's optimizer step, that iteration; after an
    /// epoch's last iteration and before its epoch hooks, the epoch. Checkpoints record it.
    public internal(set) var completed = RunPosition(epoch: 0, iteration: 0, innerIteration: 0)
    /// Whether every rank agreed, in this iteration's allreduce, to stop after it (a signal).
    public var stopRequested: Bool { stopSignal != 0 }
    /// The newest resumable checkpoint this run wrote, and where.
    public private(set) var lastCheckpoint: (path: String, position: RunPosition)?
    /// The epoch the sampler shuffles for; `DistSamplerSeedHook` sets it to `epoch` (without it
    /// every epoch sees the first epoch's order, as in MMEngine).
    public var samplerEpoch = 0
    /// The run's seed (`randomness.seed`, replaced by the checkpoint's on resume): it seeds the
    /// sampler's shuffle, the loader's random transforms and the evaluations.
    public private(set) var seed: UInt64
    /// Values of the current iteration for loggers (MMEngine's message hub): the runner adds
    /// `lr` and the losses, `IterTimerHook` the times. Cleared at the start of each iteration.
    public var messages: [String: Double] = [:]
    /// The mean loss over ranks of every iteration this trainer ran.
    public internal(set) var losses: [Float] = []
    /// Metrics of the last validation.
    public internal(set) var lastMetrics: [(String, Double)] = []

    /// `train_cfg.max_epochs`: the number of epochs the run trains to.
    public var maxEpochs: Int { settings.maxEpochs }
    /// Whether this is rank 0, the rank that writes the log, the lock and the checkpoints.
    public var isMain: Bool { communicator.rank == 0 }
    /// The number of ranks in the job (`communicator.size`).
    public var worldSize: Int { communicator.size }

    var trainData: DataloaderSettings?
    private var instances: [PoseInstance] = []
    var sampler: DistributedSampler?
    var loader: DataLoader?
    private var lock: WorkDirLock?
    /// Iterations of the first epoch already done when a run resumes mid-epoch.
    var resumeInnerIteration = 0
    /// The signal every rank agreed to stop for, or 0.
    var stopSignal: Int32 = 0

    /// Keeps MMPose's random initialisation where `init_cfg` names a download (`--no-pretrained`).
    public var skipsPretrainedDownloads = false

    /// A trainer for `settings`; nothing is built, read or written until `run()`.
    /// - Parameters:
    ///   - settings: The decoded config.
    ///   - communicator: The job's ranks; every rank creates its trainer with the same settings.
    ///   - workDir: The work dir (created by rank 0 when the run starts).
    ///   - resume: Where to continue from; `.none` starts afresh.
    ///   - loadFrom: Initial weights (`.safetensors` or a PyTorch `.pth`); nil takes the
    ///     config's `load_from`.
    ///   - loaderThreads: Data loader threads per rank (at least 1 is used).
    ///   - stopRequest: The signals' stop request, which the run arms once it is set up.
    ///   - log: The run's log; rank 0 opens it in the work dir.
    public init(settings: ExperimentSettings, communicator: Communicator, workDir: String, resume: Resume = .none,
                loadFrom: String? = nil, loaderThreads: Int, stopRequest: StopRequest = StopRequest(),
                log: TrainingLog = TrainingLog()) {
        self.log = log
        self.settings = settings
        self.communicator = communicator
        self.workDir = workDir
        self.resume = resume
        self.loadFrom = loadFrom ?? settings.loadFrom
        self.loaderThreads = max(1, loaderThreads)
        self.stopRequest = stopRequest
        seed = settings.seed
    }

    /// Trains to `max_epochs`, resuming first if asked. Throws `RunStopped` after saving a
    /// checkpoint when a stop was requested.
    /// - Throws: `RunStopped` when every rank agreed to stop for a signal; `DatasetError`,
    ///   `ModelError` or `MemoryBudgetError` when the config's data, model or batch cannot run
    ///   (found before the work dir is touched); `TrainingError` when another run holds the work
    ///   dir or the loss is not finite; `CheckpointError` when a checkpoint cannot be read,
    ///   resumed from or written; `CommunicatorError` when a collective fails; and what the hooks throw.
    public func run() throws {
        defer {
            loader?.shutdown()
            lock = nil   // the work dir is free again once the run is over
        }
        try setUp()
        stopRequest.arm()
        guard completed.epoch < maxEpochs || completed.innerIteration > 0 else {
            log("the checkpoint is at \(completed), and max_epochs is \(maxEpochs): nothing left to train")
            return
        }
        try EpochBasedTrainLoop(runner: self).run()
        log("training finished after \(maxEpochs) epochs (\(iteration) iterations)")
    }

    /// Locks the work dir, builds the model, optimizer, schedule and hooks, checks the files
    /// the run will read, resumes or loads initial weights, and prepares the training data.
    private func setUp() throws {
        guard let trainData = settings.train else { throw DatasetError("the config has no train_dataloader") }
        self.trainData = trainData
        // everything the config and its files can get wrong is found before the work dir is
        // touched: a run that cannot start leaves nothing behind
        try checkRequiredFiles()
        if settings.optimWrapper.precision == .bfloat16 {
            try ComputePrecision.checkBFloat16(for: "optim_wrapper.type='\(settings.optimWrapper.type)'",
                                               remedy: "train in fp32 (optim_wrapper.type='OptimWrapper')")
        }
        for entry in settings.hooks {
            do { try entry.spec.check(settings) } catch { throw TrainingError("\(entry.key): \(error)") }
        }
        model = try makeModel(settings, seed: settings.seed)
        if worldSize > 1 {
            let reducer = CommunicatorReplicaReducer(communicator)
            for (_, bn) in model.state.normalizations where settings.syncBN || bn.synchronized { bn.reducer = reducer }
        }
        let groups = try settings.optimWrapper.constructor.parameterGroups(for: model.state, optimizer: settings.optimWrapper.optimizer)
        optimizer = try settings.optimWrapper.optimizer.makeOptimizer(arena: model.arena, groups: groups)
        try ParameterSchedule.check(settings.schedulers, for: optimizer)
        // MMEngine's scale_lr: before the schedulers, so their initial rates are the scaled ones
        var scaleNote: String?
        if let auto = settings.autoScaleLR, auto.enable {
            let realBatch = worldSize * trainData.batchSize
            let ratio = Double(realBatch) / Double(auto.baseBatchSize)
            for g in optimizer.groups.indices {
                optimizer.groups[g].learningRate *= ratio
                optimizer.groups[g].initialLearningRate *= ratio
            }
            scaleNote = "LR is set based on batch size of \(auto.baseBatchSize) and the current batch size is \(realBatch). Scaling the original LR by \(ratio)."
        }
        if let augment = settings.model.dataPreprocessor.batchAugments.first {
            throw DatasetError("model.data_preprocessor.batch_augments: \(augment) is not implemented yet, so training would differ from MMPose's; remove it to train without it (evaluation and inference ignore it, as MMPose does)")
        }
        let ordered = orderedHooks()
        hooks = try ordered.map { try $0.spec.makeHook() }
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
        // before the full-size probe, which runs one image
        try checkActivationsFit(model, inputSize: codec.inputSize, batch: trainData.batchSize, training: true, what: "train_dataloader.batch_size")
        try probe(codec, keypoints: dataset.metainfo.keypointCount)

        if isMain {
            try OutputPath.createDirectory(workDir, label: "work dir")
            lock = try WorkDirLock(workDir: workDir)
            log.open(directory: workDir)
            log.muteStandardOutput(after: stopRequest)
            removeStaleTemporaryFiles()
        }
        // every rank learns where the log is, so its errors reach it too
        if let path = try communicator.broadcast(log.path.map { Array($0.utf8) }, root: 0) {
            log.share(path: String(decoding: path, as: UTF8.self))
        }
        log("SwiftPose training: \(worldSize) rank\(worldSize == 1 ? "" : "s"), \(BLAS.threadCount) BLAS thread\(BLAS.threadCount == 1 ? "" : "s") and \(loaderThreads) loader thread\(loaderThreads == 1 ? "" : "s") per rank, OpenBLAS core \(BLAS.coreName)")
        if let scaleNote { log(scaleNote) }
        log("model: \(model.summary), \(model.trainableParameterCount) trainable parameters; optimizer \(settings.optimWrapper.optimizerType) (\(groups.count) parameter group\(groups.count == 1 ? "" : "s"))")
        log("hooks, in call order: " + ordered.map { "\($0.type) (\($0.priority))" }.joined(separator: ", "))
        if !settings.ignoredKeys.isEmpty {
            log("config keys accepted without effect here: \(settings.ignoredKeys.joined(separator: ", "))")
        }
        for note in settings.notes + settings.optimWrapper.notes { log("note: " + note) }
        if settings.optimWrapper.precision == .bfloat16 && !ComputePrecision.hasNativeBFloat16 {
            log("warning: this CPU (\(ComputePrecision.cpuName)) has no AVX512_BF16 or AMX-BF16; SWIFTPOSE_BF16_EMULATION=1 runs bfloat16 in oneDNN's emulation, for checking results, several times slower than fp32")
        }
        // as MMEngine: the merged config in the log and beside the scalars
        log("Config:\n" + settings.configText)
        log.saveConfig(settings.configText)


        let broadcast = CheckpointBroadcast(communicator: communicator)
        let search = ResumeSearch(mode: resume, workDir: workDir, checkpointDirectory: checkpointDirectory, log: log)
        if let loaded = try broadcast.share(search.find) {
            try restore(from: loaded)
        } else {
            try InitialWeights(pretrained: settings.model.pretrained, loadFrom: loadFrom, strict: strictLoading,
                               skipsDownloads: skipsPretrainedDownloads, broadcast: broadcast, log: log).load(into: model)
        }

        let sampler = DistributedSampler(count: instances.count, shuffle: trainData.shuffle, seed: seed,
                                         rank: communicator.rank, worldSize: worldSize, roundUp: trainData.roundUp)
        self.sampler = sampler
        loader = DataLoader(instances: instances, pipeline: pipeline, batchSize: trainData.batchSize,
                            preprocessor: settings.model.dataPreprocessor,
                            seed: seed, workers: loaderThreads)
        func iterations(_ samples: Int) -> Int {
            trainData.dropLast ? samples / trainData.batchSize : (samples + trainData.batchSize - 1) / trainData.batchSize
        }
        iterationsPerEpoch = iterations(sampler.samplesPerRank)
        // convert_to_iter_based schedulers count in iterations of this epoch length
        schedule = try ParameterSchedule(settings.schedulers, optimizer: optimizer, epochLength: max(1, iterationsPerEpoch),
                                        maxEpochs: maxEpochs)
        // ranks that train different numbers of iterations would wait for each other forever
        var lastRank = sampler
        lastRank.rank = worldSize - 1
        if iterations(lastRank.samplesPerRank) != iterationsPerEpoch {
            throw DatasetError("train_dataloader.sampler.round_up=False: \(instances.count) instances over \(worldSize) ranks give rank 0 \(iterationsPerEpoch) iterations per epoch and rank \(worldSize - 1) \(iterations(lastRank.samplesPerRank)); use round_up=True (the default) or a dataset size divisible by the ranks")
        }
        model.willTrain(maxEpochs: maxEpochs)
        log("train: \(instances.count) instances, \(iterationsPerEpoch) iterations per epoch of \(trainData.batchSize) per rank (global batch \(trainData.batchSize * worldSize)), \(maxEpochs) epochs")
        // equal counts: a checkpoint written at an epoch's last iteration (a stop there) resumes
        // into that epoch's end, whose hooks have not run yet
        if resumeInnerIteration > iterationsPerEpoch {
            throw CheckpointError("the checkpoint is \(resumeInnerIteration) iterations into an epoch, but an epoch here has \(iterationsPerEpoch): the data or batch size differs from the run that wrote it")
        }
    }

    /// Removes temporary files of checkpoint writes a killed run left behind.
    private func removeStaleTemporaryFiles() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: workDir)) ?? []
        for f in files where f.contains(".safetensors.tmp-") {
            try? FileManager.default.removeItem(atPath: workDir + "/" + f)
            log.record("removed \(workDir)/\(f), the unfinished write of an earlier run", level: "WARNING")
        }
    }

    /// The start-up probe (one blank forward: backbone, neck, head and decoder agree), then the
    /// training codec's targets against what the head predicts under the same keys: a mismatch
    /// is a config error before the first step and before the work dir, not a failure in it.
    private func probe(_ codec: any KeypointCodec, keypoints: Int) throws {
        guard let output = try model.probe(inputSize: codec.inputSize) else { return }
        for (key, shape) in codec.targetShapes(keypoints: keypoints).sorted(by: { $0.key.name < $1.key.name }) {
            guard let predicted = output[key] else { continue }
            // sizes after the keypoint (or channel) axis; counts are the loss's to check
            let (made, got) = (Array(shape.dropFirst()), Array(predicted.shape.dropFirst(2)))
            guard made != got else { continue }
            if key == .heatmaps, predicted.shape.count == 4, let (w, h) = codec.heatmapTargetSize {
                throw ModelError.heatmapSize(model: model.summary, maps: predicted.shape, codec: codec, width: w, height: h)
            }
            throw ModelError("\(model.summary) predicts '\(key)' of \(got.map(String.init).joined(separator: "×")) per keypoint but train_pipeline's GenerateTarget codec makes \(made.map(String.init).joined(separator: "×")); make the codec and the head agree")
        }
    }

    /// Every file the run will read (training and validation data, detections, metric
    /// annotations), checked before any training so a missing one does not surface an epoch later.
    private func checkRequiredFiles() throws {
        var files: [(String, RequiredFile)] = []
        if let train = settings.train { files += train.dataset.requiredFiles(testMode: false).map { ("train_dataloader.dataset.", $0) } }
        if let val = settings.val, settings.valEvaluator != nil {
            files += val.dataset.requiredFiles(testMode: true).map { ("val_dataloader.dataset.", $0) }
            for (i, metric) in (settings.valEvaluator?.metrics ?? []).enumerated() {
                files += metric.requiredFiles.map { ("val_evaluator.\(settings.valEvaluator!.metrics.count > 1 ? "\(i)." : "")", $0) }
            }
        }
        for (prefix, file) in files {
            if let problem = file.problem { throw DatasetError("\(prefix)\(file.key): \(problem)") }
        }
        // the evaluator's own ground truth is read now, not after the first epoch
        if let val = settings.val, let evaluator = settings.valEvaluator {
            try Evaluation(dataloader: val, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor, seed: seed)
                .checkMetricsCanPair(prefix: "val_evaluator")
            for metric in evaluator.metrics { try metric.checkGroundTruth(metainfo: val.dataset.metainfo) }
        }
    }

    /// The configured hooks in MMEngine's order (priority, then registration), with the
    /// validation hook the run adds when it has a val dataloader and evaluator.
    private func orderedHooks() -> [HookEntry] {
        var entries = settings.hooks
        if settings.val != nil && settings.valEvaluator != nil {
            let validation = ValidationHookSpec(interval: settings.valInterval, begin: settings.valBegin)
            entries.append(HookEntry(key: "val_cfg", type: "ValidationHook", priority: validation.defaultPriority, spec: validation))
        }
        return entries.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    func callHooks(_ stage: (Hook) throws -> Void) throws {
        for hook in hooks { try stage(hook) }
    }

    // MARK: - Services for hooks

    /// Trains from the next epoch on with `transforms` as the training pipeline (mmdet's
    /// `PipelineSwitchHook`), with the dataset's metainfo; logs MMDetection's "Switch pipeline
    /// now!". Call it between epochs (`beforeTrainEpoch`).
    public func switchTrainPipeline(to transforms: [any Transform]) {
        guard let loader else { return }
        loader.replacePipeline(TopdownPipeline(transforms, metainfo: loader.pipeline.metainfo))
        log("Switch pipeline now!")
    }

    /// Runs the validation loop on every rank and the hooks' validation stages; returns the
    /// metrics (broadcast, so every rank has them).
    /// - Returns: `(name, value)` pairs in the evaluator's order; empty without a
    ///   `val_dataloader` and `val_evaluator`.
    /// - Throws: What `Evaluation.run` throws (`DatasetError`, `MetricError`,
    ///   `CommunicatorError`, …) and what the hooks' validation stages throw.
    public func validate() throws -> [(String, Double)] {
        guard let val = settings.val, let evaluator = settings.valEvaluator else { return [] }
        try callHooks { try $0.beforeValidation(self) }
        let result = try Evaluation(dataloader: val, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor, seed: seed)
            .run(model, communicator: communicator, workers: loaderThreads)
        lastMetrics = result.metrics
        for line in result.report { log(line) }
        try callHooks { try $0.afterValidation(self, metrics: result.metrics) }
        return result.metrics
    }

    /// Writes a checkpoint of the run at `completed` to `path`. Every rank calls it: for a
    /// `resumable` checkpoint (not a best-model file) the other ranks' buffers are gathered into
    /// it, rank 0 writes (with what the hooks add), and every rank waits until the file is
    /// complete. Without `includeOptimizer` a resume from it starts the optimizer afresh.
    /// - Parameters:
    ///   - path: The `.safetensors` file to write (atomically, on rank 0).
    ///   - includeOptimizer: Whether to save the optimizer state (`save_optimizer`).
    ///   - resumable: False for a best-model file: no other ranks' buffers, marked as not
    ///     resumable, and not recorded as `lastCheckpoint`.
    /// - Throws: `CheckpointError` when the file cannot be written; `CommunicatorError` when
    ///   gathering the buffers or the closing barrier fails; what the hooks' checkpoint stages throw.
    public func saveCheckpoint(to path: String, includeOptimizer: Bool = true, resumable: Bool = true) throws {
        var gathered: [[UInt8]] = []
        if resumable && worldSize > 1 {
            var bytes: [UInt8] = []
            for (_, t) in model.state.buffers { bytes += UnsafeRawBufferPointer(t.buffer) }
            gathered = try communicator.gather(bytes, root: 0)
        }
        if isMain {
            var contents = CheckpointContents(meta: CheckpointMeta(
                epoch: completed.epoch, iteration: completed.iteration, optimizerSteps: optimizer.stepCount,
                optimizer: settings.optimWrapper.optimizerType, seed: seed, worldSize: worldSize, config: settings.configText))
            contents.meta.innerIteration = completed.innerIteration
            contents.meta.resumable = resumable
            for (rank, bytes) in gathered.enumerated() where rank > 0 {
                var offset = 0
                let buffers = model.state.buffers.map { name, t -> (name: String, tensor: Tensor) in
                    let copy = Tensor(zeros: t.shape)
                    bytes.withUnsafeBytes { (UnsafeMutableRawPointer(copy.data)).copyMemory(from: $0.baseAddress! + offset, byteCount: t.count * 4) }
                    offset += t.count * 4
                    return (name, copy)
                }
                contents.rankBuffers.append((rank, buffers))
            }
            try callHooks { try $0.beforeSaveCheckpoint(self, checkpoint: &contents) }
            let saved = Result { try Checkpoint.save(model: model, optimizer: includeOptimizer ? optimizer : nil, contents: contents, to: path) }
            try callHooks { try $0.afterSaveCheckpoint(self) }
            try saved.get()
        }
        if resumable { lastCheckpoint = (path, completed) }
        try communicator.barrier()
    }

    /// Averages every float buffer (BatchNorm running statistics) over ranks.
    /// - Throws: `CommunicatorError` when the allreduce fails.
    public func syncBuffers() throws {
        guard worldSize > 1 else { return }
        for (_, t) in model.state.buffers { try communicator.allReduceMean(t.data, count: t.count) }
    }

    // MARK: - Weights and resume

    /// Restores model, optimizer, position and hook state from a checkpoint every rank has read.
    private func restore(from loaded: Checkpoint.Loaded) throws {
        guard let meta = loaded.meta else {
            throw CheckpointError("\(loaded.path): not a SwiftPose checkpoint (no run metadata), so there is no optimizer state or position to resume; start from its weights with load_from or --load-from")
        }
        guard meta.resumable else { throw CheckpointError("\(loaded.path): a weights-only checkpoint cannot be resumed; use load_from") }
        guard meta.optimizer == settings.optimWrapper.optimizerType else {
            throw CheckpointError("\(loaded.path): written with optimizer \(meta.optimizer), but the config uses \(settings.optimWrapper.optimizerType)")
        }
        guard meta.epoch >= 0, meta.iteration >= 0, meta.innerIteration >= 0, meta.optimizerSteps >= 0 else {
            throw CheckpointError("\(loaded.path): its position (epoch \(meta.epoch), iteration \(meta.iteration)) is not a run's")
        }
        try Checkpoint.loadWeights(loaded, into: model, strict: true)
        if meta.optimizerSaved {
            try Checkpoint.loadOptimizer(loaded, into: optimizer, model: model)
        } else {
            log("warning: \(loaded.path) holds no optimizer state (save_optimizer=False); the optimizer starts afresh")
        }
        // this rank's own BatchNorm statistics, when the same number of ranks wrote them
        if communicator.rank > 0 && meta.worldSize == worldSize {
            for (name, t) in model.state.buffers {
                guard let info = loaded.tensors["rank_buffers.\(communicator.rank).\(name)"] else { continue }
                try Checkpoint.readFloats(info, from: loaded, key: name, into: t.data, count: t.count)
            }
        }
        epoch = meta.epoch
        iteration = meta.iteration
        resumeInnerIteration = meta.innerIteration
        completed = RunPosition(epoch: meta.epoch, iteration: meta.iteration, innerIteration: meta.innerIteration)
        seed = meta.seed
        try callHooks { try $0.afterLoadCheckpoint(self, checkpoint: loaded) }
        log("resumed from \(loaded.path) at \(completed)")
        if meta.worldSize != worldSize {
            log("warning: the checkpoint was written by \(meta.worldSize) ranks, this run has \(worldSize); the global batch and learning rate differ")
        }
    }

    /// Where the checkpoint hook writes: `out_dir/<work dir name>` when it has an `out_dir`.
    var checkpointDirectory: String {
        settings.hooks.lazy.compactMap { $0.spec.checkpointDirectory(workDir: self.workDir) }.first ?? workDir
    }


}

