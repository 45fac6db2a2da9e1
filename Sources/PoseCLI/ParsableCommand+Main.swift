import ArgumentParser
import Foundation

/// Entry points for SwiftPose's commands that report errors as MMPose's argparse-based tools do:
/// one line, exit status 2 for usage errors and 1 for others.
extension ParsableCommand {
    /// Parses `arguments` (the process's when nil) as the root command and runs the chosen
    /// (sub)command, as `main()` does, except that a bad flag or value ends with one line naming
    /// it and exit status 2, as Python's argparse (MMPose's tools) does, instead of
    /// ArgumentParser's usage text and status 64.
    public static func mainReportingUsageErrors(_ arguments: [String]? = nil) {
        let command: ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exitReporting(error) }
        do {
            var running = command
            try running.run()
        } catch { exitReporting(error) }
    }

    /// Ends the process for `error`: help and version requests as ArgumentParser prints them,
    /// usage errors as one line with status 2, other errors as one line with status 1.
    public static func exitReporting(_ error: any Error) -> Never {
        switch exitCode(for: error) {
        case .validationFailure: fail(message(for: error), status: 2)
        case .failure: fail(message(for: error), status: 1)
        default: exit(withError: error)
        }
    }
}
