import ArgumentParser
import Foundation
import PoseData
import PoseTensor
import PoseTraining

/// `pose-test`: evaluates a checkpoint on a config's test set, alone or under mpirun.
public struct PoseTestCommand: ComponentCommand {
    /// ArgumentParser's description of the command: its name, `pose-test`, and the help text.
    public static let configuration = CommandConfiguration(
        commandName: "pose-test",
        abstract: "Evaluate a checkpoint on a config's test set and print its metrics.",
        discussion: """
        Uses test_dataloader (ground-truth boxes, or detections when its dataset has bbox_file) and
        test_evaluator. As MMPose's tools/test.py: --out writes the metrics as JSON, --work-dir keeps
        the run's log and metrics in <work-dir>/<timestamp>/, --show-dir draws every image's
        predictions (under <work-dir>/<timestamp>/ when --work-dir is given and the path is relative).
        Example:
          pose-test CONFIG work_dirs/run1/epoch_10.safetensors --out metrics.json --show-dir vis
        """)

    /// Path of the config whose `test_dataloader` and `test_evaluator` (or their `val_` versions) are used.
    @Argument(help: "Config file (MMPose Python syntax).") public var config: String
    /// Path of the weights to evaluate, `.safetensors` or a PyTorch/MMPose `.pth`.
    @Argument(help: "Checkpoint to evaluate: .safetensors, or a PyTorch/MMPose .pth.") public var checkpoint: String
    /// `--strict`: unexpected checkpoint keys are an error rather than a note; missing keys always are.
    @Flag(help: "Fail on unexpected checkpoint keys too (missing keys always fail).") public var strict = false
    /// `--cfg-options key.path=value …`: config overrides, applied after the config is loaded.
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value, applied last.") public var cfgOptions: [String] = []
    /// `--dump`: a JSON file for the COCO keypoint results after rescoring and NMS (MMPose's
    /// `results2json`); needs a `CocoMetric` or `CocoWholeBodyMetric` evaluator.
    @Option(help: "Write COCO keypoint results (image_id, category_id, keypoints, score) to this json file.")
    public var dump: String?
    /// `--out`: a JSON file the metrics are written to (checked before the evaluation starts).
    @Option(help: "Write the metrics to this JSON file.") public var out: String?
    /// `--work-dir`: a folder in which `<timestamp>/` receives the run's log and metrics, as MMPose's
    /// `tools/test.py` writes them.
    @Option(help: "Keep the test's log and metrics in <work-dir>/<timestamp>/.") public var workDir: String?
    /// `--show-dir`: a folder to draw each image's predictions into; a relative path goes under
    /// `<work-dir>/<timestamp>/` when `--work-dir` is given.
    @Option(help: "Draw each image's predictions into this folder.") public var showDir: String?
    /// `--kpt-thr`: with `--show-dir`, keypoints scoring above it are drawn; 0.3 by default, 0…1.
    @Option(help: "With --show-dir: draw keypoints scoring above this.") public var kptThr = 0.3
    /// `--radius`: with `--show-dir`, the keypoint radius in pixels (0 to 1000); nil takes 1/150 of
    /// the image's longer side, at least 2.
    @Option(help: "With --show-dir: keypoint radius in pixels.") public var radius: Double?
    /// `--thickness`: with `--show-dir`, the link width in pixels (0 to 1000); nil takes the radius.
    @Option(help: "With --show-dir: link width in pixels.") public var thickness: Double?
    /// `--bf16`: convolutions and matrix products multiply in bfloat16 (`ComputePrecision.bfloat16`);
    /// needs a CPU with AVX512_BF16 or AMX (or `SWIFTPOSE_BF16_EMULATION=1` on AVX-512).
    @Flag(help: "Multiply in bfloat16 in convolutions and matrix products (needs AVX512_BF16 or AMX).") public var bf16 = false

    /// Creates the command with every option at its default (ArgumentParser fills them when parsing).
    public init() {}

    /// Checks the drawing options before `run`, as ArgumentParser calls it.
    /// - Throws: `ValidationError` (exit status 2) for a `--kpt-thr` outside 0…1, or a radius or
    ///   thickness outside (0, 1000].
    public func validate() throws {
        guard kptThr >= 0 && kptThr <= 1 else { throw ValidationError("--kpt-thr \(kptThr): expected a score from 0 to 1") }
        for (name, value) in [("--radius", radius), ("--thickness", thickness)] {
            if let value, !(value > 0 && value <= 1000) { throw ValidationError("\(name) \(value): expected more than 0 and at most 1000 pixels") }
        }
    }

