import Testing
@testable import PoseNN
import PoseTensor

/// Finite-difference checks of the layers on channel-blocked tensors (`N × C/16 × H × W × 16`).
@Suite struct BlockedLayerGradientTests {
    @Test(arguments: [false, true])
    func batchNorm(relu: Bool) {
        expectGradientsMatch(BatchNorm2d(32, relu: relu), inputShape: [2, 2, 3, 2, 16])
    }

    @Test func groupedConvolution() {
        let conv = Conv2d(32, 32, kernel: 3, padding: 1, groups: 4, bias: false)
        conv.blocksOutput = true
        expectGradientsMatch(conv, inputShape: [2, 2, 3, 4, 16])
    }

    @Test func maxPool() { expectGradientsMatch(MaxPool2d(kernel: 3, stride: 2, padding: 1), inputShape: [2, 1, 5, 4, 16]) }

    @Test func averagePool() { expectGradientsMatch(AvgPool2d(kernel: 2, stride: 2, ceilMode: true, countIncludePad: false), inputShape: [2, 1, 5, 3, 16]) }

    @Test func upsampleNearest() { expectGradientsMatch(UpsampleNearest(factor: 2), inputShape: [1, 2, 2, 3, 16]) }

    /// Bilinear upsampling on a blocked input, against itself on the NCHW copy.
    @Test func upsampleBilinear() {
        expectGradientsMatch(UpsampleBilinear(factor: 2), inputShape: [1, 1, 2, 3, 16])
        let x = Tensor(zeros: [2, 32, 3, 5])
        var rng = RandomGenerator(seed: 4)
        rng.fillUniform(x, low: -1, high: 1)
        let blocked = ChannelBlocking.converting(x, reusing: nil)
        let planarOut = UpsampleBilinear(factor: 4).forward(x, mode: .training)
        let blockedOut = UpsampleBilinear(factor: 4).forward(blocked, mode: .training)
        #expect(blockedOut.shape == [2, 2, 12, 20, 16])
        #expect(ChannelBlocking.converting(blockedOut, reusing: nil).array == planarOut.array)
    }

    /// Blocked in and out on oneDNN; under the BLAS backend the blocked input goes through the
    /// layer's NCHW copies instead.
    @Test func convolutionReadsAndWritesBlocked() {
        let conv = Conv2d(16, 32, kernel: 3, stride: 2, padding: 1)
        conv.blocksOutput = true
        let y = conv.forward(Tensor(zeros: [1, 1, 5, 4, 16]), mode: .training)
        #expect(y.shape == (ComputeBackend.current == .onednn ? [1, 2, 3, 2, 16] : [1, 32, 3, 2]))
        expectGradientsMatch(conv, inputShape: [1, 1, 5, 4, 16])
    }

    /// A blocked block input, and an NCHW one whose identity shortcut the block converts to its
    /// main branch's blocked output (and the gradient back).
    @Test(arguments: [[2, 1, 3, 3, 16], [2, 16, 3, 3]])
    func residualBlock(inputShape: [Int]) {
        let conv1 = Conv2d(16, 16, kernel: 3, padding: 1, bias: false), conv2 = Conv2d(16, 16, kernel: 1, bias: false)
        conv1.blocksOutput = true; conv2.blocksOutput = true
        let block = Residual(main: Sequential([("conv1", conv1), ("bn1", BatchNorm2d(16, relu: true)),
                                               ("conv2", conv2), ("bn2", BatchNorm2d(16))]))
        expectGradientsMatch(block, inputShape: inputShape)
    }
}
