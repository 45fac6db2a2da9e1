import PoseTensor

/// A configured neck, decoded from `model.neck` by a registered builder.
///
/// `makeNeck` gets the channels of the backbone's outputs, checks them (a one-line
/// `ModelError` naming the argument otherwise) and initialises its weights from `rng`;
/// `outputChannels` tells the head what it will see.
public protocol NeckSpec: Sendable {
    /// The channels of the neck's outputs for backbone outputs with `inputChannels`.
    func outputChannels(for inputChannels: [Int]) throws -> [Int]
    func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck
    /// The neck's parameters and buffers, worked out without building it (see
    /// `BackboneSpec.size`); nil (the default) when unknown.
    var size: ModelSize? { get }
}

extension NeckSpec {
    public var size: ModelSize? { nil }
}

/// MMPose's `GlobalAveragePooling` neck (no arguments).
public struct GlobalAveragePoolingSpec: NeckSpec {
    public init() {}
    public var size: ModelSize? { .zero }
    public func outputChannels(for inputChannels: [Int]) throws -> [Int] { inputChannels }
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck { GlobalAveragePoolingNeck() }
}

/// MMPose's `FeatureMapProcessor(select_index, concat, scale_factor, apply_relu, align_corners)`.
public struct FeatureMapProcessorSpec: NeckSpec {
    public var selectIndex: [Int]?
    public var concat = false
    public var scaleFactor = 1.0
    public var applyReLU = false
    public var alignCorners = false

    public init() {}
    public var size: ModelSize? { .zero }

    public func outputChannels(for inputChannels: [Int]) throws -> [Int] {
        let picked = (selectIndex ?? Array(inputChannels.indices)).map { $0 < 0 ? inputChannels.count + $0 : $0 }
        guard !picked.isEmpty, picked.allSatisfy({ inputChannels.indices.contains($0) }) else {
            throw ModelError("model.neck.select_index \(selectIndex ?? []) is outside the backbone's \(inputChannels.count) outputs")
        }
        let selected = picked.map { inputChannels[$0] }
        return concat ? [selected.reduce(0, +)] : selected
    }

    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        _ = try outputChannels(for: inputChannels)
        return FeatureMapProcessor(selectIndex: selectIndex, concat: concat, scaleFactor: scaleFactor, applyReLU: applyReLU,
                                   alignCorners: alignCorners)
    }
}
