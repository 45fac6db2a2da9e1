import ArgumentParser
import PoseCLI
import PoseConfig

/// `pose-analyze print-config`: MMPose's `tools/misc/print_config.py`.
struct PrintConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-config",
        abstract: "Print a config with its _base_ files merged and --cfg-options applied, as a Python config file.")

    @Argument(help: "Config file.") var config: String
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") var cfgOptions: [String] = []

    func run() throws {
        do {
            var merged = try Config.load(path: config)
            try merged.apply(options: cfgOptions)
            print("Config:\n" + merged.root.pythonSource, terminator: "")
        } catch {
            fail("\(error)")
        }
    }
}
