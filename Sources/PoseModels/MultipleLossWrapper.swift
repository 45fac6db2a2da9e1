import PoseTensor

/// MMPose's `MultipleLossWrapper(losses=[...])`: one loss per output of a head with several
/// outputs (DSNT's coordinates and heatmaps). Such a head reads `losses`; a head with one output
/// cannot use it, and `makeLoss` says so.
public struct MultipleLossWrapper: LossSpec {
    /// The losses, in the order of the head's outputs (`losses=[...]`).
    public var losses: [any LossSpec]

    /// A wrapper of `losses`.
    /// - Parameter losses: one loss per head output, in order.
    public init(losses: [any LossSpec]) { self.losses = losses }

    /// Always throws: the wrapper pairs losses with outputs, so only a head that reads `losses`
    /// can use it.
    /// - Throws: `ModelError` saying that this head takes a single loss.
    public func makeLoss(rng: inout RandomGenerator) throws -> any PoseLoss {
        throw ModelError("MultipleLossWrapper pairs one loss with each output of a head that has several (DSNTHead); this head takes a single loss")
    }
}
