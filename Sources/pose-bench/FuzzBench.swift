import ArgumentParser
import Foundation
import PoseCLI
import PoseDistributed

/// `pose-bench fuzz`: the input fuzzer, for `tools/fuzz.sh` and the test suite.
struct FuzzBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Mutation-fuzz SwiftPose's input readers: configs, --cfg-options, checkpoints, annotations, JPEG headers.",
        discussion: """
        Every case mutates one of the given valid inputs and reads it as the tools do; bad input must end in an
        error. A crash or hang is a bug: the case's input is left in SCRATCH/current.*. tools/fuzz.sh prepares
        the inputs and runs this for longer.
        """)

    @Option(help: "A config whose model is small (its _base_ paths absolute).") var config: String
    @Option(help: "A .safetensors checkpoint of that config's model.") var checkpoint: String
    @Option(help: "A torch.save .pth state dict.") var pth: String
    @Option(help: "A COCO keypoint annotation json.") var annotations: String
    @Option(help: "A JPEG image.") var image: String
    @Option(help: "Folder for the cases' files.") var scratch: String
    @Option(help: "Cases to run.") var cases = 3000
    @Option(help: "Random seed.") var seed: UInt64 = 0

    func validate() throws {
        guard (1...100_000_000).contains(cases) else { throw ValidationError("--cases \(cases): expected 1 to 100000000") }
    }

    func run() throws {
        let seeds = InputFuzzer.Seeds(config: config, checkpoint: checkpoint, torchCheckpoint: pth, annotations: annotations, image: image)
        var fuzzer = try InputFuzzer(seeds: seeds, scratch: scratch, seed: seed)
        let start = monotonicSeconds()
        let tally = fuzzer.run(cases: cases) { i, _ in
            if i > 0 && i % 1000 == 0 { print("fuzz: \(i) cases, no crash", to: &standardError) }
        }
        print(String(format: "fuzz: %d cases in %.1f s, seed %llu, none crashed or hung: %@",
                     cases, monotonicSeconds() - start, seed, tally.description))
        print("fuzz: seconds per target: " + InputFuzzer.Target.allCases.map { String(format: "%@ %.1f", $0.rawValue, fuzzer.seconds[$0] ?? 0) }.joined(separator: ", "))
    }
}

private struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
private nonisolated(unsafe) var standardError = StandardError()
