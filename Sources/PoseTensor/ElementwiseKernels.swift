import Foundation

/// Pointwise operations and nearest-neighbour resizing.
public enum ElementwiseKernels {
    /// `y = max(x, 0)`; `x` and `y` may be the same buffer.
    public static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] = max(x[i], 0) } }
    }

    /// `dx = y > 0 ? dy : 0`, from the forward output `y`.
    public static func reluBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { dx[i] = y[i] > 0 ? dy[i] : 0 } }
    }

    /// `y = a + b`.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] = a[i] + b[i] } }
    }

    /// `a + b` (same shapes) in a new pooled tensor, `b` itself when `a` is nil: two gradients
    /// that reach one tensor, neither of which its holder may overwrite.
    public static func sum(_ a: Tensor?, _ b: Tensor) -> Tensor {
        guard let a else { return b }
        precondition(a.shape == b.shape, "ElementwiseKernels.sum: \(a.shape) and \(b.shape)")
        let s = Tensor.pooled(shape: b.shape)
        add(a.data, b.data, s.data, count: s.count)
        return s
    }

    /// `y += x`.
    public static func accumulate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] += x[i] } }
    }

    /// `y += scale · x` (gradient accumulation).
    public static func addScaled(_ x: UnsafePointer<Float>, scale: Float, into y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] += x[i] * scale } }
    }

    /// `x *= scale` (gradients averaged after an allreduce, clipped gradients).
    public static func scale(_ x: UnsafeMutablePointer<Float>, by scale: Float, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { x[i] *= scale } }
    }

    /// Exchanges the contents of `a` and `b` (EMA weights in and out for validation).
    public static func swap(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { Swift.swap(&a[i], &b[i]) } }
    }

    /// `y = 1 / (1 + exp(-x))`.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] = 1 / (1 + expf(-x[i])) } }
    }

    /// `dx = dy · y · (1 − y)`, from the forward output `y`.
    public static func sigmoidBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                       dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
    }

    /// `y = x · σ(x)` (SiLU, PyTorch's `x / (1 + e^−x)`); `x` and `y` may be the same buffer.
    public static func silu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] = x[i] / (1 + expf(-x[i])) } }
    }

    /// `dx = dy · σ(x) · (1 + x · (1 − σ(x)))`, from the forward input `x`.
    public static func siluBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r {
            let s = 1 / (1 + expf(-x[i]))
            dx[i] = dy[i] * s * (1 + x[i] * (1 - s))
        } }
    }

    /// `y = min(max(x + 3, 0), 6) / 6` (PyTorch's `Hardsigmoid`); `x` and `y` may be the same buffer.
    public static func hardsigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r { y[i] = min(max(x[i] + 3, 0), 6) / 6 } }
    }

    /// `dx = dy / 6` where −3 < x < 3, 0 elsewhere (PyTorch's `hardsigmoid_backward`), from the
    /// forward input `x`.
    public static func hardsigmoidBackward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                           dx: UnsafeMutablePointer<Float>, count: Int) {
        ParallelLoop.run(count, grain: ParallelLoop.elementGrain) { r in for i in r {
            dx[i] = x[i] > -3 && x[i] < 3 ? dy[i] / 6 : 0
        } }
    }

    /// Nearest-neighbour upsampling of `planes` planes of `height × width` by an integer `factor`.
    public static func upsampleNearest(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                       planes: Int, height: Int, width: Int, factor: Int) {
        let ow = width * factor
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * width * factor * factor)) { range in for p in range {
            let xp = x + p * height * width
            let yp = y + p * height * width * factor * factor
            for iy in 0..<height {
                let row = yp + iy * factor * ow
                let src = xp + iy * width
                for ix in 0..<width {
                    let v = src[ix]
                    for f in 0..<factor { row[ix * factor + f] = v }
                }
                for r in 1..<max(factor, 1) { (row + r * ow).update(from: row, count: ow) }
            }
        } }
    }

    /// Adjoint of `upsampleNearest`: each input receives the sum of its `factor × factor` outputs.
    public static func upsampleNearestBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                               planes: Int, height: Int, width: Int, factor: Int) {
        let ow = width * factor
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * width * factor * factor)) { range in for p in range {
            let dxp = dx + p * height * width
            let dyp = dy + p * height * width * factor * factor
            for iy in 0..<height {
                for ix in 0..<width {
                    var s: Float = 0
                    for r in 0..<factor {
                        let row = dyp + (iy * factor + r) * ow + ix * factor
                        for f in 0..<factor { s += row[f] }
                    }
                    dxp[iy * width + ix] = s
                }
            }
        } }
    }
}
