import Testing
@testable import PoseTensor

/// oneDNN's convolutions with bfloat16 operands (`ComputePrecision.bfloat16`): the same
/// convolution in fp32 on inputs, weights and output gradients first rounded to bfloat16
/// (round to nearest, ties to even, as oneDNN's f32→bf16 reorder rounds) is the reference,
/// since bf16 products are exact in fp32 and only the summation order differs.
@Suite struct BFloat16ConvolutionTests {
    /// `x` rounded to the nearest bfloat16 (the upper 16 bits of an fp32), ties to even.
    static func roundedToBFloat16(_ x: Tensor) -> Tensor {
        let y = Tensor(zeros: x.shape)
        for i in 0..<x.count {
            let bits = x[i].bitPattern
            let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
            y[i] = Float(bitPattern: rounded)
        }
        return y
    }

    @Test func roundingIsToNearestEven() {
        let x = Tensor([1, 1 + 1.0 / 256, 1 + 3.0 / 256, 1 + 1.0 / 512], shape: [4])
        let y = Self.roundedToBFloat16(x)
        // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷ (bf16 keeps 7 fraction bits): even is 1
        #expect([y[0], y[1], y[2], y[3]] == [1, 1, 1 + 4.0 / 256, 1])
    }

    struct Case: CustomStringConvertible, Sendable {
        var n, c, h, w, o, kernel, stride, padding, groups: Int
        var bias, transposed: Bool
        var description: String { "\(n)x\(c)x\(h)x\(w)->\(o) k\(kernel) s\(stride) p\(padding) g\(groups) bias=\(bias) transposed=\(transposed)" }
    }

    static let cases = [
        Case(n: 2, c: 16, h: 9, w: 7, o: 32, kernel: 3, stride: 1, padding: 1, groups: 1, bias: true, transposed: false),
        Case(n: 2, c: 3, h: 13, w: 10, o: 16, kernel: 7, stride: 2, padding: 3, groups: 1, bias: false, transposed: false),
        Case(n: 1, c: 32, h: 6, w: 5, o: 32, kernel: 3, stride: 2, padding: 1, groups: 32, bias: false, transposed: false),
        Case(n: 2, c: 32, h: 4, w: 3, o: 16, kernel: 4, stride: 2, padding: 1, groups: 1, bias: true, transposed: true),
    ]

    @Test(.enabled(if: ComputePrecision.canComputeBFloat16, "bfloat16 needs AVX-512 (oneDNN emulates it there) or AVX512_BF16/AMX; this CPU has neither, and bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation checks that it is refused"), arguments: cases)
    func matchesFloat32OnRoundedOperands(c: Case) throws {
        let (outH, outW): (Int, Int)
        if c.transposed {
            (outH, outW) = ((c.h - 1) * c.stride - 2 * c.padding + c.kernel, (c.w - 1) * c.stride - 2 * c.padding + c.kernel)
        } else {
            (outH, outW) = ((c.h + 2 * c.padding - c.kernel) / c.stride + 1, (c.w + 2 * c.padding - c.kernel) / c.stride + 1)
        }
        var shape = OneDNNConvolution.Shape(batch: c.n, inChannels: c.c, inHeight: c.h, inWidth: c.w, outChannels: c.o,
                                            outHeight: outH, outWidth: outW, kernel: (c.kernel, c.kernel), stride: (c.stride, c.stride),
                                            padding: (c.padding, c.padding), groups: c.groups, bias: c.bias, transposed: c.transposed)
        let reference = try #require(OneDNNConvolution(shape), "no fp32 plan for \(c)")
        shape.precision = .bfloat16
        let plan = try #require(OneDNNConvolution(shape), "no bfloat16 plan for \(c)")
        let weightShape = c.transposed ? [c.c, c.o, c.kernel, c.kernel] : [c.o, c.c / c.groups, c.kernel, c.kernel]
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 11), weight = randomTensor(weightShape, seed: 12)
        let bias = randomTensor([c.o], seed: 13), dy = randomTensor([c.n, c.o, outH, outW], seed: 14)
        let (xr, wr, dyr) = (Self.roundedToBFloat16(x), Self.roundedToBFloat16(weight), Self.roundedToBFloat16(dy))

