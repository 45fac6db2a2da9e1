import Foundation

/// Which checkpoint a run resumes from (rank 0 decides; `CheckpointBroadcast` shares it).
///
/// `.latest` takes `last_checkpoint`, then the other checkpoints in the checkpoint directory,
/// newest first, skipping damaged ones; when there are checkpoints but none verifies it stops
/// rather than train over them. A checkpoint from outside the work dir is copied into it first,
/// so the run never writes next to it.
struct ResumeSearch {
    let mode: Trainer.Resume
    let workDir: String
    /// Where the checkpoint hook writes (`out_dir/<work dir name>`, else the work dir).
    let checkpointDirectory: String
    let log: TrainingLog

    func find() throws -> Checkpoint.Loaded? {
        switch mode {
        case .none: return nil
        case .path(let p):
            let loaded = try Checkpoint.load(path: p)
            let source = URL(fileURLWithPath: p).standardizedFileURL, here = URL(fileURLWithPath: workDir).standardizedFileURL
            guard source.deletingLastPathComponent().resolvingSymlinksInPath() != here.resolvingSymlinksInPath(),
                  source.pathExtension == "safetensors" else { return loaded }
            let copy = try copyIntoWorkDir(loaded.data, from: source.path)
            return Checkpoint.Loaded(path: copy, meta: loaded.meta, tensors: loaded.tensors, data: loaded.data)
        case .latest:
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
}
