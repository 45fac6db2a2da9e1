import Foundation
import PoseTensor
import SwiftPoseTestSupport
import Testing

@Suite struct DeformableConvolutionTests {
    static let shapes: [DeformableConvolution.Shape] = [
        .init(batch: 1, inChannels: 2, height: 5, width: 6, outChannels: 3, kernel: 3, padding: 1),
        .init(batch: 2, inChannels: 4, height: 6, width: 5, outChannels: 4, kernel: 3, padding: 1, groups: 2, deformGroups: 2),
        .init(batch: 1, inChannels: 4, height: 7, width: 7, outChannels: 2, kernel: 3, stride: 2, padding: 1, deformGroups: 2),
        .init(batch: 1, inChannels: 6, height: 5, width: 5, outChannels: 6, kernel: 3, padding: 2, dilation: 2, groups: 3, deformGroups: 3),
        .init(batch: 1, inChannels: 3, height: 4, width: 4, outChannels: 2, kernel: 1),
    ]

    static func random(_ shape: [Int], _ rng: inout RandomGenerator, scale: Double) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t[i] = Float(rng.uniform(-scale, scale)) }
        return t
    }

    /// Offsets up to ±2.5 px move taps to fractional positions, some past the border.
    @Test(arguments: shapes) func matchesDefinition(_ s: DeformableConvolution.Shape) {
        var rng = RandomGenerator(seed: 11, stream: [UInt64(s.inChannels * 100 + s.kernel)])
        let x = Self.random([s.batch, s.inChannels, s.height, s.width], &rng, scale: 1)
        let offsets = Self.random([s.batch, s.offsetChannels, s.outHeight, s.outWidth], &rng, scale: 2.5)
        let weight = Self.random([s.outChannels, s.inChannels / s.groups, s.kernel, s.kernel], &rng, scale: 0.5)
        let bias = Self.random([s.outChannels], &rng, scale: 0.5)
        let y = Tensor(zeros: [s.batch, s.outChannels, s.outHeight, s.outWidth])
        DeformableConvolution.forward(x.data, offsets: offsets.data, weight: weight.data, bias: bias.data, shape: s, output: y.data)
        let reference = ReferenceKernels.deformConv2d(x: x, offsets: offsets, weight: weight, shape: s)
        var worst: Float = 0
        for i in 0..<y.count {
            let b = bias[(i / (s.outHeight * s.outWidth)) % s.outChannels]
            worst = max(worst, abs(y[i] - (reference[i] + b)))
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
    }

    /// Zero offsets: a plain (grouped) convolution.
    @Test func zeroOffsetsAreAConvolution() {
        let s = DeformableConvolution.Shape(batch: 1, inChannels: 4, height: 6, width: 7, outChannels: 4, kernel: 3, stride: 2, padding: 1, groups: 2)
        var rng = RandomGenerator(seed: 3, stream: [])
        let x = Self.random([1, 4, 6, 7], &rng, scale: 1), weight = Self.random([4, 2, 3, 3], &rng, scale: 1)
        let offsets = Tensor(zeros: [1, s.offsetChannels, s.outHeight, s.outWidth])
        let y = Tensor(zeros: [1, 4, s.outHeight, s.outWidth])
        DeformableConvolution.forward(x.data, offsets: offsets.data, weight: weight.data, bias: nil, shape: s, output: y.data)
        // the grouped convolution as two ungrouped ones
        for g in 0..<2 {
            let xg = Tensor(zeros: [1, 2, 6, 7]), wg = Tensor(zeros: [2, 2, 3, 3])
            for i in 0..<xg.count { xg[i] = x[g * xg.count + i] }
            for i in 0..<wg.count { wg[i] = weight[g * wg.count + i] }
            let geometry = ConvGeometry(channels: 2, height: 6, width: 7, kernel: (3, 3), stride: (2, 2), padding: (1, 1), dilation: (1, 1))
            let reference = ReferenceKernels.conv2d(x: xg, weight: wg, bias: nil, geometry: geometry)
            for i in 0..<reference.count { #expect(abs(y[g * reference.count + i] - reference[i]) < 1e-5) }
        }
    }
}

/// The fixture's cases (tools/make_mmpose_parity_fixtures.py deform_conv: a port of MMCV's CPU
/// kernel checked against a transcription of its C++ forward and backward).
@Suite struct DeformableConvolutionFixtureTests {
    struct Field: Decodable { var shape: [Int]; var data: [Float] }
    struct Case: Decodable {
        var kernel, out_channels, stride, padding, dilation, groups, deform_groups: Int
        var input, offset, weight, output: Field
    }
    struct File: Decodable { var cases: [Case] }

    @Test func forwardAsMMCV() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/deform_conv/deform_conv.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        #expect(file.cases.count == 4)
        for c in file.cases {
            let s = DeformableConvolution.Shape(batch: c.input.shape[0], inChannels: c.input.shape[1], height: c.input.shape[2], width: c.input.shape[3],
                                                outChannels: c.out_channels, kernel: c.kernel, stride: c.stride, padding: c.padding,
                                                dilation: c.dilation, groups: c.groups, deformGroups: c.deform_groups)
            #expect([s.batch, s.offsetChannels, s.outHeight, s.outWidth] == c.offset.shape)
            let y = [Float](unsafeUninitializedCapacity: c.output.data.count) { buffer, count in
                DeformableConvolution.forward(c.input.data, offsets: c.offset.data, weight: c.weight.data, bias: nil, shape: s, output: buffer.baseAddress!)
                count = c.output.data.count
            }
            let worst = zip(y, c.output.data).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-5, "largest difference \(worst)")
        }
    }
}

