import ArgumentParser
import Foundation
import PoseCLI
import PoseData
import PoseDistributed
import PoseModels
import PoseNN
import PoseTensor
import PoseTraining

/// Parameters, GFLOPs, train-step and inference throughput and peak memory of a model: the
/// one a config builds, or a SimpleBaseline ResNet.
struct ModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Parameters, GFLOPs, train-step and inference images/s and peak memory of a model.",
        discussion: "With CONFIG the model, input size and targets come from the config; otherwise a SimpleBaseline ResNet of --depth.")

    @Argument(help: "Config file; omit for a SimpleBaseline ResNet.") var config: String?
    @Option(help: "ResNet depth when no config is given: 18, 34, 50, 101 or 152.") var depth = 50
    @Option(help: "Images per batch.") var batch = 32
    @Option(help: "Input height when no config is given.") var height = 256
    @Option(help: "Input width when no config is given.") var width = 192
    @Option(help: "Timed steps (median reported).") var steps = 3
    @Option(help: "Untimed warm-up steps.") var warmup = 1
    @Flag(help: "Only count parameters and FLOPs; skip the timing.") var countOnly = false
    @Flag(help: "Train and infer in bfloat16 (as a config's AmpOptimWrapper asks; needs AVX512_BF16 or AMX).") var bf16 = false
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") var cfgOptions: [String] = []

    func validate() throws {
        guard (1...65_536).contains(batch) else { throw ValidationError("--batch \(batch): expected 1 to 65536 images") }
        guard steps >= 1, (0...1_000_000).contains(warmup), steps <= 1_000_000 else {
            throw ValidationError("--steps \(steps) --warmup \(warmup): expected at least one timed step and no negative warm-up")
        }
        guard (1...16_384).contains(height), (1...16_384).contains(width) else {
            throw ValidationError("--height \(height) --width \(width): expected 1 to 16384 pixels")
        }
    }

    func run() throws {
        var rng = RandomGenerator(seed: 0)
        let model: TopdownPoseEstimator
        let codec: any KeypointCodec
        let name: String
        var precision: ComputePrecision = bf16 ? .bfloat16 : .float32
        func printEstimate(_ size: ModelSize?) {
            guard let size else { return print("estimated before building: unknown (a component of the config reports no size)") }
            print("estimated before building: \(size.parameters) parameters, \(size.buffers) buffer values; model state for training (values, gradients, 2 optimizer moments, buffers): \(MemoryBudget.gib(size.trainingBytes)) (\(MemoryBudget.allowance))")
            // before any error a later check prints
            fflush(nil)
        }
        if let config {
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: .stock)
            // the estimate comes from the config alone, before any weight is allocated
            printEstimate(settings.model.size)
            guard let topdown = try makeModel(settings, seed: 0) as? TopdownPoseEstimator, let decoder = settings.model.decoder else {
                throw ValidationError("\(config): pose-bench model measures TopdownPoseEstimator models with a head decoder")
            }
            model = topdown
            codec = decoder
            // what the config trains with: AmpOptimWrapper is a bfloat16 step
            if settings.optimWrapper.precision == .bfloat16 { precision = .bfloat16 }
            name = "\(URL(fileURLWithPath: config).lastPathComponent): \(model.summary)"
        } else {
            let settings = ResNetSpec(depth: depth)
            let spec = TopdownPoseEstimatorSpec(backbone: settings, head: HeatmapHeadSpec(
                HeatmapHeadSettings(inChannels: depth >= 50 ? 2048 : 512, outChannels: 17), decoder: nil))
            printEstimate(spec.size)
            try checkModelFits(spec)
            let backbone = try ResNet(settings, rng: &rng)
            let head = try HeatmapHead(HeatmapHeadSettings(inChannels: backbone.outChannels.last ?? 0, outChannels: 17), rng: &rng)
            model = TopdownPoseEstimator(backbone: backbone, head: head, loss: KeypointMSELoss(useTargetWeight: true))
            codec = MSRAHeatmap(inputSize: (width, height), heatmapSize: (width / 4, height / 4), sigma: 2)
            name = "SimpleBaseline ResNet-\(depth)"
        }
        if precision == .bfloat16 && !countOnly {
            try ComputePrecision.checkBFloat16(for: bf16 ? "--bf16" : "optim_wrapper.type='AmpOptimWrapper'",
                                               remedy: bf16 ? "drop --bf16" : "measure fp32 with --cfg-options optim_wrapper.type=OptimWrapper")
        }
        let (w, h) = codec.inputSize
        // the input, its normalised copy and the stem's output are the least a step holds
        try MemoryBudget.check([batch, 3, h, w], copies: 3, for: "--batch \(batch) at \(w)x\(h)")
        if let perImage = model.activationBytesPerImage(inputSize: (w, h)) {
            print("activations per image (measured scaled down, before any full-size batch): \(MemoryBudget.gib(perImage.training)) for a training step, \(MemoryBudget.gib(perImage.inference)) for inference")
            fflush(nil)
        }
        try checkActivationsFit(model, inputSize: (w, h), batch: batch, training: !countOnly, what: "--batch")
        let images = Tensor(zeros: [batch, 3, h, w])
        rng.fillNormal(images, std: 1)

        OperationCounter.multiplyAdds = 0
        OperationCounter.enabled = true
        let probe = model.predictOutput(Tensor(zeros: [1, 3, h, w]))
        OperationCounter.enabled = false
        let macs = Double(OperationCounter.multiplyAdds)
        // targets with as many keypoints as the head predicts
        let k = probe.coordinates?.shape[1] ?? probe.heatmaps?.shape[1] ?? probe.simccX?.shape[1] ?? 17

        print("\(name), input \(w)x\(h) (WxH)")
        print("BLAS core \(BLAS.coreName), \(BLAS.threadCount) BLAS threads")
        print("trainable parameters: \(model.trainableParameterCount)")
        print(String(format: "GFLOPs per image (inference): %.2f (= 2 x %.2f G multiply-adds; deconvolutions counted on input pixels)",
                     2 * macs / 1e9, macs / 1e9))
        if countOnly { return }

        // random targets of every field the codec makes, in key order (the same draws on every run)
        var fields = Fields<Tensor>()
        for (key, shape) in codec.targetShapes(keypoints: k).sorted(by: { $0.key.name < $1.key.name }) {
            let t = Tensor(repeating: 1, shape: [batch] + shape)
            if key == .keypointLabels { rng.fillUniform(t, low: 0.1, high: 0.9) } else if key != .keypointWeights { rng.fillUniform(t, low: 0, high: 1e-2) }
            fields[key] = t
        }
        let targets = HeadTargets(fields: fields)
        let optimizer = Adam(arena: model.arena, learningRate: 1e-6)
        var trainTimes: [Double] = []
        for step in 0..<(warmup + steps) {
            let t0 = monotonicSeconds()
            model.arena.zeroGradients()
            _ = try ComputePrecision.$current.withValue(precision) { try model.forwardBackward(images: images, targets: targets) }
            optimizer.step()
            if step >= warmup { trainTimes.append(monotonicSeconds() - t0) }
        }
        // fused and the reference path (every layer on its own, InferenceFusion off) alternate,
        // so that a drift of the machine's speed shows in both
        var inferTimes: [Double] = [], unfusedTimes: [Double] = [], bf16Times: [Double] = []
        for step in 0..<(warmup + steps) {
            let t0 = monotonicSeconds()
            _ = model.predictOutput(images)
            let t1 = monotonicSeconds()
            _ = InferenceFusion.$isEnabled.withValue(false) { model.predictOutput(images) }
            let t2 = monotonicSeconds()
            if precision == .bfloat16 { _ = ComputePrecision.$current.withValue(.bfloat16) { model.predictOutput(images) } }
            if step >= warmup {
                inferTimes.append(t1 - t0); unfusedTimes.append(t2 - t1)
                if precision == .bfloat16 { bf16Times.append(monotonicSeconds() - t2) }
            }
        }
        let infer = median(inferTimes), unfused = median(unfusedTimes)
        let train = median(trainTimes)
        let emulated = precision == .bfloat16 && !ComputePrecision.hasNativeBFloat16 ? " (emulated: this CPU has no AVX512_BF16)" : ""
        print(String(format: "train step (batch %d, Adam, %@): %.3f s/step, %.2f images/s%@", batch,
                     precision == .bfloat16 ? "bf16" : "fp32", train, Double(batch) / train, emulated))
        print(String(format: "inference (batch %d, fused fp32): %.3f s/batch, %.2f images/s (layer by layer: %.2f images/s)", batch, infer,
                     Double(batch) / infer, Double(batch) / unfused))
        if !bf16Times.isEmpty {
            let t = median(bf16Times)
            print(String(format: "inference (batch %d, fused bf16): %.3f s/batch, %.2f images/s%@", batch, t, Double(batch) / t, emulated))
        }
        print(String(format: "peak resident memory: %.2f GiB", Double(peakResidentBytes()) / 1_073_741_824))
        let pool = TensorPool.current.usage
        print(String(format: "activations and gradients (TensorPool): at most %.2f GiB live at once, %.2f GiB held",
                     Double(pool.peakLive) / 1_073_741_824, Double(pool.live + pool.free) / 1_073_741_824))
        // a train step computes the forward and two backward products (dx, dW) of every layer
        let peak = PeakProbe.measure()
        let trainRate = 3 * 2 * macs * Double(batch) / train / 1e9, inferRate = 2 * macs * Double(batch) / infer / 1e9
        print(String(format: "fp32 peak probe (sgemm 2048^3, %d threads): %.0f GFLOP/s", BLAS.threadCount, peak))
        print(String(format: "train at %.0f GFLOP/s (%.0f%% of the probe), inference at %.0f GFLOP/s (%.0f%%)",
                     trainRate, 100 * trainRate / peak, inferRate, 100 * inferRate / peak))
    }
}
