import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels
import PoseNN
import PoseTensor

/// MMEngine's epoch-based runner for a top-down heatmap model, data-parallel over ranks:
/// load batch → forward → loss → backward → allreduce gradients → optimizer step at the
/// scheduled learning rate → hooks (logging, BN-buffer sync, checkpoints, validation).
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
    public private(set) var model: TopdownPoseEstimator!
    public private(set) var optimizer: Optimizer!
    /// Mean loss over ranks of every iteration run by this trainer.
    public private(set) var losses: [Float] = []
    /// Metrics of the last validation (rank 0).
    public private(set) var lastMetrics: [(String, Double)] = []
    let log: TrainingLog

    public init(settings: ExperimentSettings, communicator: Communicator, workDir: String, resume: Resume = .none,
                loadFrom: String? = nil, loaderThreads: Int) {
        self.settings = settings
        self.communicator = communicator
        self.workDir = workDir
        self.resume = resume
        self.loadFrom = loadFrom ?? settings.loadFrom
        self.loaderThreads = max(1, loaderThreads)
        log = TrainingLog(directory: communicator.rank == 0 ? workDir : nil, enabled: communicator.rank == 0)
    }

    private var isMain: Bool { communicator.rank == 0 }

    /// Trains to `max_epochs`, resuming first if asked.
    public func run() throws {
        guard let trainData = settings.train else { throw DatasetError("the config has no train_dataloader") }
        if isMain { try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true) }
        model = try ModelFactory.build(settings.model, seed: settings.seed)
        switch settings.optimizer.kind {
        case .adam(let betas, let eps):
            optimizer = Adam(arena: model.arena, betas: betas, eps: eps, weightDecay: Float(settings.optimizer.weightDecay))
        case .sgd(let momentum, let dampening, let nesterov):
            optimizer = SGD(arena: model.arena, momentum: momentum, dampening: dampening,
                            weightDecay: Float(settings.optimizer.weightDecay), nesterov: nesterov)
        }
        if isMain {
            log("SwiftPose training: \(communicator.size) rank\(communicator.size == 1 ? "" : "s"), \(BLAS.threadCount) BLAS thread\(BLAS.threadCount == 1 ? "" : "s") and \(loaderThreads) loader thread\(loaderThreads == 1 ? "" : "s") per rank, OpenBLAS core \(BLAS.coreName)")
            log("model: \(settings.model.backbone.name)\(settings.model.neck.map { " + " + $0.name } ?? "") + \(settings.model.head.name), \(model.trainableParameterCount) trainable parameters")
            if !settings.ignoredKeys.isEmpty {
                log("config keys accepted without effect here: \(settings.ignoredKeys.joined(separator: ", "))")
            }
        }

        var startEpoch = 0, iteration = 0
        var best: Double? = nil, bestFile: String? = nil, kept: [String] = []
        var seed = settings.seed
        // rank 0 reads checkpoints and broadcasts, so ranks need no shared filesystem
        var header: [UInt64] = [0, 0, 0, seed, 0]
        if isMain {
            if let loaded = try findResumeCheckpoint() {
                let meta = loaded.meta!
                guard meta.resumable else { throw CheckpointError("\(loaded.path): a weights-only checkpoint cannot be resumed; use load_from") }
                try Checkpoint.loadWeights(loaded, into: model, strict: true)
                try Checkpoint.loadOptimizer(loaded, into: optimizer, model: model)
                best = meta.bestScore; bestFile = meta.bestCheckpoint; kept = meta.keptCheckpoints
                header = [1, UInt64(meta.epoch), UInt64(meta.iteration), meta.seed, UInt64(meta.optimizerSteps)]
                log("resumed from \(loaded.path): epoch \(meta.epoch), iteration \(meta.iteration)")
                if meta.worldSize != communicator.size {
                    log("warning: the checkpoint was written by \(meta.worldSize) ranks, this run has \(communicator.size); the global batch and learning rate differ")
                }
            } else {
                try loadInitialWeights()
            }
        }
        try header.withUnsafeMutableBytes { try communicator.broadcast($0.baseAddress!, bytes: $0.count, root: 0) }
        if header[0] == 1 {
            startEpoch = Int(header[1]); iteration = Int(header[2]); seed = header[3]
            optimizer.restore(stepCount: Int(header[4]))
        }
        // one set of weights and state on every rank
        try broadcastState()

        let metainfo = try DatasetMetainfo.load(path: trainData.metainfoFile)
        let instances = try DatasetFactory.load(trainData, metainfo: metainfo, testMode: false).instances
        guard !instances.isEmpty else { throw DatasetError("\(trainData.annotationFile): no valid training instances") }
        let pipeline = TopdownPipeline(trainData.pipeline, metainfo: metainfo)
        guard let codec = pipeline.codec, pipeline.inputSize != nil else {
            throw DatasetError("train_pipeline needs TopdownAffine and GenerateTarget")
        }
        guard codec.inputSize == settings.model.codec.inputSize, codec.makesLabels == settings.model.codec.makesLabels else {
            throw DatasetError("train_pipeline's codec input_size \(codec.inputSize) differs from the model decoder's \(settings.model.codec.inputSize)")
        }
        let sampler = DistributedSampler(count: instances.count, shuffle: trainData.shuffle, seed: seed,
                                         rank: communicator.rank, worldSize: communicator.size, roundUp: trainData.roundUp)
        let loader = DataLoader(instances: instances, pipeline: pipeline, batchSize: trainData.batchSize,
                                mean: settings.model.mean, std: settings.model.std, seed: seed, workers: loaderThreads)
        let itersPerEpoch = trainData.dropLast ? sampler.samplesPerRank / trainData.batchSize
                                               : (sampler.samplesPerRank + trainData.batchSize - 1) / trainData.batchSize
        let totalIters = itersPerEpoch * settings.maxEpochs
        if isMain {
            log("train: \(instances.count) instances, \(itersPerEpoch) iterations per epoch of \(trainData.batchSize) per rank (global batch \(trainData.batchSize * communicator.size)), \(settings.maxEpochs) epochs")
        }

        var iterTimes: [Double] = []
        for epoch in startEpoch..<settings.maxEpochs {
            loader.start(epoch: epoch, indices: sampler.indices(epoch: epoch), dropLast: trainData.dropLast)
            var inEpoch = 0
            var windowLoss = 0.0, windowData = 0.0, windowTime = 0.0, windowImages = 0, windowCount = 0
            var t0 = monotonicClock()
            while true {
                guard let batch = try loader.next() else { break }
                let tData = monotonicClock() - t0
                let lr = LRScheduler.learningRate(base: settings.optimizer.lr, schedulers: settings.schedulers,
                                                  epoch: epoch, iteration: iteration)
                model.arena.zeroGradients()
                let targets = HeadTargets(heatmaps: batch.targets, labels: batch.labels, weights: batch.weights!, epoch: epoch)
                var loss = [Double(model.forwardBackward(images: batch.images, targets: targets))]
                try communicator.allReduceMean(model.arena.gradients.data, count: model.arena.gradients.count)
                optimizer.step(learningRate: Float(lr))
                try communicator.allReduceSum(&loss)
                let meanLoss = loss[0] / Double(communicator.size)
                guard meanLoss.isFinite else {
                    throw TrainingError("epoch \(epoch + 1), iteration \(inEpoch + 1): the loss is \(meanLoss); lower the learning rate or check the data")
                }
                losses.append(Float(meanLoss))
                if isMain { log.scalars(["step": iteration + 1, "epoch": epoch + 1, "lr": lr, "loss": meanLoss, "data_time": tData]) }
                iteration += 1; inEpoch += 1
                let tIter = monotonicClock() - t0
                iterTimes.append(tIter)
                windowLoss += meanLoss; windowData += tData; windowTime += tIter; windowImages += batch.count * communicator.size
                windowCount += 1
                if isMain && (inEpoch % max(1, settings.logInterval) == 0 || inEpoch == itersPerEpoch) {
                    let n = Double(windowCount)
                    let recent = iterTimes.suffix(50)
                    let eta = Double(totalIters - iteration) * recent.reduce(0, +) / Double(recent.count)
                    log(String(format: "Epoch(train) [%d][%\(String(itersPerEpoch).count)d/%d]  lr: %.4e  eta: %@  time: %.4f  data_time: %.4f  images/s: %.1f  loss: %.6f",
                               epoch + 1, inEpoch, itersPerEpoch, lr, formatDuration(eta), windowTime / n, windowData / n,
                               Double(windowImages) / windowTime, windowLoss / n))
                    windowLoss = 0; windowData = 0; windowTime = 0; windowImages = 0; windowCount = 0
                }
                t0 = monotonicClock()
            }
            try syncBuffers()
            let completed = epoch + 1
            let isLast = completed == settings.maxEpochs
            var meta = CheckpointMeta(epoch: completed, iteration: iteration, optimizerSteps: optimizer.stepCount,
                                      optimizer: optimizerName, seed: seed, worldSize: communicator.size, bestScore: best,
                                      bestCheckpoint: bestFile, keptCheckpoints: kept, config: settings.configText)
            let interval = settings.checkpointInterval
            if interval > 0 && (completed % interval == 0 || isLast) {
                try saveCheckpoint(&meta, kept: &kept)
            }
            if let val = settings.val, let evaluator = settings.valEvaluator,
               completed % max(1, settings.valInterval) == 0 || isLast {
                let result = try Evaluation(data: val, evaluator: evaluator, model: settings.model, seed: seed)
                    .run(model, communicator: communicator, workers: loaderThreads)
                if isMain {
                    lastMetrics = result.metrics
                    var record: [String: Any] = ["step": iteration, "epoch": completed]
                    for (k, v) in result.metrics { record[k] = v }
                    log.scalars(record)
                    log("Epoch(val) [\(completed)]  " + result.metrics.map { String(format: "%@: %.6f", $0.0, $0.1) }.joined(separator: "  "))
                    if let key = settings.saveBest, let score = result.metrics.first(where: { $0.0 == key })?.1,
                       score > (best ?? -.infinity) {
                        if let old = bestFile { try? FileManager.default.removeItem(atPath: old) }
                        best = score
                        bestFile = workDir + "/best_\(key.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: " ", with: "_"))_epoch_\(completed).safetensors"
                        meta.bestScore = best; meta.bestCheckpoint = bestFile
                        try Checkpoint.save(model: model, optimizer: nil, meta: meta, to: bestFile!)
                        log(String(format: "the best checkpoint with %.4f %@ at epoch %d is saved to %@", score, key, completed, bestFile!))
                        // the resumable checkpoint of this epoch must know the new best
                        if interval > 0 { try saveCheckpoint(&meta, kept: &kept) }
                    }
                }
                try communicator.barrier()
            }
        }
        if isMain { log("training finished after \(settings.maxEpochs) epochs (\(iteration) iterations)") }
    }

    private var optimizerName: String { optimizer is Adam ? "Adam" : "SGD" }

    /// `init_cfg` Pretrained weights (backbone, with an optional key prefix, or whole model), then
    /// `load_from`; rank 0 only (the state is broadcast afterwards).
    private func loadInitialWeights() throws {
        func pretrained(_ path: String, what: String, rename: ((String) -> String?)?) throws {
            if path.contains("://") {
                log("note: \(what) init_cfg Pretrained '\(path)' is a download, which SwiftPose does not fetch; keeping MMPose's random initialisation (give a local .pth or .safetensors path to load it)")
                return
            }
            let loaded = try Checkpoint.load(path: path)
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strictLoading, rename: rename)
            log("\(what) initialised from \(path)" + Trainer.keyReport(missing: missing, unexpected: unexpected))
        }
        if let path = settings.model.modelPretrained {
            try pretrained(path, what: "model", rename: nil)
        }
        if let path = settings.model.backbonePretrained {
            let prefix = settings.model.backbonePretrainedPrefix
            try pretrained(path, what: "backbone", rename: { key in
                if let prefix { return key.hasPrefix(prefix) ? "backbone." + key.dropFirst(prefix.count) : nil }
                return key.hasPrefix("backbone.") ? key : "backbone." + key
            })
        }
        if let path = loadFrom {
            let loaded = try Checkpoint.load(path: path)
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

    /// Writes `epoch_N.safetensors` (rank 0) and `last_checkpoint`, removing ones beyond `max_keep_ckpts`.
    private func saveCheckpoint(_ meta: inout CheckpointMeta, kept: inout [String]) throws {
        guard isMain else { return }
        let path = workDir + "/epoch_\(meta.epoch).safetensors"
        if !kept.contains(path) { kept.append(path) }
        if settings.maxKeepCheckpoints > 0 {
            while kept.count > settings.maxKeepCheckpoints {
                let old = kept.removeFirst()
                try? FileManager.default.removeItem(atPath: old)
            }
        }
        meta.keptCheckpoints = kept
        try Checkpoint.save(model: model, optimizer: optimizer, meta: meta, to: path)
        let marker = workDir + "/last_checkpoint"
        try Data(path.utf8).write(to: URL(fileURLWithPath: marker), options: .atomic)
        log("saved checkpoint \(path)")
    }

    /// The checkpoint to resume from (rank 0 decides; every rank reads the same file), skipping
    /// damaged files back to the newest complete one.
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
                    if isMain { log("warning: cannot resume from \(c) (\(error)); trying an older checkpoint") }
                }
            }
            if isMain { log("no checkpoint found in \(workDir) to resume from; starting from scratch") }
            return nil
        }
    }

    /// Copies rank 0's parameters, buffers, counters and optimizer state to every rank.
    private func broadcastState() throws {
        guard communicator.size > 1 else { return }
        try communicator.broadcast(model.arena.values.data, bytes: model.arena.values.count * 4, root: 0)
        for (_, t) in model.state.buffers { try communicator.broadcast(t.data, bytes: t.count * 4, root: 0) }
        var counters = model.state.counters.map(\.counter.value)
        try counters.withUnsafeMutableBytes { try communicator.broadcast($0.baseAddress!, bytes: $0.count, root: 0) }
        for (i, c) in model.state.counters.enumerated() { c.counter.value = counters[i] }
        for (_, t) in optimizer.stateTensors { try communicator.broadcast(t.data, bytes: t.count * 4, root: 0) }
    }

    /// MMPose's SyncBuffersHook: average BatchNorm running statistics over ranks.
    private func syncBuffers() throws {
        guard communicator.size > 1 else { return }
        for (_, t) in model.state.buffers { try communicator.allReduceMean(t.data, count: t.count) }
    }
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
