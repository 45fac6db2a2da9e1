import Foundation
import PoseData
import PoseNN
import PoseTensor

/// MMPose's `CIDHead` (contextual instance decoupling): the IIA module's 1×1 convolution gives
/// `K` keypoint heatmaps and a root heatmap (truncated sigmoids); each root peak picks an
/// instance feature vector from the feature map, and the GFD module decouples that instance's
/// `K` keypoint heatmaps from a reduced feature map with channel attention (a linear map of the
/// instance feature scales the channels) and spatial attention (a 5×5 convolution of the
/// instance-weighted channel sum and the pixels' offsets to the root, /32). State keys as
/// MMPose's (`iia_module.keypoint_root_conv.*`, `gfd_module.{conv_down, channel_attention.atn,
/// spatial_attention.atn, spatial_attention.conv, fuse_attention, heatmap_conv}.*`).
///
/// At test time as MMPose's `predict`: with `flip_test` the flipped pass's features are mirrored
/// back (channels kept) and run beside the plain ones; the root maps are averaged, smoothed (3×3
/// mean with zero padding, averaged with the map), and their peaks (a 3, 5 or 7 max-pool by map
/// size) above `score_threshold` (at most `max_instances`) become instances; each instance's
/// heatmaps from both passes (the flipped one's keypoints swapped) are averaged and smoothed,
/// then decoded by `DecoupledHeatmap`. Training is not available yet (its focal and contrastive
/// losses and the instance targets are not written).
public final class CIDHead: BottomupHead {
    /// `iia_module.keypoint_root_conv`: `C → K + 1`, 1×1.
    public let rootConv: Conv2d
    /// `gfd_module.conv_down`: `C → G`, 1×1.
    public let convDown: Conv2d
    /// `gfd_module.channel_attention.atn` and `spatial_attention.atn`: `C → G`.
    public let channelAttention: Linear, spatialAttention: Linear
    /// `gfd_module.spatial_attention.conv`: 3 → 1, 5×5.
    public let spatialConv: Conv2d
    /// `gfd_module.fuse_attention` (`2G → G`) and `heatmap_conv` (`G → K`), 1×1.
    public let fuse: Conv2d, heatmapConv: Conv2d
    /// `num_keypoints` (`K`) and `gfd_channels` (`G`).
    public let keypoints, gfdChannels: Int
    /// The decoder.
    public let decoder: DecoupledHeatmap?
    /// `test_cfg`'s `max_instances`, `score_threshold` and `blur_kernel_size`.
    public var maxInstances = 30, scoreThreshold: Float = 0.01, blurKernelSize = 3

    /// A head for `inChannels`-channel features, initialised as MMPose's (normal, std 0.001; the
    /// root and heatmap convolutions' biases at the prior `prior_prob`).
    public init(inChannels: Int, gfdChannels g: Int, keypoints k: Int, priorProbability: Double = 0.01, decoder: DecoupledHeatmap?,
                rng: inout RandomGenerator) {
        keypoints = k; gfdChannels = g; self.decoder = decoder
        rootConv = Conv2d(inChannels, k + 1, kernel: 1)
        convDown = Conv2d(inChannels, g, kernel: 1)
        channelAttention = Linear(inChannels, g); spatialAttention = Linear(inChannels, g)
        spatialConv = Conv2d(3, 1, kernel: 5, padding: 2)
        fuse = Conv2d(2 * g, g, kernel: 1); heatmapConv = Conv2d(g, k, kernel: 1)
        let prior = Float(-log((1 - priorProbability) / priorProbability))
        for p in [rootConv.weight, convDown.weight, channelAttention.weight, spatialAttention.weight, spatialConv.weight, fuse.weight, heatmapConv.weight] {
            rng.fillNormal(p.value, std: 0.001)
        }
        for b in [convDown.bias, channelAttention.bias, spatialAttention.bias, spatialConv.bias, fuse.bias] { b?.value.zero() }
        rootConv.bias?.value.data.update(repeating: prior, count: k + 1)
        heatmapConv.bias?.value.data.update(repeating: prior, count: k)
    }

    public func trainStep(_ feats: [Tensor], targets: HeadTargets) throws -> (losses: [(String, Float)], featureGradients: [Tensor?]) {
        throw ModelError("CIDHead cannot train yet: its focal heatmap and contrastive losses and DecoupledHeatmap's instance targets are not written; use it for pose-test and pose-infer")
    }

    /// `.heatmaps`: the IIA module's `N × (K + 1) × h × w` maps (keypoints, then roots).
    public func predict(_ feats: [Tensor]) -> HeadOutput {
        HeadOutput(heatmaps: Self.truncatedSigmoid(ChannelBlocking.planar(rootConv.forward(ChannelBlocking.planar(feats.last!), mode: .inference))))
    }

