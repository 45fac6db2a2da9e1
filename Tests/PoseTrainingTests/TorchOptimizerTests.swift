import Foundation
import Testing
import PoseNN
import PoseTensor
@testable import PoseTraining

/// Optimizer steps and gradient clipping against PyTorch 2.13's own (Tests/Fixtures/recipe/
/// torch_optimizers.json, made by make_optimizer_fixture.py): five steps on fixed gradients,
/// two parameter groups (the second at half the rate and no weight decay).
@Suite struct TorchOptimizerTests {
    struct Fixture: Decodable {
        let initial: [Float], gradients: [[Float]]
        let cases: [Case]
        let clip_grad: [Clip]
    }
    struct Case: Decodable {
        let name: String, optimizer: String
        let kwargs: [String: Value]
        let params: [[Float]]
    }
    struct Clip: Decodable {
        let gradient: [Float], max_norm: Double, norm_type: Value, total_norm: Double, clipped: [Float]
    }
    enum Value: Decodable, CustomStringConvertible {
        case number(Double), bool(Bool), list([Double]), text(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let l = try? c.decode([Double].self) { self = .list(l) }
            else { self = .text(try c.decode(String.self)) }
        }
        var description: String {
            switch self {
            case .number(let d): return "\(d)"
            case .bool(let b): return b ? "True" : "False"
            case .list(let l): return "(" + l.map { "\($0)" }.joined(separator: ", ") + ")"
            case .text(let t): return "'\(t)'"
            }
        }
    }

    static let fixture: Fixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/Fixtures/recipe/torch_optimizers.json"))
        return try! JSONDecoder().decode(Fixture.self, from: data)
    }()

    /// A 4-element and a 3-element parameter, valued as the fixture's initial vector.
    func arena(_ values: [Float]) -> ParameterArena {
        let arena = ParameterArena([Parameter(shape: [4]), Parameter(shape: [3])])
        write(values, to: arena.parameters.map(\.value))
        return arena
    }

    /// The fixture's flat 7-vector, mapped to and from the two parameters (the arena pads them).
    func write(_ flat: [Float], to tensors: [Tensor]) {
        for i in 0..<4 { tensors[0].data[i] = flat[i] }
        for i in 0..<3 { tensors[1].data[i] = flat[4 + i] }
    }
    func read(_ tensors: [Tensor]) -> [Float] { (0..<4).map { tensors[0].data[$0] } + (0..<3).map { tensors[1].data[$0] } }

    @Test(arguments: fixture.cases.map(\.name))
    func stepsEqualPyTorch(_ name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name })
        // the optimizer as a config names it, through the registry
        let kwargs = c.kwargs.filter { !["foreach", "fused"].contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ", ")
        let dir = try temporaryDirectory("torch-optim")
        let s = try settings(try tinyConfig(in: dir, extra: "optim_wrapper = dict(optimizer=dict(type='\(c.optimizer)', \(kwargs)))"))
        let spec = s.optimWrapper.optimizer
        let a = arena(Self.fixture.initial)
        let groups = [ParameterGroup(parameters: [0], learningRate: spec.learningRate, weightDecay: spec.weightDecay),
                      ParameterGroup(parameters: [1], learningRate: spec.learningRate * 0.5, weightDecay: 0)]
        let optimizer = try spec.makeOptimizer(arena: a, groups: groups)
        for (step, gradient) in Self.fixture.gradients.enumerated() {
            write(gradient, to: a.parameters.map { $0.grad })
            optimizer.step()
            let got = read(a.parameters.map(\.value))
            // float32 with PyTorch's operation order except its lerp for the first moment: a few ulps
            let worst = zip(got, c.params[step]).map { abs($0 - $1) / (1e-7 + 2e-6 * abs($1)) }.max() ?? 0
            #expect(worst <= 1, "\(name) step \(step + 1): \(got) vs PyTorch \(c.params[step])")
        }
    }

    @Test func clippingEqualsClipGradNorm() {
        for clip in Self.fixture.clip_grad {
            let normType: Double
            if case .number(let p) = clip.norm_type { normType = p } else { normType = .infinity }
            let a = arena([Float](repeating: 0, count: 7))
            write(clip.gradient, to: a.parameters.map { $0.grad })
            let norm = GradientClipping(maxNorm: clip.max_norm, normType: normType)
                .clip(a, groups: [ParameterGroup(parameters: [0, 1], learningRate: 0.1, weightDecay: 0)])
            #expect(abs(norm - clip.total_norm) <= 1e-6 * max(1, clip.total_norm), "norm \(norm) vs \(clip.total_norm)")
            let got = read(a.parameters.map { $0.grad })
            let worst = zip(got, clip.clipped).map { abs($0 - $1) / max(abs($1), 1e-4) }.max() ?? 0
            #expect(worst < 1e-5, "max_norm \(clip.max_norm), norm_type \(clip.norm_type): \(got) vs \(clip.clipped)")
        }
    }
}
