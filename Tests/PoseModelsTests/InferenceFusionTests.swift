import Testing
@testable import PoseModels
import PoseNN
import PoseTensor

/// The fused inference of whole backbones (`InferenceFusion`: every convolution followed by a
/// BatchNorm in a `Sequential` or `ConvModule` runs as one oneDNN convolution) against the same
/// backbone with fusion off, layer by layer, with random weights and BatchNorm statistics.
@Suite struct InferenceFusionTests {
    static func randomize(_ state: StateDict, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        for (name, p) in state.parameters {
            rng.fillUniform(p.value, low: name.hasSuffix("bn.weight") || name.contains("bn") ? 0.5 : -0.3, high: name.contains("bn") ? 1.5 : 0.3)
        }
        for (name, b) in state.buffers {
            if name.hasSuffix("running_var") { rng.fillUniform(b, low: 0.5, high: 2) } else { rng.fillUniform(b, low: -0.2, high: 0.2) }
        }
    }

    static func compare(_ backbone: Backbone, input: [Int]) -> Float {
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        randomize(state, seed: 4)
        let x = Tensor(zeros: input)
        var rng = RandomGenerator(seed: 5)
        rng.fillUniform(x, low: -1, high: 1)
        let fused = backbone.forward(x, mode: .inference).map { $0.clone() }
        let reference = InferenceFusion.$isEnabled.withValue(false) { backbone.forward(x, mode: .inference).map { $0.clone() } }
        var worst: Float = 0
        for (a, b) in zip(fused, reference) {
            guard a.shape == b.shape else { return .infinity }
            var scale: Float = 0
            for i in 0..<b.count { scale = max(scale, abs(b[i])) }
            for i in 0..<b.count { worst = max(worst, abs(a[i] - b[i]) / max(scale, 1e-6)) }
        }
        return worst
    }

    @Test func resNetFusedEqualsLayerByLayer() throws {
        var spec = ResNetSpec(depth: 50)
        (spec.stemChannels, spec.baseChannels) = (8, 4)
        var rng = RandomGenerator(seed: 1)
        let worst = Self.compare(try ResNet(spec, rng: &rng), input: [2, 3, 64, 48])
        #expect(worst <= 1e-4, "largest difference \(worst) of the output's range")
        // on oneDNN the fused path ran: its rounding differs from the layers'
        if ComputeBackend.current == .onednn { #expect(worst > 0) }
    }

    @Test func hrNetFusedEqualsLayerByLayer() throws {
        var rng = RandomGenerator(seed: 2)
        let worst = Self.compare(try HRNet(.standard(width: 4), rng: &rng), input: [2, 3, 64, 64])
        #expect(worst <= 1e-4, "largest difference \(worst) of the output's range")
        if ComputeBackend.current == .onednn { #expect(worst > 0) }
    }
}
