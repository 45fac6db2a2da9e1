import CMPI
import Foundation

/// OpenMPI's `MPI_COMM_WORLD`, with return codes turned into errors.
///
/// Created once per process; `MPI_Init_thread` asks for `MPI_THREAD_FUNNELED` since only the
/// main thread makes MPI calls (loader threads never do).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private let comm: MPI_Comm

    /// How this process was launched as one of several ranks, from the launcher's environment:
    /// mpirun sets `OMPI_COMM_WORLD_SIZE`; srun sets `SLURM_PROCID` and the step's task count
    /// `SLURM_STEP_NUM_TASKS` (and, with `--mpi=pmix`, PMIx's variables, never OpenMPI's). nil for
    /// a single process, such as a command in an sbatch script itself (its batch step has
    /// `SLURM_PROCID=0` and the allocation's `SLURM_NTASKS`, but it is one process).
    public struct Launch: Equatable, Sendable {
        /// "mpirun", "srun" or "PMIx".
        public var launcher: String
        /// The ranks the launcher started, when it says.
        public var ranks: Int?

        /// Creates a launch description.
        public init(launcher: String, ranks: Int?) { self.launcher = launcher; self.ranks = ranks }
    }

    /// How this process was launched, read from `env`: mpirun's `OMPI_COMM_WORLD_SIZE` first, then
    /// srun's `SLURM_PROCID` with `SLURM_STEP_NUM_TASKS` (more than one task, or PMIx present), then
    /// a bare `PMIX_RANK`; nil for a single process.
    public static func launch(environment env: [String: String] = ProcessInfo.processInfo.environment) -> Launch? {
        if let n = env["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) { return Launch(launcher: "mpirun", ranks: n) }
        if env["SLURM_PROCID"] != nil, let n = env["SLURM_STEP_NUM_TASKS"].flatMap(Int.init) {
            return n > 1 || env["PMIX_RANK"] != nil ? Launch(launcher: "srun", ranks: n) : nil
        }
        if env["PMIX_RANK"] != nil { return Launch(launcher: "PMIx", ranks: nil) }
        return nil
    }

    /// Whether this process is one of several ranks (started by mpirun, or srun, or another PMIx launcher).
    public static var isLaunchedByMPI: Bool { launch() != nil }

    /// Initialises MPI (`MPI_Init_thread` with `MPI_THREAD_FUNNELED`, unless already initialised),
    /// sets `MPI_ERRORS_RETURN` on `MPI_COMM_WORLD` and reads this rank and the world size.
    /// - Throws: `CommunicatorError` when `MPI_Init_thread` fails.
    public init() throws {
        var provided: Int32 = 0
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            let rc = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
            guard rc == cmpi_success() else { throw CommunicatorError("MPI_Init_thread failed with code \(rc)") }
        }
        comm = cmpi_comm_world()
        MPI_Comm_set_errhandler(comm, cmpi_errors_return())
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)
    }

    /// Finalizes MPI; call once at a clean exit.
    public func finalize() { MPI_Finalize() }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc != cmpi_success() else { return }
        var buffer = [CChar](repeating: 0, count: 512)
        var length: Int32 = 0
        MPI_Error_string(rc, &buffer, &length)
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw CommunicatorError("rank \(rank): \(what) failed: \(text)")
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        var offset = 0
        while offset < count {
            let n = min(count - offset, Int(Int32.max))
            try check(MPI_Allreduce(cmpi_in_place(), buffer + offset, Int32(n), cmpi_float(), cmpi_sum(), comm),
                      "MPI_Allreduce of \(n) floats")
            offset += n
        }
    }

    public func allReduceSum(_ values: inout [Double]) throws {
        let n = Int32(values.count)
        try values.withUnsafeMutableBufferPointer { buf in
            try check(MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_double(), cmpi_sum(), comm),
                      "MPI_Allreduce of \(n) doubles")
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws {
        var offset = 0
        while offset < bytes {
            let n = min(bytes - offset, 1 << 30)
            try check(MPI_Bcast(buffer + offset, Int32(n), cmpi_byte(), Int32(root), comm), "MPI_Bcast of \(n) bytes")
            offset += n
        }
    }

    public func gather(_ bytes: [UInt8], root: Int) throws -> [[UInt8]] {
        var count = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: size)
        try check(MPI_Gather(&count, 1, cmpi_int32(), &counts, 1, cmpi_int32(), Int32(root), comm), "MPI_Gather of sizes")
        var displacements = [Int32](repeating: 0, count: size)
        var total: Int32 = 0
        for i in 0..<size { displacements[i] = total; total += counts[i] }
        var all = [UInt8](repeating: 0, count: rank == root ? Int(total) : 0)
        try bytes.withUnsafeBufferPointer { src in
            try all.withUnsafeMutableBufferPointer { dst in
                try check(MPI_Gatherv(src.baseAddress, count, cmpi_byte(), dst.baseAddress, counts, displacements,
                                      cmpi_byte(), Int32(root), comm), "MPI_Gatherv of \(count) bytes")
            }
        }
        guard rank == root else { return [] }
        return (0..<size).map { Array(all[Int(displacements[$0])..<Int(displacements[$0] + counts[$0])]) }
    }

    public func barrier() throws { try check(MPI_Barrier(comm), "MPI_Barrier") }

    public func abort(status: Int32) -> Never {
        MPI_Abort(comm, status)
        exit(status)
    }
}
