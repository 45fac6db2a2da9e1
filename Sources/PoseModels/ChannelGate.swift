import PoseNN
import PoseTensor

/// A per-channel gate, `y = x · g(avgpool(x))`, with `g` an excitation of 1×1 convolutions:
/// MMPose's `SELayer` (squeeze-and-excitation, `conv1 → ReLU → conv2 → sigmoid`,
/// `C → C/ratio → C`) and mmdet's `ChannelAttention` (CSPNeXt's: `fc`, one 1×1 convolution,
/// then Hardsigmoid). Input and output `N × C × H × W`, or channel-blocked
/// (`ChannelBlocking`). Keys: the excitation's (`conv1.conv.*`, `conv2.conv.*`; `fc.*`).
final class ChannelGate: Layer {
    let channels: Int
    /// The 1×1 convolutions of the excitation, for the owner's initialisation.
    let convs: [Conv2d]
    private let excitation: Sequential
    private var input: Tensor?
    private var scales: Tensor?

    private init(channels: Int, excitation: Sequential, convs: [Conv2d]) {
        self.channels = channels; self.excitation = excitation; self.convs = convs
    }

    /// MMPose's `SELayer(channels, ratio)`: `conv1` (C → max(1, C/ratio), bias) with ReLU, `conv2`
    /// back to C (bias) with sigmoid.
    static func squeezeExcitation(channels: Int, ratio: Int) -> ChannelGate {
        let squeezed = max(1, channels / ratio)
        let conv1 = Conv2d(channels, squeezed, kernel: 1, bias: true)
        let conv2 = Conv2d(squeezed, channels, kernel: 1, bias: true)
        let excitation = Sequential([("conv1", Sequential([("conv", conv1), ("activate", ReLU())])),
                                     ("conv2", Sequential([("conv", conv2), ("activate", Sigmoid())]))])
        return ChannelGate(channels: channels, excitation: excitation, convs: [conv1, conv2])
    }

    /// mmdet's `ChannelAttention(channels)`: `fc`, a 1×1 convolution C → C with bias, then Hardsigmoid.
    static func channelAttention(channels: Int) -> ChannelGate {
        let fc = Conv2d(channels, channels, kernel: 1, bias: true)
        return ChannelGate(channels: channels, excitation: Sequential([("fc", fc), ("act", Hardsigmoid())]), convs: [fc])
    }

    /// (images, pixels per plane, lanes) of `shape`: channel c of image n at pixel i sits at
    /// `((n · C/lanes + c / lanes) · pixels + i) · lanes + c % lanes`.
    private func layout(_ shape: [Int]) -> (batch: Int, pixels: Int, lanes: Int) {
        (shape[0], shape[2] * shape[3], ChannelBlocking.isBlocked(shape) ? ChannelBlocking.width : 1)
    }

    @inline(__always)
    private func index(_ n: Int, _ c: Int, _ i: Int, pixels: Int, lanes: Int) -> Int {
        ((n * (channels / lanes) + c / lanes) * pixels + i) * lanes + c % lanes
    }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let (batch, pixels, lanes) = layout(x.shape)
        let p = Tensor.pooled(shape: [batch, channels, 1, 1])
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            // summed in double, as SplitAttentionConv2d's pooling: the gate scales whole channels
            var s = 0.0
            for i in 0..<pixels { s += Double(x[index(n, c, i, pixels: pixels, lanes: lanes)]) }
            p[nc] = Float(s / Double(pixels))
        } }
        let s = excitation.forward(p, mode: mode)
        let y = Tensor.pooled(shape: x.shape)
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            for i in 0..<pixels { let k = index(n, c, i, pixels: pixels, lanes: lanes); y[k] = x[k] * s[nc] }
        } }
        if mode == .training { input = x; scales = s } else { input = nil; scales = nil }
        return y
    }

    func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let s = scales else { preconditionFailure("ChannelGate.backward without a training forward") }
        input = nil; scales = nil
        let (batch, pixels, lanes) = layout(x.shape)
        // dL/ds = Σ_i dy · x, back through the excitation to dL/dpooled
        let ds = Tensor.pooled(shape: [batch, channels, 1, 1])
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            var sum: Float = 0
            for i in 0..<pixels { let k = index(n, c, i, pixels: pixels, lanes: lanes); sum += dy[k] * x[k] }
            ds[nc] = sum
        } }
        let dp = excitation.backward(ds)
        let dx = Tensor.pooled(shape: x.shape)
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            let spread = dp[nc] / Float(pixels)
            for i in 0..<pixels { let k = index(n, c, i, pixels: pixels, lanes: lanes); dx[k] = dy[k] * s[nc] + spread }
        } }
        return dx
    }

    func collectState(prefix: String, into state: inout StateDict) {
        excitation.collectState(prefix: prefix, into: &state)
    }
}
