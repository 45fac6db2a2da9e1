import Foundation
import PoseConfig
import PoseData
@testable import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining
import SwiftPoseTestSupport
import Testing

/// DWPose's distiller against MMPose 1.3.2's own (fixtures by tools/make_dwpose_fixtures.py on
/// the tiny configs of Tests/Fixtures/dwpose): the state keys, one training step's losses, every
/// gradient and the BatchNorm statistics after it (the teacher's too: it runs in training mode,
/// as under MMEngine), and the predicting network's logits; the losses' own gradients by
/// finite differences.
@Suite struct DWPoseTests {
    static func model(_ stage: String) throws -> DWPoseDistiller {
        let file = repositoryRoot + "/Tests/Fixtures/dwpose/distill_\(stage).py"
        let config = try Config.load(path: file)
        let reader = try #require(try ConfigReader(config.root, path: "", file: file).dictionary("model"))
        let spec = try Components.stock.estimators.build(reader, context: BuildContext(components: .stock))
        return try #require(try makeModel(spec, seed: 0) as? DWPoseDistiller)
    }

    @Test(arguments: ["s1", "s2"])
    func oneStepMatchesMMPose(stage: String) throws {
        let fixture = try Checkpoint.load(path: repositoryRoot + "/Tests/Fixtures/parity/dwpose.safetensors")
        func tensor(_ key: String) throws -> Tensor { try fixtureTensor(fixture, "\(stage).\(key)") }
        let model = try Self.model(stage)
        let theirs = Set(fixture.tensors.keys.filter { $0.hasPrefix("\(stage).state.") }.map { String($0.dropFirst("\(stage).state.".count)) })
        let ours = Set(model.state.parameters.map(\.name) + model.state.buffers.map(\.name))
        #expect(ours == theirs, "only ours: \(ours.subtracting(theirs).sorted().prefix(5)); only MMPose's: \(theirs.subtracting(ours).sorted().prefix(5))")
        for (name, p) in model.state.parameters { p.value.copy(from: try tensor("state." + name)) }
        for (name, b) in model.state.buffers { b.copy(from: try tensor("state." + name)) }
        model.arena.valuesDidChange()
        #expect(model.state.trainableCount == model.state.parameters.filter { !$0.name.hasPrefix("teacher.") }.reduce(0) { $0 + $1.parameter.value.count })

        let batch = Batch(images: try tensor("input"), targets: nil, labels: nil, weights: try tensor("weights"), samples: [], flipIndices: [],
                          simccX: try tensor("target_x"), simccY: try tensor("target_y"))
        model.willTrain(maxEpochs: 4)
        model.arena.zeroGradients()
        let losses = try model.trainStep(batch, epoch: 1)
        let expected = fixture.tensors.keys.filter { $0.hasPrefix("\(stage).loss.") }.map { String($0.dropFirst("\(stage).loss.".count)) }
        #expect(Set(losses.map(\.name)) == Set(expected))
        for (name, value) in losses {
            let reference = try tensor("loss." + name)[0]
            #expect(abs(value - reference) <= 2e-4 * max(abs(reference), 1e-3), "\(stage) \(name): \(value), MMPose \(reference)")
        }
        var worst = (0.0, "")
        for (name, p) in model.state.parameters {
            guard let info = fixture.tensors["\(stage).grad.\(name)"] else {
                #expect((0..<p.grad.count).allSatisfy { p.grad[$0] == 0 }, "\(name) has a gradient MMPose does not")
                continue
            }
            #expect(info.shape == p.shape)
            let error = relativeError(p.grad, try tensor("grad." + name), floor: 1e-6)
            if error > worst.0 { worst = (error, name) }
        }
        #expect(worst.0 < 2e-3, "\(stage): largest relative gradient error \(worst.0) at \(worst.1)")
        for (name, b) in model.state.buffers where name.contains("running") {
            let error = relativeError(b, try tensor("after." + name), floor: 1e-6)
            #expect(error < 1e-4, "\(stage) \(name) after the step: relative error \(error)")
        }
        let out = model.predictor.predictOutput(try tensor("input"))
        #expect(relativeError(try #require(out.simccX), try tensor("predict_x")) < 1e-4)
        #expect(relativeError(try #require(out.simccY), try tensor("predict_y")) < 1e-4)
    }

