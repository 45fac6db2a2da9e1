import Foundation
import PoseConfig
import PoseDistributed
import PoseTraining

/// Shared set-up of the job executables: communicator, config loading and fail-stop errors.
public enum Job {
    /// MPI when launched by mpirun, a single process otherwise.
    public static func makeCommunicator() -> Communicator {
        guard MPICommunicator.isLaunchedByMPI else { return SingleProcessCommunicator() }
        do { return try MPICommunicator() } catch { fail("cannot start MPI: \(error)") }
    }

    /// The repository root: `SWIFTPOSE_ROOT`, else the nearest folder above the executable (or
    /// the working directory) that holds `configs/_base_/datasets/coco.py`.
    public static var repositoryRoot: String {
        if let root = ProcessInfo.processInfo.environment["SWIFTPOSE_ROOT"] { return root }
        let marker = "configs/_base_/datasets/coco.py"
        for start in [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var dir = start
            for _ in 0..<8 {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent(marker).path) { return dir.path }
                dir = dir.deletingLastPathComponent()
            }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// Loads a config, applies `--cfg-options` and decodes it.
    public static func loadSettings(path: String, options: [String]) throws -> (Config, ExperimentSettings) {
        var config = try Config.load(path: path)
        try config.apply(options: options)
        return (config, try ExperimentSettings.decode(config, repositoryRoot: repositoryRoot))
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
