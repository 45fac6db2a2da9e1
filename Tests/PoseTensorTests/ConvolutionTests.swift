import Testing
import SwiftPoseTestSupport
@testable import PoseTensor

/// A convolution case: input C×H×W, output channels, kernel (kh, kw), stride, padding, dilation.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let batch, channels, height, width, outChannels: Int
    let kernel, stride, padding, dilation: (Int, Int)
    let bias: Bool
    var testDescription: String {
        "\(batch)x\(channels)x\(height)x\(width)->\(outChannels) k\(kernel) s\(stride) p\(padding) d\(dilation) bias=\(bias)"
    }
    var geometry: ConvGeometry {
        ConvGeometry(channels: channels, height: height, width: width, kernel: kernel, stride: stride,
                     padding: padding, dilation: dilation)
    }
}

let convCases: [ConvCase] = [
    ConvCase(batch: 2, channels: 3, height: 9, width: 7, outChannels: 5, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(batch: 1, channels: 4, height: 11, width: 8, outChannels: 6, kernel: (1, 1), stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: false),
    ConvCase(batch: 2, channels: 5, height: 6, width: 9, outChannels: 3, kernel: (1, 1), stride: (2, 2), padding: (0, 0), dilation: (1, 1), bias: true),
    ConvCase(batch: 2, channels: 3, height: 13, width: 10, outChannels: 4, kernel: (7, 7), stride: (2, 2), padding: (3, 3), dilation: (1, 1), bias: false),
    ConvCase(batch: 1, channels: 2, height: 10, width: 12, outChannels: 3, kernel: (3, 5), stride: (2, 1), padding: (1, 2), dilation: (1, 1), bias: true),
    ConvCase(batch: 2, channels: 3, height: 12, width: 11, outChannels: 2, kernel: (3, 3), stride: (1, 1), padding: (2, 2), dilation: (2, 2), bias: true),
    ConvCase(batch: 1, channels: 3, height: 5, width: 5, outChannels: 2, kernel: (3, 3), stride: (3, 2), padding: (0, 1), dilation: (1, 1), bias: false),
]

@Suite struct ConvolutionTests {
    @Test(arguments: convCases)
    func forwardMatchesReference(c: ConvCase) {
        let g = c.geometry
        let x = randomTensor([c.batch, c.channels, c.height, c.width], seed: 1)
        let w = randomTensor([c.outChannels, c.channels, c.kernel.0, c.kernel.1], seed: 2)
        let b = c.bias ? randomTensor([c.outChannels], seed: 3) : nil
        let y = Tensor(zeros: [c.batch, c.outChannels, g.outHeight, g.outWidth])
        Convolution.forward(x: x.data, weight: w.data, bias: b?.data, y: y.data, batch: c.batch, geometry: g,
                            outChannels: c.outChannels)
        let ref = ReferenceKernels.conv2d(x: x, weight: w, bias: b, geometry: g)
        #expect(y.shape == ref.shape)
        #expect(maxRelativeError(y, ref) < 1e-5)
    }

    @Test(arguments: convCases)
    func backwardMatchesReference(c: ConvCase) {
        let g = c.geometry
        let x = randomTensor([c.batch, c.channels, c.height, c.width], seed: 4)
        let w = randomTensor([c.outChannels, c.channels, c.kernel.0, c.kernel.1], seed: 5)
        let dy = randomTensor([c.batch, c.outChannels, g.outHeight, g.outWidth], seed: 6)
        let dx = Tensor(repeating: 9, shape: x.shape)  // must be overwritten
        let dw = randomTensor(w.shape, seed: 7), dwStart = dw.clone()  // must be accumulated into
        let db = Tensor(zeros: [c.outChannels])
        Convolution.backward(x: x.data, weight: w.data, dy: dy.data, dx: dx.data, dWeight: dw.data, dBias: db.data,
                             batch: c.batch, geometry: g, outChannels: c.outChannels)
        let ref = ReferenceKernels.conv2dBackward(x: x, weight: w, dy: dy, geometry: g)
        for i in 0..<dw.count { dw[i] -= dwStart[i] }
        #expect(maxRelativeError(dx, ref.dx) < 1e-5)
        #expect(maxRelativeError(dw, ref.dWeight) < 1e-5)
        #expect(maxRelativeError(db, ref.dBias) < 1e-5)
    }

    @Test func im2colAndCol2imAreAdjoint() {
        // <im2col(x), c> == <x, col2im(c)> for any x, c.
        let g = ConvGeometry(channels: 3, height: 7, width: 6, kernel: (3, 2), stride: (2, 1), padding: (1, 1),
                             dilation: (2, 1))
        let x = randomTensor([3, 7, 6], seed: 8)
        let c = randomTensor([g.columnRows, g.columnCount], seed: 9)
        let cols = Tensor(zeros: c.shape)
        Im2Col.im2col(x.data, g, cols: cols.data)
        let back = Tensor(zeros: x.shape)
        Im2Col.col2im(c.data, g, x: back.data)
        var lhs = 0.0, rhs = 0.0
        for i in 0..<c.count { lhs += Double(cols[i]) * Double(c[i]) }
        for i in 0..<x.count { rhs += Double(x[i]) * Double(back[i]) }
        #expect(abs(lhs - rhs) < 1e-4 * max(1, abs(lhs)))
    }
}

/// A transposed-convolution case with PyTorch's arguments.
struct DeconvCase: CustomTestStringConvertible, Sendable {
    let batch, inChannels, height, width, outChannels, kernel, stride, padding, outputPadding: Int
    let bias: Bool
    var testDescription: String {
        "\(batch)x\(inChannels)x\(height)x\(width)->\(outChannels) k\(kernel) s\(stride) p\(padding) op\(outputPadding)"
    }
    var geometry: ConvGeometry {
        TransposedConvolution.geometry(inHeight: height, inWidth: width, outChannels: outChannels,
                                       kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding),
                                       outputPadding: (outputPadding, outputPadding))
    }
}

