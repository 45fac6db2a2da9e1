import Dispatch
import Foundation
import Synchronization

/// SIGTERM (what Slurm sends before a time limit or a preemption), SIGINT and SIGUSR1 (which
/// mpirun forwards to every rank without ending the job), turned into a request to stop at the
/// next iteration boundary: the trainer sees it between iterations, every rank agrees on it
/// through the iteration's allreduce, and the run ends with a checkpoint of that exact point and
/// exit status 128 + signal.
public final class StopRequest: Sendable {
    private let signalNumber = Atomic<Int32>(0)
    private let sources: Mutex<[DispatchSourceSignal]> = Mutex([])

    public init() {}

    /// Routes SIGTERM, SIGINT and SIGUSR1 to this request instead of ending the process at once.
    public func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for sig in [SIGTERM, SIGINT, SIGUSR1] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in self?.signalNumber.store(sig, ordering: .relaxed) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// The signal received, or 0.
    public var receivedSignal: Int32 { signalNumber.load(ordering: .relaxed) }

    /// Marks the request as if `sig` had arrived (tests; a hook that decides to stop the run).
    public func request(_ sig: Int32) { signalNumber.store(sig, ordering: .relaxed) }
}

/// A run that stopped on request at an iteration boundary after saving its state.
public struct RunStopped: Error, CustomStringConvertible {
    public let signal: Int32
    public let description: String
    /// The exit status a stopped run ends with: 128 + the signal, as a shell reports it.
    public var exitStatus: Int32 { 128 + signal }
}
