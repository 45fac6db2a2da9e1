import Foundation
import PoseNN
import PoseTensor

/// MMPose's `RealNVP` flow (RLE): six affine couplings with masks [[0,1],[1,0]]×3; `s_i` =
/// Linear(2,64)–LeakyReLU–Linear(64,64)–LeakyReLU–Linear(64,2)–Tanh, `t_i` the same without
/// Tanh. `logProb(x) = log N(z; 0, I) + log|det|` with z the inverse pass. Buffers `loc`, `cov`,
/// `mask`; parameters `s.{i}.{0,2,4}`, `t.{i}.{0,2,4}`.
public final class RealNVP {
    let s: [Sequential]
    let t: [Sequential]
    let masks: [[Float]] = [[0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]
    let loc = Tensor(zeros: [2])
    let cov = Tensor([1, 0, 0, 1], shape: [2, 2])
    let maskBuffer = Tensor([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0], shape: [6, 2])
    // per coupling, inputs of the inverse pass (for backward)
    private var zIn: [Tensor] = []
    private var aOut: [Tensor] = []
    private var bOut: [Tensor] = []

    /// Linear weights xavier-uniform with gain 0.01 (MMPose's init), biases 0.
    public init(rng: inout RandomGenerator) {
        func net(tanh: Bool) -> Sequential {
            var layers: [(String, Layer)] = [("0", Linear(2, 64)), ("1", LeakyReLU()), ("2", Linear(64, 64)),
                                             ("3", LeakyReLU()), ("4", Linear(64, 2))]
            if tanh { layers.append(("5", Tanh())) }
            for case let (_, l as Linear) in layers {
                let bound = Float(0.01 * (6.0 / Double(l.inFeatures + l.outFeatures)).squareRoot())
                rng.fillUniform(l.weight.value, low: -bound, high: bound)
                l.bias?.value.zero()
            }
            return Sequential(layers)
        }
        s = (0..<6).map { _ in net(tanh: true) }
        t = (0..<6).map { _ in net(tanh: false) }
    }

    /// log p(x) for `M × 2` inputs; returns `M` values.
    public func logProb(_ x: Tensor) -> [Float] {
        let m = x.shape[0]
        var z = x.clone()
        var logdet = [Float](repeating: 0, count: m)
        zIn = []; aOut = []; bOut = []
        for i in stride(from: 5, through: 0, by: -1) {
            let mask = masks[i]
            let zm = Tensor(zeros: [m, 2])
            for r in 0..<m { zm[2 * r] = z[2 * r] * mask[0]; zm[2 * r + 1] = z[2 * r + 1] * mask[1] }
            let a = s[i].forward(zm, mode: .training).clone()
            let b = t[i].forward(zm, mode: .training).clone()
            zIn.append(z.clone())
            aOut.append(a); bOut.append(b)
            let next = Tensor(zeros: [m, 2])
            for r in 0..<m {
                for c in 0..<2 {
                    let u = 1 - mask[c]
                    let ac = a[2 * r + c] * u, bc = b[2 * r + c] * u
                    next[2 * r + c] = u * (z[2 * r + c] - bc) * expf(-ac) + zm[2 * r + c]
                    logdet[r] -= ac
                }
            }
            z = next
        }
        lastZ = z
        return (0..<m).map { r in -0.5 * (z[2 * r] * z[2 * r] + z[2 * r + 1] * z[2 * r + 1]) - Float(log(2 * Double.pi)) + logdet[r] }
    }
    private var lastZ: Tensor?

    /// Back-propagates dL/dlogProb (`M` values) of the last `logProb`; adds parameter gradients
    /// and returns dL/dx (`M × 2`).
    public func backward(_ gLogProb: [Float]) -> Tensor {
        guard var z = lastZ else { preconditionFailure("RealNVP.backward before logProb") }
        let m = gLogProb.count
        // d logN/dz = −z
        var gz = Tensor(zeros: [m, 2])
        for r in 0..<m { gz[2 * r] = -z[2 * r] * gLogProb[r]; gz[2 * r + 1] = -z[2 * r + 1] * gLogProb[r] }
        // couplings were applied for i = 5…0; undo in the order 0…5
        for step in stride(from: 5, through: 0, by: -1) {
            let i = 5 - step
            let mask = masks[i]
            let zin = zIn[step], a = aOut[step], b = bOut[step]
            let gzin = Tensor(zeros: [m, 2]), ga = Tensor(zeros: [m, 2]), gb = Tensor(zeros: [m, 2])
            for r in 0..<m {
                for c in 0..<2 {
                    let u = 1 - mask[c]
                    let e = expf(-a[2 * r + c] * u)
                    let g = gz[2 * r + c]
                    // out = u·(zin − b·u)·e + mask·zin
                    gzin[2 * r + c] = u * g * e + mask[c] * g
                    gb[2 * r + c] = -u * u * g * e
                    ga[2 * r + c] = (-u * g * (zin[2 * r + c] - b[2 * r + c] * u) * e - gLogProb[r]) * u
                }
            }
            // a and b were computed from zm = mask·zin: recompute the nets' caches, then backprop
            let zm = Tensor(zeros: [m, 2])
            for r in 0..<m { zm[2 * r] = zin[2 * r] * mask[0]; zm[2 * r + 1] = zin[2 * r + 1] * mask[1] }
            _ = s[i].forward(zm, mode: .training)
            let gzmS = s[i].backward(ga).clone()
            _ = t[i].forward(zm, mode: .training)
            let gzmT = t[i].backward(gb)
            for r in 0..<m {
                for c in 0..<2 { gzin[2 * r + c] += mask[c] * (gzmS[2 * r + c] + gzmT[2 * r + c]) }
            }
            gz = gzin
            z = zin
        }
        return gz
    }

    func collectState(prefix: String, into state: inout StateDict) {
        state.buffers.append((prefix + "loc", loc))
        state.buffers.append((prefix + "cov", cov))
        state.buffers.append((prefix + "mask", maskBuffer))
        for (i, net) in s.enumerated() { net.collectState(prefix: prefix + "s.\(i).", into: &state) }
        for (i, net) in t.enumerated() { net.collectState(prefix: prefix + "t.\(i).", into: &state) }
    }
}
