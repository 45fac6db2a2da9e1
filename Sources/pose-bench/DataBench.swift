import ArgumentParser
import Foundation
import PoseCLI
import PoseData
import PoseDistributed
import PoseTensor
import PoseTraining

/// Throughput of a config's training pipeline (decode, augmentation, target generation,
/// collation) with one loader thread and with all threads.
struct DataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Images/s of a config's training data pipeline, per thread and with every thread.",
        discussion: """
        Point the config at the synthetic data with --cfg-options, e.g.
          train_dataloader.dataset.data_root=data/synthetic/ \\
          train_dataloader.dataset.ann_file=annotations/person_keypoints_train.json \\
          train_dataloader.dataset.data_prefix.img=train/
        """)

    @Argument(help: "Config file.") var config: String
    @Option(help: "Batches per measurement.") var batches = 8
    @Option(help: "Thread counts to measure (default: 1 and all cores).") var threads: [Int] = []
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value.") var cfgOptions: [String] = []

    func validate() throws {
        guard (1...1_000_000).contains(batches) else { throw ValidationError("--batches \(batches): expected 1 to 1000000") }
        if let bad = threads.first(where: { !(1...1_024).contains($0) }) { throw ValidationError("--threads \(bad): expected 1 to 1024") }
    }

    func run() throws {
        let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: .stock)
        guard let data = settings.train else { throw ValidationError("\(config) has no train_dataloader") }
        let t0 = monotonicSeconds()
        let dataset = try data.dataset.load(testMode: false)
        let pipeline = data.dataset.pipeline
        print(String(format: "dataset: %d instances loaded in %.2f s; input %@, batch %d",
                     dataset.instances.count, monotonicSeconds() - t0, "\(pipeline.inputSize.map { "\($0.0)x\($0.1)" } ?? "?")",
                     data.batchSize))
        let counts = threads.isEmpty ? [1, ProcessInfo.processInfo.activeProcessorCount] : threads
        for n in counts {
            let loader = DataLoader(instances: dataset.instances, pipeline: pipeline, batchSize: data.batchSize,
                                    preprocessor: settings.model.dataPreprocessor, seed: 0, workers: n, prefetch: 4)
            let indices = DistributedSampler(count: dataset.instances.count, shuffle: true, seed: 0).indices(epoch: 0)
            defer { loader.shutdown() }
            loader.start(epoch: 0, indices: Array(indices.prefix(batches * data.batchSize)))
            let start = monotonicSeconds()
            var images = 0
            while let batch = try loader.next() { images += batch.count }
            let seconds = monotonicSeconds() - start
            print(String(format: "%d thread%@: %.1f images/s (%.1f per thread), %d images in %.2f s",
                         n, n == 1 ? "" : "s", Double(images) / seconds, Double(images) / seconds / Double(n), images, seconds))
        }
    }
}

/// Load time and memory of a COCO annotation file as a dataset index.
struct AnnotationsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotations",
        abstract: "Seconds and resident memory to load a COCO keypoint annotation file as a top-down dataset.")

    @Argument(help: "COCO annotation json.") var file: String
    @Option(help: "Dataset metainfo file.") var metainfo = "configs/_base_/datasets/coco.py"

    func run() throws {
        let meta = try DatasetMetainfo.load(path: metainfo)
        let before = currentResidentBytes()
        let t0 = monotonicSeconds()
        let dataset = try CocoDataset(annotationFile: file, metainfo: meta)
        let seconds = monotonicSeconds() - t0
        let after = currentResidentBytes()
        print(String(format: "%@: %d images, %d annotations, %d valid instances", file, dataset.annotations.images.count,
                     dataset.annotations.annotations.count, dataset.instances.count))
        print(String(format: "load: %.2f s; resident memory after loading %.2f GiB (+%.2f GiB), peak %.2f GiB",
                     seconds, Double(after) / 1_073_741_824, Double(after - before) / 1_073_741_824,
                     Double(peakResidentBytes()) / 1_073_741_824))
    }
}
