import Foundation
import Testing
@testable import PoseTraining

/// `paramwise_cfg` against MMEngine 0.10.7's DefaultOptimWrapperConstructor (Tests/Fixtures/
/// recipe/mmengine_paramwise.json, made by make_paramwise_fixture.py on a PyTorch model with the
/// names and layer types of the tiny ResNet-18 + HeatmapHead, plus one depthwise convolution
/// `head.dw` SwiftPose's layers have no counterpart of): every parameter's rate and decay.
@Suite struct ParamwiseTests {
    struct Fixture: Decodable { let cases: [Case] }
    struct Case: Decodable {
        let name: String, optimizer: String, paramwise_cfg: String
        let params: [Row]
    }
    struct Row: Decodable {
        let name: String, lr: Double, wd: Double
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            name = try c.decode(String.self); lr = try c.decode(Double.self); wd = try c.decode(Double.self)
        }
    }

    @Test func groupsEqualMMEngines() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/recipe/mmengine_paramwise.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        let dir = try temporaryDirectory("paramwise")
        for c in fixture.cases {
            let config = try tinyConfig(in: dir, extra: "optim_wrapper = dict(optimizer=\(c.optimizer), paramwise_cfg=\(c.paramwise_cfg))")
            let s = try settings(config)
            let model = try makeModel(s, seed: 0)
            let groups = try s.optimWrapper.constructor.parameterGroups(for: model.state, optimizer: s.optimWrapper.optimizer)
            var ours: [String: (Double, Double)] = [:]
            for g in groups { for i in g.parameters { ours[model.state.parameters[i].name] = (g.learningRate, g.weightDecay) } }
            let expected = c.params.filter { !$0.name.hasPrefix("head.dw.") }
            #expect(Set(ours.keys) == Set(expected.map(\.name)), "\(c.name): parameter names differ")
            for row in expected {
                let (lr, wd) = try #require(ours[row.name], "\(c.name): \(row.name)")
                #expect(abs(lr - row.lr) <= 1e-15 * row.lr && abs(wd - row.wd) <= 1e-15 * max(row.wd, 1e-30),
                        "\(c.name): \(row.name) lr \(lr) wd \(wd), MMEngine lr \(row.lr) wd \(row.wd)")
            }
        }
    }

    /// MMEngine's `base_wd should not be None`, for Adam and SGD alike; with `weight_decay`
    /// given the multipliers apply.
    @Test(arguments: ["dict(type='Adam', lr=1e-3)", "dict(type='SGD', lr=1e-3)"])
    func decayMultipliersNeedAWeightDecay(optimizer: String) throws {
        let dir = try temporaryDirectory("paramwise-nowd")
        let config = try tinyConfig(in: dir, extra: "optim_wrapper = dict(optimizer=\(optimizer), paramwise_cfg=dict(norm_decay_mult=0))")
        let s = try settings(config)
        #expect(throws: TrainingError.self) {
            try s.optimWrapper.constructor.parameterGroups(for: try makeModel(s, seed: 0).state, optimizer: s.optimWrapper.optimizer)
        }
        let given = try settings(config, options: ["optim_wrapper.optimizer.weight_decay=0.1"])
        let groups = try given.optimWrapper.constructor.parameterGroups(for: try makeModel(given, seed: 0).state, optimizer: given.optimWrapper.optimizer)
        #expect(Set(groups.map(\.weightDecay)) == [0.1, 0])
    }
}
