import Foundation
import Synchronization

/// A communicator whose collectives are timed by a watchdog thread: one that has not finished
/// after `timeout` seconds (MMEngine's `env_cfg.dist_cfg.timeout`) means a peer is dead, hung or
/// unreachable, and OpenMPI itself may wait far longer (TCP keepalive, about 450 s). The
/// watchdog then reports the rank and the operation and ends this process with status 124, so
/// the launcher (mpirun or srun) ends the job instead of leaving every rank spinning.
///
/// Work between collectives is not timed: a rank that computes slowly keeps the others waiting
/// in their next collective, which the timeout then covers. A stop signal changes nothing here:
/// the ranks then wait for rank 0's checkpoint in a collective, however long the write takes.
public final class WatchdogCommunicator: Communicator {
    /// What the main thread is waiting in, shared with the watchdog thread.
    final class Watch: Sendable {
        let current = Mutex<(operation: String, started: Double)?>(nil)
        let stopped = Atomic<Bool>(false)
    }

    /// The communicator every collective is forwarded to (MPI, or the single process's).
    public let base: Communicator
    /// Seconds a collective may take before the watchdog ends the process with status 124
    /// (`env_cfg.dist_cfg.timeout`); checked every tenth of it, between 0.05 s and 1 s.
    public let timeout: Double
    private let watch = Watch()

    /// Wraps `base` and starts the watchdog thread, which runs until the communicator is released.
    /// - Parameters:
    ///   - base: the communicator whose collectives are timed.
    ///   - timeout: seconds a collective may take (`env_cfg.dist_cfg.timeout`).
    ///   - report: gets the one-line message before the process ends (for the run's log).
    public init(_ base: Communicator, timeout: Double, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.base = base
        self.timeout = timeout
        let thread = Thread { [watch, rank = base.rank, size = base.size] in
            while !watch.stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: min(1, max(0.05, timeout / 10)))
                guard let (operation, started) = watch.current.withLock({ $0 }),
                      monotonicSeconds() - started > timeout else { continue }
                let message = String(format: "rank %d of %d: %@ has not finished after %.0f s (env_cfg.dist_cfg.timeout=%g): a peer rank is dead, hung or unreachable; ending the job",
                                     rank, size, operation, monotonicSeconds() - started, timeout)
                report(message)
                RankOutput.write("swiftpose: error: \(message)\n", to: 2, within: 2)
                _exit(124)
            }
        }
        thread.name = "watchdog"
        thread.start()
    }

    deinit { watch.stopped.store(true, ordering: .relaxed) }

    private func watched<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        let name = operation()
        watch.current.withLock { $0 = (name, monotonicSeconds()) }
        defer { watch.current.withLock { $0 = nil } }
        return try body()
    }

    public var rank: Int { base.rank }
    public var size: Int { base.size }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        try watched("an allreduce of \(count) floats") { try base.allReduceSum(buffer, count: count) }
    }

    public func allReduceSum(_ values: inout [Double]) throws {
        try watched("an allreduce of \(values.count) values") { try base.allReduceSum(&values) }
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws {
        try watched("a broadcast of \(bytes) bytes from rank \(root)") { try base.broadcast(buffer, bytes: bytes, root: root) }
    }

    public func gather(_ bytes: [UInt8], root: Int) throws -> [[UInt8]] {
        try watched("a gather of \(bytes.count) bytes to rank \(root)") { try base.gather(bytes, root: root) }
    }

    public func barrier() throws {
        try watched("a barrier") { try base.barrier() }
    }

    public func abort(status: Int32) -> Never { base.abort(status: status) }
}