extension DeformableConvolutionFixtureTests {
    struct GradientCase: Decodable {
        var kernel, out_channels, stride, padding, dilation, groups, deform_groups: Int
        var input, offset, weight, r, grad_input, grad_offset, grad_weight: Field
    }
    struct GradientFile: Decodable { var cases: [GradientCase] }

    /// The gradients of Σ output · R with respect to input, offsets and weights, as PyTorch's
    /// autograd gives them through the port of MMCV's kernel.
    @Test func backwardAsMMCV() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/deform_conv/deform_conv.json")
        let file = try JSONDecoder().decode(GradientFile.self, from: Data(contentsOf: url))
        for c in file.cases {
            let s = DeformableConvolution.Shape(batch: c.input.shape[0], inChannels: c.input.shape[1], height: c.input.shape[2], width: c.input.shape[3],
                                                outChannels: c.out_channels, kernel: c.kernel, stride: c.stride, padding: c.padding,
                                                dilation: c.dilation, groups: c.groups, deformGroups: c.deform_groups)
            var dx = [Float](repeating: 0, count: c.grad_input.data.count), dOffsets = [Float](repeating: 0, count: c.grad_offset.data.count)
            var dWeight = [Float](repeating: 0, count: c.grad_weight.data.count)
            DeformableConvolution.backward(c.input.data, offsets: c.offset.data, weight: c.weight.data, dy: c.r.data, shape: s,
                                           dx: &dx, dOffsets: &dOffsets, dWeight: &dWeight, dBias: nil)
            for (name, mine, theirs) in [("input", dx, c.grad_input.data), ("offset", dOffsets, c.grad_offset.data), ("weight", dWeight, c.grad_weight.data)] {
                let worst = zip(mine, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
                #expect(worst < 1e-5, "\(name): largest difference \(worst)")
            }
        }
    }
}

extension DeformableConvolutionTests {
    /// Central differences of Σ output · R with respect to a few inputs, offsets and weights.
    @Test func backwardMatchesFiniteDifferences() {
        let s = DeformableConvolution.Shape(batch: 1, inChannels: 4, height: 5, width: 6, outChannels: 4, kernel: 3, padding: 1, groups: 2, deformGroups: 2)
        var rng = RandomGenerator(seed: 21, stream: [])
        let x = Self.random([1, 4, 5, 6], &rng, scale: 1), offsets = Self.random([1, s.offsetChannels, 5, 6], &rng, scale: 2)
        let weight = Self.random([4, 2, 3, 3], &rng, scale: 0.5)
        let r = Self.random([1, 4, 5, 6], &rng, scale: 1)
        // fractional parts in [0.2, 0.8]: the bilinear sample has kinks at whole pixels, which a
        // central difference across them would not see as a slope
        for i in 0..<offsets.count { offsets[i] = Float(rng.uniform(-3, 2).rounded(.down) + rng.uniform(0.2, 0.8)) }
        func loss() -> Double {
            let y = Tensor(zeros: [1, 4, 5, 6])
            DeformableConvolution.forward(x.data, offsets: offsets.data, weight: weight.data, bias: nil, shape: s, output: y.data)
            return (0..<y.count).reduce(0.0) { $0 + Double(y[$1]) * Double(r[$1]) }
        }
        let dx = Tensor(zeros: x.shape), dOffsets = Tensor(zeros: offsets.shape), dWeight = Tensor(zeros: weight.shape)
        DeformableConvolution.backward(x.data, offsets: offsets.data, weight: weight.data, dy: r.data, shape: s,
                                       dx: dx.data, dOffsets: dOffsets.data, dWeight: dWeight.data, dBias: nil)
        func check(_ t: Tensor, _ gradient: Tensor, _ name: String) {
            for i in stride(from: 0, to: t.count, by: max(1, t.count / 17)) {
                let saved = t[i], eps: Float = 1e-2
                t[i] = saved + eps; let up = loss()
                t[i] = saved - eps; let down = loss()
                t[i] = saved
                let numeric = (up - down) / Double(2 * eps)
                #expect(abs(numeric - Double(gradient[i])) < 2e-2 * max(1, abs(numeric)), "\(name)[\(i)]: \(gradient[i]) vs \(numeric)")
            }
        }
        check(x, dx, "input"); check(offsets, dOffsets, "offsets"); check(weight, dWeight, "weight")
    }
}
