import Foundation

/// MMPose's `tools/misc/pth_transfer.py` for DWPose: the plain RTMPose weights a
/// `DWPoseDistiller` checkpoint holds, as a weights-only file any config of the student's
/// network loads (`load_from`, `init_cfg`, `teacher_pretrained`, `pose-test`).
public enum DistilledWeights {
    /// The model key a distiller's key becomes, or nil when it is not kept: after the first
    /// stage `student.*`; after the second (`secondStage`) the teacher's backbone and neck
    /// with the student's head, the network that stage predicts with.
    public static func transferredKey(_ key: String, secondStage: Bool) -> String? {
        let kept = secondStage ? ["teacher.backbone.", "teacher.neck.", "student.head."] : ["student."]
        guard let prefix = kept.first(where: key.hasPrefix) else { return nil }
        return String(key.dropFirst(prefix.hasPrefix("teacher.") ? "teacher.".count : "student.".count))
    }

    /// Writes the transferred weights of the checkpoint at `source` (a SwiftPose `.safetensors`
    /// or MMPose `.pth` of a `DWPoseDistiller`) to `destination` (`.safetensors`, written
    /// atomically); returns the number of tensors written.
    /// - Throws: `CheckpointError` when `source` cannot be read or holds no key to keep (it is
    ///   not a distiller's checkpoint, or not of that stage).
    @discardableResult
    public static func transfer(from source: String, to destination: String, secondStage: Bool) throws -> Int {
        let loaded = try Checkpoint.load(path: source)
        var kept: [(name: String, info: SafeTensors.Info)] = []
        for (key, info) in loaded.tensors {
            guard let name = transferredKey(key.hasPrefix("module.") ? String(key.dropFirst(7)) : key, secondStage: secondStage) else { continue }
            kept.append((name, info))
        }
        guard !kept.isEmpty else {
            throw CheckpointError("\(source): no \(secondStage ? "teacher.backbone.* or student.head.*" : "student.*") keys; is it a DWPoseDistiller checkpoint\(secondStage ? " of the second stage (two_dis=True)" : "")?")
        }
        if secondStage, !kept.contains(where: { $0.name.hasPrefix("head.") }) || !kept.contains(where: { $0.name.hasPrefix("backbone.") }) {
            throw CheckpointError("\(source): a second stage's checkpoint has teacher.backbone.* and student.head.* keys; this one lacks one of them")
        }
        kept.sort { $0.name < $1.name }
        try loaded.data.withUnsafeBytes { bytes in
            let entries = kept.map { SafeTensors.Entry(name: $0.name, dtype: $0.info.dtype, shape: $0.info.shape,
                                                       bytes: UnsafeRawBufferPointer(rebasing: bytes[$0.info.range])) }
            try SafeTensors.write(entries, metadata: ["format": "pt"], to: destination)
        }
        return kept.count
    }
}
