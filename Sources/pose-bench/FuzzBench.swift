import ArgumentParser
import Foundation
import PoseCLI
import PoseDistributed

/// `pose-bench fuzz`: the input fuzzer, for `tools/fuzz.sh` and the test suite.
struct FuzzBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Mutation-fuzz SwiftPose's input readers: configs, --cfg-options, checkpoints, annotations, images, and more.",
        discussion: """
        Every case mutates one of the given valid inputs (or builds one: config programs, pickles, output paths,
        environment variables) and reads it as the tools do; bad input must end in an error. A crash, a case that
        runs longer than --case-timeout (a hang) or resident memory past --memory-limit is a bug: the run stops
        with status 3 (hang) or 4 (memory), naming the case, whose input is left in SCRATCH/current.*.
        tools/fuzz.sh prepares the inputs and runs this for longer.
        """)

    @Option(help: "A config whose model is small (its _base_ paths absolute).") var config: String
    @Option(help: "A .safetensors checkpoint of that config's model.") var checkpoint: String
    @Option(help: "A torch.save .pth state dict.") var pth: String
    @Option(help: "A COCO keypoint annotation json.") var annotations: String
    @Option(help: "A JPEG image.") var image: String
    @Option(help: "Folder for the cases' files.") var scratch: String
    @Option(help: "Cases to run.") var cases = 3000
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Seconds one case may run before it counts as a hang.") var caseTimeout = 30.0
    @Option(help: "Resident memory in MiB the run may reach before a case counts as a memory blow-up.") var memoryLimit = 2048

    func validate() throws {
        guard (1...100_000_000).contains(cases) else { throw ValidationError("--cases \(cases): expected 1 to 100000000") }
        guard caseTimeout > 0, caseTimeout <= 3600 else { throw ValidationError("--case-timeout \(caseTimeout): expected 0 to 3600 seconds") }
        guard (64...1_048_576).contains(memoryLimit) else { throw ValidationError("--memory-limit \(memoryLimit): expected 64 to 1048576 MiB") }
    }

    func run() throws {
        let seeds = InputFuzzer.Seeds(config: config, checkpoint: checkpoint, torchCheckpoint: pth, annotations: annotations, image: image)
        var fuzzer = try InputFuzzer(seeds: seeds, scratch: scratch, seed: seed)
        let start = monotonicSeconds()
        let watchdog = FuzzWatchdog(caseTimeout: caseTimeout, memoryLimit: memoryLimit << 20, scratch: scratch)
        watchdog.start()
        let tally = fuzzer.run(cases: cases) { i, target in
            watchdog.begin(case: i, target: target.rawValue)
            if i > 0 && i % 1000 == 0 { print("fuzz: \(i) cases, no crash", to: &standardError) }
        }
        watchdog.begin(case: cases, target: "done")
        let peak = peakResidentBytes()
        print(String(format: "fuzz: %d cases in %.1f s, seed %llu, none crashed or hung (peak resident memory %.0f MiB): %@",
                     cases, monotonicSeconds() - start, seed, Double(peak) / 1_048_576, tally.description))
        print("fuzz: seconds per target: " + InputFuzzer.Target.allCases.map { String(format: "%@ %.1f", $0.rawValue, fuzzer.seconds[$0] ?? 0) }.joined(separator: ", "))
    }
}

private struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
private nonisolated(unsafe) var standardError = StandardError()

/// Ends the run, naming the case, when a case runs past its time or the process's resident
/// memory passes the limit: a hang or a memory blow-up is a finding, like a crash.
final class FuzzWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var current = (index: -1, target: "", started: 0.0)
    let caseTimeout: Double, memoryLimit: Int, scratch: String

    init(caseTimeout: Double, memoryLimit: Int, scratch: String) {
        self.caseTimeout = caseTimeout; self.memoryLimit = memoryLimit; self.scratch = scratch
    }

    func begin(case index: Int, target: String) {
        lock.lock(); current = (index, target, monotonicSeconds()); lock.unlock()
    }

    func start() {
        let thread = Thread { [self] in
            while true {
                usleep(100_000)
                lock.lock(); let c = current; lock.unlock()
                if c.index >= 0, c.target != "done", monotonicSeconds() - c.started > caseTimeout {
                    report("fuzz: case \(c.index) (\(c.target)) ran for more than \(caseTimeout) s: a hang; its input is in \(scratch)/current.*", status: 3)
                }
                let resident = currentResidentBytes()
                if resident > memoryLimit {
                    report("fuzz: case \(c.index) (\(c.target)) took the process to \(resident >> 20) MiB, past \(memoryLimit >> 20) MiB; its input is in \(scratch)/current.*", status: 4)
                }
            }
        }
        thread.start()
    }

    private func report(_ line: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(status)
    }
}
