import Testing
@testable import PoseCLI
import PoseDistributed
import PoseTensor

@Suite struct BLASSetupTests {
    @Test func genericCoreOnAVX512MachineSwitchesToSkylakeX() {
        let avx512: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASSetup.preferredCore(selected: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASSetup.preferredCore(selected: "Prescott", cpuFlags: ["avx2", "fma"]) == "Haswell")
        #expect(BLASSetup.preferredCore(selected: "Prescott", cpuFlags: ["sse2"]) == nil)
        #expect(BLASSetup.preferredCore(selected: "SkylakeX", cpuFlags: avx512) == nil)
        #expect(BLASSetup.preferredCore(selected: "Haswell", cpuFlags: avx512) == nil)
    }

    @Test func threadsAreSharedAmongLocalRanks() {
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 2, onlineCPUs: 2, localRanks: 1) == 2)
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 2, onlineCPUs: 2, localRanks: 2) == 1)
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 1, onlineCPUs: 64, localRanks: 4) == 1)
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 64, onlineCPUs: 64, localRanks: 4) == 16)
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 2, onlineCPUs: 2, localRanks: 8) == 1)
    }

    @Test func slurmSizesThreadsAndRanks() {
        // --cpus-per-task caps the threads; srun's and PMIx's variables give the ranks on the node and the rank
        #expect(BLASSetup.threadsPerRank(affinityCPUs: 64, onlineCPUs: 64, localRanks: 2, cpusPerTask: 8) == 8)
        #expect(BLASSetup.launchRank(environment: ["SLURM_PROCID": "3"]) == 3)
        #expect(BLASSetup.launchRank(environment: ["OMPI_COMM_WORLD_RANK": "1", "SLURM_PROCID": "0"]) == 1)
        #expect(BLASSetup.launchRank(environment: [:]) == 0)
    }

    @Test func launchersAreRecognised() {
        typealias Launch = MPICommunicator.Launch
        #expect(MPICommunicator.launch(environment: [:]) == nil)
        #expect(MPICommunicator.launch(environment: ["OMPI_COMM_WORLD_SIZE": "4"]) == Launch(launcher: "mpirun", ranks: 4))
        // srun never sets OpenMPI's variables: its task count decides, with or without PMIx
        #expect(MPICommunicator.launch(environment: ["SLURM_PROCID": "0", "SLURM_STEP_NUM_TASKS": "2", "PMIX_RANK": "0"])
                == Launch(launcher: "srun", ranks: 2))
        #expect(MPICommunicator.launch(environment: ["SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2", "SLURM_NTASKS": "2"])
                == Launch(launcher: "srun", ranks: 2))
        // an sbatch script's own commands (the batch step) are single processes
        #expect(MPICommunicator.launch(environment: ["SLURM_PROCID": "0", "SLURM_NTASKS": "2", "SLURM_JOB_ID": "1"]) == nil)
        // one task under srun is a single process; a bare PMIx launch is MPI of unknown size
        #expect(MPICommunicator.launch(environment: ["SLURM_PROCID": "0", "SLURM_STEP_NUM_TASKS": "1"]) == nil)
        #expect(MPICommunicator.launch(environment: ["PMIX_RANK": "0"]) == Launch(launcher: "PMIx", ranks: nil))
    }

    @Test func selfCheckPassesOnThisMachine() {
        #expect(BLASSetup.selfCheck() == nil)
        #expect(BLASSetup.affinityCPUCount() >= 1)
    }
}

import Foundation

