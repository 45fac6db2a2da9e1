import Foundation
import PoseConfig
import PoseDistributed
import PoseModels
import PoseTraining

/// Shared set-up of the job executables: communicator, config loading and fail-stop errors.
public enum Job {
    /// MPI when launched as one of several ranks (mpirun, or srun with PMIx), a single process
    /// otherwise. A launcher that started N ranks while MPI sees another number (srun without
    /// `--mpi=pmix` makes every task a world of its own) is an error, never N silent 1-rank runs.
    public static func makeCommunicator() -> Communicator {
        guard let launch = MPICommunicator.launch() else { return SingleProcessCommunicator() }
        let mpi: MPICommunicator
        do { mpi = try MPICommunicator() } catch { fail("cannot start MPI: \(error)") }
        if let expected = launch.ranks, expected != mpi.size {
            fail("\(launch.launcher) started \(expected) ranks but MPI sees \(mpi.size): each would train alone. Under Slurm launch with `srun --mpi=pmix` (Debian's OpenMPI supports PMIx, not PMI2 or none) or run mpirun inside the allocation")
        }
        return mpi
    }

    /// Loads a config, applies `--cfg-options` and decodes it through `components`; with
    /// `evaluationOnly` (pose-test, pose-infer) its training parts are skipped, as
    /// `ExperimentSettings.decode(_:components:evaluationOnly:)` says.
    public static func loadSettings(path: String, options: [String], components: Components, evaluationOnly: Bool = false) throws -> (Config, ExperimentSettings) {
        var config = try Config.load(path: path)
        try config.apply(options: options)
        return (config, try ExperimentSettings.decode(config, components: components, evaluationOnly: evaluationOnly))
    }

    /// Builds the configured model and loads trained weights into it: every model key must be in
    /// the file; unexpected keys are an error with `strict`, otherwise listed by `note`.
    public static func loadTrainedModel(_ settings: ExperimentSettings, checkpoint: String, strict: Bool,
                                        note: (String) -> Void) throws -> PoseEstimator {
        let model = try makeModel(settings, seed: settings.seed)
        if let size = settings.model.decoder?.inputSize { _ = try model.probe(inputSize: size) }
        let loaded = try Checkpoint.load(path: checkpoint)
        let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strict)
        if !missing.isEmpty {
            throw CheckpointError("\(checkpoint): the model's keys are not all in the checkpoint;" + Checkpoint.keyReport(missing: missing, unexpected: unexpected))
        }
        if !unexpected.isEmpty { note("note: loaded \(checkpoint);" + Checkpoint.keyReport(missing: missing, unexpected: unexpected)) }
        return model
    }

    /// Runs `body`; on an error prints which rank failed and what (and passes the line to
    /// `record`, for the run's log), then ends the whole job (every rank) with status 1. A run
    /// that stopped on a signal (`RunStopped`, which every rank reaches together) ends cleanly
    /// with status 128 + the signal.
    public static func run(_ communicator: Communicator, record: (String, _ level: String) -> Void = { _, _ in },
                           _ body: () throws -> Void) {
        let name = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "swiftpose"
        do {
            try body()
            if let mpi = communicator as? MPICommunicator {
                try? mpi.barrier()
                mpi.finalize()
            }
        } catch let stopped as RunStopped {
            if communicator.rank == 0 {
                record(stopped.description, "WARNING")
                // the launcher may no longer read our output: never wait long for it
                RankOutput.write("\(name): \(stopped.description)\n", to: 2, within: 1)
            }
            (communicator as? MPICommunicator)?.finalize()
            exit(stopped.exitStatus)
        } catch {
            let line = (communicator.size > 1 ? "rank \(communicator.rank) of \(communicator.size): " : "") + "\(error)"
            RankOutput.write("\(name): error: \(line)\n", to: 2, within: 5)
            record(line, "ERROR")
            if communicator.size > 1 { communicator.abort(status: 1) }
            exit(1)
        }
    }

    /// Loader threads per rank: the cores this rank may use (at least one).
    public static var loaderThreads: Int { BLASSetup.threadsPerRank() }
}
