import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels
import PoseNN
import PoseTensor

/// A point of a run: `epoch` completed epochs plus `innerIteration` iterations of the next one,
/// `iteration` iterations in all.
public struct RunPosition: Sendable, Equatable, CustomStringConvertible {
    public var epoch: Int
    public var iteration: Int
    public var innerIteration: Int

    public init(epoch: Int, iteration: Int, innerIteration: Int) {
        self.epoch = epoch; self.iteration = iteration; self.innerIteration = innerIteration
    }

    public var description: String {
        innerIteration == 0 ? "the end of epoch \(epoch) (iteration \(iteration))"
                            : "iteration \(iteration) (\(innerIteration) into epoch \(epoch + 1))"
    }
}

/// MMEngine's epoch-based runner, data-parallel over ranks. The loop itself is only: load a
/// batch → forward, loss, backward → allreduce gradients → optimizer step; everything else
/// (timing, logging, learning-rate schedules, BatchNorm buffer sync, checkpoints, validation)
/// is a hook, called at MMEngine's points.
public final class Trainer {
    public enum Resume: Equatable, Sendable {
        case none
        /// Continue from `work_dir/last_checkpoint` (or the newest complete checkpoint there).
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
    /// SIGTERM/SIGINT, as a request to stop at the next iteration boundary.
    public let stopRequest: StopRequest
    /// Rank 0's log (lines and `vis_data/scalars.json`); other ranks only append errors to it.
    public let log: TrainingLog

    public private(set) var model: PoseEstimator!
    public private(set) var optimizer: Optimizer!
    /// The learning-rate schedulers over the optimizer's groups (stepped by `ParamSchedulerHook`).
    public private(set) var schedule: ParameterSchedule!
    /// Gradients accumulated over `accumulative_counts` iterations.
    private var accumulated: Tensor?
    /// The hooks, in the order they are called.
    public private(set) var hooks: [Hook] = []
    /// 0-based index of the epoch being trained (after the run: the number of epochs trained).
    public private(set) var epoch = 0
    /// 0-based index of the iteration being trained, counted over the whole run.
    public private(set) var iteration = 0
    /// 0-based index of the iteration within its epoch.
    public private(set) var innerIteration = 0
    public private(set) var iterationsPerEpoch = 0
    /// What the run has completed: after an iteration's optimizer step, that iteration; after an
    /// epoch's last iteration and before its epoch hooks, the epoch. Checkpoints record it.
    public private(set) var completed = RunPosition(epoch: 0, iteration: 0, innerIteration: 0)
    /// Whether every rank agreed, in this iteration's allreduce, to stop after it (a signal).
    public var stopRequested: Bool { stopSignal != 0 }
    /// The newest resumable checkpoint this run wrote, and where.
    public private(set) var lastCheckpoint: (path: String, position: RunPosition)?
    /// The epoch the sampler shuffles for; `DistSamplerSeedHook` sets it to `epoch` (without it
    /// every epoch sees the first epoch's order, as in MMEngine).
    public var samplerEpoch = 0
    public private(set) var seed: UInt64
    /// Values of the current iteration for loggers (MMEngine's message hub): the runner adds
    /// `lr` and the losses, `IterTimerHook` the times. Cleared at the start of each iteration.
    public var messages: [String: Double] = [:]
    /// The mean loss over ranks of every iteration this trainer ran.
    public private(set) var losses: [Float] = []
    /// Metrics of the last validation.
    public internal(set) var lastMetrics: [(String, Double)] = []

    public var maxEpochs: Int { settings.maxEpochs }
    public var isMain: Bool { communicator.rank == 0 }
    public var worldSize: Int { communicator.size }

    private var trainData: DataloaderSettings?
    private var instances: [PoseInstance] = []
    private var sampler: DistributedSampler?
    private var loader: DataLoader?
    private var lock: WorkDirLock?
    /// Iterations of the first epoch already done when a run resumes mid-epoch.
    private var resumeInnerIteration = 0
    /// The signal every rank agreed to stop for, or 0.
    private var stopSignal: Int32 = 0