let deconvCases: [DeconvCase] = [
    DeconvCase(batch: 2, inChannels: 4, height: 3, width: 2, outChannels: 3, kernel: 4, stride: 2, padding: 1, outputPadding: 0, bias: false),
    DeconvCase(batch: 1, inChannels: 3, height: 4, width: 3, outChannels: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1, bias: true),
    DeconvCase(batch: 2, inChannels: 2, height: 3, width: 5, outChannels: 4, kernel: 2, stride: 2, padding: 0, outputPadding: 0, bias: false),
    DeconvCase(batch: 1, inChannels: 3, height: 5, width: 4, outChannels: 2, kernel: 3, stride: 1, padding: 1, outputPadding: 0, bias: true),
]

@Suite struct TransposedConvolutionTests {
    @Test(arguments: deconvCases)
    func outputSizeMatchesPyTorch(c: DeconvCase) {
        let g = c.geometry
        #expect(g.height == (c.height - 1) * c.stride - 2 * c.padding + c.kernel + c.outputPadding)
        #expect(g.width == (c.width - 1) * c.stride - 2 * c.padding + c.kernel + c.outputPadding)
        if c.stride == 2 && c.kernel >= 2 { #expect(g.height == 2 * c.height) }
    }

    @Test(arguments: deconvCases)
    func forwardMatchesReference(c: DeconvCase) {
        let g = c.geometry
        let x = randomTensor([c.batch, c.inChannels, c.height, c.width], seed: 11)
        let w = randomTensor([c.inChannels, c.outChannels, c.kernel, c.kernel], seed: 12)
        let b = c.bias ? randomTensor([c.outChannels], seed: 13) : nil
        let y = Tensor(repeating: 5, shape: [c.batch, c.outChannels, g.height, g.width])
        TransposedConvolution.forward(x: x.data, weight: w.data, bias: b?.data, y: y.data, batch: c.batch,
                                      geometry: g, inChannels: c.inChannels)
        let ref = ReferenceKernels.convTranspose2d(x: x, weight: w, bias: b, geometry: g)
        #expect(maxRelativeError(y, ref) < 1e-5)
    }

    @Test(arguments: deconvCases)
    func backwardMatchesReference(c: DeconvCase) {
        let g = c.geometry
        let x = randomTensor([c.batch, c.inChannels, c.height, c.width], seed: 14)
        let w = randomTensor([c.inChannels, c.outChannels, c.kernel, c.kernel], seed: 15)
        let dy = randomTensor([c.batch, c.outChannels, g.height, g.width], seed: 16)
        let dx = Tensor(repeating: 3, shape: x.shape), dw = Tensor(zeros: w.shape), db = Tensor(zeros: [c.outChannels])
        TransposedConvolution.backward(x: x.data, weight: w.data, dy: dy.data, dx: dx.data, dWeight: dw.data,
                                       dBias: db.data, batch: c.batch, geometry: g, inChannels: c.inChannels)
        let ref = ReferenceKernels.convTranspose2dBackward(x: x, weight: w, dy: dy, geometry: g)
        #expect(maxRelativeError(dx, ref.dx) < 1e-5)
        #expect(maxRelativeError(dw, ref.dWeight) < 1e-5)
        #expect(maxRelativeError(db, ref.dBias) < 1e-5)
    }
}
