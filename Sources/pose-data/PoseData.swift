import ArgumentParser
import Foundation
import PoseCLI
import PoseData
import PoseTensor

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseDataCommand.mainReportingUsageErrors()
    }
}

struct PoseDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-data",
        abstract: "Generate and inspect datasets.",
        subcommands: [Synth.self])
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic COCO-format person-keypoint dataset (JPEG images, annotations, val detections).",
        discussion: """
        Layout: DIR/annotations/person_keypoints_{train,val}.json, DIR/train/*.jpg, DIR/val/*.jpg,
        DIR/person_detection_results/val_detections.json. The same seed gives the same bytes.

        With --dataset-type (an MMPose COCO-format type such as CocoWholeBodyDataset, JhmdbDataset,
        WFLWDataset, LocustDataset), it writes drawn figures of that type's keypoints (from its
        metainfo file, or --metainfo) in that type's annotation format instead:
        DIR/annotations/{train,val}.json and DIR/images/{train,val}/*.jpg (data_prefix img='images/').
        PoseTrack18Dataset writes PoseTrack18's own layout instead, for its configs and PoseTrack18Metric:
        DIR/images/{train,val}/<video>/<frame>.jpg, DIR/annotations/posetrack18_{train,val}.json,
        the per-video files DIR/annotations/{train,val}/<video>.json and
        DIR/annotations/posetrack18_val_human_detections.json (data_prefix img='').
        """)

    @Option(help: "Output directory.") var out: String
    @Option(help: "Training images.") var train = 1000
    @Option(help: "Validation images.") var val = 100
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Image size as WIDTHxHEIGHT.") var size = "320x240"
    @Option(help: "Image file format: jpg or png.") var format = "jpg"
    @Option(help: "Points per annotation's segmentation polygon (COCO files carry them; 0: none).") var segmentationPoints = 0
    @Option(help: "MMPose dataset type whose annotation format to write (e.g. CocoWholeBodyDataset, JhmdbDataset, WFLWDataset).")
    var datasetType: String?
    @Option(help: "Metainfo file of the keypoints to draw with --dataset-type (default: the type's own).") var metainfo: String?
    @Flag(help: "Write annotations and detections only, no images (for annotation-scale tests; the people differ from an image run).")
    var annotationsOnly = false

    func validate() throws {
        guard let (w, h) = parsedSize else { throw ValidationError("--size '\(size)' is not WIDTHxHEIGHT with both 32 to 16384, e.g. 320x240") }
        // COCO files are written as they are made, and only the val boxes are kept (for the
        // detections); the other dataset types' writers hold a split in memory
        let most = datasetType == nil ? (train: 10_000_000, val: 1_000_000) : (train: 20_000, val: 20_000)
        guard (0...most.train).contains(train), (0...most.val).contains(val) else {
            throw ValidationError("--train \(train) --val \(val): expected 0 to \(most.train) train and 0 to \(most.val) val images\(datasetType.map { " with --dataset-type \($0)" } ?? "")")
        }
        try MemoryBudget.check([h, w, 3], copies: 2, for: "--size \(size)")
        guard (0...10_000).contains(segmentationPoints) else { throw ValidationError("--segmentation-points \(segmentationPoints): expected 0 to 10000") }
        guard ["jpg", "png"].contains(format) else { throw ValidationError("--format '\(format)': expected jpg or png") }
        if let datasetType, CocoDatasetType.named(datasetType) == nil {
            throw ValidationError("--dataset-type '\(datasetType)': unknown; expected one of \(CocoDatasetType.mmpose.map(\.name).joined(separator: ", "))")
        }
        if metainfo != nil && datasetType == nil { throw ValidationError("--metainfo needs --dataset-type") }
        if metainfo != nil && datasetType == "PoseTrack18Dataset" {
            throw ValidationError("--metainfo: PoseTrack18Dataset writes PoseTrack18's own 17 keypoints (its metric needs them)")
        }
    }

    var parsedSize: (Int, Int)? {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (32...16_384).contains(parts[0]), (32...16_384).contains(parts[1]) else { return nil }
        return (parts[0], parts[1])
    }

    func run() throws {
        let (w, h) = parsedSize!
        let t0 = Date()
        if datasetType == "PoseTrack18Dataset" {
            do {
                let generator = try SyntheticPoseTrack(seed: seed, width: w, height: h)
                try generator.write(to: out, trainImages: train, valImages: val)
                print(String(format: "wrote %d train and %d val PoseTrack18Dataset frames (videos of %d, %dx%d, seed %llu) to %@ in %.1f s",
                             train, val, generator.framesPerVideo, w, h, seed, out, Date().timeIntervalSince(t0)))
            } catch {
                fail("\(error)")
            }
            return
        }
        if let datasetType, let type = CocoDatasetType.named(datasetType) {
            do {
                var generator = try SyntheticKeypointDataset(type: type, metainfo: try metainfo.map(DatasetMetainfo.resolve))
                if case .wholeImage = type.layout {} else { (generator.width, generator.height) = (w, h) }
                generator.seed = seed
                try generator.write(to: out, trainImages: train, valImages: val)
                print(String(format: "wrote %d train and %d val %@ images (%d keypoints, %dx%d, seed %llu) to %@ in %.1f s",
                             train, val, datasetType, generator.metainfo.keypointCount, generator.width, generator.height, seed, out,
                             Date().timeIntervalSince(t0)))
            } catch {
                fail("\(error)")
            }
            return
        }
        do {
            var generator = SyntheticCOCO(width: w, height: h, seed: seed)
            generator.imageFormat = format
            generator.segmentationPoints = segmentationPoints
            try generator.write(to: out, trainImages: train, valImages: val, annotationsOnly: annotationsOnly)
        } catch {
            fail("\(error)")
        }
        print(String(format: "wrote %d train and %d val %@ (%dx%d, seed %llu) to %@ in %.1f s",
                     train, val, annotationsOnly ? "image records (annotations only)" : "images", w, h, seed, out,
                     Date().timeIntervalSince(t0)))
    }
}
