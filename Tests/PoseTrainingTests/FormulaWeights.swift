import Foundation
import PoseNN
import PoseTensor

/// The weights `tools/make_mmpose_parity_fixtures.py` gives its full-size families instead of a
/// committed `.pth` ('fnv1a-fmix32-v1'): every state-dict entry a function of its key's name,
/// computed here in the same float32 operations, in the same order.
enum FormulaWeights {
    static func fnv1a(_ key: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in key.utf8 { h = (h ^ UInt32(byte)) &* 16_777_619 }
        return h
    }

    /// Element i's number in [0, 1): murmur3's fmix32 of i · 0x9E3779B1 + FNV-1a(key), top 24 bits.
    static func uniform(_ i: Int, seed: UInt32) -> Float {
        var h = UInt32(truncatingIfNeeded: i) &* 0x9E37_79B1 &+ seed
        h ^= h >> 16; h = h &* 0x85EB_CA6B; h ^= h >> 13; h = h &* 0xC2B2_AE35; h ^= h >> 16
        return Float(h >> 8) * 0x1p-24
    }

    /// Fills `tensor` (the entry `key` of shape `shape`) with the formula's values.
    static func fill(_ tensor: Tensor, key: String, shape: [Int], gain: Double) {
        let seed = fnv1a(key)
        let n = tensor.count
        let last = key.split(separator: ".").last.map(String.init) ?? key
        for i in 0..<n {
            let u = uniform(i, seed: seed)
            let value: Float
            if key.hasSuffix("running_mean") { value = (2 * u - 1) * Float(0.1) }
            else if key.hasSuffix("running_var") { value = Float(0.5) + Float(1.5) * u }
            else if last == "gamma" || last == "beta" { value = u }
            else if shape.count == 1 { value = key.hasSuffix(".bias") ? (2 * u - 1) * Float(0.1) : Float(0.5) + u }
            else {
                let bound = Float(gain * (3.0 / Double(n / shape[0])).squareRoot())
                value = (2 * u - 1) * bound
            }
            tensor[i] = value
        }
    }

    /// Fills every parameter and float buffer of `state`; returns each key's float64 sum.
    static func fill(_ state: StateDict, gain: Double) -> [String: Double] {
        var sums: [String: Double] = [:]
        let entries = state.parameters.map { ($0.name, $0.parameter.value) } + state.buffers.map { ($0.name, $0.tensor) }
        for (name, tensor) in entries {
            fill(tensor, key: name, shape: tensor.shape, gain: gain)
            sums[name] = (0..<tensor.count).reduce(0.0) { $0 + Double(tensor[$1]) }
        }
        return sums
    }
}
