import Foundation
import PoseConfig
import PoseData
@testable import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining
import SwiftPoseTestSupport
import Testing

/// RTMW's parts against MMPose 1.3.2's own (fixtures by tools/make_rtmw_fixtures.py on the tiny
/// model of Tests/Fixtures/rtmw): `CSPNeXtPAFPN` and `RTMWHead` (with its PixelShuffle) in eval
/// mode, one training step with KLDiscretLoss's `mask` (every gradient, the BatchNorm
/// statistics), and SimCCLabel's `decode_visibility`; PixelShuffle's gradient by finite
/// differences.
@Suite struct RTMWTests {
    @Test func matchesMMPose() throws {
        let fixture = try Checkpoint.load(path: repositoryRoot + "/Tests/Fixtures/parity/rtmw.safetensors")
        func tensor(_ key: String) throws -> Tensor { try fixtureTensor(fixture, key) }
        let file = repositoryRoot + "/Tests/Fixtures/rtmw/rtmw_tiny.py"
        let reader = try #require(try ConfigReader(try Config.load(path: file).root, path: "", file: file).dictionary("model"))
        let spec = try Components.stock.estimators.build(reader, context: BuildContext(components: .stock))
        let model = try #require(try makeModel(spec, seed: 0) as? TopdownPoseEstimator)
        let theirs = Set(fixture.tensors.keys.filter { $0.hasPrefix("state.") }.map { String($0.dropFirst(6)) })
        let ours = Set(model.state.parameters.map(\.name) + model.state.buffers.map(\.name))
        #expect(ours == theirs, "only ours: \(ours.subtracting(theirs).sorted().prefix(5)); only MMPose's: \(theirs.subtracting(ours).sorted().prefix(5))")
        for (name, p) in model.state.parameters { p.value.copy(from: try tensor("state." + name)) }
        for (name, b) in model.state.buffers { b.copy(from: try tensor("state." + name)) }
        model.arena.valuesDidChange()

        let input = try tensor("input")
        let out = model.predictOutput(input)
        #expect(relativeError(try #require(out.simccX), try tensor("eval_x")) < 1e-4)
        #expect(relativeError(try #require(out.simccY), try tensor("eval_y")) < 1e-4)
        let decoder = try #require(model.decoder)
        let expected = try tensor("visibility")
        for b in 0..<2 {
            let visibility = try #require(try decoder.decodeVisibility(HeadOutput(simccX: try tensor("eval_x"), simccY: try tensor("eval_y")), at: b))
            for j in 0..<20 { #expect(abs(visibility[j] - Double(expected[b * 20 + j])) < 1e-5, "visibility [\(b), \(j)]") }
        }

        let batch = Batch(images: input, targets: nil, labels: nil, weights: try tensor("weights"), samples: [], flipIndices: [],
                          simccX: try tensor("target_x"), simccY: try tensor("target_y"))
        model.arena.zeroGradients()
        let losses = try model.trainStep(batch, epoch: 0)
        for (name, value) in losses {
            let reference = try tensor("loss." + name)[0]
            #expect(abs(value - reference) <= 2e-4 * max(abs(reference), 1e-3), "\(name): \(value), MMPose \(reference)")
        }
        var worst = (0.0, "")
        for (name, p) in model.state.parameters {
            // the BatchNorm scales before a ScaleNorm have no gradient (the norm undoes any
            // scale): both sides hold rounding noise of 1e-13, hence the floor
            let error = relativeError(p.grad, try tensor("grad." + name), floor: 1e-8)
            if error > worst.0 { worst = (error, name) }
        }
        #expect(worst.0 < 2e-3, "largest relative gradient error \(worst.0) at \(worst.1)")
        for (name, b) in model.state.buffers where name.contains("running") {
            #expect(relativeError(b, try tensor("after." + name)) < 1e-4, "\(name) after the step")
        }
    }

    @Test func pixelShuffleGradientMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 5)
        let shuffle = PixelShuffle(2)
        let x = Tensor(zeros: [2, 8, 3, 2])
        rng.fillNormal(x, std: 1)
        let y = shuffle.forward(x, mode: .training)
        #expect(y.shape == [2, 2, 6, 4])
        // PyTorch's definition, element by element
        for n in 0..<2 { for c in 0..<2 { for h in 0..<6 { for w in 0..<4 {
            let source = x[((n * 8 + c * 4 + (h % 2) * 2 + (w % 2)) * 3 + h / 2) * 2 + w / 2]
            #expect(y[((n * 2 + c) * 6 + h) * 4 + w] == source)
        } } } }
        let dy = Tensor(zeros: y.shape)
        rng.fillNormal(dy, std: 1)
        let dx = shuffle.backward(dy)
        // a permutation: the loss Σ y·dy has gradient dy permuted back
        for i in 0..<x.count {
            let keep = x[i]
            x[i] = keep + 0.5
            let up = shuffle.forward(x, mode: .inference)
            x[i] = keep
            var change = 0.0
            for j in 0..<up.count { change += Double(up[j] - y[j]) * Double(dy[j]) }
            #expect(abs(change / 0.5 - Double(dx[i])) < 1e-5)
        }
    }
}
