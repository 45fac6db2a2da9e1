import Testing
@testable import PoseCLI
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

    @Test func selfCheckPassesOnThisMachine() {
        #expect(BLASSetup.selfCheck() == nil)
        #expect(BLASSetup.affinityCPUCount() >= 1)
    }
}

import Foundation

@Suite struct BLASReexecTests {
    /// Runs the built `pose-bench --help` as if OpenBLAS had picked its generic kernels.
    @Test func genericCoreIsReplacedByReexecution() throws {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary: String?
        for _ in 0..<3 where binary == nil {
            let c = dir.appendingPathComponent("pose-bench").path
            if FileManager.default.isExecutableFile(atPath: c) { binary = c }
            dir = dir.deletingLastPathComponent()
        }
        let path = try #require(binary, "pose-bench is not built next to the tests")
        let expected = try #require(BLASSetup.preferredCore(selected: "Prescott", cpuFlags: BLASSetup.cpuFlags()),
                                    "this CPU has neither AVX-512 nor AVX2; nothing to re-execute for")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--help"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "OPENBLAS_CORETYPE")
        env.removeValue(forKey: "OPENBLAS_NUM_THREADS")
        env["SWIFTPOSE_ASSUME_BLAS_CORE"] = "Prescott"
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.contains("re-executed with OPENBLAS_CORETYPE=\(expected)"), "\(text)")
        #expect(text.contains("(OpenBLAS detected Prescott;"), "\(text)")
        #expect(text.components(separatedBy: "OpenBLAS core").count == 2, "logged once: \(text)")
    }
}
