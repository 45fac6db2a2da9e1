import PoseTensor

/// An open collection of per-sample fields keyed by `FieldKey`: `Fields<SampleField>` for one
/// sample (a codec's output, a pipeline sample's targets), `Fields<Tensor>` for a batch (`N × …`
/// tensors: a batch's targets, a head's targets and outputs).
public struct Fields<Value>: Sequence, ExpressibleByDictionaryLiteral {
    private var storage: [FieldKey: Value]

    /// No fields.
    public init() { storage = [:] }

    /// Fields from a literal such as `[.keypointWeights: weights]`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (FieldKey, Value)...) {
        storage = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// The field under `key`, nil when absent; assigning nil removes it.
    public subscript(key: FieldKey) -> Value? {
        get { storage[key] }
        set { storage[key] = newValue }
    }

    /// Whether the field under `key` is present.
    public func contains(_ key: FieldKey) -> Bool { storage[key] != nil }

    /// The keys present, in name order (so loops over them run in one order on every rank).
    public var keys: [FieldKey] { storage.keys.sorted { $0.name < $1.name } }

    /// Whether no field is present.
    public var isEmpty: Bool { storage.isEmpty }

    /// Adds every field of `other`, replacing fields under the same keys.
    public mutating func merge(_ other: Fields<Value>) {
        storage.merge(other.storage) { _, new in new }
    }

    /// Iterates the `(key, value)` pairs in name order, as `keys` lists them.
    public func makeIterator() -> IndexingIterator<[(key: FieldKey, value: Value)]> {
        keys.map { (key: $0, value: storage[$0]!) }.makeIterator()
    }
}

extension Fields: Sendable where Value: Sendable {}

extension Fields where Value == Tensor {
    /// Every sample's fields stacked by their keys' collate rules, keys in name order: one loop
    /// for every kind of target.
    public static func collating(_ samples: [Fields<SampleField>]) throws -> Fields<Tensor> {
        var keys = Set<FieldKey>()
        for s in samples { keys.formUnion(s.keys) }
        var batch = Fields<Tensor>()
        for key in keys.sorted(by: { $0.name < $1.name }) {
            batch[key] = try key.collate.apply(key, samples.map { $0[key] })
        }
        return batch
    }
}

extension FieldKey {
    /// `C × h × w` heatmaps (`C = K`, or a multiple for codecs with several maps per keypoint):
    /// targets of heatmap codecs and predictions of heatmap heads.
    public static let heatmaps = FieldKey("heatmaps", flip: .heatmaps)
    /// `K × 2` target keypoints normalised by the input size (regression codecs; MMPose's `keypoint_labels`).
    public static let keypointLabels = FieldKey("keypoint_labels")
    /// `K` keypoint weights: 0 for keypoints that must not contribute to the loss (every codec).
    public static let keypointWeights = FieldKey("keypoint_weights")
    /// `K` weights of a visibility loss (MMPose's `keypoints_visible_weights`), set by a
    /// `KeypointConverter`; samples without them count 1.
    public static let visibilityWeights = FieldKey("keypoints_visible_weights", collate: .stack(filling: 1))
    /// `K × Wx` SimCC x vectors: targets of `SimCCLabel`, logits of SimCC heads.
    public static let simccX = FieldKey("keypoint_x_labels", flip: .keypointVectors(reversed: true))
    /// `K × Hy` SimCC y vectors: targets of `SimCCLabel`, logits of SimCC heads.
    public static let simccY = FieldKey("keypoint_y_labels", flip: .keypointVectors(reversed: false))
    /// `K × 2` predicted coordinates normalised by the input size (regression heads).
    public static let coordinates = FieldKey("coordinates", flip: .coordinates)
    /// `K × 2` sigmoid-ed sigmas (RLE heads).
    public static let sigma = FieldKey("keypoint_sigmas", flip: .keypointValues)
    /// `K` predicted visibility probabilities (visibility heads).
    public static let visibility = FieldKey("keypoint_visibility", flip: .keypointValues)
}
