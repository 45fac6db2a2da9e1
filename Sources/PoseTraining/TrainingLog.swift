import Foundation
import PoseDistributed
import PoseData

/// A run's log: rank 0 writes every line to standard output and to
/// `work_dir/<timestamp>/<timestamp>.log`, and scalars to `vis_data/scalars.json`. The other ranks
/// learn the log's path (`share(path:)`) so that their errors reach the same file.
public final class TrainingLog: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: FileHandle?
    private var scalarsHandle: FileHandle?
    private var file: String?
    private var mutedBy: StopRequest?

    /// A log that writes nothing until it is opened or shared.
    public init() {}

    /// Opens a new timestamped log folder in `directory` (rank 0).
    public convenience init(directory: String) {
        self.init()
        open(directory: directory)
    }

    /// Starts writing lines and scalars into a new `directory/<timestamp>/` folder.
    public func open(directory: String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd_HHmmss"
        let stamp = formatter.string(from: Date())
        let dir = directory + "/" + stamp
        try? FileManager.default.createDirectory(atPath: dir + "/vis_data", withIntermediateDirectories: true)
        let path = dir + "/" + stamp + ".log"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        // MMEngine's LocalVisBackend layout: one JSON object per line
        _ = FileManager.default.createFile(atPath: dir + "/vis_data/scalars.json", contents: nil)
        lock.lock(); defer { lock.unlock() }
        handle = TrainingLog.appending(path)
        scalarsHandle = TrainingLog.appending(dir + "/vis_data/scalars.json")
        file = path
    }

    /// Saves the merged config next to the scalars as `vis_data/config.py` (rank 0, once opened).
    public func saveConfig(_ source: String) {
        lock.lock(); defer { lock.unlock() }
        guard let file else { return }
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
        try? Data(source.utf8).write(to: URL(fileURLWithPath: dir + "/vis_data/config.py"), options: .atomic)
    }

    /// Whether this log writes INFO lines (rank 0's, once opened).
    public var enabled: Bool { lock.lock(); defer { lock.unlock() }; return handle != nil }

    /// The log file (rank 0 once opened, the other ranks once it is shared).
    public var path: String? { lock.lock(); defer { lock.unlock() }; return file }

    /// Stops writing to standard output once `request` has a signal: mpirun stops draining its
    /// ranks' output when it is told to end the job, and a write to a full pipe would block the
    /// rank before it reaches its checkpoint. The log file still gets every line.
    public func muteStandardOutput(after request: StopRequest) {
        lock.lock(); defer { lock.unlock() }
        mutedBy = request
    }

    /// Tells a rank without its own log where rank 0's is (best effort: another node may not see it).
    public func share(path: String) {
        lock.lock(); defer { lock.unlock() }
        if file == nil { file = path }
    }

    /// Appends one record of scalars (full precision) to `vis_data/scalars.json`.
    public func scalars(_ values: [String: Any]) {
        // a NaN loss is written as MMEngine writes it (NaN), not dropped
        guard let data = try? PythonJSON.data(values) else { return }
        lock.lock(); defer { lock.unlock() }
        try? scalarsHandle?.write(contentsOf: data + Data("\n".utf8))
    }

    /// An INFO line (rank 0 only): standard output and the log file.
    public func callAsFunction(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return }
        let text = Data(TrainingLog.format(line, level: "INFO").utf8)
        // a log line that cannot be written (a full disk) must not end the run
        try? handle.write(contentsOf: text)
        if mutedBy?.receivedSignal ?? 0 == 0 {
            RankOutput.write(text, to: 1) { [mutedBy] in mutedBy?.receivedSignal ?? 0 != 0 }
        }
    }

    /// A line of another level (`ERROR`, `WARNING`) appended to the log file from any rank that
    /// knows it; the caller has printed it already.
    public func record(_ line: String, level: String) {
        lock.lock(); defer { lock.unlock() }
        let data = Data(TrainingLog.format(line, level: level).utf8)
        if let handle {
            try? handle.write(contentsOf: data)
        } else if let file, let other = TrainingLog.appending(file) {
            try? other.write(contentsOf: data)
            try? other.close()
        }
    }

    /// A handle whose every write lands at the file's current end: the other ranks append their
    /// errors to rank 0's log, and a plain handle's own offset would write over them.
    static func appending(_ path: String) -> FileHandle? {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        return fd < 0 ? nil : FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    static func format(_ line: String, level: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "MM/dd HH:mm:ss"
        return "\(formatter.string(from: Date())) - swiftpose - \(level) - \(line)\n"
    }

    deinit { try? handle?.close(); try? scalarsHandle?.close() }
}
