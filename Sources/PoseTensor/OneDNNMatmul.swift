import CDNNL

/// A oneDNN matrix product of one shape with bfloat16 operands and an fp32 result, created
/// once and reused: `C (m × n) = A (m × k) · B (k × n)`, or `C += A · B`, with row-major fp32
/// operands (transposed as BLAS's `transA`/`transB` say, with BLAS's leading dimensions) that
/// its reorders round to bfloat16 on the way in (ties to even).
///
/// `MatrixProduct.gemm` runs it for the matrix products of `Linear` and attention under
/// `ComputePrecision.bfloat16`, as `OneDNNConvolution` runs the convolutions.
public final class OneDNNMatmul {
    /// Everything that selects the primitive.
    public struct Shape: Hashable, Sendable {
        /// Rows of C, columns of C, and the shared dimension.
        public var m, n, k: Int
        /// Whether A is stored `k × m` and B `n × k` (BLAS's transposes).
        public var transA, transB: Bool
        /// BLAS's leading dimensions of the row-major A, B and C.
        public var lda, ldb, ldc: Int
        /// Whether the product is added to C (BLAS's β = 1) rather than written over it (β = 0).
        public var accumulates: Bool
    }

    /// The shape the primitive was created for.
    public let shape: Shape
    private let stream: dnnl_stream_t
    private let primitive: DNNLPrimitive
    private let a, b, c: DNNLOperand
    private let arguments: DNNLArguments

    /// The plan for `shape`, or nil where oneDNN has no bfloat16 matrix product for it.
    public init?(_ shape: Shape) {
        guard OneDNN.engine != nil, shape.m > 0, shape.n > 0, shape.k > 0 else { return nil }
        self.shape = shape
        let s = shape
        func strided(_ rows: Int, _ columns: Int, transposed: Bool, leading: Int) -> dnnl_memory_desc_t {
            var md = dnnl_memory_desc_t()
            let dims = [Int64(rows), Int64(columns)]
            let strides = transposed ? [1, Int64(leading)] : [Int64(leading), 1]
            OneDNN.check(dnnl_memory_desc_init_by_strides(&md, 2, dims, dnnl_f32, strides), "matmul operand \(rows)x\(columns)")
            return md
        }
        let user = (a: strided(s.m, s.k, transposed: s.transA, leading: s.lda), b: strided(s.k, s.n, transposed: s.transB, leading: s.ldb),
                    c: strided(s.m, s.n, transposed: false, leading: s.ldc))
        var src = OneDNN.descriptor([s.m, s.k], dnnl_format_tag_any, type: dnnl_bf16)
        var wts = OneDNN.descriptor([s.k, s.n], dnnl_format_tag_any, type: dnnl_bf16)
        // the result is written where the caller wants it, so a sum post-op can read it there
        var dst = user.c
        var desc = dnnl_matmul_desc_t()
        guard dnnl_matmul_desc_init(&desc, &src, &wts, nil, &dst) == dnnl_success else { return nil }
        guard let created = withUnsafePointer(to: &desc, { OneDNN.primitive($0, attributes: OneDNN.postOps(sum: s.accumulates)) }) else {
            return nil
        }
        primitive = created
        stream = OneDNN.makeStream()
        a = DNNLOperand(user: user.a, primitive: primitive.layout(dnnl_query_src_md), slot: .source, output: false)
        b = DNNLOperand(user: user.b, primitive: primitive.layout(dnnl_query_weights_md), slot: .weights, output: false)
        c = DNNLOperand(user: user.c, primitive: primitive.layout(dnnl_query_dst_md), slot: .destination, output: true)
        arguments = DNNLArguments([(DNNL_ARG_SRC, a.memory), (DNNL_ARG_WEIGHTS, b.memory), (DNNL_ARG_DST, c.memory)])
    }

    deinit { dnnl_stream_destroy(stream) }

    /// `C = A · B` (or `C += A · B`) on the caller's fp32 buffers, laid out as the shape says.
    public func run(a aPointer: UnsafePointer<Float>, b bPointer: UnsafePointer<Float>, c cPointer: UnsafeMutablePointer<Float>) {
        a.bindInput(aPointer, stream)
        b.bindInput(bPointer, stream)
        c.bindOutput(cPointer)
        primitive.execute(stream, arguments)
        c.finishOutput(cPointer, stream)
    }
}
