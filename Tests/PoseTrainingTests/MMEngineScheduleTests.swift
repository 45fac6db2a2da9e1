import Foundation
import Testing
import PoseNN
@testable import PoseTraining

/// Learning rates at every iteration against MMEngine's own (Tests/Fixtures/recipe/
/// mmengine_lr.json, made by make_lr_fixture.py with MMEngine 0.10.7): 12 epochs of 5
/// iterations, SGD at lr 0.1, schedulers chained and stepped as MMEngine's runner and
/// ParamSchedulerHook do, `convert_to_iter_based` and missing `end`s included.
@Suite struct MMEngineScheduleTests {
    struct Fixture: Decodable {
        let epoch_length: Int, max_epochs: Int, base_lr: Double
        let cases: [Case]
    }
    struct Case: Decodable {
        let name: String, param_scheduler: String
        let lr: [Double]?, error: String?
    }

    @Test func learningRatesEqualMMEngines() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/recipe/mmengine_lr.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        let dir = try temporaryDirectory("mmengine-lr")
        var compared = 0
        for c in fixture.cases {
            guard let expected = c.lr else {
                // MMEngine has no QuadraticWarmupLR (MMPose and MMDetection register it); the
                // fixture's quadratic_warmup_mmdet case holds MMDetection's values
                #expect(c.name == "quadratic_warmup" && (c.error ?? "").contains("QuadraticWarmupLR"), "\(c.name): \(c.error ?? "")")
                continue
            }
            let config = try tinyConfig(in: dir, extra: "param_scheduler = \(c.param_scheduler)")
            let s = try settings(config)
            let optimizer = SGD(arena: ParameterArena([Parameter(shape: [1])]), learningRate: fixture.base_lr)
            let schedule = try ParameterSchedule(s.schedulers, optimizer: optimizer, epochLength: fixture.epoch_length, maxEpochs: fixture.max_epochs)
            var rates: [Double] = []
            for _ in 0..<fixture.max_epochs {
                for _ in 0..<fixture.epoch_length {
                    rates.append(schedule.learningRate)
                    schedule.step(byEpoch: false)
                }
                schedule.step(byEpoch: true)
            }
            #expect(rates.count == expected.count, "\(c.name)")
            let worst = zip(rates, expected).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? 0
            #expect(worst <= 1e-12, "\(c.name): relative error \(worst)\nSwiftPose \(rates)\nMMEngine  \(expected)")
            compared += 1
        }
        #expect(compared == 13, "cases compared: \(compared)")
    }
}
