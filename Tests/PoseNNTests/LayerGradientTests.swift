import Testing
import SwiftPoseTestSupport
@testable import PoseNN
import PoseTensor

/// Random input and parameters, then a finite-difference check of dx and every parameter.
func expectGradientsMatch(_ layer: Layer, inputShape: [Int], seed: UInt64 = 1, checkInput: Bool = true,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = RandomGenerator(seed: seed)
    for (_, p) in layer.stateDict().parameters { rng.fillUniform(p.value, low: -0.8, high: 0.8) }
    let x = Tensor(zeros: inputShape)
    rng.fillUniform(x, low: -1, high: 1)
    let mismatches = GradientCheck().run(layer, input: x, checkInput: checkInput)
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))", sourceLocation: sourceLocation)
}

@Suite struct LayerGradientTests {
    @Test func conv2dWithBias() { expectGradientsMatch(Conv2d(3, 4, kernel: 3, padding: 1), inputShape: [2, 3, 5, 6]) }
    @Test func conv2dStridedNoBias() {
        expectGradientsMatch(Conv2d(2, 3, kernel: 3, stride: 2, padding: 1, bias: false), inputShape: [2, 2, 7, 6])
    }
    @Test func conv2dDilated() {
        expectGradientsMatch(Conv2d(2, 2, kernel: 3, padding: 2, dilation: 2), inputShape: [1, 2, 7, 7])
    }
    @Test func conv2dGrouped() {
        expectGradientsMatch(Conv2d(6, 4, kernel: 3, stride: 2, padding: 1, groups: 2), inputShape: [2, 6, 5, 6])
    }
    @Test func conv2dPointwise() { expectGradientsMatch(Conv2d(4, 3, kernel: 1), inputShape: [2, 4, 3, 5]) }
    @Test func conv2dStem7x7() {
        expectGradientsMatch(Conv2d(3, 2, kernel: 7, stride: 2, padding: 3, bias: false), inputShape: [1, 3, 9, 8])
    }

    @Test(arguments: [(4, 1, 0), (3, 1, 1), (2, 0, 0)])
    func convTranspose2d(kernel: Int, padding: Int, outputPadding: Int) {
        let layer = ConvTranspose2d(3, 2, kernel: kernel, stride: 2, padding: padding, outputPadding: outputPadding,
                                    bias: false)
        expectGradientsMatch(layer, inputShape: [2, 3, 3, 4])
    }

    @Test func convTranspose2dWithBias() {
        expectGradientsMatch(ConvTranspose2d(2, 3, kernel: 4, stride: 2, padding: 1), inputShape: [1, 2, 3, 3])
    }

    @Test(arguments: [false, true])
    func batchNormTraining(relu: Bool) {
        expectGradientsMatch(BatchNorm2d(3, relu: relu), inputShape: [3, 3, 4, 5])
    }

    @Test func batchNormFrozenUsesRunningStatistics() {
        let bn = BatchNorm2d(3, relu: true)
        var rng = RandomGenerator(seed: 3)
        rng.fillUniform(bn.runningMean, low: -0.5, high: 0.5)
        rng.fillUniform(bn.runningVar, low: 0.5, high: 2)
        bn.frozen = true
        expectGradientsMatch(bn, inputShape: [2, 3, 4, 4])
    }

    @Test func batchNormUpdatesRunningStatisticsLikePyTorch() {
        let bn = BatchNorm2d(1)
        let x = Tensor([1, 2, 3, 6], shape: [2, 1, 1, 2])
        _ = bn.forward(x, mode: .training)
        // mean 3, unbiased var 14/3
        #expect(abs(bn.runningMean[0] - 0.3) < 1e-6)
        #expect(abs(bn.runningVar[0] - (0.9 + 0.1 * 14 / 3)) < 1e-6)
        #expect(bn.batchesTracked.value == 1)
        _ = bn.forward(x, mode: .inference)
        #expect(bn.batchesTracked.value == 1)
    }

