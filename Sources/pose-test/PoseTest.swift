import ArgumentParser
import Foundation
import PoseCLI
import PoseEval
import PoseTraining

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseTest.main()
    }
}

struct PoseTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-test",
        abstract: "Evaluate a checkpoint on a config's test set and print MMPose's COCO metrics.",
        discussion: """
        Uses test_dataloader (ground-truth boxes, or detections when its dataset has bbox_file) and
        test_evaluator. Example:
          pose-test CONFIG work_dirs/run1/epoch_10.safetensors --dump results.json
        """)

    @Argument(help: "Config file (MMPose Python syntax).") var config: String
    @Argument(help: "Checkpoint to evaluate: .safetensors, or a PyTorch/MMPose .pth.") var checkpoint: String
    @Flag(help: "Fail on unexpected checkpoint keys too (missing keys always fail).") var strict = false
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value, applied last.") var cfgOptions: [String] = []
    @Option(help: "Write COCO keypoint results (image_id, category_id, keypoints, score) to this json file.")
    var dump: String?

    func run() throws {
        let communicator = Job.makeCommunicator()
        Job.run(communicator) {
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions)
            guard let data = settings.test ?? settings.val, let evaluator = settings.testEvaluator ?? settings.valEvaluator else {
                throw TrainingError("\(config): needs test_dataloader and test_evaluator (or their val_ versions)")
            }
            let model = try ModelFactory.build(settings.model, seed: settings.seed)
            let loaded = try Checkpoint.load(path: checkpoint)
            let (missing, unexpected) = try Checkpoint.loadWeights(loaded, into: model, strict: strict)
            if !missing.isEmpty {
                throw CheckpointError("\(checkpoint): the model's keys are not all in the checkpoint;" + Trainer.keyReport(missing: missing, unexpected: unexpected))
            }
            if communicator.rank == 0 && !unexpected.isEmpty {
                print("note: loaded \(checkpoint);" + Trainer.keyReport(missing: missing, unexpected: unexpected))
            }
            let t0 = Date()
            let result = try Evaluation(data: data, evaluator: evaluator, model: settings.model, seed: settings.seed)
                .run(model, communicator: communicator, workers: Job.loaderThreads)
            guard communicator.rank == 0 else { return }
            print(String(format: "evaluated %d instances in %.1f s", result.predictions.count, Date().timeIntervalSince(t0)))
            for (key, value) in result.metrics { print(String(format: "%@: %.6f", key, value)) }
            if let dump {
                guard let metric = result.metric else { throw TrainingError("--dump writes COCO keypoint results; the evaluator has no CocoMetric") }
                try metric.resultsJSON(result.predictions).write(to: URL(fileURLWithPath: dump), options: .atomic)
                print("wrote \(dump)")
            }
        }
    }
}
