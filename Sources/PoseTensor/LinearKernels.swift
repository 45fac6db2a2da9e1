/// Fully connected layers, PyTorch's `Linear` (weight `out × in`).
public enum LinearKernels {
    /// `y (batch × outFeatures) = x (batch × inFeatures) · weightᵀ + bias`, the product in
    /// `precision` (`MatrixProduct.gemm`).
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, batch: Int, inFeatures: Int, outFeatures: Int,
                               precision: ComputePrecision = ComputePrecision.current) {
        OperationCounter.add(batch * inFeatures * outFeatures)
        MatrixProduct.gemm(transB: true, m: batch, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                   b: weight, ldb: inFeatures, c: y, ldc: outFeatures, precision: precision)
        if let bias {
            for n in 0..<batch {
                let row = y + n * outFeatures
                for o in 0..<outFeatures { row[o] += bias[o] }
            }
        }
    }

    /// Writes `dx = dy · weight` (if non-nil); adds `dyᵀ · x` into `dWeight` and column sums into
    /// `dBias`; the products in `precision`.
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?, batch: Int, inFeatures: Int, outFeatures: Int,
                                precision: ComputePrecision = ComputePrecision.current) {
        MatrixProduct.gemm(transA: true, m: outFeatures, n: inFeatures, k: batch, a: dy, lda: outFeatures,
                   b: x, ldb: inFeatures, beta: 1, c: dWeight, ldc: inFeatures, precision: precision)
        if let dBias {
            for n in 0..<batch {
                let row = dy + n * outFeatures
                for o in 0..<outFeatures { dBias[o] += row[o] }
            }
        }
        if let dx {
            MatrixProduct.gemm(m: batch, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                       b: weight, ldb: inFeatures, c: dx, ldc: inFeatures, precision: precision)
        }
    }
}
