import PoseTensor

/// What a head predicts for a batch (copies, safe to keep across forward passes): the encoded
/// form a `KeypointCodec` decodes. A head fills the fields it produces and leaves the rest nil.
public struct HeadOutput {
    /// `N × C × h × w` heatmaps (`C = K`, or a multiple of it for codecs with several maps per keypoint).
    public var heatmaps: Tensor?
    /// `N × K × 2` coordinates normalised by the input size (regression heads).
    public var coordinates: Tensor?
    /// `N × K × 2` sigmoid-ed sigmas of RLE heads.
    public var sigma: Tensor?
    /// `N × K` visibility probabilities (heads that predict keypoint visibility).
    public var visibility: Tensor?
    /// `N × K × Wx` and `N × K × Hy` SimCC logits (SimCC heads).
    public var simccX: Tensor?, simccY: Tensor?

    public init(heatmaps: Tensor? = nil, coordinates: Tensor? = nil, sigma: Tensor? = nil, visibility: Tensor? = nil,
                simccX: Tensor? = nil, simccY: Tensor? = nil) {
        self.heatmaps = heatmaps; self.coordinates = coordinates; self.sigma = sigma; self.visibility = visibility
        self.simccX = simccX; self.simccY = simccY
    }
}
