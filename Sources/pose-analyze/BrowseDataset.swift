import ArgumentParser
import Foundation
import PoseCLI
import PoseData
import PoseTensor
import PoseTraining

/// `pose-analyze browse`: MMPose's `tools/misc/browse_dataset.py`.
struct BrowseDataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Write a dataset's samples with their keypoints and skeleton drawn, as the pipeline gives them to the model.",
        discussion: """
        --mode transformed (the default) draws on the network input after the whole pipeline,
        augmentations included, as epoch 0 of training draws them; --mode original draws the
        annotation on the full image with its box. Example:
          pose-analyze browse configs/quickstart/td-hm_res18_quickstart.py --out browse/ --num 8
        """)

    enum Mode: String, ExpressibleByArgument { case transformed, original }
    enum Phase: String, ExpressibleByArgument { case train, val, test }

    @Argument(help: "Config file.") var config: String
    @Option(help: "Folder to write the PNG images into.") var out: String
    @Option(help: "Samples to write, from the dataset's start.") var num = 10
    @Option(help: "transformed or original.") var mode: Mode = .transformed
    @Option(help: "Which dataloader: train, val or test.") var phase: Phase = .train
    @Option(help: "Keypoint radius in pixels (default: by image size).") var radius: Double?
    @Option(help: "Link width in pixels (default: the radius).") var thickness: Double?
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") var cfgOptions: [String] = []

    func validate() throws {
        guard (1...100_000).contains(num) else { throw ValidationError("--num \(num): expected 1 to 100000") }
        if let radius, !(radius > 0 && radius <= 1000) { throw ValidationError("--radius \(radius): expected more than 0 and at most 1000") }
        if let thickness, !(thickness > 0 && thickness <= 1000) { throw ValidationError("--thickness \(thickness): expected more than 0 and at most 1000") }
    }

    func run() throws {
        do {
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: .stock)
            let loader: DataloaderSettings? = switch phase {
            case .train: settings.train
            case .val: settings.val
            case .test: settings.test ?? settings.val
            }
            guard let data = loader else { throw TrainingError("\(config): has no \(phase.rawValue)_dataloader") }
            let dataset = data.dataset
            let instances = try dataset.load(testMode: phase != .train).instances
            try OutputPath.createDirectory(out, label: "--out")
            let style = PoseDrawingStyle(keypointThreshold: 0, radius: radius, thickness: thickness)
            var written = 0
            for (index, instance) in instances.prefix(num).enumerated() {
                var rng = RandomGenerator(seed: settings.seed, stream: [0, UInt64(index)])
                let sample = try dataset.pipeline.run(instance, rng: &rng)
                var canvas = Canvas(width: 1, height: 1)
                if mode == .transformed, let (w, h) = sample.inputSize, sample.input.count == 3 * w * h {
                    canvas = Canvas(width: w, height: h)
                    for i in 0..<(w * h) {
                        for c in 0..<3 { canvas.image.pixels[3 * i + c] = UInt8(clamping: Int(sample.input[c * w * h + i].rounded())) }
                    }
                    canvas.drawPose(keypoints: sample.transformedKeypoints, scores: sample.visible, metainfo: dataset.metainfo, style: style)
                } else {
                    canvas.image = try sample.image ?? ImageFile.read(path: instance.imagePath)
                    canvas.strokeRect(instance.bbox, width: 2, (0, 255, 0))
                    canvas.drawPose(keypoints: instance.keypoints, scores: instance.visible, metainfo: dataset.metainfo, style: style)
                }
                let name = URL(fileURLWithPath: instance.imagePath).deletingPathExtension().lastPathComponent
                try PNG.write(canvas.image, path: "\(out)/\(String(format: "%04d", index))_\(name)_\(instance.id).png")
                written += 1
            }
            print("wrote \(written) \(mode.rawValue) \(phase.rawValue) sample\(written == 1 ? "" : "s") to \(out)")
        } catch {
            fail("\(error)")
        }
    }
}
