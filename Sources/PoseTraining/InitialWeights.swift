import Foundation
import PoseModels

/// A run's starting weights: `init_cfg` Pretrained weights (renamed to their model part, with
/// MMEngine's `prefix`), then `load_from`. Rank 0 reads each file (downloading into PyTorch's hub
/// cache when needed) and every rank loads the same bytes.
struct InitialWeights {
    let pretrained: [PretrainedWeights]
    let loadFrom: String?
    /// Fail on missing or unexpected keys.
    let strict: Bool
    /// Keep the random initialisation where `init_cfg` names a download (`--no-pretrained`).
    let skipsDownloads: Bool
    let broadcast: CheckpointBroadcast
    let log: TrainingLog

    func load(into model: PoseEstimator) throws {
        for pretrained in pretrained {
            let what = pretrained.target.isEmpty ? "model" : String(pretrained.target.dropLast())
            if skipsDownloads, try PretrainedDownload.url(for: pretrained.checkpoint) != nil {
                log("warning: \(what) init_cfg Pretrained '\(pretrained.checkpoint)' skipped (--no-pretrained): keeping MMPose's random initialisation")
                continue
            }
            guard let loaded = try broadcast.share({
                try Checkpoint.load(path: try PretrainedDownload.localFile(for: pretrained.checkpoint) { self.log($0) })
            }) else { continue }
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strict, rename: InitialWeights.renaming(pretrained),
                                                                      part: pretrained.target.isEmpty ? nil : pretrained.target)
            log("\(what) initialised from \(pretrained.checkpoint)" + Checkpoint.keyReport(missing: missing, unexpected: unexpected))
        }
        if let path = loadFrom, let loaded = try broadcast.load(path: path) {
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strict)
            log("loaded weights from \(path)" + Checkpoint.keyReport(missing: missing, unexpected: unexpected))
        }
    }

    /// How a file's keys map onto the model's for `pretrained`: under `prefix` only, with it
    /// replaced by the model part (`backbone.`); a part's own file gets the part's prefix added.
    /// nil: the keys are the model's.
    static func renaming(_ pretrained: PretrainedWeights) -> ((String) -> String?)? {
        guard !(pretrained.target.isEmpty && pretrained.prefix == nil) else { return nil }
        return { key in
            if let prefix = pretrained.prefix { return key.hasPrefix(prefix) ? pretrained.target + key.dropFirst(prefix.count) : nil }
            return key.hasPrefix(pretrained.target) ? key : pretrained.target + key
        }
    }
}

extension Checkpoint {
    /// " (all keys matched)" or the missing and unexpected keys, a few by name.
    public static func keyReport(missing: [String], unexpected: [String]) -> String {
        if missing.isEmpty && unexpected.isEmpty { return " (all keys matched)" }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) missing: \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected: \(unexpected.prefix(5).joined(separator: ", "))\(unexpected.count > 5 ? ", …" : "")") }
        return " (" + parts.joined(separator: "; ") + ")"
    }
}
