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
        expectPlanMatches(c, plan, x: x, weight: weight, bias: bias, dy: dy, forward: { y in
            Convolution.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: y.data,
                                batch: c.n, geometry: g, outChannels: c.o)
        }, backward: { dx, dW, dB in
            Convolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data,
                                 dBias: c.bias ? dB.data : nil, batch: c.n, geometry: g, outChannels: c.o)
        })
    }

    static let grouped = [
        Case(n: 2, c: 6, h: 7, w: 9, o: 9, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: true),
        Case(n: 1, c: 4, h: 5, w: 6, o: 8, kernel: (3, 3), stride: (1, 1), padding: (2, 2), dilation: (2, 2), bias: false),
        Case(n: 3, c: 32, h: 6, w: 5, o: 32, kernel: (1, 1), stride: (1, 1), padding: (0, 0), bias: true),
        Case(n: 2, c: 64, h: 9, w: 8, o: 64, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ]

    /// Grouped convolutions (ResNeXt, ResNeSt): `c` and `o` split into the groups given by
    /// the case's index: 3, 4, 2 and 32 groups, against the grouped BLAS kernels.
    @Test(arguments: zip(grouped, [3, 4, 2, 32]))
    func groupedConvolutionMatchesReference(c: Case, groups: Int) throws {
        let g = ConvGeometry(channels: c.c / groups, height: c.h, width: c.w, kernel: c.kernel, stride: c.stride,
                             padding: c.padding, dilation: c.dilation)
        let shape = OneDNNConvolution.Shape(batch: c.n, inChannels: c.c, inHeight: c.h, inWidth: c.w, outChannels: c.o,
                                            outHeight: g.outHeight, outWidth: g.outWidth, kernel: c.kernel, stride: c.stride,
                                            padding: c.padding, dilation: c.dilation, groups: groups, bias: c.bias)
        let plan = try #require(OneDNNConvolution(shape), "no oneDNN plan for \(c) in \(groups) groups")
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 1), weight = randomTensor([c.o, c.c / groups, c.kernel.0, c.kernel.1], seed: 2)
        let bias = randomTensor([c.o], seed: 3), dy = randomTensor([c.n, c.o, g.outHeight, g.outWidth], seed: 4)
        expectPlanMatches(c, plan, x: x, weight: weight, bias: bias, dy: dy, forward: { y in
            Convolution.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: y.data,
                                batch: c.n, geometry: g, outChannels: c.o, groups: groups)
        }, backward: { dx, dW, dB in
            Convolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data,
                                 dBias: c.bias ? dB.data : nil, batch: c.n, geometry: g, outChannels: c.o, groups: groups)
        })
    }

    /// Depthwise convolutions on channel-blocked tensors (CSPNeXt's 5×5, a strided 3×3 with
    /// bias), whose weight gradient `BlockedSpatialKernels.depthwiseWeightGradient` computes:
    /// dx, dW and dBias against the grouped BLAS kernels on the NCHW tensors.
    @Test(arguments: [Case(n: 3, c: 32, h: 7, w: 6, o: 32, kernel: (5, 5), stride: (1, 1), padding: (2, 2), bias: false),
                      Case(n: 2, c: 16, h: 9, w: 8, o: 16, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: true)])
    func blockedDepthwiseGradientsMatchReference(c: Case) throws {
        let g = ConvGeometry(channels: 1, height: c.h, width: c.w, kernel: c.kernel, stride: c.stride, padding: c.padding)
        let shape = OneDNNConvolution.Shape(batch: c.n, inChannels: c.c, inHeight: c.h, inWidth: c.w, outChannels: c.o,
                                            outHeight: g.outHeight, outWidth: g.outWidth, kernel: c.kernel, stride: c.stride,
                                            padding: c.padding, groups: c.c, bias: c.bias, sourceBlocked: true, destinationBlocked: true)
        let plan = try #require(OneDNNConvolution(shape))
        let x = randomTensor([c.n, c.c, c.h, c.w], seed: 1), weight = randomTensor([c.o, 1, c.kernel.0, c.kernel.1], seed: 2)
        let dy = randomTensor([c.n, c.o, g.outHeight, g.outWidth], seed: 4)
        let dx = Tensor(zeros: x.shape), dW = randomTensor(weight.shape, seed: 5), dB = randomTensor([c.o], seed: 6)
        let dxRef = Tensor(zeros: x.shape), dWRef = dW.clone(), dBRef = dB.clone()
        Convolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dxRef.data, dWeight: dWRef.data,
                             dBias: c.bias ? dBRef.data : nil, batch: c.n, geometry: g, outChannels: c.o, groups: c.c)
        let xb = ChannelBlocking.converting(x, reusing: nil), dyb = ChannelBlocking.converting(dy, reusing: nil)
        let dxb = Tensor(zeros: xb.shape)
        plan.backward(x: xb.data, weight: weight.data, dy: dyb.data, dx: dxb.data, dWeight: dW.data, dBias: c.bias ? dB.data : nil)
        let planarDx = ChannelBlocking.converting(dxb, reusing: nil)
        for (name, a, b) in [("dx", planarDx, dxRef), ("dW", dW, dWRef), ("dBias", dB, dBRef)] {
            var worst: Float = 0
            for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
            #expect(worst <= 1e-5, "\(c) \(name): largest difference \(worst)")
        }
    }

    /// The grouped BLAS kernels against a direct loop over the definition.
    @Test func groupedReferenceMatchesTheDefinition() {
        let (n, c, h, w, o, groups) = (2, 6, 5, 4, 4, 2)
        let g = ConvGeometry(channels: c / groups, height: h, width: w, kernel: (3, 3), stride: (1, 1), padding: (1, 1))
        let x = randomTensor([n, c, h, w], seed: 5), weight = randomTensor([o, c / groups, 3, 3], seed: 6)
        let y = Tensor(zeros: [n, o, h, w])
        Convolution.forward(x: x.data, weight: weight.data, bias: nil, y: y.data, batch: n, geometry: g, outChannels: o, groups: groups)
        var worst: Float = 0
        for b in 0..<n { for oc in 0..<o { for oy in 0..<h { for ox in 0..<w {
            let group = oc / (o / groups)
            var s: Float = 0
            for ic in 0..<(c / groups) { for ky in 0..<3 { for kx in 0..<3 {
                let iy = oy + ky - 1, ix = ox + kx - 1
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                s += x[((b * c + group * (c / groups) + ic) * h + iy) * w + ix] * weight[((oc * (c / groups) + ic) * 3 + ky) * 3 + kx]
            } } }
            worst = max(worst, abs(s - y[((b * o + oc) * h + oy) * w + ox]))
        } } } }
        #expect(worst < 1e-5)
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
        expectPlanMatches(c, plan, x: x, weight: weight, bias: bias, dy: dy, forward: { y in
            TransposedConvolution.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: y.data,
                                          batch: c.n, geometry: g, inChannels: c.c)
        }, backward: { dx, dW, dB in
            TransposedConvolution.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW.data,
                                           dBias: c.bias ? dB.data : nil, batch: c.n, geometry: g, inChannels: c.c)
        })
    }

    /// The plan's forward against the reference's, then both backwards run twice onto
    /// gradients that start from the same non-zero values (accumulation, and reuse of the
    /// plan's primitives).
    func expectPlanMatches(_ c: Case, _ plan: OneDNNConvolution, x: Tensor, weight: Tensor, bias: Tensor, dy: Tensor,
                           forward: (Tensor) -> Void, backward: (Tensor, Tensor, Tensor) -> Void) {
        let expected = Tensor(zeros: dy.shape), actual = Tensor(zeros: dy.shape)
        forward(expected)
        plan.forward(x: x.data, weight: weight.data, bias: c.bias ? bias.data : nil, y: actual.data)
        #expect(maxRelativeError(actual, expected) < 1e-5, "forward \(c)")
        let grads = (0..<2).map { _ in (Tensor(zeros: x.shape), randomTensor(weight.shape, seed: 9), randomTensor([c.o], seed: 10)) }
        for _ in 0..<2 {
            backward(grads[0].0, grads[0].1, grads[0].2)
            plan.backward(x: x.data, weight: weight.data, dy: dy.data, dx: grads[1].0.data, dWeight: grads[1].1.data,
                          dBias: c.bias ? grads[1].2.data : nil)
        }
        #expect(maxRelativeError(grads[1].0, grads[0].0) < 1e-5, "dx \(c)")
        #expect(maxRelativeError(grads[1].1, grads[0].1) < 1e-4, "dW \(c)")
        #expect(maxRelativeError(grads[1].2, grads[0].2) < 1e-4, "dBias \(c)")
    }
}
