import ArgumentParser
import Foundation
import PoseData
import PoseTraining

/// `pose-infer`: runs a trained top-down model on images.
public struct PoseInferCommand: ComponentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pose-infer",
        abstract: "Run a trained top-down model on images.",
        discussion: """
        Each image is processed with one person box: --bbox when given, otherwise the whole image
        (as MMPose's inferencer does without a detector). The config's test pipeline and flip test
        apply. Prints (or writes with --out) JSON with the keypoints in image pixels and their scores;
        --draw writes each image with the skeleton drawn. Example:
          pose-infer CONFIG work_dirs/quickstart/epoch_16.safetensors data/synthetic/val/000001000001.jpg --draw out/
        """)

    @Argument(help: "Config file.") public var config: String
    @Argument(help: "Checkpoint (.safetensors or .pth).") public var checkpoint: String
    @Argument(help: "JPEG images.") public var images: [String]
    @Option(help: "Person box as x1,y1,x2,y2 in pixels (default: the whole image).") public var bbox: String?
    @Option(help: "Write the JSON results to this file instead of standard output.") public var out: String?
    @Option(help: "Write each image with the predicted skeleton into this folder.") public var draw: String?
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") public var cfgOptions: [String] = []

    public init() {}

    /// Runs inference with the config's components looked up in `components`; exits on an error.
    public func run(components: Components) {
        do {
            try infer(components: components)
        } catch {
            fail("\(error)")
        }
    }

    public func validate() throws {
        if let bbox { _ = try PoseInferCommand.parseBox(bbox) }
    }

    /// `--bbox x1,y1,x2,y2`: finite pixels within ±10^7, with x2 > x1 and y2 > y1.
    static func parseBox(_ text: String) throws -> [Double] {
        let v = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 4, v.allSatisfy({ abs($0) <= 10_000_000 }), v[2] > v[0], v[3] > v[1] else {
            throw ValidationError("--bbox '\(text)' is not x1,y1,x2,y2 in pixels (within ±10000000) with x2 > x1 and y2 > y1")
        }
        return v
    }

    func infer(components: Components) throws {
        let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: components)
        guard let data = settings.test ?? settings.val else { throw TrainingError("\(config): needs test_dataloader (its pipeline is used)") }
        var box: (Double, Double, Double, Double)?
        if let bbox {
            let v = try PoseInferCommand.parseBox(bbox)
            box = (v[0], v[1], v[2], v[3])
        }
        let model = try Job.loadTrainedModel(settings, checkpoint: checkpoint, strict: false) { _ in }
        let metainfo = data.dataset.metainfo
        var instances: [PoseInstance] = []
        for (i, path) in images.enumerated() {
            let image = try JPEG.read(path: path)
            let b = box ?? (0, 0, Double(image.width - 1), Double(image.height - 1))
            instances.append(PoseInstance(id: i, imageId: i, imagePath: path, imageWidth: image.width, imageHeight: image.height,
                                          bbox: b, bboxScore: 1, keypoints: [Double](repeating: 0, count: 2 * metainfo.keypointCount),
                                          visible: [Double](repeating: 1, count: metainfo.keypointCount), numKeypoints: 0,
                                          area: (b.2 - b.0) * (b.3 - b.1), isCrowd: false, categoryId: 1))
        }
        let loader = DataLoader(instances: instances, pipeline: data.dataset.pipeline, batchSize: max(1, data.batchSize),
                                mean: settings.model.dataPreprocessor.mean, std: settings.model.dataPreprocessor.std,
                                seed: settings.seed, workers: Job.loaderThreads)
        defer { loader.shutdown() }
        loader.start(epoch: 0, indices: Array(instances.indices))
        var results: [[String: Any]] = []
        while let batch = try loader.next() {
            for p in try model.predict(batch) {
                let inst = instances[p.id]
                var points: [[Double]] = []
                for j in 0..<metainfo.keypointCount {
                    points.append([p.keypoints[2 * j], p.keypoints[2 * j + 1], p.keypointScores[j]])
                }
                let box: [Double] = [inst.bbox.0, inst.bbox.1, inst.bbox.2, inst.bbox.3]
                var record: [String: Any] = ["image": inst.imagePath, "bbox": box, "keypoints": points,
                                             "keypoint_names": metainfo.keypointNames]
                if let v = p.visibility { record["visibility"] = v }
                results.append(record)
                if let draw { try drawPrediction(p.keypoints, scores: p.keypointScores, on: inst.imagePath, metainfo: metainfo, into: draw) }
            }
        }
        let json = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
        if let out {
            try json.write(to: URL(fileURLWithPath: out), options: .atomic)
            print("wrote \(results.count) predictions to \(out)")
        } else {
            print(String(decoding: json, as: UTF8.self))
        }
    }

    /// Draws the skeleton (links and keypoints with score > 0.3) in the dataset's colours.
    func drawPrediction(_ keypoints: [Double], scores: [Double], on path: String, metainfo: DatasetMetainfo, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var canvas = Canvas(width: 1, height: 1)
        canvas.image = try JPEG.read(path: path)
        let r = max(2, Double(max(canvas.image.width, canvas.image.height)) / 150)
        func color(_ c: [UInt8]) -> (Double, Double, Double) { c.count == 3 ? (Double(c[0]), Double(c[1]), Double(c[2])) : (255, 255, 255) }
        for (i, (a, b)) in metainfo.skeletonLinks.enumerated() where scores[a] > 0.3 && scores[b] > 0.3 {
            canvas.capsule(keypoints[2 * a], keypoints[2 * a + 1], keypoints[2 * b], keypoints[2 * b + 1], r / 2,
                           color(i < metainfo.linkColors.count ? metainfo.linkColors[i] : []))
        }
        for j in 0..<metainfo.keypointCount where scores[j] > 0.3 {
            canvas.fillCircle(keypoints[2 * j], keypoints[2 * j + 1], r, color(metainfo.keypointColors[j]))
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        try JPEG.write(canvas.image, path: folder + "/" + name + "_pose.jpg")
    }
}
