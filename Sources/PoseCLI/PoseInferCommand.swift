import ArgumentParser
import Foundation
import PoseData
import PoseModels
import PoseTensor
import PoseTraining

/// `pose-infer`: runs a trained top-down model on images.
public struct PoseInferCommand: ComponentCommand {
    /// ArgumentParser's description of the command: its name, `pose-infer`, and the help text.
    public static let configuration = CommandConfiguration(
        commandName: "pose-infer",
        abstract: "Run a trained top-down model on images.",
        discussion: """
        Every person of an image is processed: the boxes of --bbox (repeat it for several), or the
        detections of --bbox-file for the image (MMPose's bbox_file layout: a COCO results list of
        image_id, bbox [x, y, w, h], score; an image's id is its file name's number, as COCO's;
        detections scoring below --bbox-thr are skipped), otherwise the whole image (as MMPose's
        inferencer without a detector). The config's test pipeline and flip test apply. Prints (or
        writes with --out) JSON with every person's keypoints in image pixels and their scores;
        --draw writes each image with the skeletons drawn (--kpt-thr, --radius, --thickness as
        MMPose's demo). Example:
          pose-infer CONFIG work_dirs/quickstart/epoch_16.safetensors data/synthetic/val/000001000001.jpg --draw out/
        """)

    /// Path of the config (MMPose Python syntax) whose model, test pipeline and metainfo are used.
    @Argument(help: "Config file.") public var config: String
    /// Path of the trained weights, `.safetensors` or a PyTorch/MMPose `.pth`; unexpected keys are ignored.
    @Argument(help: "Checkpoint (.safetensors or .pth).") public var checkpoint: String
    /// The images to run on; a folder stands for its JPEG, PNG and BMP files, in name order.
    @Argument(help: "Images (JPEG, PNG or BMP), or folders of them.") public var images: [String]
    /// `--bbox x1,y1,x2,y2`: person boxes in image pixels, applied to every image; empty (the
    /// default) takes `--bbox-file`'s detections or else the whole image. Exclusive with `--bbox-file`.
    @Option(parsing: .unconditionalSingleValue,
            help: "A person box as x1,y1,x2,y2 in pixels; repeat for several (default: the whole image).") public var bbox: [String] = []
    /// `--bbox-file`: a COCO results file of person detections (MMPose's `bbox_file`), matched to
    /// images by their numeric file names.
    @Option(help: "COCO-format detections (MMPose's bbox_file) to take each image's person boxes from.") public var bboxFile: String?
    /// `--bbox-thr`: detections of `--bbox-file` scoring below it are skipped; 0.3 by default, 0…1.
    @Option(help: "Skip detections scoring below this.") public var bboxThr = 0.3
    /// `--out`: the file the JSON results are written to; nil prints them to standard output.
    @Option(help: "Write the JSON results to this file instead of standard output.") public var out: String?
    /// `--draw`: a folder to write each image into with its predicted skeletons drawn.
    @Option(help: "Write each image with the predicted skeletons into this folder.") public var draw: String?
    /// `--kpt-thr`: with `--draw`, keypoints scoring above it (and the links between them) are drawn,
    /// as MMPose's demo; 0.3 by default, 0…1.
    @Option(help: "Draw keypoints scoring above this (and links between them).") public var kptThr = 0.3
    /// `--radius`: with `--draw`, the keypoint radius in pixels (0 to 1000); nil takes 1/150 of the
    /// image's longer side, at least 2.
    @Option(help: "Keypoint radius in pixels (default: 1/150 of the image's longer side).") public var radius: Double?
    /// `--thickness`: with `--draw`, the link width in pixels (0 to 1000); nil takes the radius.
    @Option(help: "Link width in pixels (default: the radius).") public var thickness: Double?
    /// `--cfg-options key.path=value …`: config overrides, applied after the config is loaded.
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") public var cfgOptions: [String] = []
    /// `--bf16`: convolutions and matrix products multiply in bfloat16 (`ComputePrecision.bfloat16`);
    /// needs a CPU with AVX512_BF16 or AMX (or `SWIFTPOSE_BF16_EMULATION=1` on AVX-512).
    @Flag(help: "Multiply in bfloat16 in convolutions and matrix products (needs AVX512_BF16 or AMX).") public var bf16 = false

    /// Creates the command with every option at its default (ArgumentParser fills them when parsing).
    public init() {}

    /// Runs inference with the config's components looked up in `components`; exits on an error.
    public func run(components: Components) {
        do {
            let skipped = try infer(components: components)
            if skipped > 0 { fail("\(skipped) image\(skipped == 1 ? "" : "s") could not be read (listed above); the others' results are written") }
        } catch {
            fail("\(error)")
        }
    }

