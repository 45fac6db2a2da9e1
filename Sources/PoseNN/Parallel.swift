import PoseTensor

/// A layer over several tensors at once (HRNet's multi-resolution branches).
public protocol MultiLayer: AnyObject {
    /// Maps input tensors to output tensors; counts and shapes depend on the conforming type.
    func forward(_ xs: [Tensor], mode: ForwardMode) -> [Tensor]
    /// Back-propagates one gradient per output and returns one per input.
    func backward(_ dys: [Tensor]) -> [Tensor]
    /// Adds parameters and buffers under `prefix` to `state`.
    func collectState(prefix: String, into state: inout StateDict)
}

/// Applies branch `i` to input `i`; a nil branch passes its input through.
/// Keys: `prefix + branchName(i) + "."`.
public final class Parallel: MultiLayer {
    /// One layer per input, in input order; nil passes its input (and gradient) through.
    public let branches: [Layer?]
    private let names: [String]

    /// A layer that applies `branches[i]` to input `i`.
    /// - Parameters:
    ///   - branches: one layer per input (nil for identity).
    ///   - names: key components of the branches; default "0", "1", ….
    public init(_ branches: [Layer?], names: [String]? = nil) {
        self.branches = branches
        self.names = names ?? branches.indices.map(String.init)
    }

    public func forward(_ xs: [Tensor], mode: ForwardMode) -> [Tensor] {
        precondition(xs.count == branches.count, "Parallel has \(branches.count) branches, got \(xs.count) inputs")
        return zip(branches, xs).map { branch, x in branch?.forward(x, mode: mode) ?? x }
    }

    public func backward(_ dys: [Tensor]) -> [Tensor] {
        zip(branches, dys).map { branch, dy in branch?.backward(dy) ?? dy }
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        for (branch, name) in zip(branches, names) {
            branch?.collectState(prefix: prefix + name + ".", into: &state)
        }
    }
}
