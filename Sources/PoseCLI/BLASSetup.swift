import Foundation
import PoseTensor

/// Start-up configuration of OpenBLAS, run by every executable before it does any work.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to its generic
/// "Prescott" kernels (about 5x slower). The kernel family is chosen when the library loads,
/// before `main`, so the only fix from inside is to re-execute with `OPENBLAS_CORETYPE` set.
public enum BLASSetup {
    /// Kernel families that already use AVX2 or better.
    static let fastCores: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]

    /// The OpenBLAS core this CPU should use, or nil when the selected one is already fine.
    public static func preferredCore(selected: String, cpuFlags: Set<String>) -> String? {
        guard !fastCores.contains(selected.lowercased()) else { return nil }
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The threads one rank may use: its affinity mask, shared among the ranks on this node,
    /// and no more than Slurm's `--cpus-per-task` when given.
    public static func threadsPerRank(affinityCPUs: Int, onlineCPUs: Int, localRanks: Int, cpusPerTask: Int? = nil) -> Int {
        max(1, min(affinityCPUs, onlineCPUs / max(1, localRanks), cpusPerTask ?? Int.max))
    }

    /// `threadsPerRank` for this process: the ranks on this node from mpirun's, PMIx's or Slurm's
    /// variables, and `SLURM_CPUS_PER_TASK`.
    public static func threadsPerRank(environment env: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let local = ["OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"].lazy
            .compactMap { env[$0].flatMap(Int.init) }.first ?? 1
        return threadsPerRank(affinityCPUs: affinityCPUCount(), onlineCPUs: ProcessInfo.processInfo.activeProcessorCount,
                              localRanks: local, cpusPerTask: env["SLURM_CPUS_PER_TASK"].flatMap(Int.init))
    }

    /// This process's rank as the launcher says (0 for a single process).
    public static func launchRank(environment env: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "SLURM_PROCID"].lazy.compactMap { env[$0].flatMap(Int.init) }.first ?? 0
    }

    /// The most threads a thread-count variable may ask for: more than any node has cores, and
    /// far below what makes libgomp fail to start its team (which aborts the process).
    public static let maximumThreads = 1024

    /// A one-line description of the first environment variable SwiftPose or its libraries
    /// would misread, or nil: thread counts (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`, …)
    /// must be whole numbers from 1 to `maximumThreads` (`OMP_NUM_THREADS` may list one per
    /// nesting level, as OpenMP allows).
    public static func environmentProblem(_ env: [String: String]) -> String? {
        for name in ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK"] {
            guard let value = env[name] else { continue }
            let parts = name == "OMP_NUM_THREADS" ? value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [value]
            for part in parts {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let n = Int(text), (1...maximumThreads).contains(n) else {
                    return "environment variable \(name)=\(value.prefix(40)): expected a whole number of threads from 1 to \(maximumThreads)"
                }
            }
        }
        return nil
    }

    /// The running executable's own path, for the re-execution: the kernel names a process after
    /// the file it executes, so executing `/proc/self/exe` would make every rank `exe` in ps,
    /// top, pkill and Slurm's tools. `/proc/self/exe` itself when the link cannot be read or
    /// its file is gone (rebuilt while running).
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "/proc/self/exe" }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return FileManager.default.isExecutableFile(atPath: path) ? path : "/proc/self/exe"
    }

    /// This process's name as ps shows it (`/proc/self/comm`).
    static func processName() -> String? {
        (try? String(contentsOfFile: "/proc/self/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Re-executes with a better core if needed, sets the BLAS thread count, logs both once
    /// (rank 0) and checks one small GEMM against a naive product; exits with a message on failure.
    ///
    /// In order: refuses a malformed thread-count variable (`environmentProblem`); re-executes the
    /// binary with `OPENBLAS_CORETYPE` (`preferredCore`) and `GOMP_SPINCOUNT` (`openMPSpinCount`)
    /// set when either is due; sets OpenBLAS's threads to `threadsPerRank` unless
    /// `OPENBLAS_NUM_THREADS` is set, and `ComputeThreads.count` to the same; selects
    /// `ComputeBackend.current` from `SWIFTPOSE_BACKEND` (sizing oneDNN's OpenMP team unless
    /// `OMP_NUM_THREADS` is set); then runs `selfCheck`.
    public static func configure() {
        let env = ProcessInfo.processInfo.environment
        if let problem = environmentProblem(env) { fail(problem) }
        // SWIFTPOSE_ASSUME_BLAS_CORE lets tests exercise the re-exec on CPUs OpenBLAS recognises
        let selected = env["SWIFTPOSE_ASSUME_BLAS_CORE"] ?? BLAS.coreName
        var note = ""
        var settings: [(name: String, value: String)] = []
        if env["OPENBLAS_CORETYPE"] == nil,
           let core = preferredCore(selected: selected, cpuFlags: cpuFlags()) {
            settings += [("OPENBLAS_CORETYPE", core), ("SWIFTPOSE_BLAS_REEXEC_FROM", selected)]
        }
        if let spin = openMPSpinCount(environment: env) { settings.append(("GOMP_SPINCOUNT", spin)) }
        if !settings.isEmpty {
            // both libraries read these when they load, before main: only a new image sees them
            for s in settings { setenv(s.name, s.value, 1) }
            execv(executablePath(), CommandLine.unsafeArgv)
            note = " (re-executing with \(settings.map { "\($0.name)=\($0.value)" }.joined(separator: " ")) failed: \(String(cString: strerror(errno))))"
        }
        if let previous = env["SWIFTPOSE_BLAS_REEXEC_FROM"] {
            note = " (OpenBLAS detected \(previous); re-executed \(processName() ?? "") with OPENBLAS_CORETYPE=\(env["OPENBLAS_CORETYPE"] ?? "?"))"
            unsetenv("SWIFTPOSE_BLAS_REEXEC_FROM")
        }
        let threads: Int
        if let fixed = env["OPENBLAS_NUM_THREADS"], let n = Int(fixed.trimmingCharacters(in: .whitespaces)) {
            threads = n
            note += " (OPENBLAS_NUM_THREADS set)"
        } else {
            threads = threadsPerRank(environment: env)
            BLAS.setThreadCount(threads)
        }
        ComputeThreads.count = max(1, threads)
        do {
            ComputeBackend.current = try ComputeBackend.fromEnvironment(env)
        } catch {
            fail("\(error)")
        }
        var backendNote = "; convolutions on OpenBLAS (SWIFTPOSE_BACKEND=blas)"
        if ComputeBackend.current == .onednn {
            // oneDNN's OpenMP team follows the BLAS rule unless the user sized it
            if env["OMP_NUM_THREADS"] == nil { OneDNN.setThreads(threads) }
            backendNote = "; convolutions on oneDNN \(OneDNN.version), \(OneDNN.threads) OpenMP thread\(OneDNN.threads == 1 ? "" : "s") per rank"
                + (env["GOMP_SPINCOUNT"].map { " (GOMP_SPINCOUNT=\($0))" } ?? "")
        }
        if launchRank(environment: env) == 0 {
            log("OpenBLAS core \(BLAS.coreName), \(threads) thread\(threads == 1 ? "" : "s") per rank\(note)\(backendNote)")
        }
        if let problem = selfCheck() {
            fail("BLAS self-check failed on core \(BLAS.coreName): \(problem). Set OPENBLAS_CORETYPE to a core this CPU supports (for example Haswell) and retry.")
        }
    }

    /// The spin count oneDNN's OpenMP team should get, or nil to leave libgomp's as it is.
    ///
    /// libgomp's idle threads spin for 300,000 iterations by default before they sleep. Between
    /// two oneDNN primitives SwiftPose runs its own passes on all cores, and a spinning OpenMP
    /// thread then takes a core from them: `GOMP_SPINCOUNT=2000` trains HRNet-W32 about 25% and
    /// ResNet-50 about 10% faster on 2 cores (BENCHMARKS.md). A user's own `GOMP_SPINCOUNT` or
    /// `OMP_WAIT_POLICY`, and the BLAS backend, keep libgomp's default.
    public static func openMPSpinCount(environment env: [String: String]) -> String? {
        guard env["GOMP_SPINCOUNT"] == nil, env["OMP_WAIT_POLICY"] == nil,
              env["SWIFTPOSE_BACKEND"]?.lowercased() != "blas" else { return nil }
        return "2000"
    }

    /// Compares one small sgemm with a naive product; returns a description of any mismatch.
    public static func selfCheck() -> String? {
        let m = 37, n = 29, k = 53
        var rng = RandomGenerator(seed: 7)
        let a = Tensor(zeros: [m, k]), b = Tensor(zeros: [k, n])
        rng.fillUniform(a, low: -1, high: 1)
        rng.fillUniform(b, low: -1, high: 1)
        let fast = Tensor(zeros: [m, n]), slow = Tensor(zeros: [m, n])
        BLAS.sgemm(m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: fast.data, ldc: n)
        BLAS.naiveSgemm(m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: slow.data, ldc: n)
        for i in 0..<fast.count where !(abs(fast[i] - slow[i]) <= 1e-4 * max(1, abs(slow[i]))) {
            return "element \(i) is \(fast[i]), expected \(slow[i])"
        }
        return nil
    }

    /// CPU feature flags from /proc/cpuinfo (empty when unreadable).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The number of CPUs in this process's affinity mask (from /proc/self/status).
    public static func affinityCPUCount() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            return ProcessInfo.processInfo.activeProcessorCount
        }
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        var count = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2 { count += bounds[1] - bounds[0] + 1 } else if bounds.count == 1 { count += 1 }
        }
        return max(1, count)
    }
}
