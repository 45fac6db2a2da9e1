import PoseTensor

/// What a head predicts for a batch (copies, safe to keep across forward passes): the encoded
/// form a `KeypointCodec` decodes, as `N × …` fields. A head fills the fields it produces; a flip
/// test merges each by its key's flip rule.
public struct HeadOutput {
    /// The predicted fields (stock: `.heatmaps`, `.coordinates`, `.sigma`, `.visibility`,
    /// `.simccX`/`.simccY`; or a package's own keys).
    public var fields: Fields<Tensor>

    /// An output from its fields, `N × …` tensors under their keys.
    public init(fields: Fields<Tensor>) { self.fields = fields }

    /// An output from the stock fields.
    public init(heatmaps: Tensor? = nil, coordinates: Tensor? = nil, sigma: Tensor? = nil, visibility: Tensor? = nil,
                simccX: Tensor? = nil, simccY: Tensor? = nil) {
        fields = Fields()
        fields[.heatmaps] = heatmaps; fields[.coordinates] = coordinates; fields[.sigma] = sigma
        fields[.visibility] = visibility; fields[.simccX] = simccX; fields[.simccY] = simccY
    }

    /// The prediction under `key`.
    public subscript(key: FieldKey) -> Tensor? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// `N × C × h × w` heatmaps (`C = K`, or a multiple of it for codecs with several maps per keypoint).
    public var heatmaps: Tensor? { get { fields[.heatmaps] } set { fields[.heatmaps] = newValue } }
    /// `N × K × 2` coordinates normalised by the input size (regression heads).
    public var coordinates: Tensor? { get { fields[.coordinates] } set { fields[.coordinates] = newValue } }
    /// `N × K × 2` sigmoid-ed sigmas of RLE heads.
    public var sigma: Tensor? { get { fields[.sigma] } set { fields[.sigma] = newValue } }
    /// `N × K` visibility probabilities (heads that predict keypoint visibility).
    public var visibility: Tensor? { get { fields[.visibility] } set { fields[.visibility] = newValue } }
    /// `N × K × Wx` SimCC x logits (SimCC heads).
    public var simccX: Tensor? { get { fields[.simccX] } set { fields[.simccX] = newValue } }
    /// `N × K × Hy` SimCC y logits (SimCC heads).
    public var simccY: Tensor? { get { fields[.simccY] } set { fields[.simccY] = newValue } }
}
