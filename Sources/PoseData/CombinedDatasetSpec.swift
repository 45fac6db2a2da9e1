/// MMPose's `CombinedDataset`: several datasets, each converted to one keypoint definition (the
/// combined `metainfo`) by the `KeypointConverter` in its own pipeline, then run through the
/// combined pipeline, in order (all of the first dataset, then the second, …).
///
/// MMPose runs a sub-dataset's pipeline on its annotation before the combined pipeline; since
/// those pipelines hold only `KeypointConverter`s (steps on the annotation, not the image), they
/// run here once, when the datasets load. Instances are renumbered in the combined order, as the
/// sub-datasets' ids may collide.
public struct CombinedDatasetSpec: DatasetSpec {
    public var metainfo: DatasetMetainfo
    public var pipeline: TopdownPipeline
    /// The sub-datasets in order (MMPose's `datasets=[...]`), each with a pipeline of
    /// `KeypointConverter`s only.
    public var datasets: [any DatasetSpec]

    /// Fails when a sub-dataset's pipeline holds anything but `KeypointConverter`s.
    public init(metainfo: DatasetMetainfo, datasets: [any DatasetSpec], pipeline: [any Transform]) throws {
        for (i, d) in datasets.enumerated() {
            if let other = d.pipeline.transforms.first(where: { !($0 is KeypointConverter) }) {
                throw DatasetError("CombinedDataset: datasets[\(i)].pipeline may hold KeypointConverter steps only (the combined pipeline does the rest), found \(type(of: other))")
            }
        }
        self.metainfo = metainfo
        self.datasets = datasets
        self.pipeline = TopdownPipeline(pipeline, metainfo: metainfo)
    }

    public func requiredFiles(testMode: Bool) -> [RequiredFile] {
        datasets.enumerated().flatMap { i, d in
            d.requiredFiles(testMode: testMode).map { RequiredFile(key: "datasets.\(i).\($0.key)", path: $0.path, isDirectory: $0.isDirectory) }
        }
    }

    public func load(testMode: Bool) throws -> LoadedDataset {
        var instances: [PoseInstance] = []
        for (i, d) in datasets.enumerated() {
            for var instance in try d.load(testMode: testMode).instances {
                for case let converter as KeypointConverter in d.pipeline.transforms { instance = try converter.convert(instance) }
                guard instance.visible.count == metainfo.keypointCount else {
                    throw DatasetError("CombinedDataset: datasets[\(i)] has \(instance.visible.count) keypoints, the combined metainfo '\(metainfo.datasetName)' \(metainfo.keypointCount); add a KeypointConverter to its pipeline")
                }
                instance.id = instances.count
                instances.append(instance)
            }
        }
        return LoadedDataset(instances: instances)
    }
}
