/// A model that cannot be built as asked; the message names the argument and what is accepted.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    /// The one-line explanation, naming the config key and what it accepts.
    public let message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The `message` itself, as logs and the command line print it.
    public var description: String { message }
}
