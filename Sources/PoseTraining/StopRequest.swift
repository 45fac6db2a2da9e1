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
    private let armed = Atomic<Bool>(false)
    private let sources: Mutex<[DispatchSourceSignal]> = Mutex([])

    /// A request with no signal received, neither installed nor armed: signals keep their
    /// usual effect until `install()`.
    public init() {}

    /// Routes SIGTERM, SIGINT and SIGUSR1 to this request instead of ending the process at once,
    /// and ignores SIGPIPE: a launcher that stops reading its ranks' output must not end a rank
    /// before its checkpoint (writes then fail with EPIPE, which the log ignores).
    public func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            signal(SIGPIPE, SIG_IGN)
            for sig in StopRequest.signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in
                    // before training starts there is nothing to save: a signal ends the process
                    // at once, as it would without the handler (a config that loops, a slow load)
                    guard let self, self.armed.load(ordering: .relaxed) else { _exit(128 + sig) }
                    self.signalNumber.store(sig, ordering: .relaxed)
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// From now on a signal is a request to stop at the next iteration boundary (the trainer
    /// arms it when its state is set up); before, it ends the process with 128 + signal.
    public func arm() { armed.store(true, ordering: .relaxed) }

    /// The signals that stop a run, in the order that decides which one a run stops for when
    /// ranks received different ones.
    public static let signals: [Int32] = [SIGTERM, SIGINT, SIGUSR1]

    /// This rank's part of the ranks' vote: 1 for the signal it received, 0 for the others, in
    /// the order of `signals`. Summed over ranks, `agreedSignal` reads the outcome.
    public static func counts(of received: Int32) -> [Double] {
        signals.map { $0 == received ? 1 : 0 }
    }

    /// The signal every rank stops for, given the summed `counts`: the first of `signals` any
    /// rank received, so that every rank ends with the same status; 0 when none did.
    public static func agreedSignal(counts: [Double]) -> Int32 {
        zip(signals, counts).first { $0.1 > 0 }?.0 ?? 0
    }

    /// The signal received, or 0.
    public var receivedSignal: Int32 { signalNumber.load(ordering: .relaxed) }

    /// Marks the request as if `sig` (one of `signals`; another counts as SIGTERM) had arrived:
    /// tests, or a hook that decides to stop the run.
    public func request(_ sig: Int32) {
        arm()
        signalNumber.store(StopRequest.signals.contains(sig) ? sig : SIGTERM, ordering: .relaxed)
    }
}

/// A run that stopped on request at an iteration boundary after saving its state.
public struct RunStopped: Error, CustomStringConvertible {
    /// The signal every rank agreed to stop for (`SIGTERM`, `SIGINT` or `SIGUSR1`).
    public let signal: Int32
    /// Which signal stopped the run at which position, and the checkpoint to continue from
    /// with `--resume` (or that none was saved there).
    public let description: String
    /// The exit status a stopped run ends with: 128 + the signal, as a shell reports it.
    public var exitStatus: Int32 { 128 + signal }
}