    public func collectState(prefix: String, into state: inout StateDict) {
        rootConv.collectState(prefix: prefix + "iia_module.keypoint_root_conv.", into: &state)
        convDown.collectState(prefix: prefix + "gfd_module.conv_down.", into: &state)
        channelAttention.collectState(prefix: prefix + "gfd_module.channel_attention.atn.", into: &state)
        spatialAttention.collectState(prefix: prefix + "gfd_module.spatial_attention.atn.", into: &state)
        spatialConv.collectState(prefix: prefix + "gfd_module.spatial_attention.conv.", into: &state)
        fuse.collectState(prefix: prefix + "gfd_module.fuse_attention.", into: &state)
        heatmapConv.collectState(prefix: prefix + "gfd_module.heatmap_conv.", into: &state)
    }

    /// MMPose's `TruncSigmoid(min=1e-4, max=1 − 1e-4)`, as a new tensor.
    static func truncatedSigmoid(_ x: Tensor) -> Tensor {
        let y = Tensor(zeros: x.shape)
        let (low, high) = (Float(1e-4), Float(1 - 1e-4))
        for i in 0..<x.count { y.data[i] = min(high, max(low, 1 / (1 + exp(-x.data[i])))) }
        return y
    }

    /// MMPose's `smooth_heatmaps`: each plane averaged with its `kernel × kernel` mean (zero
    /// padding counted, as `avg_pool2d`'s default).
    static func smoothed(_ maps: Tensor, kernel: Int) -> Tensor {
        let (planes, h, w) = (maps.count / (maps.shape[maps.shape.count - 2] * maps.shape.last!), maps.shape[maps.shape.count - 2], maps.shape.last!)
        let out = Tensor(zeros: maps.shape), r = (kernel - 1) / 2
        for p in 0..<planes {
            let src = maps.data + p * h * w, dst = out.data + p * h * w
            for y in 0..<h { for x in 0..<w {
                var sum: Float = 0
                for yy in (y - r)...(y + r) where yy >= 0 && yy < h { for xx in (x - r)...(x + r) where xx >= 0 && xx < w { sum += src[yy * w + xx] } }
                dst[y * w + x] = (src[y * w + x] + sum / Float(kernel * kernel)) / 2
            } }
        }
        return out
    }

    public func predictPersons(_ feats: [Tensor], flipped: [Tensor]?, context: BottomupTestContext) throws -> [[DecodedPerson]] {
        guard let decoder else { throw ModelError("CIDHead has no decoder; set the head's decoder=dict(type='DecoupledHeatmap', ...)") }
        let plain = ChannelBlocking.planar(feats.last!)
        let (n, c, h, w) = (plain.shape[0], plain.shape[1], plain.shape[2], plain.shape[3])
        // the flipped pass's features mirrored back; channels stay (flip_heatmaps without indices)
        let back = flipped.map { ChannelBlocking.planar($0.last!).mirrored(channelSource: Array(0..<c), shift: false) }
        if flipped != nil && context.flipIndices.count != keypoints {
            throw ModelError("CIDHead predicts \(keypoints) keypoints; the dataset's flip indices are for \(context.flipIndices.count)")
        }
        var people: [[DecodedPerson]] = []
        for b in 0..<n {
            // this image's features, and with the flip test the mirrored-back ones after them
            let passes = back == nil ? 1 : 2
            let stacked = Tensor(zeros: [passes, c, h, w])
            stacked.data.update(from: plain.data + b * c * h * w, count: c * h * w)
            if let back { (stacked.data + c * h * w).update(from: back.data + b * c * h * w, count: c * h * w) }
            let heat = predict([stacked]).heatmaps!
            let root = Tensor(zeros: [1, 1, h, w])
            for i in 0..<(h * w) {
                var v = heat.data[keypoints * h * w + i]
                if passes == 2 { v = (v + heat.data[(2 * keypoints + 1) * h * w + i]) / 2 }
                root.data[i] = v
            }
            let smooth = Self.smoothed(root, kernel: blurKernelSize)
            let mapSize = Double(w + h) / 2
            let pool = mapSize > 300 ? 7 : mapSize > 200 ? 5 : 3
            let peaks = HeatmapPeaks.top(smooth.data, width: w, height: h, kernel: pool, threshold: scoreThreshold, limit: maxInstances)
                .map { (index: $0.index, score: $0.value) }
            guard !peaks.isEmpty else { people.append([]); continue }
            let instances = try instanceHeatmaps(stacked, passes: passes, peaks: peaks, flipIndices: context.flipIndices)
            var output = HeadOutput()
            output[.instanceHeatmaps] = Self.smoothed(instances, kernel: blurKernelSize)
            output[.instanceScores] = Tensor(peaks.map(\.score), shape: [peaks.count])
            output[.instanceImages] = Tensor(zeros: [peaks.count])
            var found: [DecodedPerson]
            do { found = try decoder.decodePersons(output, at: 0) } catch { throw ModelError("model.head.decoder: \(error)") }
            // MMPose moves the keypoints by half an input-to-map step
            let (dx, dy) = (Double(context.inputSize.0) / Double(w) / 2, Double(context.inputSize.1) / Double(h) / 2)
            for i in found.indices { for j in 0..<keypoints { found[i].keypoints[2 * j] += dx; found[i].keypoints[2 * j + 1] += dy } }
            people.append(found)
        }
        return people
    }

