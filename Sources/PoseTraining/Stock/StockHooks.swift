import PoseConfig

extension Components {
    /// SwiftPose's hooks, with MMEngine's and MMPose's names and defaults.
    mutating func registerStockHooks() throws {
        try hooks.register("IterTimerHook") { _, _ in IterTimerHookSettings() }
        try hooks.register("DistSamplerSeedHook") { _, _ in DistSamplerSeedHookSettings() }
        try hooks.register("ParamSchedulerHook") { _, _ in ParamSchedulerHookSettings() }
        try hooks.register("SyncBuffersHook") { _, _ in SyncBuffersHookSettings() }
        try hooks.register("LoggerHook") { l, _ in
            let interval = try l.int("interval", default: 10, in: ConfigLimits.iterations)
            l.ignore("ignore_last", "interval_exp_name", "log_metric_by_epoch", "out_suffix", "keep_local")
            return LoggerHookSettings(interval: interval)
        }
        try hooks.register("CheckpointHook") { c, _ in
            var settings = CheckpointHookSettings(interval: try c.int("interval", default: -1, in: -1...ConfigLimits.iterations.upperBound))
            settings.byEpoch = try c.bool("by_epoch", default: true)
            settings.saveLast = try c.bool("save_last", default: true)
            settings.maxKeepCheckpoints = try c.int("max_keep_ckpts", default: -1, in: -1...ConfigLimits.iterations.upperBound)
            settings.saveBest = try c.optionalString("save_best")
            if let rule = try c.optionalString("rule"), rule != "greater" {
                throw c.error("rule", "only 'greater' is supported for COCO metrics")
            }
            c.ignore("save_optimizer", "save_param_scheduler", "out_dir", "filename_tmpl")
            return settings
        }
        try hooks.register("EMAHook") { h, _ in
            var e = EMAHookSettings()
            let kind = try h.string("ema_type", default: "ExponentialMovingAverage")
            guard let k = EMAHookSettings.Kind(rawValue: kind) else {
                throw h.error("ema_type", "expected 'ExpMomentumEMA' or 'ExponentialMovingAverage', found '\(kind)'")
            }
            e.kind = k
            e.momentum = try h.double("momentum", default: 0.0002, in: 0...1)
            e.gamma = try h.double("gamma", default: 2000, in: 0.000001...)
            e.updateBuffers = try h.bool("update_buffers", default: false)
            e.interval = try h.int("interval", default: 1, in: ConfigLimits.iterations)
            e.beginIteration = try h.int("begin_iter", default: 0, in: 0...)
            e.beginEpoch = try h.int("begin_epoch", default: 0, in: 0...)
            h.ignore("strict_load", "device")
            return e
        }
        for name in ["PoseVisualizationHook", "BadCaseAnalysisHook"] {
            try hooks.register(name) { h, _ in
                if try h.bool("enable", default: false) {
                    throw h.error("enable", "\(name) with enable=True is not supported yet; set enable=False")
                }
                h.ignore("interval", "kpt_thr", "show", "wait_time", "out_dir", "backend_args", "metric_type", "badcase_thr")
                return InactiveHookSettings()
            }
        }
    }
}