        let expected = Tensor(zeros: dy.shape), actual = Tensor(zeros: dy.shape)
        reference.forward(x: xr.data, weight: wr.data, bias: c.bias ? bias.data : nil, y: expected.data)
        plan.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: actual.data)
        #expect(maxRelativeError(actual, expected) < 1e-5, "forward \(c)")
        // and the rounding matters: fp32 operands give a visibly different output
        let unrounded = Tensor(zeros: dy.shape)
        reference.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: unrounded.data)
        #expect(maxRelativeError(unrounded, expected) > 1e-4, "forward \(c) unaffected by rounding")

        let start = (Tensor(zeros: x.shape), randomTensor(weight.shape, seed: 15), randomTensor([c.o], seed: 16))
        func copied(_ t: Tensor) -> Tensor { let c = Tensor(zeros: t.shape); c.copy(from: t); return c }
        let want = (Tensor(zeros: x.shape), copied(start.1), copied(start.2))
        let got = (Tensor(zeros: x.shape), copied(start.1), copied(start.2))
        reference.backward(x: xr.data, weight: wr.data, dy: dyr.data, dx: want.0.data, dWeight: want.1.data,
                           dBias: c.bias ? want.2.data : nil)
        plan.backward(x: x.data, weight: weight.data, dy: dy.data, dx: got.0.data, dWeight: got.1.data,
                      dBias: c.bias ? got.2.data : nil)
        #expect(maxRelativeError(got.0, want.0) < 1e-5, "dx \(c)")
        #expect(maxRelativeError(got.1, want.1) < 1e-5, "dW \(c)")
        if c.bias { #expect(maxRelativeError(got.2, want.2) < 1e-5, "dBias \(c)") }
    }
}

/// `MatrixProduct.gemm` under `ComputePrecision.bfloat16` (oneDNN's matmul) against OpenBLAS on
/// operands rounded to bfloat16, with every transpose, leading dimensions wider than the
/// matrices, and β = 1.
@Suite struct BFloat16MatrixProductTests {
    @Test(.enabled(if: ComputeBackend.current != .onednn || ComputePrecision.canComputeBFloat16, "bfloat16 needs AVX-512 (oneDNN emulates it there) or AVX512_BF16/AMX; this CPU has neither, and bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation checks that it is refused"),
          arguments: [(false, false, 0), (true, false, 1), (false, true, 0), (true, true, 1)])
    func matchesFloat32OnRoundedOperands(transA: Bool, transB: Bool, beta: Int) throws {
        let (m, n, k) = (7, 19, 33)
        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5
        let a = randomTensor([(transA ? k : m) * lda], seed: 21), b = randomTensor([(transB ? n : k) * ldb], seed: 22)
        let start = randomTensor([m * ldc], seed: 23)
        // bfloat16 is the oneDNN backend's; the BLAS reference multiplies in fp32 whatever is asked
        let onednn = ComputeBackend.current == .onednn
        let (ar, br) = onednn ? (BFloat16ConvolutionTests.roundedToBFloat16(a), BFloat16ConvolutionTests.roundedToBFloat16(b)) : (a, b)
        let expected = Tensor(zeros: start.shape), actual = Tensor(zeros: start.shape)
        expected.copy(from: start); actual.copy(from: start)
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: ar.data, lda: lda, b: br.data, ldb: ldb,
                   beta: Float(beta), c: expected.data, ldc: ldc)
        ComputePrecision.$current.withValue(.bfloat16) {
            MatrixProduct.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.data, lda: lda, b: b.data, ldb: ldb,
                               beta: Float(beta), c: actual.data, ldc: ldc)
        }
        // the padding columns of C are compared too: they are left alone
        #expect(maxRelativeError(actual, expected) < 1e-5)
        if onednn {
            let fp32 = Tensor(zeros: start.shape)
            fp32.copy(from: start)
            MatrixProduct.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.data, lda: lda, b: b.data, ldb: ldb,
                               beta: Float(beta), c: fp32.data, ldc: ldc)
            #expect(maxRelativeError(fp32, expected) > 1e-4, "bfloat16 rounding took effect")
        }
    }
}
