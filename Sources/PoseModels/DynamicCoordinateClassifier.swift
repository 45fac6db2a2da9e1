import Foundation
import PoseNN
import PoseTensor

/// RTMO's `DCC` (dynamic coordinate classifier): from each person's pose vector and box, its
/// keypoints as expectations over `num_bins` horizontal and vertical bins spread over the box.
///
/// For M people: `pose_to_kpts` (`Linear` then `BatchNorm1d`) makes `M × K × F` keypoint
/// features (F = `feat_channels`), refined by `gau` (a GAU block with the learned positional
/// encoding `pos_enc`, `K × s`, added to its queries and keys). Bin i of `B` lies at
/// `(i / (B − 1) − ½) · box size + box centre`; its position, relative to the person's grid
/// point, is sine-encoded (`spe`, `spe_channels`, temperature `spe_temperature`) and projected
/// by `x_fc`/`y_fc` to F features. Each keypoint's softmax over its feature's dot products with
/// the bins weights the bins' absolute positions. Keys `pose_to_kpts.{0,1}.*`, `gau.*`,
/// `pos_enc`, `x_fc.*`, `y_fc.*`, `sigma_fc.{0.*, 2.scale}`, buffers `x_bins`, `y_bins`, `spe.dim_t`.
final class DynamicCoordinateClassifier {
    let keypoints, featureChannels: Int
    let bins: (x: Int, y: Int)
    private let poseToKeypoints: Linear
    private let norm: BatchNorm2d
    private let gau: RTMCCBlock
    private let xProjection, yProjection: Linear
    /// `sigma_fc` (Linear, sigmoid, `Scale(0.1)`): the per-keypoint sigmas of RTMO's MLE loss.
    private let sigmaProjection: Linear
    private let sigmaScale: Parameter
    private let encoding: SinePositionalEncoding
    let xBins, yBins: Tensor

    init(inChannels: Int, keypoints k: Int, featureChannels f: Int, bins: (Int, Int), spatialEncodingChannels: Int, temperature: Double,
         s: Int, expansionFactor: Double, activation: ActivationType, rng: inout RandomGenerator) {
        keypoints = k; featureChannels = f; self.bins = (bins.0, bins.1)
        poseToKeypoints = Linear(inChannels, f * k)
        norm = BatchNorm2d(f * k, eps: 1e-5, momentum: 0.1, relu: false)
        gau = RTMCCBlock(tokens: k, inDims: f, outDims: f, expansionFactor: expansionFactor, s: s, useRelativeBias: false,
                         activation: activation, rng: &rng)
        let position = Parameter(shape: [k, s], role: .other)
        rng.fillNormal(position.value, std: 1)
        gau.positionEncoding = position
        xProjection = Linear(spatialEncodingChannels, f)
        yProjection = Linear(spatialEncodingChannels, f)
        sigmaProjection = Linear(inChannels, k)
        sigmaScale = Parameter(shape: [], role: .other)   // MMCV's Scale holds a 0-d tensor
        sigmaScale.value.data[0] = 0.1
        encoding = SinePositionalEncoding(outChannels: spatialEncodingChannels, temperature: temperature)
        xBins = Self.linspace(-0.5, 0.5, count: bins.0)
        yBins = Self.linspace(-0.5, 0.5, count: bins.1)
        for linear in [poseToKeypoints, xProjection, yProjection, sigmaProjection] { WeightInit.pytorchDefault(linear, rng: &rng) }
        WeightInit.xavierUniform(gau.uv.weight, fanIn: f, fanOut: gau.uv.outFeatures, rng: &rng)
        WeightInit.pytorchDefault(gau.o, rng: &rng)
        norm.weight.value.data.update(repeating: 1, count: f * k)
    }

