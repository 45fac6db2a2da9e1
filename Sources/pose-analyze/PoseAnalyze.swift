import ArgumentParser
import PoseCLI

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseAnalyze.mainReportingUsageErrors()
    }
}

/// MMPose's analysis tools for SwiftPose runs: curves of a run's logs, the augmented training
/// samples, the merged config.
struct PoseAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-analyze",
        abstract: "Look at runs and configs: training curves, augmented samples, the merged config.",
        subcommands: [PlotCurves.self, BrowseDataset.self, PrintConfig.self, CheckConfigs.self, PthTransfer.self])
}
