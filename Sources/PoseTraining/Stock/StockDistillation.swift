import Foundation
import PoseConfig
import PoseData
import PoseModels

extension Components {
    /// DWPose's distiller, registered as a pose-estimator paradigm.
    mutating func registerStockDistillation() throws {
        try estimators.register("DWPoseDistiller", StockDistillation.dwPoseDistiller)
    }
}

/// The builder of MMPose's `DWPoseDistiller`.
enum StockDistillation {
    /// `DWPoseDistiller(teacher_cfg, student_cfg, two_dis, distill_cfg, teacher_pretrained,
    /// train_cfg, data_preprocessor)`: teacher and student are the `model` of their own config
    /// files; `distill_cfg` is a list of `dict(methods=[loss dicts])`, each loss named
    /// `loss_fea` (`FeaLoss`) or `loss_logit` (`KDLoss`) and used when `use_this`.
    @Sendable static func dwPoseDistiller(_ m: ConfigReader, _ context: BuildContext) throws -> any PoseEstimatorSpec {
        let preprocessor = try StockModels.dataPreprocessor(m, context)
        func part(_ key: String) throws -> TopdownPoseEstimatorSpec {
            let named = try m.string(key)
            guard let file = configFile(named, from: m.file) else {
                throw m.error(key, "'\(named)' was found neither under the working directory, nor under a folder above \(m.file), nor in SwiftPose's bundled configs")
            }
            let config: Config
            do { config = try Config.load(path: file) } catch { throw m.error(key, "cannot load '\(file)': \(error)") }
            let root = ConfigReader(config.root, path: "", file: file)
            guard let model = try root.dictionary("model") else { throw m.error(key, "'\(file)' has no model") }
            // a distiller as teacher or student could name this config again: refused before
            // it is built, so no chain of configs recurses
            if case .string(let type)? = model.dict["type"], type == "DWPoseDistiller" {
                throw m.error(key, "'\(file)' is a DWPoseDistiller; teacher_cfg and student_cfg name TopdownPoseEstimator (RTMPose) configs")
            }
            guard let spec = try context.components.estimators.build(model, context: context) as? TopdownPoseEstimatorSpec else {
                throw m.error(key, "'\(file)' must describe a TopdownPoseEstimator (DWPose distils RTMPose models)")
            }
            return spec
        }
        let teacher = try part("teacher_cfg"), student = try part("student_cfg")
        let secondStage = try m.bool("two_dis", default: false)
        var featureLoss: DWPoseDistillerSpec.FeatureLossSettings?
        var logitLoss: KDLoss?
        for item in try m.dictionaries("distill_cfg") ?? [] {
            for loss in try item.dictionaries("methods") ?? [] {
                let type = try loss.type(among: ["FeaLoss", "KDLoss"])
                let name = try loss.string("name")
                let used = try loss.bool("use_this")
                switch (type, name) {
                case ("FeaLoss", "loss_fea"):
                    let settings = DWPoseDistillerSpec.FeatureLossSettings(
                        studentChannels: try loss.int("student_channels", in: ConfigLimits.channels),
                        teacherChannels: try loss.int("teacher_channels", in: ConfigLimits.channels),
                        alpha: Float(try loss.double("alpha_fea", default: 0.00007)))
                    if used { featureLoss = settings }
                case ("KDLoss", "loss_logit"):
                    let kd = KDLoss(weight: Float(try loss.double("weight", default: 1)))
                    if used { logitLoss = kd }
                default:
                    // MMPose's distiller computes only these two, by name
                    throw loss.error("name", "DWPoseDistiller uses FeaLoss named 'loss_fea' and KDLoss named 'loss_logit', got \(type) named '\(name)'")
                }
                try context.finish(loss)
            }
            try context.finish(item)
        }
        var beta: Float = 1
        if logitLoss != nil {
            let headLoss = (student.head as? RTMCCHeadSpec)?.loss ?? (student.head as? RTMWHeadSpec)?.loss
            guard let kl = headLoss as? KLDiscretLoss else {
                throw m.error("student_cfg", "KDLoss needs the student's head to be an RTMCCHead or RTMWHead with a KLDiscretLoss (it uses its beta)")
            }
            beta = kl.beta
        }
        var spec = DWPoseDistillerSpec(teacher: teacher, student: student, featureLoss: featureLoss, logitLoss: logitLoss,
                                       secondStage: secondStage, beta: beta, dataPreprocessor: preprocessor,
                                       teacherPretrained: try m.optionalString("teacher_pretrained"))
        if let t = try m.dictionary("train_cfg") {
            spec.student.computeAccuracy = try t.bool("compute_acc", default: spec.student.computeAccuracy)
            // max_epochs and val_interval are the train loop's (read from train_cfg at the top level)
            t.ignore("max_epochs", "val_interval", "type", "val_begin", "dynamic_intervals")
            try context.finish(t)
        }
        m.ignore("metainfo")
        return spec
    }

    /// Where `path` (a config named by a distiller: `configs/...`, relative to MMPose's
    /// repository root as MMPose's own scripts run) is: itself when absolute; else under the
    /// working directory, as MMPose opens it; else under a folder above the distiller's config
    /// `from` (any checkout of MMPose's or SwiftPose's tree, wherever the run starts); else in
    /// SwiftPose's bundled configs.
    static func configFile(_ path: String, from: String) -> String? {
        let manager = FileManager.default
        if path.hasPrefix("/") { return manager.fileExists(atPath: path) ? path : nil }
        if manager.fileExists(atPath: path) { return path }
        var folder = URL(fileURLWithPath: from).standardizedFileURL.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(path).path
            if manager.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        guard path.hasPrefix("configs/") else { return nil }
        return BundledConfigs.path(String(path.dropFirst("configs/".count)))
    }
}
