import Foundation
import PoseConfig
import PoseData
import PoseEval
import PoseModels
import PoseTensor

extension ExperimentSettings {
    /// Decodes a merged config. Every `type=` goes through a registry of `components`; unknown
    /// keys and unregistered types are errors naming the file, the key path and what is accepted.
    /// - Parameters:
    ///   - config: The parsed config, `_base_` files and `--cfg-options` merged.
    ///   - components: The registries whose builders decode the `type=` dicts.
    ///   - evaluationOnly: Decode what evaluation and inference use (the model, the val and test
    ///     dataloaders and evaluators, `randomness`) and skip the training parts
    ///     (`train_dataloader`, `optim_wrapper`, `param_scheduler`, `train_cfg`, `auto_scale_lr`,
    ///     `default_hooks`, `custom_hooks`), which MMEngine also builds only when training: a
    ///     config whose training pipeline SwiftPose lacks still tests and infers. The settings
    ///     then have no training dataloader and no hooks; never train with them.
    /// - Throws: `ConfigError` for a missing, unknown or invalid key or type, or a setting
    ///   SwiftPose does not support (`by_epoch=False`, fp16 `AmpOptimWrapper`, a `save_best` metric
    ///   the evaluator does not report); what the builders throw; `MemoryBudgetError` (as a
    ///   `ConfigError` on `batch_size`) when a batch cannot fit in memory.
    public static func decode(_ config: Config, components: Components = .stock, evaluationOnly: Bool = false) throws -> ExperimentSettings {
        let root = ConfigReader(config.root, path: "", file: config.filename)
        let context = BuildContext(components: components)

        guard let modelReader = try root.dictionary("model") else { throw root.error("model", "is required") }
        let modelType = try modelReader.string("type")
        let model = try components.estimators.build(modelReader, context: context)

        func dataloader(_ key: String) throws -> DataloaderSettings? {
            guard let r = try root.dictionary(key) else { return nil }
            return try decodeDataloader(r, context: context)
        }
        if evaluationOnly {
            root.ignore("train_dataloader", "optim_wrapper", "param_scheduler", "train_cfg", "auto_scale_lr", "default_hooks", "custom_hooks")
        }
        let train = evaluationOnly ? nil : try dataloader("train_dataloader")
        let val = try dataloader("val_dataloader")
        let test = try dataloader("test_dataloader")
        if let (w, h) = model.decoder?.inputSize {
            // the batch, its normalised copy and the stem's output are the least a step holds
            for (key, loader) in [("train_dataloader", train), ("val_dataloader", val), ("test_dataloader", test)] {
                guard let loader else { continue }
                do {
                    try MemoryBudget.check([loader.batchSize, 3, h, w], copies: 3, for: "batch_size \(loader.batchSize) at \(w)x\(h)")
                } catch let e as MemoryBudgetError { throw root.error("\(key).batch_size", e.description) }
            }
        }

        let optimWrapper = evaluationOnly ? OptimWrapperSettings(optimizerType: "Adam", optimizer: AdamSpec(learningRate: 1e-3))
                                          : try decodeOptimWrapper(root, context: context)
        let schedulers = evaluationOnly ? [] : try context.buildList(\.schedulers, root, key: "param_scheduler") ?? []

        var maxEpochs = 1, valInterval = 1, valBegin = 1
        if !evaluationOnly, let t = try root.dictionary("train_cfg") {
            if try !t.bool("by_epoch", default: true) { throw t.error("by_epoch", "only epoch-based training is supported") }
            if t.has("type") { _ = try t.type(among: ["EpochBasedTrainLoop"]) }
            maxEpochs = try t.int("max_epochs", default: 1, in: ConfigLimits.iterations)
            valInterval = try t.int("val_interval", default: 1, in: ConfigLimits.iterations)
            valBegin = try t.int("val_begin", default: 1, in: 0...ConfigLimits.iterations.upperBound)
            t.ignore("dynamic_intervals")
            try context.finish(t)
        }
        guard maxEpochs >= 1 else { throw ConfigError("\(config.filename): train_cfg.max_epochs must be at least 1") }
        guard valInterval >= 1 else { throw ConfigError("\(config.filename): train_cfg.val_interval must be at least 1") }

        var hooks = evaluationOnly ? [] : try decodeHooks(root, context: context)
        var notes: [String] = []

        func evaluator(_ key: String) throws -> Evaluator? {
            try context.buildList(\.metrics, root, key: key).map(Evaluator.init(metrics:))
        }
        let valEvaluator = try evaluator("val_evaluator")
        let testEvaluator = try evaluator("test_evaluator")
        if let slot = hooks.firstIndex(where: { $0.spec is CheckpointHookSpec }),
           var checkpoint = hooks[slot].spec as? CheckpointHookSpec, !checkpoint.saveBest.isEmpty {
            // MMEngine finds a missing metric or an uninferable rule at the first validation; here before training
            let names = valEvaluator?.metricNames ?? []
            // a metric's former name (MMPose 1.3.2's posetrack18 configs save 'posetrack18/Total AP',
            // renamed 'posetrack18/AP' by MMPose #1868) means the metric under its current name
            checkpoint.saveBest = checkpoint.saveBest.map { key in
                guard !names.contains(key), let current = valEvaluator?.formerMetricNames[key], names.contains(current) else { return key }
                notes.append("default_hooks.checkpoint.save_best '\(key)' is the name MMPose's metric reported before it was renamed '\(current)' (MMEngine stops at the first validation there); saving the best '\(current)'")
                return current
            }
            hooks[slot].spec = checkpoint
            let keys = checkpoint.saveBest == ["auto"] ? Array(names.prefix(1)) : checkpoint.saveBest
            for (index, key) in keys.enumerated() {
                guard names.contains(key) else {
                    throw ConfigError("\(config.filename): default_hooks.checkpoint.save_best: '\(key)' is not a metric val_evaluator reports (\(names.isEmpty ? "no val_evaluator" : names.joined(separator: ", ")))")
                }
                do { _ = try checkpoint.rule(for: key, at: index) } catch { throw ConfigError("\(config.filename): \(error)") }
            }
        }

        var seed: UInt64 = 0
        if let r = try root.dictionary("randomness") {
            seed = UInt64(try r.int("seed", default: 0, in: 0...))
            r.ignore("deterministic", "diff_rank_seed")
            try context.finish(r)
        }
        var distTimeout = 1800.0
        if let env = try root.dictionary("env_cfg") {
            if let dist = try env.dictionary("dist_cfg") {
                distTimeout = try dist.double("timeout", default: 1800, in: 0.1...31_536_000)
                // collectives run over MPI; NCCL/Gloo backends do not apply on CPUs
                dist.ignore("backend", "port", "init_method")
                try context.finish(dist)
            }
            env.ignore("cudnn_benchmark", "mp_cfg")
            try context.finish(env)
        }
        let workDir = try root.optionalString("work_dir")
        let loadFrom = try root.optionalString("load_from")
        let resume = try root.bool("resume", default: false)
        // MMEngine converts every BatchNorm with torch's or MMCV's SyncBatchNorm; both reduce
        // the same statistics
        let syncBN = try root.optionalString("sync_bn")
        if let mode = syncBN, mode != "torch", mode != "mmcv" {
            throw root.error("sync_bn", "'\(mode)': expected 'torch' or 'mmcv' (MMEngine's SyncBatchNorm implementations)")
        }
        var autoScaleLR: (enable: Bool, baseBatchSize: Int)?
        if !evaluationOnly, let a = try root.dictionary("auto_scale_lr") {
            autoScaleLR = (try a.bool("enable", default: false), try a.int("base_batch_size", in: 1...10_000_000))
            try context.finish(a)
        }
        root.ignore("default_scope", "vis_backends", "visualizer", "log_processor", "log_level", "backend_args",
                    "val_cfg", "test_cfg")
        // other top-level names are the config's own variables (codec, data_root, pipelines, …)

        var settings = ExperimentSettings(
            model: model, modelType: modelType, train: train, val: val, test: test, optimWrapper: optimWrapper,
            schedulers: schedulers, maxEpochs: maxEpochs, valInterval: valInterval, valBegin: valBegin, hooks: hooks,
            valEvaluator: valEvaluator, testEvaluator: testEvaluator, seed: seed, distTimeout: distTimeout, workDir: workDir, loadFrom: loadFrom,
            resume: resume, ignoredKeys: context.ignoredKeys + root.ignored, configText: config.root.pythonSource)
        settings.autoScaleLR = autoScaleLR
        settings.notes = notes
        settings.syncBN = syncBN != nil
        return settings
    }

