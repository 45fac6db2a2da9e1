import Foundation

/// An exclusive lock on a work dir (`work_dir/.lock`, `flock`), held by rank 0 for the whole
/// run, so two runs cannot write the same checkpoints and logs. The kernel drops the lock when
/// the process ends, however it ends, so a killed run never leaves a stale lock behind.
public final class WorkDirLock {
    /// The lock file, `work_dir/.lock`; while held it names the holder (pid, host, start time).
    public let path: String
    private let descriptor: Int32

    /// Takes the lock or throws naming the work dir and the process that holds it.
    /// - Parameter workDir: An existing work dir.
    /// - Throws: `TrainingError` when the lock file cannot be created, or another process
    ///   holds the lock (without waiting for it).
    public init(workDir: String) throws {
        path = workDir + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TrainingError("\(path): cannot create the work dir's lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = read(fd, &buffer, buffer.count)
            close(fd)
            let holder = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            throw TrainingError("work dir \(workDir) is in use by another run (\(holder)); wait for it to end or choose another --work-dir")
        }
        ftruncate(fd, 0)
        let note = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = note.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
