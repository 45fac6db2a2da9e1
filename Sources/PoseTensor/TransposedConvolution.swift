/// 2-D transposed convolution (PyTorch's `ConvTranspose2d`, IOHW weights) as GEMM + col2im.
///
/// `g` is the geometry of the convolution this operation inverts: `g.channels × g.height × g.width`
/// is the transposed convolution's *output* (Cout × Hout × Wout) and `g.outHeight × g.outWidth` its
/// input's spatial size.
public enum TransposedConvolution {
    /// The geometry for a `ConvTranspose2d` with the given arguments applied to an `inHeight × inWidth` input.
    public static func geometry(inHeight: Int, inWidth: Int, outChannels: Int, kernel: (Int, Int),
                                stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int),
                                dilation: (Int, Int) = (1, 1)) -> ConvGeometry {
        let outH = (inHeight - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kernel.0 - 1) + outputPadding.0 + 1
        let outW = (inWidth - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kernel.1 - 1) + outputPadding.1 + 1
        return ConvGeometry(channels: outChannels, height: outH, width: outW, kernel: kernel, stride: stride,
                            padding: padding, dilation: dilation, outHeight: inHeight, outWidth: inWidth)
    }

    /// `y = convTranspose(x, weight) + bias`.
    /// - Parameters:
    ///   - x: `batch × inChannels × g.outHeight × g.outWidth`.
    ///   - weight: `inChannels × g.channels × g.kernelH × g.kernelW`.
    ///   - bias: `g.channels`, or nil.
    ///   - y: `batch × g.channels × g.height × g.width`, overwritten.
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvGeometry,
                               inChannels: Int, workspace: Workspace = .current) {
        let inSize = g.columnCount
        let outPlane = g.channels * g.height * g.width
        let cols = workspace.buffer(g.columnRows * inSize)
        OperationCounter.add(batch * inChannels * g.columnRows * inSize)
        for n in 0..<batch {
            let xn = x + n * inChannels * inSize
            let yn = y + n * outPlane
            BLAS.sgemm(transA: true, m: g.columnRows, n: inSize, k: inChannels, a: weight, lda: g.columnRows,
                       b: xn, ldb: inSize, c: cols, ldc: inSize)
            yn.update(repeating: 0, count: outPlane)
            Im2Col.col2im(cols, g, x: yn)
            if let bias {
                let hw = g.height * g.width
                for o in 0..<g.channels {
                    let b = bias[o]
                    let row = yn + o * hw
                    for i in 0..<hw { row[i] += b }
                }
            }
        }
    }

    /// Gradients of `forward`: writes `dx` (if non-nil) and adds into `dWeight` and `dBias`.
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?, batch: Int, geometry g: ConvGeometry,
                                inChannels: Int, workspace: Workspace = .current) {
        let inSize = g.columnCount
        let outPlane = g.channels * g.height * g.width
        let hw = g.height * g.width
        let cols = workspace.buffer(g.columnRows * inSize)
        for n in 0..<batch {
            let xn = x + n * inChannels * inSize
            let dyn = dy + n * outPlane
            if let dBias {
                for o in 0..<g.channels {
                    let row = dyn + o * hw
                    var s: Float = 0
                    for i in 0..<hw { s += row[i] }
                    dBias[o] += s
                }
            }
            Im2Col.im2col(dyn, g, cols: cols)
            // dW (Cin × Cout·k·k) += X · colsᵀ
            BLAS.sgemm(transB: true, m: inChannels, n: g.columnRows, k: inSize, a: xn, lda: inSize,
                       b: cols, ldb: inSize, beta: 1, c: dWeight, ldc: g.columnRows)
            if let dx {
                BLAS.sgemm(m: inChannels, n: inSize, k: g.columnRows, a: weight, lda: g.columnRows,
                           b: cols, ldb: inSize, c: dx + n * inChannels * inSize, ldc: inSize)
            }
        }
    }
}
