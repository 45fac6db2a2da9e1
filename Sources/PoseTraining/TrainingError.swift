/// A training run that cannot continue; the message says where and why.
public struct TrainingError: Error, CustomStringConvertible {
    /// The message: what failed, where (epoch and iteration, work dir or rank) and, where
    /// there is one, what to change.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
