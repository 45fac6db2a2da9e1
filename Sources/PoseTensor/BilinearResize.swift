/// PyTorch's `interpolate(mode='bilinear')` over NCHW planes, forward and adjoint.
///
/// Source coordinates follow PyTorch: with `alignCorners`, `src = dst · (in − 1)/(out − 1)`;
/// otherwise `src = max(0, (dst + 0.5) · ratio − 0.5)` with `ratio = in/out`, or `1/scale_factor`
/// when a scale factor was given.
public enum BilinearResize {
    struct Tap { let i0: Int; let i1: Int; let w1: Float }

    static func taps(input: Int, output: Int, ratio: Double?, alignCorners: Bool) -> [Tap] {
        (0..<output).map { d in
            var src: Double
            if alignCorners {
                src = output > 1 ? Double(d) * Double(input - 1) / Double(output - 1) : 0
            } else {
                src = max(0, (Double(d) + 0.5) * (ratio ?? Double(input) / Double(output)) - 0.5)
            }
            let i0 = min(Int(src), input - 1)
            let i1 = min(i0 + 1, input - 1)
            return Tap(i0: i0, i1: i1, w1: Float(src - Double(i0)))
        }
    }

    /// Resizes `planes` planes of `inH × inW` into `outH × outW`.
    /// - Parameter scale: the scale factor when the output size came from one (PyTorch then maps
    ///   coordinates with 1/scale), nil when a size was given.
    public static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Int,
                               inH: Int, inW: Int, outH: Int, outW: Int, scale: Double? = nil, alignCorners: Bool = false) {
        let ty = taps(input: inH, output: outH, ratio: scale.map { 1 / $0 }, alignCorners: alignCorners)
        let tx = taps(input: inW, output: outW, ratio: scale.map { 1 / $0 }, alignCorners: alignCorners)
        for p in 0..<planes {
            let src = x + p * inH * inW, dst = y + p * outH * outW
            for (oy, a) in ty.enumerated() {
                let r0 = src + a.i0 * inW, r1 = src + a.i1 * inW
                for (ox, b) in tx.enumerated() {
                    let top = r0[b.i0] + (r0[b.i1] - r0[b.i0]) * b.w1
                    let bottom = r1[b.i0] + (r1[b.i1] - r1[b.i0]) * b.w1
                    dst[oy * outW + ox] = top + (bottom - top) * a.w1
                }
            }
        }
    }

    /// The adjoint of `forward`: overwrites `dx` with the gradient of the input.
    public static func backward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, planes: Int,
                                inH: Int, inW: Int, outH: Int, outW: Int, scale: Double? = nil, alignCorners: Bool = false) {
        let ty = taps(input: inH, output: outH, ratio: scale.map { 1 / $0 }, alignCorners: alignCorners)
        let tx = taps(input: inW, output: outW, ratio: scale.map { 1 / $0 }, alignCorners: alignCorners)
        dx.update(repeating: 0, count: planes * inH * inW)
        for p in 0..<planes {
            let g = dy + p * outH * outW, d = dx + p * inH * inW
            for (oy, a) in ty.enumerated() {
                for (ox, b) in tx.enumerated() {
                    let v = g[oy * outW + ox]
                    d[a.i0 * inW + b.i0] += v * (1 - a.w1) * (1 - b.w1)
                    d[a.i0 * inW + b.i1] += v * (1 - a.w1) * b.w1
                    d[a.i1 * inW + b.i0] += v * a.w1 * (1 - b.w1)
                    d[a.i1 * inW + b.i1] += v * a.w1 * b.w1
                }
            }
        }
    }
}
