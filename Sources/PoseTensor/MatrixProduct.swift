/// The matrix products of layers (`Linear`, attention): OpenBLAS `sgemm` in fp32, or oneDNN's
/// matmul with bfloat16 operands under `ComputePrecision.bfloat16` on the oneDNN backend.
public enum MatrixProduct {
    /// `C = A · B` (β = 0) or `C += A · B` (β = 1), row-major, with BLAS's transposes and leading
    /// dimensions (as `BLAS.sgemm`, whose arguments these are; α is 1), in `precision` (by
    /// default `ComputePrecision.current`).
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                            precision: ComputePrecision = ComputePrecision.current) {
        precondition(beta == 0 || beta == 1, "MatrixProduct.gemm: beta is 0 or 1, not \(beta)")
        if precision == .bfloat16, ComputeBackend.current == .onednn,
           let plan = MatmulPlans.current.plan(for: OneDNNMatmul.Shape(m: m, n: n, k: k, transA: transA, transB: transB,
                                                                      lda: lda, ldb: ldb, ldc: ldc, accumulates: beta == 1)) {
            plan.run(a: a, b: b, c: c)
            return
        }
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// The bfloat16 matmul plans made so far on this thread, by shape (a model's few shapes repeat
/// every step), or nil for a shape oneDNN has none for; emptied when it grows past `limit`
/// shapes (batch sizes that keep changing), so it never holds more.
final class MatmulPlans {
    private var plans: [OneDNNMatmul.Shape: OneDNNMatmul?] = [:]

    static var current: MatmulPlans { threadLocal("SwiftPose.MatmulPlans", MatmulPlans.init) }

    static let limit = 256

    func plan(for shape: OneDNNMatmul.Shape) -> OneDNNMatmul? {
        if let cached = plans[shape] { return cached }
        if plans.count >= MatmulPlans.limit { plans.removeAll() }
        let plan = OneDNNMatmul(shape)
        plans[shape] = plan
        return plan
    }
}