    /// Keeps MMPose's random initialisation where `init_cfg` names a download (`--no-pretrained`).
    public var skipsPretrainedDownloads = false

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
        // a run resumed mid-epoch skips the batches it trained; batches start at multiples of the
        // batch size, so the remaining ones are the uninterrupted run's
        var indices = sampler.indices(epoch: samplerEpoch)
        innerIteration = resumeInnerIteration
        indices.removeFirst(min(indices.count, resumeInnerIteration * trainData.batchSize))
        resumeInnerIteration = 0
        loader.start(epoch: epoch, indices: indices, dropLast: trainData.dropLast)
        while let batch = try loader.next() {
            messages = [:]
            try callHooks { try $0.beforeTrainIteration(self, batch: batch) }
            let outputs = try trainStep(batch)
            completed = RunPosition(epoch: epoch, iteration: iteration + 1, innerIteration: innerIteration + 1)
            try callHooks { try $0.afterTrainIteration(self, batch: batch, outputs: outputs) }
            iteration += 1
            innerIteration += 1
            if stopRequested { throw stopped() }
        }
        completed = RunPosition(epoch: epoch + 1, iteration: iteration, innerIteration: 0)
        try callHooks { try $0.afterTrainEpoch(self) }
        epoch += 1
    }

    /// Forward, loss and backward, gradients averaged over ranks, one optimizer step; the
    /// logged values and the ranks' stop requests travel in one small allreduce.
    private func trainStep(_ batch: Batch) throws -> TrainStepOutputs {
        model.arena.zeroGradients()
        let named = try model.trainStep(batch, epoch: epoch)
        messages["lr"] = schedule.learningRate
        if try accumulate() {
            try communicator.allReduceMean(model.arena.gradients.data, count: model.arena.gradients.count)
            if let clip = settings.optimWrapper.clipGrad {
                // every rank holds the same averaged gradient, so its norm is the global one
                messages["grad_norm"] = clip.clip(model.arena, groups: optimizer.groups)
            }
            optimizer.step()
            model.arena.valuesDidChange()
        }
        // the ranks' stop votes ride along: every rank stops for the same signal, so all end
        // with the same status
        var values = named.map { Double($0.value) } + StopRequest.counts(of: stopRequest.receivedSignal)
        try communicator.allReduceSum(&values)
        stopSignal = StopRequest.agreedSignal(counts: Array(values.suffix(StopRequest.signals.count)))
        values.removeLast(StopRequest.signals.count)
        // every logged value is the mean over ranks (MMPose logs rank 0's own)
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

    /// `accumulative_counts`: adds this iteration's gradient, scaled as MMEngine scales the loss
    /// (1/N, or 1/remainder over a run's last iterations), to the accumulated ones; true when
    /// the arena then holds the sum to step with (every N-th iteration and the run's last).
    private func accumulate() throws -> Bool {
        let n = settings.optimWrapper.accumulativeCounts
        guard n > 1 else { return true }
        let total = maxEpochs * iterationsPerEpoch
        let factor = iteration >= total - total % n ? total % n : n
        let gradients = model.arena.gradients
        if accumulated == nil { accumulated = Tensor(zeros: gradients.shape) }
        let sum = accumulated!
        ElementwiseKernels.addScaled(gradients.data, scale: 1 / Float(factor), into: sum.data, count: gradients.count)
        guard (iteration + 1) % n == 0 || iteration + 1 == total else { return false }
        gradients.copy(from: sum)
        sum.zero()
        return true
    }

    /// The error that ends a run stopped by a signal, after the checkpoint hook saved this point.
    private func stopped() -> RunStopped {
        let name = [SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGUSR1: "SIGUSR1"][stopSignal] ?? "signal \(stopSignal)"
        let saved = lastCheckpoint.map { $0.position == completed ? "saved \($0.path); continue with --resume" : nil } ?? nil
        return RunStopped(signal: stopSignal,
                          description: "stopped by \(name) at \(completed); " + (saved ?? "no checkpoint saved here (the config has no CheckpointHook)"))
    }

    /// Locks the work dir, builds the model, optimizer, schedule and hooks, checks the files
    /// the run will read, resumes or loads initial weights, and prepares the training data.
    private func setUp() throws {
        guard let trainData = settings.train else { throw DatasetError("the config has no train_dataloader") }
        self.trainData = trainData
        // everything the config and its files can get wrong is found before the work dir is
        // touched: a run that cannot start leaves nothing behind
        try checkRequiredFiles()
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
        for note in settings.notes { log("note: " + note) }
        // as MMEngine: the merged config in the log and beside the scalars
        log("Config:\n" + settings.configText)
        log.saveConfig(settings.configText)


        if let loaded = try broadcastResumeCheckpoint() {
            try restore(from: loaded)
        } else {
            try loadInitialWeights()
        }

        let sampler = DistributedSampler(count: instances.count, shuffle: trainData.shuffle, seed: seed,
                                         rank: communicator.rank, worldSize: worldSize, roundUp: trainData.roundUp)
        self.sampler = sampler
        loader = DataLoader(instances: instances, pipeline: pipeline, batchSize: trainData.batchSize,
                            mean: settings.model.dataPreprocessor.mean, std: settings.model.dataPreprocessor.std,
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
                throw ModelError("\(model.summary) predicts heatmaps of \(predicted.shape[1])×\(predicted.shape[2])×\(predicted.shape[3]) (C×H×W) for input_size \(codec.inputSize) but the codec's heatmap_size is (\(w), \(h)); set heatmap_size to (\(predicted.shape[3]), \(predicted.shape[2])) or change the head")
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
    /// metrics (broadcast, so every rank has them).
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

    /// `init_cfg` Pretrained weights, then `load_from`: rank 0 reads each file and every rank
    /// loads the same bytes.
    private func loadInitialWeights() throws {
        for pretrained in settings.model.pretrained {
            let what = pretrained.target.isEmpty ? "model" : String(pretrained.target.dropLast())
            if skipsPretrainedDownloads, try PretrainedDownload.url(for: pretrained.checkpoint) != nil {
                log("warning: \(what) init_cfg Pretrained '\(pretrained.checkpoint)' skipped (--no-pretrained): keeping MMPose's random initialisation")
                continue
            }
            // rank 0 resolves (downloading into PyTorch's hub cache when needed) and reads the file
            guard let loaded = try broadcast({
                try Checkpoint.load(path: try PretrainedDownload.localFile(for: pretrained.checkpoint) { self.log($0) })
            }) else { continue }
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

    /// Writes a checkpoint from elsewhere into the work dir (atomically) under its own name and
    /// returns the path. The same bytes already there are used as they are; a different file of
    /// that name is never replaced.
    private func copyIntoWorkDir(_ data: Data, from source: String) throws -> String {
        let copy = workDir + "/" + URL(fileURLWithPath: source).lastPathComponent
        if FileManager.default.fileExists(atPath: copy) {
            guard FileManager.default.contents(atPath: copy) == data else {
                throw CheckpointError("--resume \(source): the work dir already has a different \(copy); resume into another work dir (--work-dir) or move that file away")
            }
            return copy
        }
        try SafeTensors.writeAtomically(to: copy) { try $0.write(contentsOf: data) }
        log("copied \(source) into the work dir as \(copy)")
        return copy
    }

    /// Where the checkpoint hook writes: `out_dir/<work dir name>` when it has an `out_dir`.
    var checkpointDirectory: String {
        settings.hooks.lazy.compactMap { $0.spec as? CheckpointHookSettings }.first?.directory(workDir: workDir) ?? workDir
    }

    /// The checkpoint to resume from (rank 0 decides). `.latest` takes `last_checkpoint`, then
    /// the other checkpoints in the work dir, newest first, skipping damaged ones; when there
    /// are checkpoints but none verifies it stops rather than train over them. A checkpoint from
    /// outside the work dir is copied into it first, so the run never writes next to it.
    private func findResumeCheckpoint() throws -> Checkpoint.Loaded? {
        switch resume {
        case .none: return nil
        case .path(let p):
            let loaded = try Checkpoint.load(path: p)
            let source = URL(fileURLWithPath: p).standardizedFileURL, here = URL(fileURLWithPath: workDir).standardizedFileURL
            guard source.deletingLastPathComponent().resolvingSymlinksInPath() != here.resolvingSymlinksInPath(),
                  source.pathExtension == "safetensors" else { return loaded }
            let copy = try copyIntoWorkDir(loaded.data, from: source.path)
            return Checkpoint.Loaded(path: copy, meta: loaded.meta, tensors: loaded.tensors, data: loaded.data)
        case .latest:
            // the checkpoint hook's directory (out_dir/<work dir name>), else the work dir
            let directory = checkpointDirectory
            var candidates: [String] = []
            if let text = try? String(contentsOfFile: workDir + "/last_checkpoint", encoding: .utf8) {
                let name = URL(fileURLWithPath: text.trimmingCharacters(in: .whitespacesAndNewlines)).lastPathComponent
                if CheckpointHook.isPlainName(name) { candidates.append(directory + "/" + name) }
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let checkpoints = files.filter { !$0.hasPrefix("best_") && $0.hasSuffix(".safetensors") }
                .map { directory + "/" + $0 }
                .map { ($0, (try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? .distantPast) }
                .sorted { $0.1 > $1.1 }.map(\.0)
            candidates += checkpoints.filter { !candidates.contains($0) }
            var problems: [String] = []
            for c in candidates where FileManager.default.fileExists(atPath: c) {
                do {
                    return try Checkpoint.load(path: c)
                } catch {
                    log("warning: cannot resume from \(c) (\(error)); trying an older checkpoint")
                    problems.append("\(URL(fileURLWithPath: c).lastPathComponent): \(error)")
                }
            }
            guard problems.isEmpty else {
                throw CheckpointError("no checkpoint in \(directory) verifies (\(problems.joined(separator: "; "))); resume from a specific file or move them away to start afresh")
            }
            log("warning: no checkpoint found in \(directory) to resume from; starting from scratch")
            return nil
        }
    }
}

/// Builds the configured model with its initialisation drawn from a generator seeded by `seed`,
/// so every rank that uses the same seed starts from the same weights.
public func makeModel(_ settings: ExperimentSettings, seed: UInt64) throws -> PoseEstimator {
    try checkModelFits(settings.model)
    var rng = RandomGenerator(seed: seed, stream: [0x1417])
    return try settings.model.makeEstimator(rng: &rng)
}

/// Refuses, before anything is allocated, a model whose state (`ModelSize.trainingBytes`, as
/// its spec works it out) cannot fit in this machine's memory.
public func checkModelFits(_ model: any PoseEstimatorSpec) throws {
    guard let size = model.size, size.trainingBytes > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("model: \(size.parameters) parameters and \(size.buffers) buffer values need about \(MemoryBudget.gib(size.trainingBytes)) to build and train (values, gradients, optimizer moments); \(MemoryBudget.allowance): reduce the model's channels, blocks or input size")
}

/// Refuses a batch whose activations (`PoseEstimator.activationBytesPerImage`), beside the
/// model's state, cannot fit in this machine's memory; `what` names the setting
/// (`train_dataloader.batch_size`).
public func checkActivationsFit(_ model: PoseEstimator, inputSize: (Int, Int), batch: Int, training: Bool, what: String) throws {
    guard let perImage = model.activationBytesPerImage(inputSize: inputSize) else { return }
    let one = training ? perImage.training : perImage.inference
    let (activations, o1) = one.multipliedReportingOverflow(by: batch)
    let state = model.arena.values.count * 4 * (training ? 4 : 1)
    let (total, o2) = activations.addingReportingOverflow(state)
    guard o1 || o2 || total > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("\(what) \(batch) at \(inputSize.0)x\(inputSize.1): \(training ? "a training step" : "inference") needs about \(o1 ? "more than 2^63 bytes" : MemoryBudget.gib(activations)) of activations (\(MemoryBudget.gib(one)) per image) beside \(MemoryBudget.gib(state)) of model state; \(MemoryBudget.allowance): reduce the batch or the input size")
}

/// A training run that cannot continue; the message says where and why.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

func formatDuration(_ seconds: Double) -> String {
    // an ETA from a stalled or first step can be infinite
    guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "-:--:--" }
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
}
