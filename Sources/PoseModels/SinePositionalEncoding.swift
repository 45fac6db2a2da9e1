import Foundation
import PoseTensor

/// MMPose's `SinePositionalEncoding` (not learnable): sines and cosines of positions divided by
/// `temperature^(i / (C/2))`, i < C/2, for `C = outChannels` channels.
struct SinePositionalEncoding {
    /// `out_channels` (even).
    let outChannels: Int
    /// `temperature`.
    let temperature: Double

    /// `dim_t`, the C/2 divisors, computed in float32 as PyTorch does.
    var divisors: [Float] {
        let half = outChannels / 2
        return (0..<half).map { Float(powf(Float(temperature), Float(Float($0) / Float(half)))) }
    }

    /// The 1-D encoding of one position: `[cos(p / dim_t), sin(p / dim_t)]`, C values.
    func encode(_ position: Float, into out: UnsafeMutablePointer<Float>, divisors: [Float]) {
        let half = divisors.count
        for i in 0..<half {
            let f = position / divisors[i]
            out[i] = cosf(f); out[half + i] = sinf(f)
        }
    }

    /// The 2-D encoding of an `h × w` grid as `HybridEncoder` uses it: `h·w × 2C`, each token
    /// (row-major) its row's encoding then its column's.
    func grid(height h: Int, width w: Int) -> Tensor {
        let c = outChannels, d = divisors
        let out = Tensor(zeros: [h * w, 2 * c])
        for y in 0..<h {
            for x in 0..<w {
                let token = out.data + (y * w + x) * 2 * c
                encode(Float(y), into: token, divisors: d)
                encode(Float(x), into: token + c, divisors: d)
            }
        }
        return out
    }
}
