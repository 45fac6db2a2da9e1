import Foundation
import PoseNN
import PoseTensor

/// MMPose's `SplitAttentionConv2d` (ResNeSt): a grouped convolution to `radix` splits of
/// `channels` each, BN and ReLU, then attention over the splits from their pooled sum:
/// `out[c] = Σ_r a[r, c] · split_r[c]`, `a = rSoftmax(fc2(relu(bn1(fc1(avgpool(Σ_r split_r))))))`.
///
/// Input `N × inChannels × H × W`, output `N × channels × H' × W'`, each NCHW or channel-blocked
/// (`ChannelBlocking`; the output is blocked when the splits are and `channels` is a multiple of
/// 16). Keys: `conv.weight`, `bn0.*`, `fc1.{weight,bias}`, `bn1.*`, `fc2.{weight,bias}`.
final class SplitAttentionConv2d: Layer {
    let channels, radix, groups: Int
    let conv: Conv2d, fc1: Conv2d, fc2: Conv2d
    private let splitNorm: BatchNorm2d
    private let attentionNorm: BatchNorm2d
    /// The splits `N × radix·channels × H' × W'` and attention `N × radix × channels` of the last
    /// training forward.
    private var splits: Tensor?, attention: Tensor?

    init(inChannels: Int, channels: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
         groups: Int, radix: Int, reductionFactor: Int) {
        precondition(radix >= 1 && groups >= 1 && channels % groups == 0, "SplitAttentionConv2d: \(channels) channels in \(groups) groups")
        self.channels = channels; self.radix = radix; self.groups = groups
        let inter = max(inChannels * radix / reductionFactor, 32)
        conv = Conv2d(inChannels, channels * radix, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                      groups: groups * radix, bias: false)
        splitNorm = BatchNorm2d(channels * radix, relu: true)
        fc1 = Conv2d(channels, inter, kernel: 1, groups: groups, bias: true)
        attentionNorm = BatchNorm2d(inter, relu: true)
        fc2 = Conv2d(inter, channels * radix, kernel: 1, groups: groups, bias: true)
    }

    var norms: [BatchNorm2d] { [splitNorm, attentionNorm] }

    /// Element index of channel `c` of image `n` at pixel `i` in a tensor of `total` channels.
    @inline(__always)
    private static func index(_ n: Int, _ c: Int, _ i: Int, total: Int, pixels: Int, lanes: Int) -> Int {
        ((n * (total / lanes) + c / lanes) * pixels + i) * lanes + c % lanes
    }

