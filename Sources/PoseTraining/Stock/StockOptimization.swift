import PoseConfig

extension Components {
    /// SwiftPose's optimizers, optimizer constructor and learning-rate schedulers.
    mutating func registerStockOptimization() throws {
        try optimizers.register("Adam") { o, _ in try StockOptimization.adam(o, decoupled: false) }
        try optimizers.register("AdamW") { o, _ in try StockOptimization.adam(o, decoupled: true) }
        try optimizers.register("SGD") { o, _ in
            var sgd = SGDSpec(learningRate: try StockOptimization.learningRate(o))
            sgd.momentum = try o.double("momentum", default: 0, in: 0...)
            sgd.dampening = try o.double("dampening", default: 0, in: 0...)
            sgd.weightDecayIsSet = o.dict["weight_decay"] != nil
            sgd.weightDecay = try o.double("weight_decay", default: 0, in: 0...)
            sgd.nesterov = try o.bool("nesterov", default: false)
            return sgd
        }
        try optimizerConstructors.register("DefaultOptimWrapperConstructor") { p, context in
            guard !p.dict.keys.isEmpty else { return DefaultOptimWrapperConstructor() }
            var settings = ParamwiseSettings()
            func multiplier(_ key: String) throws -> Double? {
                guard p.has(key) else { return nil }   // absent or None
                return try p.double(key, in: 0...)
            }
            settings.biasLRMult = try multiplier("bias_lr_mult")
            settings.biasDecayMult = try multiplier("bias_decay_mult")
            settings.normDecayMult = try multiplier("norm_decay_mult")
            settings.dwconvDecayMult = try multiplier("dwconv_decay_mult")
            settings.flatDecayMult = try multiplier("flat_decay_mult")
            // SwiftPose's state dicts list each parameter once and have no deformable convolutions
            _ = try p.bool("bypass_duplicate", default: false)
            p.ignore("dcn_offset_lr_mult")
            if let keys = try p.dictionary("custom_keys") {
                for key in keys.dict.keys {
                    guard let k = try keys.dictionary(key) else { throw keys.error(key, "expected dict(lr_mult=..., decay_mult=...)") }
                    var custom = ParamwiseSettings.CustomKey(key: key)
                    custom.lrMult = try k.double("lr_mult", default: 1, in: 0...)
                    custom.decayMult = try k.double("decay_mult", default: 1, in: 0...)
                    try context.finish(k)
                    settings.customKeys.append(custom)
                }
                try context.finish(keys)
            }
            return DefaultOptimWrapperConstructor(paramwise: settings)
        }
        // MMEngine's *Momentum schedulers share their LR namesakes' arguments and formulas
        for (name, read) in StockOptimization.schedulerFormulas {
            try schedulers.register(name + "LR") { s, _ in try read(s) }
            try schedulers.register(name + "Momentum") { s, _ in StockOptimization.momentum(try read(s)) }
        }
        try schedulers.register("OneCycleLR") { s, _ in
            var o = OneCycleLR(etaMax: try s.double("eta_max", in: 0...))
            o.totalSteps = s.has("total_steps") ? try s.int("total_steps", in: ConfigLimits.iterations) : nil
            o.pctStart = try s.double("pct_start", default: 0.3, in: 0...1)
            let strategy = try s.string("anneal_strategy", default: "cos")
            guard strategy == "cos" || strategy == "linear" else { throw s.error("anneal_strategy", "expected 'cos' or 'linear', found '\(strategy)'") }
            o.cosine = strategy == "cos"
            o.divFactor = try s.double("div_factor", default: 25, in: 0.000001...)
            o.finalDivFactor = try s.double("final_div_factor", default: 1e4, in: 0.000001...)
            o.threePhase = try s.bool("three_phase", default: false)
            return try StockOptimization.ranged(s, o)
        }
        try schedulers.register("QuadraticWarmupLR") { s, _ in
            try StockOptimization.ranged(s, QuadraticWarmupLR(end: schedulerNoEnd))
        }
    }
}

