import PoseTensor

/// A tensor of uniform random values in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(zeros: shape)
    rng.fillUniform(t, low: -1, high: 1)
    return t
}

/// The largest |a − b| / max(1, |b|) over all elements.
func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.count == b.count, "comparing \(a.shape) with \(b.shape)")
    var worst: Float = 0
    for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
    return worst
}
