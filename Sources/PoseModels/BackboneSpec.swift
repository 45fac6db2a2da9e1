import PoseTensor

/// A configured backbone, decoded from `model.backbone` by a registered builder: a `Sendable`
/// value every rank decodes the same way, which then makes the rank's own layers.
///
/// `makeBackbone` initialises every weight from `rng` (MMPose's `init_cfg` defaults), so ranks
/// that use the same seed start from the same weights.
public protocol BackboneSpec: Sendable {
    /// Builds the backbone's layers and initialises their weights from `rng`.
    /// - Throws: `ModelError` naming the argument when the spec describes no network (an
    ///   unsupported depth, stage lists of the wrong length, …).
    func makeBackbone(rng: inout RandomGenerator) throws -> Backbone
    /// The parameters and buffers the backbone will have, worked out without building it, so
    /// that a size that cannot fit in memory is refused before anything is allocated; nil
    /// (the default) when unknown.
    var size: ModelSize? { get }
}

extension BackboneSpec {
    public var size: ModelSize? { nil }
}

extension ResNetSpec: BackboneSpec {
    /// Builds `ResNet(self, rng:)`: the network initialised as MMPose does.
    /// - Throws: `ModelError` when `validate()` refuses the arguments.
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try ResNet(self, rng: &rng) }
}

extension HRNetSpec: BackboneSpec {
    /// Builds `HRNet(self, rng:)`: the network initialised as MMPose does.
    /// - Throws: `ModelError` when `validate()` refuses the `extra` dict.
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try HRNet(self, rng: &rng) }
}