@Suite struct BLASReexecTests {
    /// Runs the built `pose-bench --help` with `changes` to this environment (nil removes a
    /// variable); returns its status and standard error.
    func poseBenchHelp(_ changes: [String: String?]) throws -> (Int32, String) {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary: String?
        for _ in 0..<3 where binary == nil {
            let c = dir.appendingPathComponent("pose-bench").path
            if FileManager.default.isExecutableFile(atPath: c) { binary = c }
            dir = dir.deletingLastPathComponent()
        }
        let path = try #require(binary, "pose-bench is not built next to the tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--help"]
        var env = ProcessInfo.processInfo.environment
        for (name, value) in changes { env[name] = value }
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// As if OpenBLAS had picked its generic kernels.
    @Test func genericCoreIsReplacedByReexecution() throws {
        let expected = try #require(BLASSetup.preferredCore(selected: "Prescott", cpuFlags: BLASSetup.cpuFlags()),
                                    "this CPU has neither AVX-512 nor AVX2; nothing to re-execute for")
        let (status, text) = try poseBenchHelp(["OPENBLAS_CORETYPE": nil, "OPENBLAS_NUM_THREADS": nil,
                                                "SWIFTPOSE_ASSUME_BLAS_CORE": "Prescott"])
        #expect(status == 0)
        // the re-executed process keeps its name (ps -C pose-bench), not /proc/self/exe's "exe"
        #expect(text.contains("re-executed pose-bench with OPENBLAS_CORETYPE=\(expected)"), "\(text)")
        #expect(text.contains("(OpenBLAS detected Prescott;"), "\(text)")
        #expect(text.components(separatedBy: "OpenBLAS core").count == 2, "logged once: \(text)")
    }

    /// oneDNN's OpenMP threads get a short spin (set by re-executing) unless the user chose one,
    /// or the BLAS backend runs.
    @Test func openMPSpinCountIsSetOnceForOneDNN() throws {
        #expect(BLASSetup.openMPSpinCount(environment: [:]) == "2000")
        #expect(BLASSetup.openMPSpinCount(environment: ["GOMP_SPINCOUNT": "10"]) == nil)
        #expect(BLASSetup.openMPSpinCount(environment: ["OMP_WAIT_POLICY": "active"]) == nil)
        #expect(BLASSetup.openMPSpinCount(environment: ["SWIFTPOSE_BACKEND": "BLAS"]) == nil)
        guard OneDNN.isAvailable else { return }
        let unset: [String: String?] = ["GOMP_SPINCOUNT": nil, "OMP_WAIT_POLICY": nil, "SWIFTPOSE_BACKEND": nil]
        let (status, text) = try poseBenchHelp(unset)
        #expect(status == 0)
        #expect(text.contains("OpenMP threads per rank (GOMP_SPINCOUNT=2000)") || text.contains("OpenMP thread per rank (GOMP_SPINCOUNT=2000)"), "\(text)")
        #expect(text.components(separatedBy: "OpenBLAS core").count == 2, "logged once: \(text)")
        let (_, own) = try poseBenchHelp(unset.merging(["GOMP_SPINCOUNT": "50"]) { $1 })
        #expect(own.contains("(GOMP_SPINCOUNT=50)"), "\(own)")
        let (_, blas) = try poseBenchHelp(unset.merging(["SWIFTPOSE_BACKEND": "blas"]) { $1 })
        #expect(!blas.contains("GOMP_SPINCOUNT") && blas.contains("convolutions on OpenBLAS"), "\(blas)")
    }
}

@Suite struct ResourceFigureTests {
    /// The kernel pads kB figures to 8 columns after the tab: from 9.5 GiB on the number touches
    /// the tab, which once read as 0 ("peak resident memory: 0.00 GiB" for HRNet-W32).
    @Test func statusFieldsParseAtAnySize() {
        let status = "Name:\tpose-bench\nVmHWM:\t12345678 kB\nVmRSS:\t    1024 kB\n"
        #expect(statusKilobytes("VmHWM:", in: status) == 12_345_678)
        #expect(statusKilobytes("VmRSS:", in: status) == 1024)
        #expect(statusKilobytes("VmSwap:", in: status) == 0)
        #expect(peakResidentBytes() > 0)
    }
}

@Suite struct ComputeBackendTests {
    @Test func backendFromTheEnvironment() throws {
        #expect(try ComputeBackend.fromEnvironment(["SWIFTPOSE_BACKEND": "blas"]) == .blas)
        #expect(try ComputeBackend.fromEnvironment(["SWIFTPOSE_BACKEND": "oneDNN"]) == .onednn)
        #expect(try ComputeBackend.fromEnvironment([:]) == (OneDNN.isAvailable ? .onednn : .blas))
        do {
            _ = try ComputeBackend.fromEnvironment(["SWIFTPOSE_BACKEND": "mkl"])
            Issue.record("accepted")
        } catch { #expect("\(error)" == "SWIFTPOSE_BACKEND=mkl: expected 'onednn' or 'blas'") }
    }
}