    /// Evaluates with the config's components looked up in `components`; ends the job on an error.
    public func run(components: Components) {
        let communicator = Job.makeCommunicator()
        Job.run(communicator) {
            if bf16 { try ComputePrecision.checkBFloat16(for: "--bf16", remedy: "drop --bf16 to test in fp32") }
            // every output is checked before the evaluation, not found unwritable after it
            if communicator.rank == 0 {
                if let out { try OutputPath.check(out, label: "--out") }
                if let dump { try OutputPath.check(dump, label: "--dump") }
                if let workDir { try OutputPath.createDirectory(workDir, label: "--work-dir") }
                if let showDir, showDir.hasPrefix("/") || workDir == nil { try OutputPath.createDirectory(showDir, label: "--show-dir") }
            }
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: components, evaluationOnly: true)
            guard let data = settings.test ?? settings.val, let evaluator = settings.testEvaluator ?? settings.valEvaluator else {
                throw TrainingError("\(config): needs test_dataloader and test_evaluator (or their val_ versions)")
            }
            let evaluation = Evaluation(dataloader: data, evaluator: evaluator, preprocessor: settings.model.dataPreprocessor, seed: settings.seed)
            try evaluation.checkMetricsCanPair(prefix: settings.testEvaluator != nil ? "test_evaluator" : "val_evaluator")
            let model = try Job.loadTrainedModel(settings, checkpoint: checkpoint, strict: strict) {
                if communicator.rank == 0 { print($0) }
            }
            let t0 = Date()
            let result = try ComputePrecision.$current.withValue(bf16 ? .bfloat16 : .float32) {
                try evaluation.run(model, communicator: communicator, workers: Job.loaderThreads)
            }
            guard communicator.rank == 0 else { return }
            var lines = [String(format: "evaluated %d instances in %.1f s", result.predictions.count, Date().timeIntervalSince(t0))]
            lines += result.metrics.map { String(format: "%@: %.6f", $0.0, $0.1) }
            lines += result.report
            for line in lines { print(line) }
            let metricsJSON = try PythonJSON.data(Dictionary(result.metrics, uniquingKeysWith: { a, _ in a }), pretty: true)
            if let out {
                try OutputPath.write(metricsJSON, to: out, label: "--out")
                print("wrote the metrics to \(out)")
            }
            var runDir: String?
            if let workDir {
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyyMMdd_HHmmss"
                let stamp = formatter.string(from: Date())
                let dir = workDir + "/" + stamp
                try OutputPath.createDirectory(dir, label: "--work-dir")
                try OutputPath.writeAtomically(metricsJSON, to: "\(dir)/\(stamp).json", label: "--work-dir")
                let log = ["pose-test \(config) \(checkpoint)"] + lines
                try OutputPath.writeAtomically(Data((log.joined(separator: "\n") + "\n").utf8), to: "\(dir)/\(stamp).log", label: "--work-dir")
                print("wrote the log and metrics to \(dir)")
                runDir = dir
            }
            if let showDir {
                let folder = showDir.hasPrefix("/") || runDir == nil ? showDir : runDir! + "/" + showDir
                let style = PoseDrawingStyle(keypointThreshold: kptThr, radius: radius, thickness: thickness)
                let pathsById = Dictionary(result.instances.map { ($0.imageId, $0.imagePath) }, uniquingKeysWith: { a, _ in a })
                let byImage = Dictionary(grouping: result.predictions, by: \.imageId)
                for (imageId, people) in byImage.sorted(by: { $0.key < $1.key }) {
                    guard let path = pathsById[imageId] else { continue }
                    try PoseInferCommand.drawPredictions(people, on: path, metainfo: data.dataset.metainfo, style: style, into: folder, label: "--show-dir")
                }
                print("drew the predictions of \(byImage.count) images into \(folder)")
            }
            if let dump {
                guard let metric = result.resultsWriter, let metainfo = result.metainfo else {
                    throw TrainingError("--dump writes COCO keypoint results; the evaluator has no CocoMetric or CocoWholeBodyMetric")
                }
                try OutputPath.write(try metric.resultsJSON(result.predictions, metainfo: metainfo), to: dump, label: "--dump")
                print("wrote \(dump)")
            }
        }
    }
}
