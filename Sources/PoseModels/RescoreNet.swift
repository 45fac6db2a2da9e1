import PoseNN
import PoseTensor

/// DEKR's `RescoreNet`: a three-layer perceptron (74 → 256 → 256 → 1 for COCO) scoring a decoded
/// person from its skeleton: each link's vector and length divided by the mean length of two
/// reference links (`norm_indexes`, at least 1), and the keypoint scores. State keys `l1.*`,
/// `l2.*`, `l3.*`.
public final class RescoreNet {
    /// The layers.
    public let l1, l2, l3: Linear
    /// `norm_indexes`: the two links whose mean length normalises the others.
    public let normIndexes: (Int, Int)

    /// A net for features of `inChannels` values (`3 · links + K`), weights as PyTorch's `Linear`
    /// initialises them.
    public init(inChannels: Int, normIndexes: (Int, Int), rng: inout RandomGenerator) {
        (l1, l2, l3) = (Linear(inChannels, 256), Linear(256, 256), Linear(256, 1))
        self.normIndexes = normIndexes
        for layer in [l1, l2, l3] {
            let bound = 1 / Float(layer.inFeatures).squareRoot()
            rng.fillUniform(layer.weight.value, low: -bound, high: bound)
            if let bias = layer.bias { rng.fillUniform(bias.value, low: -bound, high: bound) }
        }
    }

    /// MMPose's `make_feature` of each person (`K` (x, y) pairs and `K` scores), in float32.
    func features(_ keypoints: [[Float]], _ scores: [[Float]], skeleton: [(Int, Int)]) -> [Float] {
        keypoints.indices.flatMap { p -> [Float] in
            let kp = keypoints[p]
            let relate = skeleton.map { (kp[2 * $0.0] - kp[2 * $0.1], kp[2 * $0.0 + 1] - kp[2 * $0.1 + 1]) }
            let length = relate.map { ($0.0 * $0.0 + $0.1 * $0.1).squareRoot() }
            let normalise = max(1, (length[normIndexes.0] + length[normIndexes.1]) / 2)
            return relate.flatMap { [$0.0 / normalise, $0.1 / normalise] } + length.map { $0 / normalise } + scores[p]
        }
    }

    /// Each person's score (NaN becomes 0, as MMPose's head sets it).
    /// - Throws: `ModelError` when the skeleton does not give the features the net was built for.
    public func scores(keypoints: [[Float]], scores: [[Float]], skeleton: [(Int, Int)]) throws -> [Float] {
        guard !keypoints.isEmpty else { return [] }
        let k = keypoints[0].count / 2
        guard max(normIndexes.0, normIndexes.1) < skeleton.count, 3 * skeleton.count + k == l1.inFeatures,
              skeleton.allSatisfy({ $0.0 < k && $0.1 < k && $0.0 >= 0 && $0.1 >= 0 }) else {
            throw ModelError("DEKRHead.rescore_cfg: in_channels \(l1.inFeatures) and norm_indexes \(normIndexes) need 3·links + K features; the dataset's \(skeleton.count) skeleton links and \(k) keypoints give \(3 * skeleton.count + k)")
        }
        let x = Tensor(zeros: [keypoints.count, l1.inFeatures])
        for (i, v) in features(keypoints, scores, skeleton: skeleton).enumerated() { x.data[i] = v }
        func relu(_ t: Tensor) -> Tensor {
            let out = Tensor(zeros: t.shape)
            for i in 0..<t.count { out.data[i] = max(0, t.data[i]) }
            return out
        }
        let y = l3.forward(relu(l2.forward(relu(l1.forward(x, mode: .inference)), mode: .inference)), mode: .inference)
        return (0..<keypoints.count).map { y.data[$0].isNaN ? 0 : y.data[$0] }
    }

    /// Adds `l1.*`, `l2.*`, `l3.*` under `prefix`.
    public func collectState(prefix: String, into state: inout StateDict) {
        l1.collectState(prefix: prefix + "l1.", into: &state)
        l2.collectState(prefix: prefix + "l2.", into: &state)
        l3.collectState(prefix: prefix + "l3.", into: &state)
    }
}