    /// Where attention logit (r, c) sits in fc2's output: MMPose's `RSoftmax` views it as
    /// `groups × radix × channels/groups`.
    @inline(__always)
    private func logitIndex(_ r: Int, _ c: Int) -> Int {
        guard radix > 1 else { return c }
        let perGroup = channels / groups
        return (c / perGroup) * radix * perGroup + r * perGroup + c % perGroup
    }

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let h = splitNorm.forward(conv.forward(x, mode: mode), mode: mode)
        let (batch, total) = (h.shape[0], radix * channels)
        let blocked = ChannelBlocking.isBlocked(h.shape)
        let planar = ChannelBlocking.planarShape(h.shape)
        let pixels = planar[2] * planar[3], lanes = blocked ? ChannelBlocking.width : 1
        let gap = Tensor.pooled(shape: [batch, channels, 1, 1])
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels * radix)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            // summed in double: a float running sum over thousands of pixels drifts by more than
            // PyTorch's blocked sums do, and the attention softmax passes that on
            var s = 0.0
            for r in 0..<radix {
                for i in 0..<pixels { s += Double(h[Self.index(n, r * channels + c, i, total: total, pixels: pixels, lanes: lanes)]) }
            }
            gap[nc] = Float(s / Double(pixels))
        } }
        let logits = fc2.forward(attentionNorm.forward(fc1.forward(gap, mode: mode), mode: mode), mode: mode)
        let a = Tensor.pooled(shape: [batch, radix, channels])
        for n in 0..<batch {
            let l = logits.data + n * total, out = a.data + n * total
            for c in 0..<channels {
                if radix == 1 { out[c] = 1 / (1 + exp(-l[c])); continue }
                var m = -Float.infinity
                for r in 0..<radix { m = max(m, l[logitIndex(r, c)]) }
                var sum: Float = 0
                for r in 0..<radix { let e = exp(l[logitIndex(r, c)] - m); out[r * channels + c] = e; sum += e }
                for r in 0..<radix { out[r * channels + c] /= sum }
            }
        }
        let outLanes = blocked && ChannelBlocking.canBlock(channels: channels) ? lanes : 1
        let y = Tensor.pooled(shape: outLanes > 1 ? ChannelBlocking.blockedShape([batch, channels, planar[2], planar[3]])
                                                  : [batch, channels, planar[2], planar[3]])
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels * radix)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            for i in 0..<pixels {
                var s: Float = 0
                for r in 0..<radix { s += a[n * total + r * channels + c] * h[Self.index(n, r * channels + c, i, total: total, pixels: pixels, lanes: lanes)] }
                y[Self.index(n, c, i, total: channels, pixels: pixels, lanes: outLanes)] = s
            }
        } }
        if mode == .training { splits = h; attention = a } else { splits = nil; attention = nil }
        return y
    }

    func backward(_ dy: Tensor) -> Tensor {
        guard let h = splits, let a = attention else { preconditionFailure("SplitAttentionConv2d.backward without a training forward") }
        splits = nil; attention = nil
        let (batch, total) = (h.shape[0], radix * channels)
        let planar = ChannelBlocking.planarShape(h.shape)
        let pixels = planar[2] * planar[3], lanes = ChannelBlocking.isBlocked(h.shape) ? ChannelBlocking.width : 1
        let outLanes = ChannelBlocking.isBlocked(dy.shape) ? ChannelBlocking.width : 1
        // dL/da[r, c] = Σ_i dy[c, i] · split_r[c, i], then through the softmax over r (or sigmoid)
        let da = Tensor.pooled(shape: [batch, radix, channels])
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels * radix)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            for r in 0..<radix {
                var s: Float = 0
                for i in 0..<pixels {
                    s += dy[Self.index(n, c, i, total: channels, pixels: pixels, lanes: outLanes)]
                        * h[Self.index(n, r * channels + c, i, total: total, pixels: pixels, lanes: lanes)]
                }
                da[n * total + r * channels + c] = s
            }
        } }
        let dLogits = Tensor.pooled(shape: [batch, total, 1, 1])
        for n in 0..<batch {
            let p = a.data + n * total, g = da.data + n * total, out = dLogits.data + n * total
            for c in 0..<channels {
                if radix == 1 { out[c] = g[c] * p[c] * (1 - p[c]); continue }
                var dot: Float = 0
                for r in 0..<radix { dot += p[r * channels + c] * g[r * channels + c] }
                for r in 0..<radix { out[logitIndex(r, c)] = p[r * channels + c] * (g[r * channels + c] - dot) }
            }
        }
        let dGap = fc1.backward(attentionNorm.backward(fc2.backward(dLogits)))
        // each split gets dy weighted by its attention, plus the pooled sum's share
        let dh = Tensor.pooled(shape: h.shape)
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: pixels * radix)) { range in for nc in range {
            let (n, c) = (nc / channels, nc % channels)
            let spread = dGap[nc] / Float(pixels)
            for r in 0..<radix {
                let weight = a[n * total + r * channels + c]
                for i in 0..<pixels {
                    dh[Self.index(n, r * channels + c, i, total: total, pixels: pixels, lanes: lanes)] =
                        dy[Self.index(n, c, i, total: channels, pixels: pixels, lanes: outLanes)] * weight + spread
                }
            }
        } }
        return conv.backward(splitNorm.backward(dh))
    }

    func collectState(prefix: String, into state: inout StateDict) {
        conv.collectState(prefix: prefix + "conv.", into: &state)
        splitNorm.collectState(prefix: prefix + "bn0.", into: &state)
        fc1.collectState(prefix: prefix + "fc1.", into: &state)
        attentionNorm.collectState(prefix: prefix + "bn1.", into: &state)
        fc2.collectState(prefix: prefix + "fc2.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) { conv.setInputGradientNeeded(needed) }
}
