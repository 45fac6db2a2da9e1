import Foundation
import Testing
import SwiftPoseTestSupport
@testable import PoseTensor

@Suite struct OtherKernelTests {
    @Test(arguments: [false, true])
    func batchNormTrainingMatchesReference(relu: Bool) {
        let x = randomTensor([3, 4, 5, 7], seed: 21)
        let gamma = randomTensor([4], seed: 22), beta = randomTensor([4], seed: 23)
        let y = Tensor(zeros: x.shape)
        let mean = Tensor(zeros: [4]), variance = Tensor(zeros: [4]), invStd = Tensor(zeros: [4])
        BatchNormKernels.forwardTraining(x: x.data, gamma: gamma.data, beta: beta.data, y: y.data, mean: mean.data,
                                         variance: variance.data, invStd: invStd.data, batch: 3, channels: 4,
                                         spatial: 35, eps: 1e-5, relu: relu)
        let ref = ReferenceKernels.batchNormTraining(x: x, gamma: gamma, beta: beta, eps: 1e-5, relu: relu)
        #expect(maxRelativeError(y, ref) < 1e-5)
    }

    @Test func maxPoolMatchesReference() {
        for (h, w) in [(9, 7), (8, 8), (5, 12)] {
            let x = randomTensor([2, 3, h, w], seed: 31)
            let g = ConvGeometry(channels: 1, height: h, width: w, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
            let y = Tensor(zeros: [2, 3, g.outHeight, g.outWidth])
            var idx = [Int32](repeating: 0, count: y.count)
            PoolingKernels.maxPoolForward(x: x.data, y: y.data, indices: &idx, planes: 6, geometry: g)
            #expect(maxRelativeError(y, ReferenceKernels.maxPool(x: x, geometry: g)) == 0)
            // backward routes each gradient to its argmax
            let dy = randomTensor(y.shape, seed: 32), dx = Tensor(zeros: x.shape)
            PoolingKernels.maxPoolBackward(dy: dy.data, indices: idx, dx: dx.data, planes: 6, geometry: g)
            var expected = [Float](repeating: 0, count: x.count)
            let outPlane = g.outHeight * g.outWidth
            for p in 0..<6 { for i in 0..<outPlane { expected[p * h * w + Int(idx[p * outPlane + i])] += dy[p * outPlane + i] } }
            #expect(dx.array == expected)
        }
    }

    @Test func globalAveragePoolAndUpsampleAreCorrect() {
        let x = randomTensor([2, 3, 4, 5], seed: 41)
        let y = Tensor(zeros: [2, 3, 1, 1])
        PoolingKernels.globalAverageForward(x: x.data, y: y.data, planes: 6, spatial: 20)
        for p in 0..<6 {
            var s: Float = 0
            for i in 0..<20 { s += x[p * 20 + i] }
            #expect(abs(y[p] - s / 20) < 1e-6)
        }
        let up = Tensor(zeros: [2, 3, 12, 15])
        ElementwiseKernels.upsampleNearest(x.data, up.data, planes: 6, height: 4, width: 5, factor: 3)
        for p in 0..<6 { for oy in 0..<12 { for ox in 0..<15 {
            #expect(up[(p * 12 + oy) * 15 + ox] == x[(p * 4 + oy / 3) * 5 + ox / 3])
        } } }
        let back = Tensor(zeros: x.shape)
        ElementwiseKernels.upsampleNearestBackward(up.data, back.data, planes: 6, height: 4, width: 5, factor: 3)
        for i in 0..<x.count { #expect(abs(back[i] - 9 * x[i]) < 1e-5) }
    }

    @Test func linearMatchesReference() {
        let x = randomTensor([3, 5], seed: 51), w = randomTensor([4, 5], seed: 52), b = randomTensor([4], seed: 53)
        let y = Tensor(zeros: [3, 4])
        LinearKernels.forward(x: x.data, weight: w.data, bias: b.data, y: y.data, batch: 3, inFeatures: 5, outFeatures: 4)
        for n in 0..<3 { for o in 0..<4 {
            var s = b[o]
            for i in 0..<5 { s += x[n * 5 + i] * w[o * 5 + i] }
            #expect(abs(y[n * 4 + o] - s) < 1e-5)
        } }
    }

    @Test func sigmoidAndReluAreCorrect() {
        let x = Tensor([-2, -0.5, 0, 0.5, 3], shape: [5])
        let y = Tensor(zeros: [5])
        ElementwiseKernels.sigmoid(x.data, y.data, count: 5)
        for i in 0..<5 { #expect(abs(y[i] - Float(1 / (1 + Foundation.exp(-Double(x[i]))))) < 1e-6) }
        ElementwiseKernels.relu(x.data, y.data, count: 5)
        #expect(y.array == [0, 0, 0, 0.5, 3])
    }

    @Test func randomGeneratorIsReproducibleAndStreamsDiffer() {
        var a = RandomGenerator(seed: 5, stream: [1, 2]), b = RandomGenerator(seed: 5, stream: [1, 2])
        var c = RandomGenerator(seed: 5, stream: [1, 3])
        let sa = (0..<8).map { _ in a.next() }, sb = (0..<8).map { _ in b.next() }, sc = (0..<8).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
        var n = RandomGenerator(seed: 9)
        let samples = (0..<20000).map { _ in n.normal() }
        let mean = samples.reduce(0, +) / 20000
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 20000
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}

@Suite struct BilinearResizeTests {
    /// Values from PyTorch 2.15's F.interpolate(mode='bilinear').
    @Test func matchesPyTorch() {
        let x = Tensor((0..<6).map(Float.init), shape: [1, 1, 2, 3])
        let y = Tensor(zeros: [1, 1, 3, 5])
        BilinearResize.forward(x.data, y.data, planes: 1, inH: 2, inW: 3, outH: 3, outW: 5)
        let expected: [Float] = [0, 0.4, 1, 1.6, 2, 1.5, 1.9, 2.5, 3.1, 3.5, 3, 3.4, 4, 4.6, 5]
        for i in 0..<15 { #expect(abs(y[i] - expected[i]) < 1e-5) }
        BilinearResize.forward(x.data, y.data, planes: 1, inH: 2, inW: 3, outH: 3, outW: 5, alignCorners: true)
        let aligned: [Float] = [0, 0.5, 1, 1.5, 2, 1.5, 2, 2.5, 3, 3.5, 3, 3.5, 4, 4.5, 5]
        for i in 0..<15 { #expect(abs(y[i] - aligned[i]) < 1e-5) }
        let z = Tensor(zeros: [1, 1, 3, 4])
        BilinearResize.forward(x.data, z.data, planes: 1, inH: 2, inW: 3, outH: 3, outW: 4, scale: 1.5)
        let scaled: [Float] = [0, 0.5, 1.1666667, 1.8333334, 1.5, 2, 2.666667, 3.3333335, 3, 3.5, 4.1666665, 4.8333335]
        for i in 0..<12 { #expect(abs(z[i] - scaled[i]) < 1e-5) }
        let big = Tensor((0..<12).map(Float.init), shape: [1, 1, 3, 4]), small = Tensor(zeros: [1, 1, 2, 2])
        BilinearResize.forward(big.data, small.data, planes: 1, inH: 3, inW: 4, outH: 2, outW: 2)
        #expect(small.array == [1.5, 3.5, 7.5, 9.5])
    }

    @Test func backwardIsTheAdjoint() {
        let x = randomTensor([2, 5, 4], seed: 61), c = randomTensor([2, 7, 9], seed: 62)
        let y = Tensor(zeros: c.shape), back = Tensor(zeros: x.shape)
        BilinearResize.forward(x.data, y.data, planes: 2, inH: 5, inW: 4, outH: 7, outW: 9)
        BilinearResize.backward(c.data, back.data, planes: 2, inH: 5, inW: 4, outH: 7, outW: 9)
        var lhs = 0.0, rhs = 0.0
        for i in 0..<y.count { lhs += Double(y[i]) * Double(c[i]) }
        for i in 0..<x.count { rhs += Double(x[i]) * Double(back[i]) }
        #expect(abs(lhs - rhs) < 1e-4)
    }
}

/// oneDNN's JIT SiLU (swish) against the scalar reference kernels, forward and backward.
@Suite struct OneDNNEltwiseTests {
    @Test func siluMatchesTheScalarKernels() throws {
        let n = 16 * 37 + 5
        let x = Tensor(zeros: [n]), dy = Tensor(zeros: [n])
        var rng = RandomGenerator(seed: 3)
        rng.fillUniform(x, low: -30, high: 30)
        rng.fillUniform(dy, low: -1, high: 1)
        let plan = try #require(OneDNNEltwise(.silu, count: n))
        let y = Tensor(zeros: [n]), dx = Tensor(zeros: [n]), yRef = Tensor(zeros: [n]), dxRef = Tensor(zeros: [n])
        plan.forward(x: x.data, y: y.data)
        plan.backward(x: x.data, dy: dy.data, dx: dx.data)
        ElementwiseKernels.silu(x.data, yRef.data, count: n)
        ElementwiseKernels.siluBackward(x: x.data, dy: dy.data, dx: dxRef.data, count: n)
        for i in 0..<n {
            #expect(abs(y[i] - yRef[i]) <= 2e-6 * max(1, abs(yRef[i])), "silu(\(x[i]))")
            #expect(abs(dx[i] - dxRef[i]) <= 2e-6 * max(1, abs(dxRef[i])), "silu'(\(x[i]))")
        }
    }
}
