import ArgumentParser
import Foundation
import PoseCLI
import PoseModels
import PoseNN
import PoseTensor

/// Train-step and inference throughput of a SimpleBaseline (ResNet + HeatmapHead).
struct ModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Parameters, train-step and inference images/s and peak memory of a SimpleBaseline ResNet.")

    @Option(help: "ResNet depth: 18, 34, 50, 101 or 152.") var depth = 50
    @Option(help: "Images per batch.") var batch = 32
    @Option(help: "Input height.") var height = 256
    @Option(help: "Input width.") var width = 192
    @Option(help: "Keypoints.") var keypoints = 17
    @Option(help: "Timed steps (median reported).") var steps = 3
    @Option(help: "Untimed warm-up steps.") var warmup = 1

    func run() throws {
        var rng = RandomGenerator(seed: 0)
        let backbone = try ResNet(ResNetSettings(depth: depth), rng: &rng)
        var headSettings = HeatmapHeadSettings(inChannels: backbone.outChannels.last!, outChannels: keypoints)
        headSettings.deconvOutChannels = [256, 256, 256]
        let head = try HeatmapHead(headSettings, rng: &rng)
        let model = TopdownPoseEstimator(backbone: backbone, head: head, loss: KeypointMSELoss(useTargetWeight: true))

        let images = Tensor(zeros: [batch, 3, height, width])
        rng.fillNormal(images, std: 1)
        let targets = Tensor(zeros: [batch, keypoints, height / 4, width / 4])
        rng.fillUniform(targets, low: 0, high: 1)
        let weights = Tensor(repeating: 1, shape: [batch, keypoints])

        print("SimpleBaseline ResNet-\(depth), input \(height)x\(width), batch \(batch), \(keypoints) keypoints")
        print("BLAS core \(BLAS.coreName), \(BLAS.threadCount) BLAS threads")
        print("trainable parameters: \(model.trainableParameterCount)")

        let lr: Float = 1e-6
        var trainTimes: [Double] = []
        for step in 0..<(warmup + steps) {
            let t0 = monotonicSeconds()
            model.arena.zeroGradients()
            _ = model.forwardBackward(images: images, targets: targets, weights: weights)
            // Plain SGD over the flat arena: the optimizer's share of a real step.
            let v = model.arena.values.data, g = model.arena.gradients.data
            for i in 0..<model.arena.values.count { v[i] -= lr * g[i] }
            if step >= warmup { trainTimes.append(monotonicSeconds() - t0) }
        }
        var inferTimes: [Double] = []
        for step in 0..<(warmup + steps) {
            let t0 = monotonicSeconds()
            _ = model.predict(images)
            if step >= warmup { inferTimes.append(monotonicSeconds() - t0) }
        }
        let train = median(trainTimes), infer = median(inferTimes)
        print(String(format: "train step: %.3f s/step, %.2f images/s", train, Double(batch) / train))
        print(String(format: "inference:  %.3f s/batch, %.2f images/s", infer, Double(batch) / infer))
        print(String(format: "peak resident memory: %.2f GiB", Double(peakResidentBytes()) / 1_073_741_824))
    }
}
