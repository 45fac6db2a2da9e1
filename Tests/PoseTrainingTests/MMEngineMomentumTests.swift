import Foundation
import Testing
import PoseNN
import PoseTensor
@testable import PoseTraining

/// Momentum schedulers against MMEngine's own (Tests/Fixtures/recipe/mmengine_momentum.json,
/// made by make_momentum_fixture.py with MMEngine 0.10.7 and PyTorch): the learning rate and
/// momentum (SGD) or first beta (Adam, AdamW) of every iteration of 12 epochs of 5, and the
/// parameter the optimizer leaves after training with them on the fixture's gradients.
@Suite struct MMEngineMomentumTests {
    struct Fixture: Decodable {
        let epoch_length: Int, max_epochs: Int
        let initial: [Float]
        let cases: [Case]
    }
    struct Case: Decodable {
        let name: String, optimizer: String, param_scheduler: String
        let lr: [Double], momentum: [Double], final: [Float]
    }

    @Test func momentaAndTheirStepsEqualMMEngines() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/recipe/mmengine_momentum.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        let dir = try temporaryDirectory("mmengine-momentum")
        #expect(fixture.cases.count == 4)
        for c in fixture.cases {
            let config = try tinyConfig(in: dir, extra: """
                optim_wrapper = dict(optimizer=\(c.optimizer))
                param_scheduler = \(c.param_scheduler)
                """)
            let s = try settings(config)
            let parameter = Parameter(shape: [fixture.initial.count])
            let arena = ParameterArena([parameter])
            parameter.value.data.update(from: fixture.initial, count: fixture.initial.count)
            let groups = [ParameterGroup(parameters: [0], learningRate: s.optimWrapper.optimizer.learningRate,
                                         weightDecay: s.optimWrapper.optimizer.weightDecay)]
            let optimizer = try s.optimWrapper.optimizer.makeOptimizer(arena: arena, groups: groups)
            let schedule = try ParameterSchedule(s.schedulers, optimizer: optimizer, epochLength: fixture.epoch_length,
                                                 maxEpochs: fixture.max_epochs)
            var rates: [Double] = [], momenta: [Double] = [], t = 0
            for _ in 0..<fixture.max_epochs {
                for _ in 0..<fixture.epoch_length {
                    rates.append(schedule.learningRate)
                    momenta.append(schedule.momentum)
                    for i in 0..<fixture.initial.count {
                        parameter.grad[i] = Float(sin(0.7 * Double(t) + Double(i)) + 0.1 * Double(i))
                    }
                    optimizer.step()
                    t += 1
                    schedule.step(byEpoch: false)
                }
                schedule.step(byEpoch: true)
            }
            func worst(_ a: [Double], _ b: [Double]) -> Double {
                zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? .infinity
            }
            #expect(momenta.count == c.momentum.count && worst(momenta, c.momentum) <= 1e-12,
                    "\(c.name): momentum\nSwiftPose \(momenta)\nMMEngine  \(c.momentum)")
            #expect(worst(rates, c.lr) <= 1e-12, "\(c.name): lr\nSwiftPose \(rates)\nMMEngine  \(c.lr)")
            let final = parameter.value.array
            let scale = c.final.map { abs($0) }.max() ?? 1
            let error = zip(final, c.final).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error <= 2e-5 * scale, "\(c.name): parameter \(final) vs PyTorch \(c.final)")
        }
    }

    @Test func aMomentumSchedulerNeedsAnOptimizerWithMomentum() throws {
        final class Plain: Optimizer {
            var groups: [ParameterGroup] = []
            func step() {}
            var stepCount: Int { 0 }
            func restore(stepCount: Int) {}
            var stateTensors: [(name: String, tensor: Tensor)] { [] }
        }
        let dir = try temporaryDirectory("momentum-plain")
        let s = try settings(try tinyConfig(in: dir, extra: "param_scheduler = [dict(type='LinearMomentum', start_factor=0.5, end=3)]"))
        #expect(s.schedulers.first?.scheduledValue == .momentum)
        do {
            _ = try ParameterSchedule(s.schedulers, optimizer: Plain())
            Issue.record("accepted")
        } catch { #expect("\(error)".contains("momentum schedulers need an optimizer with momentum or betas"), "\(error)") }
    }
}
