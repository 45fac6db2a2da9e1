import Foundation
import PoseConfig
import PoseDistributed
import PoseModels
import PoseTraining

/// Shared set-up of the job executables: communicator, config loading and fail-stop errors.
public enum Job {
    /// MPI when launched by mpirun, a single process otherwise.
    public static func makeCommunicator() -> Communicator {
        guard MPICommunicator.isLaunchedByMPI else { return SingleProcessCommunicator() }
        do { return try MPICommunicator() } catch { fail("cannot start MPI: \(error)") }
    }

    /// Loads a config, applies `--cfg-options` and decodes it through `components`.
    public static func loadSettings(path: String, options: [String], components: Components) throws -> (Config, ExperimentSettings) {
        var config = try Config.load(path: path)
        try config.apply(options: options)
        return (config, try ExperimentSettings.decode(config, components: components))
    }

    /// Builds the configured model and loads trained weights into it: every model key must be in
    /// the file; unexpected keys are an error with `strict`, otherwise listed by `note`.
    public static func loadTrainedModel(_ settings: ExperimentSettings, checkpoint: String, strict: Bool,
                                        note: (String) -> Void) throws -> PoseEstimator {
        let model = try makeModel(settings, seed: settings.seed)
        let loaded = try Checkpoint.load(path: checkpoint)
        let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strict)
        if !missing.isEmpty {
            throw CheckpointError("\(checkpoint): the model's keys are not all in the checkpoint;" + Trainer.keyReport(missing: missing, unexpected: unexpected))
        }
        if !unexpected.isEmpty { note("note: loaded \(checkpoint);" + Trainer.keyReport(missing: missing, unexpected: unexpected)) }
        return model
    }

    /// Runs `body`; on an error prints which rank failed and what, then ends the whole job
    /// (every rank) with a non-zero status.
    public static func run(_ communicator: Communicator, _ body: () throws -> Void) {
        do {
            try body()
            if let mpi = communicator as? MPICommunicator {
                try? mpi.barrier()
                mpi.finalize()
            }
        } catch {
            let where_ = communicator.size > 1 ? "rank \(communicator.rank) of \(communicator.size): " : ""
            let name = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "swiftpose"
            FileHandle.standardError.write(Data("\(name): error: \(where_)\(error)\n".utf8))
            if communicator.size > 1 { communicator.abort(status: 1) }
            exit(1)
        }
    }

    /// Loader threads per rank: the cores this rank may use (at least one).
    public static var loaderThreads: Int { max(1, BLASSetup.threadsPerRank(
        affinityCPUs: BLASSetup.affinityCPUCount(), onlineCPUs: ProcessInfo.processInfo.activeProcessorCount,
        localRanks: Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? 1)) }
}
