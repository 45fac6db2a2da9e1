import Testing
@testable import PoseTensor

/// The oneDNN convolutions against the im2col + OpenBLAS reference on odd shapes: forward,
/// dx, and dW/dBias accumulated onto gradients that already hold values.
@Suite struct OneDNNConvolutionTests {
    struct Case: CustomStringConvertible, Sendable {
        var n, c, h, w, o: Int
        var kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation = (1, 1), outputPadding = (0, 0)
        var bias: Bool
        var description: String {
            "\(n)x\(c)x\(h)x\(w)->\(o) k\(kernel) s\(stride) p\(padding) d\(dilation) op\(outputPadding) bias=\(bias)"
        }
    }

    static let convolutions = [
        Case(n: 2, c: 3, h: 9, w: 7, o: 5, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
        Case(n: 1, c: 4, h: 11, w: 8, o: 6, kernel: (1, 1), stride: (1, 1), padding: (0, 0), bias: false),
        Case(n: 2, c: 5, h: 6, w: 9, o: 3, kernel: (1, 1), stride: (2, 2), padding: (0, 0), bias: true),
        Case(n: 2, c: 3, h: 13, w: 10, o: 4, kernel: (7, 7), stride: (2, 2), padding: (3, 3), bias: false),
        Case(n: 1, c: 2, h: 10, w: 12, o: 3, kernel: (3, 5), stride: (2, 1), padding: (1, 2), bias: true),
        Case(n: 2, c: 3, h: 12, w: 11, o: 2, kernel: (3, 3), stride: (1, 1), padding: (2, 2), dilation: (2, 2), bias: true),
        Case(n: 1, c: 3, h: 5, w: 5, o: 2, kernel: (3, 3), stride: (3, 2), padding: (0, 1), bias: false),
        Case(n: 3, c: 17, h: 8, w: 6, o: 19, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ]

    @Test(arguments: convolutions)
    func convolutionMatchesReference(c: Case) throws {
        let g = ConvGeometry(channels: c.c, height: c.h, width: c.w, kernel: c.kernel, stride: c.stride, padding: c.padding,
                             dilation: c.dilation)
        let shape = OneDNNConvolution.Shape(batch: c.n, inChannels: c.c, inHeight: c.h, inWidth: c.w, outChannels: c.o,
                                            outHeight: g.outHeight, outWidth: g.outWidth, kernel: c.kernel, stride: c.stride,
                                            padding: c.padding, dilation: c.dilation, bias: c.bias)
        let plan = try #require(OneDNNConvolution(shape), "no oneDNN plan for \(c)")
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 1), weight = randomTensor([c.o, c.c, c.kernel.0, c.kernel.1], seed: 2)
        let bias = randomTensor([c.o], seed: 3), dy = randomTensor([c.n, c.o, g.outHeight, g.outWidth], seed: 4)
        let expected = Tensor(zeros: dy.shape), actual = Tensor(zeros: dy.shape)
        Convolution.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: expected.data,
                            batch: c.n, geometry: g, outChannels: c.o)
        plan.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: actual.data)
        #expect(maxRelativeError(actual, expected) < 1e-5, "forward \(c)")
        try expectGradientsMatch(c, x: x, weight: weight, dy: dy, reference: { dx, dW, dB in
            Convolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data,
                                 dBias: c.bias ? dB.data : nil, batch: c.n, geometry: g, outChannels: c.o)
        }, oneDNN: { dx, dW, dB in
            plan.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data, dBias: c.bias ? dB.data : nil)
        })
    }

    static let transposed = [
        Case(n: 2, c: 4, h: 3, w: 2, o: 3, kernel: (4, 4), stride: (2, 2), padding: (1, 1), bias: false),
        Case(n: 1, c: 3, h: 4, w: 3, o: 2, kernel: (3, 3), stride: (2, 2), padding: (1, 1), outputPadding: (1, 1), bias: true),
        Case(n: 2, c: 2, h: 3, w: 5, o: 4, kernel: (2, 2), stride: (2, 2), padding: (0, 0), bias: true),
        Case(n: 1, c: 3, h: 5, w: 4, o: 2, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
        Case(n: 2, c: 3, h: 3, w: 4, o: 5, kernel: (2, 2), stride: (2, 2), padding: (0, 0), outputPadding: (1, 1), bias: true),
    ]

    @Test(arguments: transposed)
    func transposedConvolutionMatchesReference(c: Case) throws {
        let g = TransposedConvolution.geometry(inHeight: c.h, inWidth: c.w, outChannels: c.o, kernel: c.kernel, stride: c.stride,
                                               padding: c.padding, outputPadding: c.outputPadding)
        let shape = OneDNNConvolution.Shape(batch: c.n, inChannels: c.c, inHeight: c.h, inWidth: c.w, outChannels: c.o,
                                            outHeight: g.height, outWidth: g.width, kernel: c.kernel, stride: c.stride,
                                            padding: c.padding, bias: c.bias, transposed: true)
        let plan = try #require(OneDNNConvolution(shape), "no oneDNN plan for \(c)")
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 5), weight = randomTensor([c.c, c.o, c.kernel.0, c.kernel.1], seed: 6)
        let bias = randomTensor([c.o], seed: 7), dy = randomTensor([c.n, c.o, g.height, g.width], seed: 8)
        let expected = Tensor(zeros: dy.shape), actual = Tensor(zeros: dy.shape)
        TransposedConvolution.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: expected.data,
                                      batch: c.n, geometry: g, inChannels: c.c)
        plan.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: actual.data)
        #expect(maxRelativeError(actual, expected) < 1e-5, "forward \(c)")
        try expectGradientsMatch(c, x: x, weight: weight, dy: dy, reference: { dx, dW, dB in
            TransposedConvolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data,
                                           dBias: c.bias ? dB.data : nil, batch: c.n, geometry: g, inChannels: c.c)
        }, oneDNN: { dx, dW, dB in
            plan.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data, dBias: c.bias ? dB.data : nil)
        })
    }

    /// Runs both backwards twice onto gradients that start from the same non-zero values (so
    /// accumulation is checked, and reuse of a plan's primitives), and compares.
    func expectGradientsMatch(_ c: Case, x: Tensor, weight: Tensor, dy: Tensor,
                              reference: (Tensor, Tensor, Tensor) -> Void, oneDNN: (Tensor, Tensor, Tensor) -> Void) throws {
        let o = c.o
        let grads = (0..<2).map { _ in (Tensor(zeros: x.shape), randomTensor(weight.shape, seed: 9), randomTensor([o], seed: 10)) }
        for _ in 0..<2 {
            reference(grads[0].0, grads[0].1, grads[0].2)
            oneDNN(grads[1].0, grads[1].1, grads[1].2)
        }
        #expect(maxRelativeError(grads[1].0, grads[0].0) < 1e-5, "dx \(c)")
        #expect(maxRelativeError(grads[1].1, grads[0].1) < 1e-4, "dW \(c)")
        #expect(maxRelativeError(grads[1].2, grads[0].2) < 1e-4, "dBias \(c)")
    }
}