    /// Each element of each tensor moved ±0.01: the central difference of `value` against the
    /// gradient given for it.
    static func checkCentralDifferences(_ pairs: [(Tensor, Tensor)], _ value: () throws -> Double) throws {
        for (t, g) in pairs {
            for i in 0..<t.count {
                let keep = t[i]
                t[i] = keep + 1e-2; let up = try value()
                t[i] = keep - 1e-2; let down = try value()
                t[i] = keep
                let numeric = (up - down) / 2e-2
                #expect(abs(numeric - Double(g[i])) < 2e-3 * max(1, abs(numeric)), "element \(i): \(g[i]) vs \(numeric)")
            }
        }
    }

    @Test func kdLossGradientMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 3)
        let (n, k, wx, hy) = (2, 3, 7, 5)
        let sx = Tensor(zeros: [n, k, wx]), sy = Tensor(zeros: [n, k, hy]), tx = Tensor(zeros: [n, k, wx]), ty = Tensor(zeros: [n, k, hy])
        for t in [sx, sy, tx, ty] { rng.fillNormal(t, std: 1) }
        let loss = KDLoss(weight: 0.3)
        func value() throws -> Double {
            Double(try loss(student: (sx, sy), teacher: (tx, ty), beta: 2, scale: 0.75, gradients: (Tensor(zeros: sx.shape), Tensor(zeros: sy.shape))))
        }
        let gx = Tensor(zeros: sx.shape), gy = Tensor(zeros: sy.shape)
        _ = try loss(student: (sx, sy), teacher: (tx, ty), beta: 2, scale: 0.75, gradients: (gx, gy))
        try Self.checkCentralDifferences([(sx, gx), (sy, gy)], value)
    }

    @Test func feaLossGradientMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 4)
        let loss = FeaLoss(studentChannels: 3, teacherChannels: 5, alpha: 0.01, rng: &rng)
        let student = Tensor(zeros: [2, 3, 2, 3]), teacher = Tensor(zeros: [2, 5, 2, 3])
        rng.fillNormal(student, std: 1); rng.fillNormal(teacher, std: 1)
        let align = try #require(loss.align)
        func value() throws -> Double {
            Double(try loss.lossAndGradient(student: student, teacher: teacher, scale: 0.5).loss)
        }
        align.weight.grad.zero(); align.bias!.grad.zero()
        let dStudent = try loss.lossAndGradient(student: student, teacher: teacher, scale: 0.5).gradient
        // copies: the finite differences' forwards add into the parameters' gradients again
        try Self.checkCentralDifferences([(student, dStudent.clone()), (align.weight.value, align.weight.grad.clone()),
                                          (align.bias!.value, align.bias!.grad.clone())], value)
    }

    @Test func refusesWhatMMPoseCannotRun() throws {
        let dir = try temporaryDirectory("dwpose-refusals")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func decode(_ model: String) throws {
            let file = dir + "/c.py"
            try model.write(toFile: file, atomically: true, encoding: .utf8)
            let reader = try #require(try ConfigReader(try Config.load(path: file).root, path: "", file: file).dictionary("model"))
            _ = try makeModel(try Components.stock.estimators.build(reader, context: BuildContext(components: .stock)), seed: 0)
        }
        let root = repositoryRoot + "/Tests/Fixtures/dwpose/"
        #expect(throws: ConfigError.self) {
            try decode("model = dict(type='DWPoseDistiller', teacher_cfg='configs/none.py', student_cfg='\(root)student.py')")
        }
        // a distiller naming itself as teacher would build itself forever
        #expect { try decode("model = dict(type='DWPoseDistiller', teacher_cfg='\(dir)/c.py', student_cfg='\(root)student.py')") }
            throws: { "\($0)".contains("is a DWPoseDistiller; teacher_cfg and student_cfg name TopdownPoseEstimator") }
        #expect(throws: ModelError.self) {
            try decode("""
            model = dict(type='DWPoseDistiller', two_dis=True, teacher_cfg='\(root)student.py', student_cfg='\(root)student.py',
                         distill_cfg=[dict(methods=[dict(type='FeaLoss', name='loss_fea', use_this=True, student_channels=64, teacher_channels=64)])])
            """)
        }
        #expect(throws: ConfigError.self) {
            try decode("""
            model = dict(type='DWPoseDistiller', teacher_cfg='\(root)teacher.py', student_cfg='\(root)student.py',
                         distill_cfg=[dict(methods=[dict(type='KDLoss', name='loss_kd', use_this=True)])])
            """)
        }
    }
}