    /// The GFD module's `n × K × h × w` heatmaps of the instances at `peaks`, averaged over the
    /// plain and the mirrored-back pass (whose keypoints swap).
    func instanceHeatmaps(_ stacked: Tensor, passes: Int, peaks: [(index: Int, score: Float)], flipIndices: [Int]) throws -> Tensor {
        let (c, h, w, g, k) = (stacked.shape[1], stacked.shape[2], stacked.shape[3], gfdChannels, keypoints)
        let plane = h * w, n = peaks.count, total = passes * n
        let global = ChannelBlocking.planar(convDown.forward(stacked, mode: .inference)).clone()
        // instance features: pass-major, as MMPose's feats[:, :, y, x] reshaped
        let features = Tensor(zeros: [total, c])
        for pass in 0..<passes { for (i, peak) in peaks.enumerated() { for ch in 0..<c {
            features.data[(pass * n + i) * c + ch] = stacked.data[(pass * c + ch) * plane + peak.index]
        } } }
        let channelWeights = channelAttention.forward(features, mode: .inference).clone()
        let spatialWeights = spatialAttention.forward(features, mode: .inference).clone()
        let attended = Tensor(zeros: [total, 2 * g, h, w]), spatialInput = Tensor(zeros: [total, 3, h, w])
        for pass in 0..<passes { for (i, peak) in peaks.enumerated() {
            let item = pass * n + i
            let source = global.data + pass * g * plane
            let (cx, cy) = (Float(peak.index % w), Float(peak.index / w))
            let sum = spatialInput.data + item * 3 * plane
            for ch in 0..<g {
                let s = source + ch * plane, a = attended.data + (item * 2 * g + ch) * plane
                let (wc, ws) = (channelWeights.data[item * g + ch], spatialWeights.data[item * g + ch])
                for p in 0..<plane { a[p] = s[p] * wc; sum[p] += s[p] * ws }
            }
            for p in 0..<plane {
                sum[plane + p] = (cx - (Float(p % w) + 0.5)) / 32
                sum[2 * plane + p] = (cy - (Float(p / w) + 0.5)) / 32
            }
        } }
        let mask = ChannelBlocking.planar(spatialConv.forward(spatialInput, mode: .inference))
        for pass in 0..<passes { for i in 0..<n {
            let item = pass * n + i, source = global.data + pass * g * plane
            let m = mask.data + item * plane
            for ch in 0..<g {
                let s = source + ch * plane, a = attended.data + (item * 2 * g + g + ch) * plane
                for p in 0..<plane { a[p] = s[p] * (1 / (1 + exp(-m[p]))) }
            }
        } }
        let fused = ChannelBlocking.planar(fuse.forward(attended, mode: .inference)).clone()
        for i in 0..<fused.count { fused.data[i] = max(0, fused.data[i]) }
        let heat = Self.truncatedSigmoid(ChannelBlocking.planar(heatmapConv.forward(fused, mode: .inference)))
        guard passes == 2 else { return heat }
        let merged = Tensor(zeros: [n, k, h, w])
        for i in 0..<n { for j in 0..<k {
            let a = heat.data + (i * k + j) * plane, b = heat.data + ((n + i) * k + flipIndices[j]) * plane
            let out = merged.data + (i * k + j) * plane
            for p in 0..<plane { out[p] = (a[p] + b[p]) / 2 }
        } }
        return merged
    }
}

/// MMPose's `CIDHead` as configured.
public struct CIDHeadSpec: HeadSpec {
    /// `in_channels`, `gfd_channels` and `num_keypoints`.
    public var inChannels, gfdChannels, keypoints: Int
    /// `prior_prob`.
    public var priorProbability = 0.01
    /// `test_cfg`'s `max_instances`, `score_threshold` and `blur_kernel_size`, which CID reads in its head.
    public var maxInstances = 30, scoreThreshold = 0.01, blurKernelSize = 3
    /// The `decoder=` codec.
    public var decoupledDecoder: DecoupledHeatmap?

    /// A spec with MMPose's defaults for the prior and the test settings.
    public init(inChannels: Int, gfdChannels: Int, keypoints: Int, decoder: DecoupledHeatmap?) {
        self.inChannels = inChannels; self.gfdChannels = gfdChannels; self.keypoints = keypoints; decoupledDecoder = decoder
    }

    public var decoder: (any KeypointCodec)? { decoupledDecoder }

    /// A `CIDHead`.
    /// - Throws: `ModelError` when `in_channels` differs from the last feature map's channels.
    public func makeHead(featureChannels: [Int], rng: inout RandomGenerator) throws -> PoseHead {
        try checkInChannels(inChannels, against: featureChannels)
        let head = CIDHead(inChannels: inChannels, gfdChannels: gfdChannels, keypoints: keypoints, priorProbability: priorProbability,
                           decoder: decoupledDecoder, rng: &rng)
        (head.maxInstances, head.scoreThreshold, head.blurKernelSize) = (maxInstances, Float(scoreThreshold), blurKernelSize)
        return head
    }
}
