import ArgumentParser
import Foundation
import PoseTraining

/// `pose-test`: evaluates a checkpoint on a config's test set, alone or under mpirun.
public struct PoseTestCommand: ComponentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pose-test",
        abstract: "Evaluate a checkpoint on a config's test set and print its metrics.",
        discussion: """
        Uses test_dataloader (ground-truth boxes, or detections when its dataset has bbox_file) and
        test_evaluator. Example:
          pose-test CONFIG work_dirs/run1/epoch_10.safetensors --dump results.json
        """)

    @Argument(help: "Config file (MMPose Python syntax).") public var config: String
    @Argument(help: "Checkpoint to evaluate: .safetensors, or a PyTorch/MMPose .pth.") public var checkpoint: String
    @Flag(help: "Fail on unexpected checkpoint keys too (missing keys always fail).") public var strict = false
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value, applied last.") public var cfgOptions: [String] = []
    @Option(help: "Write COCO keypoint results (image_id, category_id, keypoints, score) to this json file.")
    public var dump: String?

    public init() {}

    /// Evaluates with the config's components looked up in `components`; ends the job on an error.
    public func run(components: Components) {
        let communicator = Job.makeCommunicator()
        Job.run(communicator) {
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: components)
            guard let data = settings.test ?? settings.val, let evaluator = settings.testEvaluator ?? settings.valEvaluator else {
                throw TrainingError("\(config): needs test_dataloader and test_evaluator (or their val_ versions)")
            }
            let model = try Job.loadTrainedModel(settings, checkpoint: checkpoint, strict: strict) {
                if communicator.rank == 0 { print($0) }
            }
            let t0 = Date()
            let result = try Evaluation(dataloader: data, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor,
                                        seed: settings.seed)
                .run(model, communicator: communicator, workers: Job.loaderThreads)
            guard communicator.rank == 0 else { return }
            print(String(format: "evaluated %d instances in %.1f s", result.predictions.count, Date().timeIntervalSince(t0)))
            for (key, value) in result.metrics { print(String(format: "%@: %.6f", key, value)) }
            if let dump {
                guard let metric = result.cocoMetric else { throw TrainingError("--dump writes COCO keypoint results; the evaluator has no CocoMetric") }
                try metric.resultsJSON(result.predictions).write(to: URL(fileURLWithPath: dump), options: .atomic)
                print("wrote \(dump)")
            }
        }
    }
}
