import PoseTensor

/// A configured backbone, decoded from `model.backbone` by a registered builder: a `Sendable`
/// value every rank decodes the same way, which then makes the rank's own layers.
///
/// `makeBackbone` initialises every weight from `rng` (MMPose's `init_cfg` defaults), so ranks
/// that use the same seed start from the same weights.
public protocol BackboneSpec: Sendable {
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
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try ResNet(self, rng: &rng) }
}

extension HRNetSpec: BackboneSpec {
    public func makeBackbone(rng: inout RandomGenerator) throws -> Backbone { try HRNet(self, rng: &rng) }
}
