import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseBench.mainReportingUsageErrors()
    }
}

struct PoseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-bench",
        abstract: "Measure SwiftPose's kernels and models on this machine.",
        discussion: "Figures are medians over timed repetitions after warm-up; record them in BENCHMARKS.md with the command line.",
        subcommands: [KernelsBench.self, ModelBench.self, DataBench.self, AnnotationsBench.self, FuzzBench.self])
}
