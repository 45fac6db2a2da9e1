import PoseTensor

/// A configured neck, decoded from `model.neck` by a registered builder.
///
/// `makeNeck` gets the channels of the backbone's outputs, checks them (a one-line
/// `ModelError` naming the argument otherwise) and initialises its weights from `rng`;
/// `outputChannels` tells the head what it will see.
public protocol NeckSpec: Sendable {
    /// The channels of the neck's outputs for backbone outputs with `inputChannels`.
    func outputChannels(for inputChannels: [Int]) throws -> [Int]
    /// Builds the neck for backbone outputs with `inputChannels` and initialises its weights
    /// from `rng`.
    /// - Throws: `ModelError` naming the argument when the neck does not fit those outputs.
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
    /// The spec; the neck has no arguments and no parameters.
    public init() {}
    public var size: ModelSize? { .zero }
    public func outputChannels(for inputChannels: [Int]) throws -> [Int] { inputChannels }
    /// A `GlobalAveragePoolingNeck`; it fits any backbone outputs and never throws.
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck { GlobalAveragePoolingNeck() }
}

/// MMPose's `FeatureMapProcessor(select_index, concat, scale_factor, apply_relu, align_corners)`.
public struct FeatureMapProcessorSpec: NeckSpec {
    /// `select_index`: the backbone outputs to keep, in order, negative from the end; nil
    /// (MMPose's default) keeps all.
    public var selectIndex: [Int]?
    /// `concat`: one map of every selected map, resized to the first's size (default false).
    public var concat = false
    /// `scale_factor`: bilinear rescale of every output (default 1, no rescale).
    public var scaleFactor = 1.0
    /// `apply_relu`: a ReLU before the rescale (default false).
    public var applyReLU = false
    /// `align_corners` of the bilinear resizes (default false).
    public var alignCorners = false

    /// MMPose's defaults: every output, no concatenation, no rescale, no ReLU.
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

    /// A `FeatureMapProcessor` with these arguments (it has no parameters).
    /// - Throws: `ModelError` when `select_index` selects nothing or reaches past the
    ///   backbone's outputs.
    public func makeNeck(inputChannels: [Int], rng: inout RandomGenerator) throws -> Neck {
        _ = try outputChannels(for: inputChannels)
        return FeatureMapProcessor(selectIndex: selectIndex, concat: concat, scaleFactor: scaleFactor, applyReLU: applyReLU,
                                   alignCorners: alignCorners)
    }
}
