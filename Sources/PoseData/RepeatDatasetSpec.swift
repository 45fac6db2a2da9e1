/// MMEngine's `RepeatDataset(dataset, times)`: the wrapped dataset's instances `times` times over,
/// in order (index i is the wrapped dataset's i mod its length), with its metainfo and pipeline.
/// RTMPose's aic-coco configs repeat COCO three times inside a `CombinedDataset`.
public struct RepeatDatasetSpec: DatasetSpec {
    /// The wrapped dataset.
    public var dataset: any DatasetSpec
    /// How many times its instances appear (`times`, at least 1).
    public var times: Int

    /// Repeats `dataset` `times` times.
    public init(dataset: any DatasetSpec, times: Int) {
        self.dataset = dataset
        self.times = max(1, times)
    }

    public var metainfo: DatasetMetainfo { dataset.metainfo }
    public var pipeline: TopdownPipeline { dataset.pipeline }
    public var evaluatesDetections: Bool { dataset.evaluatesDetections }

    public func requiredFiles(testMode: Bool) -> [RequiredFile] {
        dataset.requiredFiles(testMode: testMode).map { RequiredFile(key: "dataset.\($0.key)", path: $0.path, isDirectory: $0.isDirectory) }
    }

    /// The wrapped dataset's instances, `times` times over (the same ids, as MMEngine's
    /// `get_data_info` returns the wrapped dataset's), and its annotation file.
    public func load(testMode: Bool) throws -> LoadedDataset {
        var loaded = try dataset.load(testMode: testMode)
        loaded.instances = Array([[PoseInstance]](repeating: loaded.instances, count: times).joined())
        return loaded
    }
}
