import Foundation
import PoseDistributed

/// Writes one line to standard error, prefixed with the program name.
public func log(_ message: String) {
    let name = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "swiftpose"
    RankOutput.write(Data("[\(name)] \(message)\n".utf8), to: 2)
}

/// Prints a one-line error (`<program>: error: <message>`) to standard error and exits with
/// `status`, 1 by default (2 for usage errors, as argparse).
public func fail(_ message: String, status: Int32 = 1) -> Never {
    let name = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "swiftpose"
    RankOutput.write(Data("\(name): error: \(message)\n".utf8), to: 2)
    exit(status)
}
