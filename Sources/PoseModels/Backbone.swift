import PoseNN
import PoseTensor

/// A feature extractor (MMPose's `backbones`): image batch `N × 3 × H × W` → one feature map per
/// output index.
///
/// Contract for an implementation:
/// - `forward` returns the selected feature maps (`N × outChannels[i] × H_i × W_i`), keeping what
///   `backward` needs when `mode` is `.training`. Returned tensors may be the layers' own
///   buffers, overwritten by the next forward.
/// - `backward` gets one gradient per returned map (nil where the head and neck used none),
///   adds dL/dθ into every trainable parameter's `grad`, and needs to compute no input gradient
///   (the image is not trained).
/// - `collectState` adds parameters, BatchNorm buffers and counters under `prefix` with MMPose's
///   state_dict names (`layer1.0.conv1.weight`), in a fixed order: checkpoints, the optimizer
///   and the gradient allreduce all follow it.
/// - Frozen parts (`frozen_stages`, `norm_eval`) set `requiresGrad = false` on their parameters
///   and keep their BatchNorms in inference mode.
public protocol Backbone: AnyObject {
    /// Channels of each returned feature map.
    var outChannels: [Int] { get }
    /// Returns the feature maps selected by the backbone's `out_indices`.
    func forward(_ x: Tensor, mode: ForwardMode) -> [Tensor]
    /// Back-propagates one gradient per output (nil where the output received none).
    func backward(_ dys: [Tensor?])
    /// Adds parameters and buffers under `prefix` to `state`.
    func collectState(prefix: String, into state: inout StateDict)
    /// Throws a `ModelError` when the backbone cannot run on `width` × `height` images (HRNet's
    /// branches only fuse on sizes that halve evenly); checked when the model is built for the
    /// config's input size, so `forward` never meets one. The default accepts every size.
    func checkInputSize(width: Int, height: Int) throws
}

extension Backbone {
    public func checkInputSize(width: Int, height: Int) throws {}
}
