import Testing
@testable import PoseModels
import PoseNN
import PoseTensor

/// The backbones with activations kept channel-blocked between layers (the oneDNN default)
/// against the same networks with every convolution on NCHW: outputs, every parameter's
/// gradient and the BatchNorm running statistics agree, over two steps.
@Suite struct ChannelBlockingModelTests {
    func expectSameTraining(_ make: () throws -> Backbone, input: [Int], blockedInside: (Backbone, Tensor) -> Bool) throws {
        try #require(ComputeBackend.current == .onednn, "channel blocking is a oneDNN-backend layout")
        let x = randomTensor(input, seed: 3)
        let blockedNet = try make(), planarNet = try make()
        (planarNet as? HRNet)?.keepsChannelBlocking = false
        (planarNet as? ResNet)?.keepsChannelBlocking = false
        #expect(blockedInside(blockedNet, x) && !blockedInside(planarNet, x))
        for step in 0..<2 {
            let a = blockedNet.forward(x, mode: .training), b = planarNet.forward(x, mode: .training)
            #expect(a.map(\.shape) == b.map(\.shape))
            for (u, v) in zip(a, b) { #expect(scaledError(u, v) < 1e-4, "step \(step) output \(u.shape)") }
            let dys = b.enumerated().map { randomTensor($1.shape, seed: UInt64(20 + $0)) }
            blockedNet.backward(dys); planarNet.backward(dys)
            var s1 = StateDict(), s2 = StateDict()
            blockedNet.collectState(prefix: "", into: &s1); planarNet.collectState(prefix: "", into: &s2)
            let weightGradients = Dictionary(uniqueKeysWithValues: s1.parameters.map { ($0.name, $0.parameter.grad) })
            for (p, q) in zip(s1.parameters, s2.parameters) {
                if p.name.hasSuffix("fc1.bias") {
                    // split attention's fc1 bias feeds a training BatchNorm: zero gradient in exact
                    // arithmetic, rounding noise on both sides, far below its weight's gradient
                    let scale = weightGradients[String(p.name.dropLast(4)) + "weight"]!.array.map(abs).max()!
                    #expect(p.parameter.grad.array.map(abs).max()! <= 1e-3 * scale && q.parameter.grad.array.map(abs).max()! <= 1e-3 * scale)
                    continue
                }
                #expect(scaledError(p.parameter.grad, q.parameter.grad) < 1e-4, "step \(step) \(p.name)")
            }
            for (p, q) in zip(s1.buffers, s2.buffers) { #expect(scaledError(p.1, q.1) < 1e-4, "step \(step) \(p.0)") }
        }
    }

    @Test func hrnet() throws {
        let settings = HRNetSpec(stages: [
            HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [1], numChannels: [4]),
            HRNetStage(numModules: 2, numBranches: 2, block: "BASIC", numBlocks: [1, 1], numChannels: [16, 32], multiscaleOutput: false),
        ])
        try expectSameTraining({ var rng = RandomGenerator(seed: 1); return try HRNet(settings, rng: &rng) }, input: [2, 3, 32, 32]) {
            ($0 as! HRNet).stem.forward($1, mode: .inference).shape.count == 5
        }
    }

    /// ResNeXt's grouped convolutions and ResNeSt's split attention and padded average pooling.
    @Test(arguments: ["ResNeXt", "ResNeSt"])
    func groupedAndSplitAttentionBottlenecks(kind: String) throws {
        // two stages, and a batch of 4: split attention's BatchNorm sees one value per image, and
        // over two images its input gradient is zero in exact arithmetic, noise in floats
        var settings = ResNetSpec(depth: 50)
        (settings.stemChannels, settings.baseChannels, settings.zeroInitResidual) = (16, 16, false)
        (settings.numStages, settings.strides, settings.dilations, settings.outIndices) = (2, [1, 2], [1, 1], [1])
        if kind == "ResNeXt" { (settings.groups, settings.widthPerGroup) = (2, 8) }
        else { (settings.deepStem, settings.avgDown, settings.radix, settings.groups, settings.widthPerGroup) = (true, true, 2, 2, 8) }
        try expectSameTraining({ var rng = RandomGenerator(seed: 2); return try ResNet(settings, rng: &rng) }, input: [4, 3, 64, 48]) {
            ($0 as! ResNet).stem.forward($1, mode: .inference).shape.count == 5
        }
    }

    @Test func resnetWithTwoOutputs() throws {
        var settings = ResNetSpec(depth: 18)
        (settings.stemChannels, settings.baseChannels, settings.outIndices, settings.zeroInitResidual) = (16, 16, [1, 3], false)
        try expectSameTraining({ var rng = RandomGenerator(seed: 2); return try ResNet(settings, rng: &rng) }, input: [2, 3, 64, 48]) {
            ($0 as! ResNet).stem.forward($1, mode: .inference).shape.count == 5
        }
    }
}

private func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(zeros: shape)
    rng.fillUniform(t, low: -1, high: 1)
    return t
}

/// max |a − b| over max |b|: differences against the tensor's own scale.
private func scaledError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.count == b.count, "comparing \(a.shape) with \(b.shape)")
    var worst: Float = 0, scale: Float = 1e-12
    for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i])); scale = max(scale, abs(b[i])) }
    return worst / scale
}

/// Activations and gradients come from a `TensorPool` and are let go as soon as they are dead: a
/// training step frees what the forward kept during its backward pass, holds far less than an
/// output and a gradient per layer at its peak, and from the second step on allocates nothing.
@Suite struct ActivationLivenessTests {
    @Test(arguments: ["resnet", "hrnet"])
    func aTrainingStepReusesItsBuffersAndFreesWhatItKept(model: String) throws {
        let pool = TensorPool()
        try TensorPool.$current.withValue(pool) {
            var rng = RandomGenerator(seed: 1)
            var small = ResNetSpec(depth: 18)
            small.baseChannels = 16
            let net: Backbone = model == "resnet"
                ? try ResNet(small, rng: &rng)
                : try HRNet(HRNetSpec(stages: [
                    HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [1], numChannels: [4]),
                    HRNetStage(numModules: 2, numBranches: 2, block: "BASIC", numBlocks: [1, 1], numChannels: [16, 32], multiscaleOutput: false),
                ]), rng: &rng)
            let x = randomTensor([2, 3, 64, 48], seed: 3)
            var allocations: [Int] = []
            for _ in 0..<3 {
                var outputs: [Tensor]? = net.forward(x, mode: .training)
                let dys = outputs!.enumerated().map { randomTensor($1.shape, seed: UInt64(20 + $0)) }
                outputs = nil
                let keptByForward = pool.usage.live
                let peakBefore = pool.usage.peakLive
                net.backward(dys)
                #expect(pool.usage.live == 0, "every activation and gradient is let go after backward")
                // one output and one gradient per layer would double what the forward kept
                #expect(pool.usage.peakLive <= max(peakBefore, keptByForward * 13 / 10),
                        "backward peaked at \(pool.usage.peakLive) bytes over \(keptByForward) kept")
                allocations.append(pool.usage.allocations)
            }
            #expect(allocations[1] == allocations[0] && allocations[2] == allocations[0],
                    "steps after the first allocate nothing: \(allocations)")
            _ = net.forward(x, mode: .inference)
            #expect(pool.usage.live == 0, "an inference forward keeps nothing")
        }
    }
}
