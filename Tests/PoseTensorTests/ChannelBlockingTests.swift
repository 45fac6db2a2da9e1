import Testing
@testable import PoseTensor

/// The channel-blocked kernels against the NCHW ones they replace: each runs on the blocked
/// copy of the same data and its result, unblocked, must equal the NCHW kernel's.
///
/// Tensors handed to kernels as pointers are bound to names used after the call: a
/// temporary's `.data` may be freed before the kernel runs.
@Suite struct ChannelBlockingTests {
    func blocked(_ x: Tensor) -> Tensor { ChannelBlocking.converting(x, reusing: nil) }
    func planar(_ x: Tensor) -> Tensor { ChannelBlocking.converting(x, reusing: nil) }

    @Test func layoutIsNChw16cAndRoundTrips() {
        let x = randomTensor([2, 32, 3, 5], seed: 1)
        let b = blocked(x)
        #expect(b.shape == [2, 2, 3, 5, 16])
        // element (n, c, h, w) sits at ((n·C/16 + c/16)·H·W + h·W + w)·16 + c%16
        for (n, c, h, w) in [(0, 0, 0, 0), (1, 17, 2, 4), (0, 31, 1, 3), (1, 15, 0, 2)] {
            #expect(b[((n * 2 + c / 16) * 15 + h * 5 + w) * 16 + c % 16] == x[((n * 32 + c) * 3 + h) * 5 + w])
        }
        #expect(planar(b).array == x.array)
        #expect(ChannelBlocking.planarShape(b.shape) == x.shape && ChannelBlocking.planarShape(x.shape) == x.shape)
        #expect(!ChannelBlocking.canBlock(channels: 17) && ChannelBlocking.canBlock(channels: 48))
    }

