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