    /// The image files to run on: each argument that is a folder stands for the JPEG, PNG and BMP
    /// files in it (by name, as MMPose's inferencer lists a folder), anything else for itself.
    static func expand(_ arguments: [String]) throws -> [String] {
        var files: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue else {
                files.append(argument)
                continue
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: argument) } catch {
                throw TrainingError("\(argument): cannot list the folder (\(OutputPath.reason(error)))")
            }
            let images = names.filter { ["jpg", "jpeg", "png", "bmp"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }.sorted()
            guard !images.isEmpty else { throw TrainingError("\(argument): the folder holds no .jpg, .jpeg, .png or .bmp files") }
            files += images.map { (argument.hasSuffix("/") ? argument : argument + "/") + $0 }
        }
        return files
    }

    /// Checks the options before `run`, as ArgumentParser calls it.
    /// - Throws: `ValidationError` (exit status 2) for a malformed `--bbox`, `--bbox` together with
    ///   `--bbox-file`, a threshold outside 0…1, or a radius or thickness outside (0, 1000].
    public func validate() throws {
        for box in bbox { _ = try PoseInferCommand.parseBox(box) }
        if !bbox.isEmpty && bboxFile != nil { throw ValidationError("give --bbox or --bbox-file, not both") }
        for (name, value) in [("--bbox-thr", bboxThr), ("--kpt-thr", kptThr)] where !(value >= 0 && value <= 1) {
            throw ValidationError("\(name) \(value): expected a score from 0 to 1")
        }
        for (name, value) in [("--radius", radius), ("--thickness", thickness)] {
            if let value, !(value > 0 && value <= 1000) { throw ValidationError("\(name) \(value): expected more than 0 and at most 1000 pixels") }
        }
    }

    /// `--bbox x1,y1,x2,y2`: finite pixels within ±10^7, with x2 > x1 and y2 > y1.
    static func parseBox(_ text: String) throws -> [Double] {
        let v = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 4, v.allSatisfy({ abs($0) <= 10_000_000 }), v[2] > v[0], v[3] > v[1] else {
            throw ValidationError("--bbox '\(text)' is not x1,y1,x2,y2 in pixels (within ±10000000) with x2 > x1 and y2 > y1")
        }
        return v
    }

    /// Runs the model on every readable image and writes the results; returns how many images
    /// could not be read (each reported on standard error and skipped).
    func infer(components: Components) throws -> Int {
        if bf16 { try ComputePrecision.checkBFloat16(for: "--bf16", remedy: "drop --bf16 to infer in fp32") }
        if let out { try OutputPath.check(out, label: "--out") }
        if let draw { try OutputPath.createDirectory(draw, label: "--draw") }
        let files = try PoseInferCommand.expand(images)
        let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: components, evaluationOnly: true)
        guard let data = settings.test ?? settings.val else { throw TrainingError("\(config): needs test_dataloader (its pipeline is used)") }
        let boxes = try bbox.map { text -> (Double, Double, Double, Double) in
            let v = try PoseInferCommand.parseBox(text)
            return (v[0], v[1], v[2], v[3])
        }
        let detections = try bboxFile.map { try DetectionFile(path: $0) }
        let model = try Job.loadTrainedModel(settings, checkpoint: checkpoint, strict: false) { _ in }
        let metainfo = data.dataset.metainfo
        // a bottom-up model sees whole images and finds every person itself
        let bottomup = model is BottomupPoseEstimator
        if bottomup && (!boxes.isEmpty || detections != nil) {
            throw TrainingError("--bbox/--bbox-file: \(config) is a bottom-up model (BottomupPoseEstimator), which finds every person of an image itself; drop the boxes")
        }
        var instances: [PoseInstance] = []
        var skipped = 0
        for (i, path) in files.enumerated() {
            let image: RGBImage
            do { image = try ImageFile.read(path: path) } catch {
                // one unreadable image does not cost the others their results
                FileHandle.standardError.write(Data("pose-infer: skipped: \(error)\n".utf8))
                skipped += 1
                continue
            }
            if bottomup {
                var whole = PoseInstance(id: instances.count, imageId: i, imagePath: path, imageWidth: image.width, imageHeight: image.height,
                                         bbox: (0, 0, Double(image.width), Double(image.height)), bboxScore: 1, keypoints: [], visible: [],
                                         numKeypoints: 0, area: Double(image.width * image.height), isCrowd: false, categoryId: 1)
                whole.persons = 0
                instances.append(whole)
                continue
            }
            var people: [((Double, Double, Double, Double), Double)] = boxes.map { ($0, 1) }
            if let detections {
                people = try detections.boxes(for: path, threshold: bboxThr)
            } else if people.isEmpty {
                people = [((0, 0, Double(image.width - 1), Double(image.height - 1)), 1)]
            }
            for (b, score) in people {
                instances.append(PoseInstance(id: instances.count, imageId: i, imagePath: path, imageWidth: image.width, imageHeight: image.height,
                                              bbox: b, bboxScore: score, keypoints: [Double](repeating: 0, count: 2 * metainfo.keypointCount),
                                              visible: [Double](repeating: 1, count: metainfo.keypointCount), numKeypoints: 0,
                                              area: (b.2 - b.0) * (b.3 - b.1), isCrowd: false, categoryId: 1))
            }
        }
        var predictions: [KeypointPrediction] = []
        if !instances.isEmpty, let inputSize = data.dataset.pipeline.inputSize {
            try checkActivationsFit(model, inputSize: inputSize, batch: max(1, data.batchSize), training: false,
                                    what: "test_dataloader.batch_size")
        }
        if !instances.isEmpty {
            let loader = DataLoader(instances: instances, pipeline: data.dataset.pipeline, batchSize: max(1, data.batchSize),
                                    preprocessor: settings.model.dataPreprocessor,
                                    seed: settings.seed, workers: Job.loaderThreads)
            defer { loader.shutdown() }
            loader.start(epoch: 0, indices: Array(instances.indices))
            try ComputePrecision.$current.withValue(bf16 ? .bfloat16 : .float32) {
                while let batch = try loader.next() { predictions += try model.predict(batch) }
            }
        }
        predictions.sort { $0.id < $1.id }
        var results: [[String: Any]] = []
        // a bottom-up prediction's id is its image's sample id · 2^20 + its place among the image's people
        func instance(of p: KeypointPrediction) -> PoseInstance { instances[bottomup ? p.id >> 20 : p.id] }
        for p in predictions {
            let inst = instance(of: p)
            var points: [[Double]] = []
            for j in 0..<metainfo.keypointCount { points.append([p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]]) }
            var box: [Double] = [inst.bbox.0, inst.bbox.1, inst.bbox.2, inst.bbox.3]
            if bottomup, let b = p.bbox, b.count == 4 {
                // the box the head predicted (RTMO, YOLOX-Pose), x, y, w, h → x1, y1, x2, y2
                box = [b[0], b[1], b[0] + b[2], b[1] + b[3]]
            } else if bottomup {
                // the person's keypoints' extent (x1, y1, x2, y2)
                let xs = points.map { $0[0] }, ys = points.map { $0[1] }
                box = [xs.min() ?? 0, ys.min() ?? 0, xs.max() ?? 0, ys.max() ?? 0]
            }
            var record: [String: Any] = ["image": inst.imagePath, "bbox": box, "bbox_score": bottomup ? p.bboxScore : inst.bboxScore, "keypoints": points,
                                         "keypoint_names": metainfo.keypointNames]
            if let v = p.visibility { record["visibility"] = v }
            results.append(record)
        }
        if let draw {
            let style = PoseDrawingStyle(keypointThreshold: kptThr, radius: radius, thickness: thickness)
            let drawn = Set(instances.map(\.imageId))
            for (i, path) in files.enumerated() where drawn.contains(i) {
                let people = predictions.filter { instance(of: $0).imageId == i }
                try PoseInferCommand.drawPredictions(people, on: path, metainfo: metainfo, style: style, into: draw, label: "--draw")
            }
        }
        let json = try PythonJSON.data(results, pretty: true)
        if let out {
            try OutputPath.write(json, to: out, label: "--out")
            print("wrote \(results.count) predictions to \(out)")
        } else {
            print(String(decoding: json, as: UTF8.self))
        }
        return skipped
    }

    /// Draws every predicted person of the image at `path` into `folder` (`<name>_pose.jpg`, or
    /// `.png` for a PNG input).
    static func drawPredictions(_ people: [KeypointPrediction], on path: String, metainfo: DatasetMetainfo, style: PoseDrawingStyle,
                                into folder: String, label: String) throws {
        try OutputPath.createDirectory(folder, label: label)
        var canvas = Canvas(width: 1, height: 1)
        canvas.image = try ImageFile.read(path: path)
        for p in people { canvas.drawPose(keypoints: p.keypoints, scores: p.keypointScores, metainfo: metainfo, style: style) }
        let url = URL(fileURLWithPath: path)
        let png = url.pathExtension.lowercased() == "png"
        try ImageFile.write(canvas.image, path: folder + "/" + url.deletingPathExtension().lastPathComponent + (png ? "_pose.png" : "_pose.jpg"))
    }
}
