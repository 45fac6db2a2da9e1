/// 2-D convolution (PyTorch's `Conv2d`, OIHW weights) as im2col + GEMM, one image at a time.
///
/// Pointwise convolutions (1×1, stride 1, no padding) skip im2col and are a single GEMM per image.
public enum Convolution {
    /// `y = conv(x, weight) + bias`.
    /// - Parameters:
    ///   - x: input, `batch × g.channels × g.height × g.width`.
    ///   - weight: `outChannels × g.channels × g.kernelH × g.kernelW`.
    ///   - bias: `outChannels`, or nil.
    ///   - y: output, `batch × outChannels × g.outHeight × g.outWidth`, overwritten.
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvGeometry,
                               outChannels: Int, workspace: Workspace = .current) {
        let inPlane = g.channels * g.height * g.width
        let outSize = g.columnCount
        let outPlane = outChannels * outSize
        let cols = g.isPointwise ? nil : workspace.buffer(g.columnRows * outSize)
        OperationCounter.add(batch * outChannels * g.columnRows * outSize)
        for n in 0..<batch {
            let xn = x + n * inPlane
            let yn = y + n * outPlane
            let rhs: UnsafePointer<Float>
            if let cols {
                Im2Col.im2col(xn, g, cols: cols)
                rhs = UnsafePointer(cols)
            } else {
                rhs = xn
            }
            BLAS.sgemm(m: outChannels, n: outSize, k: g.columnRows, a: weight, lda: g.columnRows,
                       b: rhs, ldb: outSize, c: yn, ldc: outSize)
            if let bias {
                for o in 0..<outChannels {
                    let b = bias[o]
                    let row = yn + o * outSize
                    for i in 0..<outSize { row[i] += b }
                }
            }
        }
    }

    /// Gradients of `forward`: writes `dx` (if non-nil) and adds into `dWeight` and `dBias`.
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?, batch: Int, geometry g: ConvGeometry,
                                outChannels: Int, workspace: Workspace = .current) {
        let inPlane = g.channels * g.height * g.width
        let outSize = g.columnCount
        let outPlane = outChannels * outSize
        let cols = g.isPointwise ? nil : workspace.buffer(g.columnRows * outSize)
        for n in 0..<batch {
            let xn = x + n * inPlane
            let dyn = dy + n * outPlane
            if let dBias {
                for o in 0..<outChannels {
                    let row = dyn + o * outSize
                    var s: Float = 0
                    for i in 0..<outSize { s += row[i] }
                    dBias[o] += s
                }
            }
            // dW += dY · colsᵀ
            if let cols {
                Im2Col.im2col(xn, g, cols: cols)
                BLAS.sgemm(transB: true, m: outChannels, n: g.columnRows, k: outSize, a: dyn, lda: outSize,
                           b: cols, ldb: outSize, beta: 1, c: dWeight, ldc: g.columnRows)
            } else {
                BLAS.sgemm(transB: true, m: outChannels, n: g.columnRows, k: outSize, a: dyn, lda: outSize,
                           b: xn, ldb: outSize, beta: 1, c: dWeight, ldc: g.columnRows)
            }
            // dX = col2im(Wᵀ · dY)
            guard let dx else { continue }
            let dxn = dx + n * inPlane
            if let cols {
                BLAS.sgemm(transA: true, m: g.columnRows, n: outSize, k: outChannels, a: weight, lda: g.columnRows,
                           b: dyn, ldb: outSize, c: cols, ldc: outSize)
                dxn.update(repeating: 0, count: inPlane)
                Im2Col.col2im(cols, g, x: dxn)
            } else {
                BLAS.sgemm(transA: true, m: g.columnRows, n: outSize, k: outChannels, a: weight, lda: g.columnRows,
                           b: dyn, ldb: outSize, c: dxn, ldc: outSize)
            }
        }
    }
}