    /// `train_dataloader` and its siblings; the dataset (with its pipeline) is a registered component.
    static func decodeDataloader(_ r: ConfigReader, context: BuildContext) throws -> DataloaderSettings {
        let batchSize = try r.int("batch_size", in: ConfigLimits.batch)
        let numWorkers = try r.int("num_workers", default: 2, in: 0...1024)
        var shuffle = false, roundUp = true
        if let s = try r.dictionary("sampler") {
            _ = try s.type(among: ["DefaultSampler"])
            shuffle = try s.bool("shuffle", default: true)
            roundUp = try s.bool("round_up", default: true)
            s.ignore("seed")
            try context.finish(s)
        }
        let dropLast = try r.bool("drop_last", default: false)
        r.ignore("persistent_workers", "pin_memory", "collate_fn")
        guard let dataset = try context.build(\.datasets, r, key: "dataset") else { throw r.error("dataset", "is required") }
        try context.finish(r)
        return DataloaderSettings(batchSize: batchSize, numWorkers: numWorkers, shuffle: shuffle, roundUp: roundUp,
                                  dropLast: dropLast, dataset: dataset)
    }

    /// `optim_wrapper=dict(type='OptimWrapper', optimizer=..., constructor=..., paramwise_cfg=...)`.
    static func decodeOptimWrapper(_ root: ConfigReader, context: BuildContext) throws -> OptimWrapperSettings {
        guard let ow = try root.dictionary("optim_wrapper") else {
            return OptimWrapperSettings(optimizerType: "Adam", optimizer: AdamSpec(learningRate: 1e-3))
        }
        let wrapperType = try ow.has("type") ? ow.type(among: ["OptimWrapper", "AmpOptimWrapper"]) : "OptimWrapper"
        var precision = ComputePrecision.float32
        var notes: [String] = []
        if wrapperType == "AmpOptimWrapper" {
            // MMEngine's autocast dtype; None is fp16 on a GPU, which a CPU runs as bfloat16
            let dtype = try ow.optionalString("dtype")
            switch dtype {
            case nil, "bfloat16", "torch.bfloat16":
                precision = .bfloat16
            case "float32", "torch.float32":
                precision = .float32
            case "float16", "torch.float16", "half":
                throw ow.error("dtype", "'\(dtype!)' autocast needs a GPU; on a CPU mixed precision is bfloat16: use dtype='bfloat16' (or leave dtype out)")
            default:
                throw ow.error("dtype", "expected 'bfloat16', 'float32' or None, found '\(dtype!)'")
            }
            if precision == .bfloat16 {
                notes.append("AmpOptimWrapper: convolutions and matrix products multiply in bfloat16 (dtype=\(dtype.map { "'\($0)'" } ?? "None, bfloat16 on a CPU")); master weights, BatchNorm, losses and the optimizer stay fp32")
            }
            if ow.has("loss_scale") {
                _ = ow.value("loss_scale")
                notes.append("AmpOptimWrapper: loss_scale is not needed with bfloat16 (its exponent range is fp32's), so it is ignored")
            }
            ow.ignore("use_fsdp")
        }
        var clipGrad: GradientClipping?
        if let c = try ow.dictionary("clip_grad") {
            let normType: Double
            if case .string(let text)? = c.dict["norm_type"] {
                _ = c.value("norm_type")
                guard text == "inf" else { throw c.error("norm_type", "expected a number or 'inf', found '\(text)'") }
                normType = .infinity
            } else {
                normType = try c.double("norm_type", default: 2, in: 0.1...1_000)
            }
            clipGrad = GradientClipping(maxNorm: try c.double("max_norm", in: 0...), normType: normType)
            c.ignore("error_if_nonfinite", "foreach")
            try context.finish(c)
        } else {
            _ = ow.value("clip_grad")   // clip_grad=None
        }
        guard let o = try ow.dictionary("optimizer") else { throw ow.error("optimizer", "is required") }
        let optimizerType = try o.string("type")
        let optimizer = try context.components.optimizers.build(o, context: context)
        let constructorType = try ow.string("constructor", default: "DefaultOptimWrapperConstructor")
        let constructors = context.components.optimizerConstructors
        guard constructors.contains(constructorType) else {
            throw ow.error("constructor", "unknown \(constructors.family) type '\(constructorType)'; registered: \(constructors.names.joined(separator: ", "))")
        }
        // MMEngine hands the constructor the wrapper's paramwise_cfg; its builder reads that dict
        let paramwise = try ow.dictionary("paramwise_cfg")
            ?? ConfigReader(ConfigDict(), path: ow.path.isEmpty ? "paramwise_cfg" : ow.path + ".paramwise_cfg", file: ow.file)
        let constructor = try constructors.build(type: constructorType, paramwise, context: context)
        let accumulativeCounts = try ow.int("accumulative_counts", default: 1, in: 1...4_096)
        try context.finish(ow)
        var settings = OptimWrapperSettings(optimizerType: optimizerType, optimizer: optimizer, constructorType: constructorType,
                                            constructor: constructor)
        settings.clipGrad = clipGrad
        settings.accumulativeCounts = accumulativeCounts
        settings.type = wrapperType
        settings.precision = precision
        settings.notes = notes
        return settings
    }

