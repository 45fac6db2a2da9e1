/// oneDNN's channel-blocked activation layout (`nChw16c`), which its AVX-512 convolutions
/// compute in: a blocked tensor has shape `N × C/16 × H × W × 16`, the 16 channels of a block
/// side by side at every pixel.
///
/// Inside the built-in backbones, on the oneDNN backend, convolutions whose output has a
/// multiple of 16 channels write this layout, and the layers between them (BatchNorm, ReLU,
/// the residual add, max pooling, nearest upsampling, HRNet's fusion sums) read and write it
/// too, so activations are not reordered around every convolution. The backbone hands NCHW
/// to necks and heads. The extra fifth dimension makes a layer that only knows NCHW fail its
/// shape check instead of reading the wrong elements.
public enum ChannelBlocking {
    /// Channels per block.
    public static let width = 16

    /// Whether `shape` is a blocked `N × C/16 × H × W × 16` shape.
    public static func isBlocked(_ shape: [Int]) -> Bool { shape.count == 5 && shape[4] == width }

    /// Whether a tensor of `channels` channels can be blocked.
    public static func canBlock(channels: Int) -> Bool { channels > 0 && channels % width == 0 }

    /// The blocked shape of an NCHW shape whose channels `canBlock`.
    public static func blockedShape(_ planar: [Int]) -> [Int] {
        precondition(planar.count == 4 && canBlock(channels: planar[1]), "cannot block shape \(planar)")
        return [planar[0], planar[1] / width, planar[2], planar[3], width]
    }

    /// The NCHW shape of `shape` (itself when it is not blocked).
    public static func planarShape(_ shape: [Int]) -> [Int] {
        isBlocked(shape) ? [shape[0], shape[1] * width, shape[2], shape[3]] : shape
    }

    /// Writes NCHW `x` (`batch × channels × spatial`) into blocked `y`.
    public static func block(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int) {
        let blocks = channels / width
        ParallelLoop.run(batch * blocks, grain: ParallelLoop.grain(perItem: width * spatial)) { range in for plane in range {
            let n = plane / blocks, b = plane % blocks
            let destination = y + plane * spatial * width
            for c in 0..<width {
                let source = x + (n * channels + b * width + c) * spatial
                for i in 0..<spatial { destination[i * width + c] = source[i] }
            }
        } }
    }

    /// Writes blocked `x` into NCHW `y` (`batch × channels × spatial`).
    public static func unblock(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int) {
        let blocks = channels / width
        ParallelLoop.run(batch * blocks, grain: ParallelLoop.grain(perItem: width * spatial)) { range in for plane in range {
            let n = plane / blocks, b = plane % blocks
            let source = x + plane * spatial * width
            for c in 0..<width {
                let destination = y + (n * channels + b * width + c) * spatial
                for i in 0..<spatial { destination[i] = source[i * width + c] }
            }
        } }
    }

    /// `x` in the other layout, written into `existing` when it has the right shape: blocked
    /// `x` gives NCHW, NCHW `x` (whose channels `canBlock`) gives blocked.
    public static func converting(_ x: Tensor, reusing existing: Tensor?) -> Tensor {
        converting(x) { Tensor.reuse(existing, shape: $0) }
    }

    /// `x` in the other layout in a pooled buffer (`Tensor.pooled`).
    public static func convertingPooled(_ x: Tensor) -> Tensor {
        converting(x) { Tensor.pooled(shape: $0) }
    }

    private static func converting(_ x: Tensor, into makeTensor: ([Int]) -> Tensor) -> Tensor {
        let planar = planarShape(x.shape)
        let (batch, channels) = (planar[0], planar[1]), spatial = planar[2] * planar[3]
        if isBlocked(x.shape) {
            let y = makeTensor(planar)
            unblock(x.data, into: y.data, batch: batch, channels: channels, spatial: spatial)
            return y
        }
        let y = makeTensor(blockedShape(planar))
        block(x.data, into: y.data, batch: batch, channels: channels, spatial: spatial)
        return y
    }
}