    /// PyTorch's float32 `linspace`: the first half counted from `start`, the rest back from `end`.
    static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        let t = Tensor(zeros: [count])
        guard count > 1 else { if count == 1 { t.data[0] = start }; return t }
        let step = (end - start) / Float(count - 1)
        for i in 0..<count { t.data[i] = i < count / 2 ? start + step * Float(i) : end - step * Float(count - 1 - i) }
        return t
    }

    /// The keypoints of M people, `M × K × 2` (x, y) in the boxes' pixels.
    /// - Parameters:
    ///   - poseVectors: `M × C` pose vectors.
    ///   - boxes: M (centre x, centre y, width, height) boxes, already padded.
    ///   - grids: M (x, y) prior points the people were found at.
    func keypoints(poseVectors: Tensor, boxes: [(Float, Float, Float, Float)], grids: [(Float, Float)]) -> Tensor {
        let m = boxes.count, k = keypoints, f = featureChannels
        let out = Tensor(zeros: [m, k, 2])
        guard m > 0 else { return out }
        let raw = poseToKeypoints.forward(poseVectors, mode: .inference)
        let normed = norm.forward(raw.reshaped([m, f * k, 1, 1]), mode: .inference)
        let features = gau.forward(normed.reshaped([m, k, f]), mode: .inference)
        let divisors = encoding.divisors
        for (axis, (binCount, template, projection)) in [(bins.x, xBins, xProjection), (bins.y, yBins, yProjection)].enumerated() {
            // each person's bins, relative to its grid point (encoded) and absolute (decoded)
            let relative = Tensor(zeros: [m * binCount, encoding.outChannels])
            var absolute = [Float](repeating: 0, count: m * binCount)
            for p in 0..<m {
                let (cx, cy, w, h) = boxes[p]
                let (centre, size, grid) = axis == 0 ? (cx, w, grids[p].0) : (cy, h, grids[p].1)
                for i in 0..<binCount {
                    let scaled = template.data[i] * size
                    encoding.encode(scaled + (centre - grid), into: relative.data + (p * binCount + i) * encoding.outChannels, divisors: divisors)
                    absolute[p * binCount + i] = scaled + centre
                }
            }
            let encoded = projection.forward(relative, mode: .inference)   // (M·B) × F
            let logits = Tensor(zeros: [k, binCount])
            for p in 0..<m {
                BLAS.sgemm(transB: true, m: k, n: binCount, k: f, a: features.data + p * k * f, lda: f,
                           b: encoded.data + p * binCount * f, ldb: f, c: logits.data, ldc: binCount)
                for j in 0..<k {
                    let row = logits.data + j * binCount
                    // MMPose's _apply_softmax: clamped to ±5e4, max subtracted, + 1e-8 in the sum
                    var top = -Float.infinity
                    for i in 0..<binCount { row[i] = min(max(row[i], -5e4), 5e4); top = max(top, row[i]) }
                    var sum: Float = 0
                    for i in 0..<binCount { row[i] = expf(row[i] - top); sum += row[i] }
                    let denominator = sum + 1e-8
                    var position: Float = 0
                    for i in 0..<binCount { position += row[i] / denominator * absolute[p * binCount + i] }
                    out.data[(p * k + j) * 2 + axis] = position
                }
            }
        }
        return out
    }

    func collectState(prefix: String, into state: inout StateDict) {
        if let position = gau.positionEncoding { state.parameters.append((prefix + "pos_enc", position)) }
        state.buffers.append((prefix + "y_bins", yBins))
        state.buffers.append((prefix + "x_bins", xBins))
        state.buffers.append((prefix + "spe.dim_t", Tensor(encoding.divisors, shape: [encoding.outChannels / 2])))
        gau.collectState(prefix: prefix + "gau.", into: &state)
        poseToKeypoints.collectState(prefix: prefix + "pose_to_kpts.0.", into: &state)
        norm.collectState(prefix: prefix + "pose_to_kpts.1.", into: &state)
        xProjection.collectState(prefix: prefix + "x_fc.", into: &state)
        yProjection.collectState(prefix: prefix + "y_fc.", into: &state)
        sigmaProjection.collectState(prefix: prefix + "sigma_fc.0.", into: &state)
        state.parameters.append((prefix + "sigma_fc.2.scale", sigmaScale))
    }
}
