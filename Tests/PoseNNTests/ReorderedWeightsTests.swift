import Testing
@testable import PoseNN
import PoseTensor

/// The convolutions' oneDNN-layout weight copies: made once per training step, reused across
/// inference batches while the arena's version holds, remade when it changes.
@Suite struct ReorderedWeightsTests {
    /// A convolution in an arena, and an arena-less twin with the same weights (it reorders on
    /// every call, so it is the reference for what the weights currently are).
    private func convolutions() -> (Conv2d, ParameterArena, Conv2d) {
        let conv = Conv2d(16, 32, kernel: 3, padding: 1), twin = Conv2d(16, 32, kernel: 3, padding: 1)
        var rng = RandomGenerator(seed: 11)
        rng.fillUniform(conv.weight.value, low: -1, high: 1)
        rng.fillUniform(conv.bias!.value, low: -1, high: 1)
        twin.weight.value.copy(from: conv.weight.value)
        twin.bias!.value.copy(from: conv.bias!.value)
        return (conv, ParameterArena([conv.weight, conv.bias!]), twin)
    }

    private func input(_ seed: Int) -> Tensor {
        let x = Tensor(zeros: [2, 16, 5, 6])
        var rng = RandomGenerator(seed: UInt64(seed))
        rng.fillUniform(x, low: -1, high: 1)
        return x
    }

    private var reordering: Bool { ComputeBackend.current == .onednn }

    @Test func inferenceReordersOnceUntilTheValuesChange() {
        let (conv, arena, twin) = convolutions()
        for seed in 1...3 {
            let x = input(seed)
            #expect(conv.forward(x, mode: .inference).array == twin.forward(x, mode: .inference).array)
        }
        #expect(conv.plans.weights.reorders == (reordering ? 1 : 0))

        // the optimizer's step, as the trainer records it
        for i in 0..<conv.weight.value.count { conv.weight.value[i] *= -0.5 }
        twin.weight.value.copy(from: conv.weight.value)
        arena.valuesDidChange()
        for seed in 4...5 {
            let x = input(seed)
            #expect(conv.forward(x, mode: .inference).array == twin.forward(x, mode: .inference).array)
        }
        #expect(conv.plans.weights.reorders == (reordering ? 2 : 0))
    }

    /// Training forwards reorder whether or not anyone recorded the change (the step's copy is
    /// fresh by construction), and every step costs the same number of reorders.
    @Test func trainingStepsReorderOncePerStep() {
        let (conv, _, twin) = convolutions()
        var perStep: [Int] = []
        for seed in 1...3 {
            let x = input(seed)
            let before = conv.plans.weights.reorders
            let y = conv.forward(x, mode: .training)
            #expect(y.array == twin.forward(x, mode: .training).array)
            let dy = Tensor(zeros: y.shape)
            var rng = RandomGenerator(seed: UInt64(seed + 10))
            rng.fillUniform(dy, low: -1, high: 1)
            #expect(conv.backward(dy).array == twin.backward(dy).array)
            perStep.append(conv.plans.weights.reorders - before)
            // an unrecorded write between steps: the next training forward still sees it
            for i in 0..<conv.weight.value.count { conv.weight.value[i] += 0.01 }
            twin.weight.value.copy(from: conv.weight.value)
        }
        #expect(Set(perStep).count == 1)
        #expect(perStep[0] <= (reordering ? 2 : 0) && perStep[0] >= (reordering ? 1 : 0))
    }

    /// After a training step the first inference batch reorders (the step changed the weights),
    /// later batches do not.
    @Test func validationAfterAStepReordersOnce() {
        let (conv, arena, twin) = convolutions()
        let x = input(1)
        _ = conv.forward(x, mode: .training)
        _ = twin.forward(x, mode: .training)
        for i in 0..<conv.weight.value.count { conv.weight.value[i] -= 0.02 }
        twin.weight.value.copy(from: conv.weight.value)
        arena.valuesDidChange()
        let before = conv.plans.weights.reorders
        for seed in 2...4 {
            let v = input(seed)
            #expect(conv.forward(v, mode: .inference).array == twin.forward(v, mode: .inference).array)
        }
        #expect(conv.plans.weights.reorders - before == (reordering ? 1 : 0))
    }
}
