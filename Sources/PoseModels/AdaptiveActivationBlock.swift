import PoseNN
import PoseTensor

/// DEKR's `AdaptiveActivationBlock`: a grouped 3×3 convolution predicts a 2×3 affine map per
/// pixel and group, which moves the nine taps of a grouped deformable 3×3 convolution
/// (`offset = A · [tap_y, tap_x, 1]`); then BatchNorm, the residual, ReLU. State keys
/// `regular_matrix` (the taps, a buffer), `transform_matrix_conv.*`, `adapt_conv.weight`, `norm.*`.
public final class AdaptiveActivationBlock {
    /// The affine maps' convolution, `C → 6·groups`, 3×3, grouped.
    public let transformConv: Conv2d
    /// The deformable convolution, `C → C`, 3×3, `groups` groups and deform groups.
    public let adaptConv: DeformConv2d
    /// The BatchNorm after it.
    public let norm: BatchNorm2d
    /// The groups `G`.
    public let groups: Int
    /// MMPose's `regular_matrix` buffer: the taps' y, x and 1, `3 × 9`.
    public let regularMatrix: Tensor

    /// A block of `channels` channels in `groups` groups, weights initialised as DEKR's head
    /// does (normal, std 0.001, for the affine convolution; MMCV's uniform for the deformable one).
    public init(channels: Int, groups: Int, rng: inout RandomGenerator) {
        self.groups = groups
        transformConv = Conv2d(channels, 6 * groups, kernel: 3, padding: 1, groups: groups)
        adaptConv = DeformConv2d(channels, channels, kernel: 3, padding: 1, groups: groups, deformGroups: groups)
        norm = BatchNorm2d(channels)
        regularMatrix = Tensor(zeros: [3, 9])
        for t in 0..<9 {
            regularMatrix[t] = Float(t / 3 - 1); regularMatrix[9 + t] = Float(t % 3 - 1); regularMatrix[18 + t] = 1
        }
        WeightInit.normal(transformConv.weight, bias: transformConv.bias, std: 0.001, rng: &rng)
        let bound = 1 / Float(channels * 9).squareRoot()
        rng.fillUniform(adaptConv.weight.value, low: -bound, high: bound)
    }

    /// The offsets `N × 18G × H × W` of the affine maps `N × 6G × H × W`: for group g and tap t,
    /// channel `18g + 2t + c` is `Σ_r A[6g + 3c + r] · R[r][t]` (c = 0 along y, 1 along x).
    func offsets(_ affine: Tensor) -> Tensor {
        let (n, h, w) = (affine.shape[0], affine.shape[2], affine.shape[3]), plane = h * w
        let out = Tensor(zeros: [n, 18 * groups, h, w])
        let r = regularMatrix
        for i in 0..<n { for g in 0..<groups { for c in 0..<2 {
            let a = (0..<3).map { affine.data + ((i * 6 * groups) + 6 * g + 3 * c + $0) * plane }
            for t in 0..<9 {
                let dst = out.data + ((i * 18 * groups) + 18 * g + 2 * t + c) * plane
                let (r0, r1, r2) = (r[t], r[9 + t], r[18 + t])
                for p in 0..<plane { dst[p] = a[0][p] * r0 + a[1][p] * r1 + a[2][p] * r2 }
            }
        } } }
        return out
    }

    /// What a training forward keeps: the output (for the ReLU's mask).
    private var output: Tensor?

    /// `N × C × H × W` (planar) to the same shape; a `.training` pass keeps what `backward` reads.
    public func forward(_ x: Tensor, mode: ForwardMode = .inference) -> Tensor {
        let affine = ChannelBlocking.planar(transformConv.forward(x, mode: mode))
        let y = ChannelBlocking.planar(norm.forward(adaptConv.forward(x, offsets: offsets(affine), mode: mode), mode: mode))
        let out = Tensor(zeros: x.shape)
        for i in 0..<out.count { out.data[i] = max(0, y.data[i] + x.data[i]) }
        output = mode == .training ? out : nil
        return out
    }

    /// The input's gradient for `dy` (`N × C × H × W`), adding every parameter's gradient.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let out = output else { preconditionFailure("AdaptiveActivationBlock.backward without a training forward") }
        output = nil
        let dz = Tensor(zeros: dy.shape)
        for i in 0..<dz.count { dz.data[i] = out.data[i] > 0 ? dy.data[i] : 0 }
        let dConv = ChannelBlocking.planar(norm.backward(dz))
        let (dxDeform, dOffsets) = adaptConv.backward(dConv)
        // offsets = A · R: dA[6g + 3c + r] = Σ_t dOffsets[18g + 2t + c] · R[r][t]
        let (n, h, w) = (dOffsets.shape[0], dOffsets.shape[2], dOffsets.shape[3]), plane = h * w
        let dAffine = Tensor(zeros: [n, 6 * groups, h, w])
        for i in 0..<n { for g in 0..<groups { for c in 0..<2 { for r in 0..<3 {
            let dst = dAffine.data + (i * 6 * groups + 6 * g + 3 * c + r) * plane
            for t in 0..<9 {
                let weight = regularMatrix[9 * r + t]
                guard weight != 0 else { continue }
                let src = dOffsets.data + (i * 18 * groups + 18 * g + 2 * t + c) * plane
                for p in 0..<plane { dst[p] += weight * src[p] }
            }
        } } } }
        let dxTransform = ChannelBlocking.planar(transformConv.backward(dAffine))
        let dx = Tensor(zeros: dy.shape)
        for i in 0..<dx.count { dx.data[i] = dz.data[i] + dxDeform.data[i] + dxTransform.data[i] }
        return dx
    }

    /// Adds the buffer and parameters under `prefix`, as MMPose names them.
    public func collectState(prefix: String, into state: inout StateDict) {
        state.buffers.append((prefix + "regular_matrix", regularMatrix))
        transformConv.collectState(prefix: prefix + "transform_matrix_conv.", into: &state)
        adaptConv.collectState(prefix: prefix + "adapt_conv.", into: &state)
        norm.collectState(prefix: prefix + "norm.", into: &state)
    }
}

extension ChannelBlocking {
    /// `x` in the planar layout (itself when it is planar).
    static func planar(_ x: Tensor) -> Tensor { isBlocked(x.shape) ? converting(x, reusing: nil) : x }
}