/// Reading helpers shared by the stock optimizer and scheduler builders.
enum StockOptimization {
    /// The schedulers MMEngine has for both the learning rate and the momentum, by name
    /// without the suffix: each reads its config and returns the formula.
    static let schedulerFormulas: [(String, @Sendable (ConfigReader) throws -> any RangedScheduler)] = [
        ("Linear", { s in
            var l = LinearLR()
            l.startFactor = try s.double("start_factor", default: 1.0 / 3)
            l.endFactor = try s.double("end_factor", default: 1)
            guard l.startFactor > 0 && l.startFactor <= 1, l.endFactor >= 0 && l.endFactor <= 1 else {
                throw s.error("start_factor", "start_factor must be in (0, 1] and end_factor in [0, 1]")
            }
            return try StockOptimization.ranged(s, l)
        }),
        ("MultiStep", { s in
            var m = MultiStepLR(milestones: try s.ints("milestones", in: 0...ConfigLimits.iterations.upperBound))
            m.gamma = try s.double("gamma", default: 0.1, in: 0...1_000)
            return try StockOptimization.ranged(s, m)
        }),
        ("Constant", { s in
            var c = ConstantLR()
            c.factor = try s.double("factor", default: 1.0 / 3)
            guard c.factor > 0 && c.factor <= 1 else { throw s.error("factor", "must be in (0, 1], got \(c.factor)") }
            return try StockOptimization.ranged(s, c)
        }),
        ("CosineAnnealing", { s in
            var c = CosineAnnealingLR()
            // has() is false for an absent key and for None
            c.tMax = s.has("T_max") ? try s.int("T_max", in: ConfigLimits.iterations) : nil
            if s.has("eta_min_ratio") {
                if s.has("eta_min") { throw s.error("eta_min_ratio", "give eta_min or eta_min_ratio, not both") }
                c.etaMinRatio = try s.double("eta_min_ratio", in: 0...)
            } else {
                c.etaMin = try s.double("eta_min", default: 0, in: 0...)
            }
            return try StockOptimization.ranged(s, c)
        }),
        ("Exponential", { s in
            try StockOptimization.ranged(s, ExponentialLR(gamma: try s.double("gamma", in: 0...1_000)))
        }),
        ("Step", { s in
            var st = StepLR(stepSize: try s.int("step_size", in: ConfigLimits.iterations))
            st.gamma = try s.double("gamma", default: 0.1, in: 0...1_000)
            return try StockOptimization.ranged(s, st)
        }),
        ("Poly", { s in
            var p = PolyLR()
            p.etaMin = try s.double("eta_min", default: 0, in: 0...)
            p.power = try s.double("power", default: 1, in: 0...1_000)
            return try StockOptimization.ranged(s, p)
        }),
    ]

    /// `scheduler` setting each group's momentum (SGD) or first beta (Adam) instead of its rate.
    static func momentum<S: RangedScheduler>(_ scheduler: S) -> any ParameterScheduler { MomentumScheduler(scheduler) }

    /// PyTorch's Adam, or AdamW (`decoupled`, whose weight_decay defaults to 0.01).
    static func adam(_ o: ConfigReader, decoupled: Bool) throws -> AdamSpec {
        var adam = AdamSpec(learningRate: try learningRate(o))
        let betas = try o.doubles("betas", default: [0.9, 0.999])
        guard betas.count == 2, betas.allSatisfy({ (0..<1).contains($0) }) else { throw o.error("betas", "expected two numbers in [0, 1), found \(betas)") }
        adam.betas = (betas[0], betas[1])
        adam.eps = try o.double("eps", default: 1e-8, in: 0...)
        adam.weightDecayIsSet = o.dict["weight_decay"] != nil
        adam.weightDecay = try o.double("weight_decay", default: decoupled ? 0.01 : 0, in: 0...)
        adam.amsgrad = try o.bool("amsgrad", default: false)
        adam.decoupledWeightDecay = decoupled
        o.ignore("foreach", "fused", "capturable", "differentiable", "maximize")
        if try o.bool("maximize", default: false) { throw o.error("maximize", "maximize=True is not supported") }
        return adam
    }

    static func learningRate(_ o: ConfigReader) throws -> Double {
        try o.double("lr", in: 0...)
    }

    /// A scheduler's `begin`, `end` and `by_epoch` (with MMEngine's check end > begin).
    static func range(_ s: ConfigReader) throws -> (Int, Int, Bool) {
        let begin = try s.int("begin", default: 0, in: 0...), end = try s.int("end", default: schedulerNoEnd)
        guard begin >= 0, end > begin else { throw s.error("end", "must be larger than begin (begin=\(begin), end=\(end))") }
        s.ignore("verbose")
        return (begin, end, try s.bool("by_epoch", default: true))
    }

    /// `scheduler` with the config's `begin`, `end`, `by_epoch` and `convert_to_iter_based`.
    static func ranged<S: RangedScheduler>(_ s: ConfigReader, _ scheduler: S) throws -> S {
        var r = scheduler
        (r.begin, r.end, r.byEpoch) = try range(s)
        r.convertToIterBased = try convertsToIterations(s, byEpoch: r.byEpoch)
        return r
    }

    /// `convert_to_iter_based`, which MMEngine allows only for an epoch-based scheduler.
    static func convertsToIterations(_ s: ConfigReader, byEpoch: Bool) throws -> Bool {
        let convert = try s.bool("convert_to_iter_based", default: false)
        if convert && !byEpoch { throw s.error("convert_to_iter_based", "needs by_epoch=True (MMEngine converts epoch-based schedulers only)") }
        return convert
    }
}
