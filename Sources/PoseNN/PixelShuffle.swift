import PoseTensor

/// PyTorch's `nn.PixelShuffle(r)`: `N × C·r² × H × W` → `N × C × H·r × W·r`, output
/// `[n, c, h·r + i, w·r + j]` = input `[n, c·r² + i·r + j, h, w]`. A pure permutation: backward
/// applies its inverse. NCHW only.
public final class PixelShuffle: Layer {
    /// `upscale_factor`.
    public let factor: Int
    private var inputShape: [Int] = []

    /// A shuffle by `factor` (at least 1).
    public init(_ factor: Int) {
        precondition(factor >= 1, "PixelShuffle: the factor must be at least 1")
        self.factor = factor
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4, "PixelShuffle needs N × C × H × W, got \(x.shape)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let r = factor
        precondition(c % (r * r) == 0, "PixelShuffle(\(r)): \(c) channels are not a multiple of \(r * r)")
        if mode == .training { inputShape = x.shape }
        let y = Tensor.pooled(shape: [n, c / (r * r), h * r, w * r])
        PixelShuffle.permute(x.data, y.data, planes: n * c / (r * r), r: r, height: h, width: w, forward: true)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let dx = Tensor.pooled(shape: inputShape)
        PixelShuffle.permute(dx.data, dy.data, planes: n * c / (factor * factor), r: factor, height: h, width: w, forward: false)
        return dx
    }

    /// `forward`: copies the `planes · r²` planes of `small` (H × W each) into the `planes`
    /// planes of `large` (H·r × W·r each); otherwise the reverse.
    static func permute(_ small: UnsafeMutablePointer<Float>, _ large: UnsafeMutablePointer<Float>, planes: Int, r: Int,
                        height h: Int, width w: Int, forward: Bool) {
        let (hw, bigW) = (h * w, w * r)
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: hw * r * r)) { range in
            for p in range {
                let out = large + p * hw * r * r
                for i in 0..<r { for j in 0..<r {
                    let plane = small + (p * r * r + i * r + j) * hw
                    for y in 0..<h {
                        let row = out + (y * r + i) * bigW + j
                        let src = plane + y * w
                        if forward { for x in 0..<w { row[x * r] = src[x] } } else { for x in 0..<w { src[x] = row[x * r] } }
                    }
                } }
            }
        }
    }
}