    @Test func relu() { expectGradientsMatch(ReLU(), inputShape: [2, 3, 4, 4]) }
    @Test func sigmoid() { expectGradientsMatch(Sigmoid(), inputShape: [2, 5]) }
    @Test func maxPool() { expectGradientsMatch(MaxPool2d(kernel: 3, stride: 2, padding: 1), inputShape: [2, 2, 7, 6]) }
    @Test func averagePoolPaddedCountingPadding() {
        // ResNeSt's avd_layer: AvgPool2d(3, 2, padding=1), PyTorch's count_include_pad=True
        expectGradientsMatch(AvgPool2d(kernel: 3, stride: 2, padding: 1), inputShape: [2, 2, 5, 6])
    }
    @Test func averagePoolCeilMode() { expectGradientsMatch(AvgPool2d(kernel: 2, stride: 2, ceilMode: true, countIncludePad: false), inputShape: [2, 2, 5, 7]) }
    @Test func globalAveragePool() { expectGradientsMatch(GlobalAveragePool(), inputShape: [2, 3, 4, 5]) }
    @Test func upsampleNearest() { expectGradientsMatch(UpsampleNearest(factor: 2), inputShape: [2, 2, 3, 4]) }
    @Test(arguments: [(2, false), (4, false), (2, true)])
    func upsampleBilinear(factor: Int, alignCorners: Bool) {
        expectGradientsMatch(UpsampleBilinear(factor: factor, alignCorners: alignCorners), inputShape: [2, 2, 3, 4])
    }
    @Test func linear() { expectGradientsMatch(Linear(6, 4), inputShape: [3, 6]) }
    @Test func linearOnFeatureMaps() {
        expectGradientsMatch(Sequential([GlobalAveragePool(), Linear(3, 2)]), inputShape: [2, 3, 2, 2])
    }

    @Test func sequentialAndResidual() {
        let main = Sequential([("conv1", Conv2d(3, 3, kernel: 3, padding: 1, bias: false)), ("bn1", BatchNorm2d(3, relu: true)),
                               ("conv2", Conv2d(3, 4, kernel: 3, stride: 2, padding: 1, bias: false)), ("bn2", BatchNorm2d(4))])
        let shortcut = Sequential([Conv2d(3, 4, kernel: 1, stride: 2, bias: false), BatchNorm2d(4)])
        let block = Residual(main: main, shortcut: shortcut)
        #expect(block.stateDict().parameters.map(\.name) == [
            "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
            "downsample.0.weight", "downsample.1.weight", "downsample.1.bias",
        ])
        expectGradientsMatch(block, inputShape: [2, 3, 6, 5])
    }

    @Test func identityResidual() {
        let block = Residual(main: Sequential([Conv2d(2, 2, kernel: 3, padding: 1), BatchNorm2d(2)]))
        expectGradientsMatch(block, inputShape: [2, 2, 4, 4])
    }

    @Test func parallelBranches() {
        let parallel = Parallel([Conv2d(2, 3, kernel: 3, padding: 1), nil, Sequential([Conv2d(4, 2, kernel: 1), ReLU()])])
        var rng = RandomGenerator(seed: 5)
        let state = { () -> StateDict in var s = StateDict(); parallel.collectState(prefix: "p.", into: &s); return s }()
        #expect(state.parameters.map(\.name) == ["p.0.weight", "p.0.bias", "p.2.0.weight", "p.2.0.bias"])
        for (_, p) in state.parameters { rng.fillUniform(p.value, low: -1, high: 1) }
        let xs = [[1, 2, 4, 3], [1, 3, 2, 2], [1, 4, 2, 3]].map { shape -> Tensor in
            let t = Tensor(zeros: shape); rng.fillUniform(t, low: -1, high: 1); return t
        }
        // Check all three inputs and parameters by flattening the outputs into one loss.
        for branch in 0..<3 {
            let mismatches = GradientCheck().run(
                inputs: xs, checkedInput: branch, parameters: state.parameters,
                forward: { parallel.forward(xs, mode: .training) },
                backward: { parallel.backward($0) })
            #expect(mismatches.isEmpty, "branch \(branch): \(mismatches.prefix(5))")
        }
    }

    @Test func parameterArenaKeepsValuesAndSharesStorage() {
        let conv = Conv2d(2, 3, kernel: 3)
        var rng = RandomGenerator(seed: 1)
        rng.fillUniform(conv.weight.value, low: -1, high: 1)
        let before = conv.weight.value.array
        let arena = ParameterArena(conv.stateDict().parameters.map(\.parameter))
        #expect(conv.weight.value.array == before)
        arena.values.data[arena.offsets[0]] = 42
        #expect(conv.weight.value[0] == 42)
        conv.weight.grad[1] = 7
        #expect(arena.gradients[arena.offsets[0] + 1] == 7)
        arena.zeroGradients()
        #expect(conv.weight.grad[1] == 0)
    }
}
