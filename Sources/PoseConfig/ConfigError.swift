/// A config that cannot be read: the message names the file, the line and column or the key
/// path, and what was expected.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// The message: `file:line:column: what` for syntax and evaluation errors, or the key path and
    /// what was expected for decoding errors.
    public let description: String
    /// Creates the error with its full message.
    public init(_ description: String) { self.description = description }

    static func at(_ file: String, _ line: Int, _ column: Int, _ message: String) -> ConfigError {
        ConfigError("\(file):\(line):\(column): \(message)")
    }
}