    @Test(arguments: [false, true])
    func batchNormMatchesNCHW(relu: Bool) {
        let (n, c, h, w) = (3, 32, 5, 7), spatial = h * w
        let x = randomTensor([n, c, h, w], seed: 2), dy = randomTensor([n, c, h, w], seed: 3)
        let gamma = randomTensor([c], seed: 4), beta = randomTensor([c], seed: 5)
        let xb = blocked(x), dyb = blocked(dy)
        func stats() -> (Tensor, Tensor, Tensor) { (Tensor(zeros: [c]), Tensor(zeros: [c]), Tensor(zeros: [c])) }

        // training forward
        let (m1, v1, s1) = stats(), (m2, v2, s2) = stats()
        let y = Tensor(zeros: x.shape), yb = Tensor(zeros: xb.shape)
        BatchNormKernels.forwardTraining(x: x.data, gamma: gamma.data, beta: beta.data, y: y.data, mean: m1.data, variance: v1.data,
                                         invStd: s1.data, batch: n, channels: c, spatial: spatial, eps: 1e-5, relu: relu)
        BatchNormKernels.forwardTraining(x: xb.data, gamma: gamma.data, beta: beta.data, y: yb.data, mean: m2.data, variance: v2.data,
                                         invStd: s2.data, batch: n, channels: c, spatial: spatial, eps: 1e-5, relu: relu, blocked: true)
        #expect(maxRelativeError(m2, m1) < 1e-6 && maxRelativeError(v2, v1) < 1e-6 && maxRelativeError(s2, s1) < 1e-6)
        #expect(maxRelativeError(planar(yb), y) < 1e-5)

        // backward, through batch statistics and with fixed ones
        for training in [true, false] {
            let dx = Tensor(zeros: x.shape), dxb = Tensor(zeros: xb.shape)
            let (dg1, db1, dg2, db2) = (Tensor(zeros: [c]), Tensor(zeros: [c]), Tensor(zeros: [c]), Tensor(zeros: [c]))
            BatchNormKernels.backward(x: x.data, y: y.data, dy: dy.data, gamma: gamma.data, mean: m1.data, invStd: s1.data, dx: dx.data,
                                      dGamma: dg1.data, dBeta: db1.data, batch: n, channels: c, spatial: spatial, relu: relu,
                                      training: training)
            BatchNormKernels.backward(x: xb.data, y: yb.data, dy: dyb.data, gamma: gamma.data, mean: m1.data, invStd: s1.data,
                                      dx: dxb.data, dGamma: dg2.data, dBeta: db2.data, batch: n, channels: c, spatial: spatial,
                                      relu: relu, training: training, blocked: true)
            #expect(maxRelativeError(planar(dxb), dx) < 1e-5, "training \(training)")
            #expect(maxRelativeError(dg2, dg1) < 1e-5 && maxRelativeError(db2, db1) < 1e-5, "training \(training)")
        }

        // inference normalisation and SyncBN's sums
        let z = Tensor(zeros: x.shape), zb = Tensor(zeros: xb.shape)
        BatchNormKernels.normalize(x: x.data, gamma: gamma.data, beta: beta.data, y: z.data, mean: m1.data, invStd: s1.data,
                                   batch: n, channels: c, spatial: spatial, relu: relu)
        BatchNormKernels.normalize(x: xb.data, gamma: gamma.data, beta: beta.data, y: zb.data, mean: m1.data, invStd: s1.data,
                                   batch: n, channels: c, spatial: spatial, relu: relu, blocked: true)
        #expect(planar(zb).array == z.array)
        var sums = [Double](repeating: 0, count: 4 * c), sumsBlocked = sums
        sums.withUnsafeMutableBufferPointer { p in
            BatchNormKernels.channelSums(x: x.data, batch: n, channels: c, spatial: spatial, sums: p.baseAddress!,
                                         sumSquares: p.baseAddress! + c)
            BatchNormKernels.gradientSums(x: x.data, y: y.data, dy: dy.data, mean: m1.data, batch: n, channels: c, spatial: spatial,
                                          relu: relu, sumDy: p.baseAddress! + 2 * c, sumDyXmu: p.baseAddress! + 3 * c)
        }
        sumsBlocked.withUnsafeMutableBufferPointer { p in
            let b = p.baseAddress!
            BatchNormKernels.channelSums(x: xb.data, batch: n, channels: c, spatial: spatial, sums: b, sumSquares: b + c, blocked: true)
            BatchNormKernels.gradientSums(x: xb.data, y: yb.data, dy: dyb.data, mean: m1.data, batch: n, channels: c, spatial: spatial,
                                          relu: relu, sumDy: b + 2 * c, sumDyXmu: b + 3 * c, blocked: true)
        }
        for i in 0..<(4 * c) { #expect(abs(sums[i] - sumsBlocked[i]) <= 1e-5 * max(1, abs(sums[i])), "sum \(i)") }
        withExtendedLifetime([x, dy, gamma, beta, xb, dyb, y, yb, z, zb]) {}
    }

    /// Strided windows take the direct scan; stride 1 (SPPBottleneck's 5, 9, 13) the separable
    /// kernel, also with many ties (values on a coarse grid), where the first maximum in
    /// row-major order must win as in the NCHW scan.
    @Test(arguments: [(3, 2, 1, false), (2, 2, 0, false), (3, 1, 1, false), (5, 1, 2, false), (9, 1, 4, false),
                      (13, 1, 6, false), (5, 1, 2, true), (13, 1, 6, true), (4, 1, 1, true)])
    func maxPoolMatchesNCHW(kernel: Int, stride: Int, padding: Int, ties: Bool) {
        let x = randomTensor([2, 32, 7, 6], seed: 6)
        if ties { for i in 0..<x.count { x[i] = (x[i] * 2).rounded() / 2 } }
        let g = ConvGeometry(channels: 1, height: 7, width: 6, kernel: (kernel, kernel), stride: (stride, stride),
                             padding: (padding, padding))
        let y = Tensor(zeros: [2, 32, g.outHeight, g.outWidth]), yb = Tensor(zeros: [2, 2, g.outHeight, g.outWidth, 16])
        var indices = [Int32](repeating: 0, count: y.count), blockedIndices = indices
        let xb = blocked(x)
        PoolingKernels.maxPoolForward(x: x.data, y: y.data, indices: &indices, planes: 64, geometry: g)
        BlockedSpatialKernels.maxPoolForward(x: xb.data, y: yb.data, indices: &blockedIndices, planes: 4, geometry: g)
        #expect(planar(yb).array == y.array)
        let dy = randomTensor(y.shape, seed: 7), dyb = blocked(dy)
        let dx = Tensor(zeros: x.shape), dxb = Tensor(repeating: 9, shape: xb.shape)
        PoolingKernels.maxPoolBackward(dy: dy.data, indices: indices, dx: dx.data, planes: 64, geometry: g)
        BlockedSpatialKernels.maxPoolBackward(dy: dyb.data, indices: blockedIndices, dx: dxb.data, planes: 4, geometry: g)
        #expect(planar(dxb).array == dx.array)
        withExtendedLifetime([x, xb, dy, dyb]) {}
    }

    @Test(arguments: [1, 2, 4])
    func upsampleMatchesNCHW(factor: Int) {
        let x = randomTensor([2, 16, 3, 5], seed: 8)
        let y = Tensor(zeros: [2, 16, 3 * factor, 5 * factor]), yb = Tensor(zeros: [2, 1, 3 * factor, 5 * factor, 16])
        let xb = blocked(x)
        ElementwiseKernels.upsampleNearest(x.data, y.data, planes: 32, height: 3, width: 5, factor: factor)
        BlockedSpatialKernels.upsampleNearest(xb.data, yb.data, planes: 2, height: 3, width: 5, factor: factor)
        #expect(planar(yb).array == y.array)
        let dy = randomTensor(y.shape, seed: 9), dyb = blocked(dy), dx = Tensor(zeros: x.shape), dxb = Tensor(zeros: [2, 1, 3, 5, 16])
        ElementwiseKernels.upsampleNearestBackward(dy.data, dx.data, planes: 32, height: 3, width: 5, factor: factor)
        BlockedSpatialKernels.upsampleNearestBackward(dyb.data, dxb.data, planes: 2, height: 3, width: 5, factor: factor)
        #expect(planar(dxb).array == dx.array)
        withExtendedLifetime([x, xb, dy, dyb]) {}
    }

    /// oneDNN convolutions reading and writing blocked tensors against the same plan on NCHW.
    @Test(arguments: [(16, 32, 3, 1, true, true), (32, 16, 3, 2, true, true), (3, 16, 7, 2, false, true),
                      (32, 17, 1, 1, true, false), (16, 48, 1, 2, true, true)])
    func oneDNNConvolutionOnBlockedTensors(c: Int, o: Int, k: Int, s: Int, blockedIn: Bool, blockedOut: Bool) throws {
        let (n, h, w) = (2, 9, 7)
        let g = ConvGeometry(channels: c, height: h, width: w, kernel: (k, k), stride: (s, s), padding: (k / 2, k / 2))
        func shape(_ si: Bool, _ so: Bool) -> OneDNNConvolution.Shape {
            .init(batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: o, outHeight: g.outHeight, outWidth: g.outWidth,
                  kernel: (k, k), stride: (s, s), padding: (k / 2, k / 2), bias: true, sourceBlocked: si, destinationBlocked: so)
        }
        let reference = try #require(OneDNNConvolution(shape(false, false)))
        let plan = try #require(OneDNNConvolution(shape(blockedIn, blockedOut)))
        let x = randomTensor([n, c, h, w], seed: 10), weight = randomTensor([o, c, k, k], seed: 11), bias = randomTensor([o], seed: 12)
        let dy = randomTensor([n, o, g.outHeight, g.outWidth], seed: 13)
        func layout(_ t: Tensor, _ b: Bool) -> Tensor { b ? blocked(t) : t.clone() }
        func back(_ t: Tensor, _ b: Bool) -> Tensor { b ? planar(t) : t }
        let xb = layout(x, blockedIn), dyb = layout(dy, blockedOut)
        let y = Tensor(zeros: dy.shape), yb = layout(Tensor(zeros: dy.shape), blockedOut)
        reference.forward(x: x.data, weight: weight.data, bias: bias.data, y: y.data)
        plan.forward(x: xb.data, weight: weight.data, bias: bias.data, y: yb.data)
        #expect(maxRelativeError(back(yb, blockedOut), y) < 1e-5)
        let dx = Tensor(zeros: x.shape), dxb = layout(Tensor(zeros: x.shape), blockedIn)
        let (dW1, dW2, dB1, dB2) = (Tensor(zeros: weight.shape), Tensor(zeros: weight.shape), Tensor(zeros: [o]), Tensor(zeros: [o]))
        reference.backward(x: x.data, weight: weight.data, dy: dy.data, dx: dx.data, dWeight: dW1.data, dBias: dB1.data)
        plan.backward(x: xb.data, weight: weight.data, dy: dyb.data, dx: dxb.data, dWeight: dW2.data, dBias: dB2.data)
        #expect(maxRelativeError(back(dxb, blockedIn), dx) < 1e-5)
        #expect(maxRelativeError(dW2, dW1) < 1e-5 && maxRelativeError(dB2, dB1) < 1e-5)
        withExtendedLifetime([x, xb, dy, dyb, weight, bias]) {}
    }
}
