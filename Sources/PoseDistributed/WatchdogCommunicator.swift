import Foundation
import Synchronization

/// A communicator whose collectives are timed by a watchdog thread: one that has not finished
/// after `timeout` seconds (MMEngine's `env_cfg.dist_cfg.timeout`) means a peer is dead, hung or
/// unreachable, and OpenMPI itself may wait far longer (TCP keepalive, about 450 s). The
/// watchdog then reports the rank and the operation and ends this process with status 124, so
/// the launcher (mpirun or srun) ends the job instead of leaving every rank spinning.
///
/// Work between collectives is not timed: a rank that computes slowly keeps the others waiting
/// in their next collective, which the timeout then covers.
///
/// A rank asked to stop (a signal, reported by `stopSignal`) finishes its iteration and saves;
/// but a rank that is then still blocked in a collective after `stopGrace` seconds waits for a
/// peer that is gone (the launcher is tearing the job down), and the watchdog ends it at once
/// with status 128 + the signal instead of letting the launcher's grace period run out.
public final class WatchdogCommunicator: Communicator {
    /// What the main thread is waiting in, shared with the watchdog thread.
    final class Watch: Sendable {
        let current = Mutex<(operation: String, started: Double)?>(nil)
        let stopped = Atomic<Bool>(false)
    }

    public let base: Communicator
    public let timeout: Double
    private let watch = Watch()

    /// - Parameters:
    ///   - report: gets the one-line message before the process ends (for the run's log).
    ///   - stopSignal: the signal this process was asked to stop with, or 0.
    public init(_ base: Communicator, timeout: Double, stopGrace: Double = 5,
                stopSignal: @escaping @Sendable () -> Int32 = { 0 },
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.base = base
        self.timeout = timeout
        let thread = Thread { [watch, rank = base.rank, size = base.size] in
            while !watch.stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: min(1, max(0.05, min(timeout, stopGrace) / 10)))
                guard let (operation, started) = watch.current.withLock({ $0 }) else { continue }
                let waited = WatchdogCommunicator.now() - started
                let sig = stopSignal()
                if sig != 0 && waited > stopGrace {
                    let message = String(format: "rank %d of %d: asked to stop (signal %d) while %@ waits for %.0f s: a peer is gone; ending without a checkpoint",
                                         rank, size, sig, operation, waited)
                    report(message)
                    FileHandle.standardError.write(Data("swiftpose: \(message)\n".utf8))
                    _exit(128 + sig)
                }
                guard waited > timeout else { continue }
                let message = String(format: "rank %d of %d: %@ has not finished after %.0f s (env_cfg.dist_cfg.timeout=%g): a peer rank is dead, hung or unreachable; ending the job",
                                     rank, size, operation, waited, timeout)
                report(message)
                FileHandle.standardError.write(Data("swiftpose: error: \(message)\n".utf8))
                _exit(124)
            }
        }
        thread.name = "watchdog"
        thread.start()
    }

    deinit { watch.stopped.store(true, ordering: .relaxed) }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    private func watched<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        let name = operation()
        watch.current.withLock { $0 = (name, WatchdogCommunicator.now()) }
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