    /// MMEngine's hook list: its default hooks updated by `default_hooks` (a dict replaces the
    /// default entry, None removes it), then `custom_hooks`; `priority` is read here for all.
    static func decodeHooks(_ root: ConfigReader, context: BuildContext) throws -> [HookEntry] {
        var slots: [(key: String, reader: ConfigReader?)] = [
            ("timer", ConfigReader(ConfigDict([("type", .string("IterTimerHook"))]), path: "default_hooks.timer", file: root.file)),
            ("sampler_seed", ConfigReader(ConfigDict([("type", .string("DistSamplerSeedHook"))]), path: "default_hooks.sampler_seed", file: root.file)),
            ("logger", ConfigReader(ConfigDict([("type", .string("LoggerHook"))]), path: "default_hooks.logger", file: root.file)),
            ("param_scheduler", ConfigReader(ConfigDict([("type", .string("ParamSchedulerHook"))]), path: "default_hooks.param_scheduler", file: root.file)),
            ("checkpoint", ConfigReader(ConfigDict([("type", .string("CheckpointHook")), ("interval", .int(1))]), path: "default_hooks.checkpoint", file: root.file)),
        ]
        if let d = try root.dictionary("default_hooks") {
            for (key, value) in d.dict.items {
                let reader: ConfigReader?
                switch value {
                case .none: _ = d.value(key); reader = nil
                case .dict: reader = try d.dictionary(key)
                default: throw d.error(key, "expected a hook dict or None, found \(value.typeName)")
                }
                if let i = slots.firstIndex(where: { $0.key == key }) { slots[i].reader = reader } else { slots.append((key, reader)) }
            }
            try context.finish(d)
        }
        var entries: [HookEntry] = []
        func add(_ key: String, _ reader: ConfigReader) throws {
            let type = try reader.string("type")
            let explicit = try priority(reader)
            let spec = try context.components.hooks.build(reader, context: context)
            entries.append(HookEntry(key: key, type: type, priority: explicit ?? spec.defaultPriority, spec: spec))
        }
        for (key, reader) in slots { if let reader { try add(key, reader) } }
        for (i, reader) in (try root.dictionaries("custom_hooks") ?? []).enumerated() {
            try add("custom_hooks[\(i)]", reader)
        }
        return entries
    }

    /// A hook dict's `priority`: an integer or one of MMEngine's names.
    static func priority(_ reader: ConfigReader) throws -> HookPriority? {
        switch reader.value("priority") {
        case nil: return nil
        case .int(let i)?: return HookPriority(i)
        case .string(let name)?:
            guard let p = HookPriority.named[name] else {
                throw reader.error("priority", "unknown priority '\(name)'; expected an integer or one of \(HookPriority.named.keys.sorted().joined(separator: ", "))")
            }
            return p
        case let v?: throw reader.error("priority", "expected an integer or a priority name, found \(v.typeName) \(v)")
        }
    }
}
