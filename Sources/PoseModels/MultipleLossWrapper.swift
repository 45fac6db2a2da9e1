import PoseTensor

/// MMPose's `MultipleLossWrapper(losses=[...])`: one loss per output of a head with several
/// outputs (DSNT's coordinates and heatmaps). Such a head reads `losses`; a head with one output
/// cannot use it, and `makeLoss` says so.
public struct MultipleLossWrapper: LossSpec {
    public var losses: [any LossSpec]

    public init(losses: [any LossSpec]) { self.losses = losses }

    public func makeLoss(rng: inout RandomGenerator) throws -> any PoseLoss {
        throw ModelError("MultipleLossWrapper pairs one loss with each output of a head that has several (DSNTHead); this head takes a single loss")
    }
}
