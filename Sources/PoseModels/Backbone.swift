import PoseNN
import PoseTensor

/// A feature extractor: image batch `N × 3 × H × W` → one feature map per output index.
public protocol Backbone: AnyObject {
    /// Channels of each returned feature map.
    var outChannels: [Int] { get }
    /// Returns the feature maps selected by the backbone's `out_indices`.
    func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor]
    /// Back-propagates one gradient per output (nil where the output received none).
    func backward(_ dys: [Tensor?])
    /// Adds parameters and buffers under `prefix` to `state`.
    func collectState(prefix: String, into state: inout StateDict)
}
