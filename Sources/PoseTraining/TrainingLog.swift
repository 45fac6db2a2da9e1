import Foundation

/// Rank 0's log: every line to standard output and to `work_dir/<timestamp>/<timestamp>.log`.
public final class TrainingLog: @unchecked Sendable {
    private let handle: FileHandle?
    private let scalars: FileHandle?
    public let enabled: Bool
    public let path: String?

    public init(directory: String?, enabled: Bool) {
        self.enabled = enabled
        guard enabled, let directory else { handle = nil; scalars = nil; path = nil; return }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd_HHmmss"
        let stamp = formatter.string(from: Date())
        let dir = directory + "/" + stamp
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/" + stamp + ".log"
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        handle = FileHandle(forWritingAtPath: file)
        path = file
        // MMEngine's LocalVisBackend layout: one JSON object per line
        try? FileManager.default.createDirectory(atPath: dir + "/vis_data", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/vis_data/scalars.json", contents: nil)
        scalars = FileHandle(forWritingAtPath: dir + "/vis_data/scalars.json")
    }

    /// Appends one record of scalars (full precision) to `vis_data/scalars.json`.
    public func scalars(_ values: [String: Any]) {
        guard let scalars, let data = try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]) else { return }
        scalars.write(data + Data("\n".utf8))
    }

    public func callAsFunction(_ line: String) {
        guard enabled else { return }
        let formatter = DateFormatter()
        formatter.dateFormat = "MM/dd HH:mm:ss"
        let text = "\(formatter.string(from: Date())) - swiftpose - INFO - \(line)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        handle?.write(Data(text.utf8))
    }

    deinit { try? handle?.close(); try? scalars?.close() }
}
