import PoseTensor

/// MMPose's `CombinedDataset`: several datasets, each converted to one keypoint definition (the
/// combined `metainfo`) by the `KeypointConverter`s its own pipeline starts with, then through
/// the rest of its own pipeline, then the combined pipeline; in order (all of the first dataset,
/// then the second, …).
///
/// The leading `KeypointConverter`s are steps on the annotation, so they run once, when the
/// datasets load; the sub-dataset's other steps (`LoadImage`, `GetBBoxCenterScale`,
/// `RandomBBoxTransform`, as RTMW's configs give them) run per sample, with the combined
/// metainfo, before the combined pipeline, as MMPose runs a sub-dataset's pipeline before the
/// combined one. Instances are renumbered in the combined order, as the sub-datasets' ids may
/// collide.
public struct CombinedDatasetSpec: DatasetSpec {
    public var metainfo: DatasetMetainfo
    /// `SubsetSteps` (when a sub-dataset has steps beyond its converters), then the combined
    /// pipeline's steps.
    public var pipeline: TopdownPipeline
    /// The sub-datasets in order (MMPose's `datasets=[...]`).
    public var datasets: [any DatasetSpec]
    /// Each sub-dataset's leading `KeypointConverter`s, applied when it loads.
    private var converters: [[KeypointConverter]]

    /// Fails when a `KeypointConverter` follows another step in a sub-dataset's pipeline (it
    /// converts when the dataset loads, before any per-sample step).
    public init(metainfo: DatasetMetainfo, datasets: [any DatasetSpec], pipeline: [any Transform]) throws {
        var converters: [[KeypointConverter]] = [], steps: [[any Transform]] = []
        for (i, d) in datasets.enumerated() {
            let leading = d.pipeline.transforms.prefix { $0 is KeypointConverter }
            let rest = Array(d.pipeline.transforms.dropFirst(leading.count))
            if let late = rest.first(where: { $0 is KeypointConverter }) {
                throw DatasetError("CombinedDataset: datasets[\(i)].pipeline has a \(type(of: late)) after other steps; its KeypointConverters must come first")
            }
            converters.append(leading.compactMap { $0 as? KeypointConverter })
            steps.append(rest)
        }
        self.metainfo = metainfo
        self.datasets = datasets
        self.converters = converters
        let routed: [any Transform] = steps.allSatisfy(\.isEmpty) ? [] : [SubsetSteps(steps: steps)]
        self.pipeline = TopdownPipeline(routed + pipeline, metainfo: metainfo)
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
                for converter in converters[i] { instance = try converter.convert(instance) }
                instance.subsets.append(i)
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

/// The per-sample steps of a `CombinedDataset`'s sub-datasets: each sample runs those of the
/// sub-dataset it came from (the last of its instance's `subsets`, which it removes, so that a
/// nested combined dataset's own `SubsetSteps` finds its position next).
public struct SubsetSteps: Transform {
    /// Each sub-dataset's steps after its `KeypointConverter`s, in `datasets` order.
    public var steps: [[any Transform]]

    /// The steps of each sub-dataset.
    public init(steps: [[any Transform]]) { self.steps = steps }

    public func apply(_ sample: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        guard let i = sample.instance.subsets.popLast(), steps.indices.contains(i) else {
            throw DatasetError("CombinedDataset: a sample without its sub-dataset's position reached the combined pipeline")
        }
        for step in steps[i] { try step.apply(&sample, metainfo: metainfo, rng: &rng) }
    }
}
