import ArgumentParser
import PoseTraining

/// A command that runs with a set of components: `pose-train`, `pose-test`, `pose-infer`.
/// `main(components:)` is the entry point of the stock executables and of a user's own, which
/// registers its components and calls it.
public protocol ComponentCommand: ParsableCommand {
    /// Runs with the config's `type=` names looked up in `components`; ends the job on an error.
    func run(components: Components)
    /// The command's arguments (after the program name), rewritten where the command needs to.
    static func arguments() -> [String]
}

extension ComponentCommand {
    /// ArgumentParser's entry point (`ParsableCommand.run()`): runs with the stock components
    /// (`Components.stock`); ends the job on an error, so it never throws.
    public func run() throws { run(components: .stock) }

    public static func arguments() -> [String] { Array(CommandLine.arguments.dropFirst()) }

    /// Configures OpenBLAS, parses the command line and runs with `components`.
    public static func main(components: Components) {
        BLASSetup.configure()
        let command: Self
        do { command = try parse(arguments()) } catch { exitReporting(error) }
        command.run(components: components)
    }
}
