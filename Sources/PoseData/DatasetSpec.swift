/// What a dataset yields: its instances and, for COCO-style annotation files, the file itself
/// (the ground truth `CocoMetric` evaluates against).
public struct LoadedDataset: Sendable {
    public var instances: [PoseInstance]
    public var annotations: CocoAnnotationFile?

    public init(instances: [PoseInstance], annotations: CocoAnnotationFile? = nil) {
        self.instances = instances
        self.annotations = annotations
    }
}

/// A configured dataset (MMPose's `DATASETS`): decoded from a dataloader's `dataset=dict(...)`,
/// loaded on every rank when a run or an evaluation starts.
///
/// Contract for an implementation:
/// - `metainfo` is the dataset's keypoint definition (names, flip pairs, sigmas, skeleton),
///   read when the config is decoded; `pipeline` the transforms each sample goes through.
/// - `load(testMode:)` reads the annotation files into top-down instances, one per person box,
///   with keypoints in image pixels (`K` (x, y) pairs) and `K` visibilities. In test mode a
///   dataset may take boxes from a detection file instead; in training mode it filters
///   instances as MMPose does. It throws a `DatasetError` naming the file for bad input.
/// - Specs are values (`Sendable`), shared by every rank.
public protocol DatasetSpec: Sendable {
    var metainfo: DatasetMetainfo { get }
    var pipeline: TopdownPipeline { get }
    func load(testMode: Bool) throws -> LoadedDataset
}

/// The keys MMPose's `BaseCocoStyleDataset` shares among its dataset types.
public struct CocoStyleDatasetSettings: Sendable {
    /// COCO json path; relative paths resolve against `dataRoot`.
    public var annotationFile: String
    /// MMEngine's `data_root`.
    public var dataRoot = ""
    /// `data_prefix.img`, joined with `dataRoot`.
    public var imagePrefix = ""
    /// Detection results (COCO results format), used in test mode.
    public var bboxFile: String?
    public var metainfo: DatasetMetainfo
    public var pipeline: TopdownPipeline

    public init(annotationFile: String, metainfo: DatasetMetainfo, pipeline: [any Transform]) {
        self.annotationFile = annotationFile
        self.metainfo = metainfo
        self.pipeline = TopdownPipeline(pipeline, metainfo: metainfo)
    }
}

/// `CocoDataset`, `CrowdPoseDataset` and any COCO-format keypoint dataset: the settings and the
/// loading rules are MMPose's `BaseCocoStyleDataset`'s; only the default metainfo differs.
public struct CocoStyleDatasetSpec: DatasetSpec {
    public var settings: CocoStyleDatasetSettings

    public init(_ settings: CocoStyleDatasetSettings) { self.settings = settings }

    public var metainfo: DatasetMetainfo { settings.metainfo }
    public var pipeline: TopdownPipeline { settings.pipeline }

    public func load(testMode: Bool) throws -> LoadedDataset {
        let ds = try CocoDataset(annotationFile: settings.annotationFile, dataRoot: settings.dataRoot,
                                 imagePrefix: settings.imagePrefix, bboxFile: testMode ? settings.bboxFile : nil,
                                 testMode: testMode, metainfo: settings.metainfo)
        return LoadedDataset(instances: ds.instances, annotations: ds.annotations)
    }
}

/// MMPose's `MpiiDataset` (its json layout), with MPII's head boxes for PCKh in test mode.
public struct MpiiDatasetSpec: DatasetSpec {
    public var settings: CocoStyleDatasetSettings
    /// `mpii_gt_val.mat` with `headboxes_src`, used in test mode.
    public var headboxFile: String?

    public init(_ settings: CocoStyleDatasetSettings, headboxFile: String? = nil) {
        self.settings = settings
        self.headboxFile = headboxFile
    }

    public var metainfo: DatasetMetainfo { settings.metainfo }
    public var pipeline: TopdownPipeline { settings.pipeline }

    public func load(testMode: Bool) throws -> LoadedDataset {
        let ds = try MpiiDataset(annotationFile: settings.annotationFile, dataRoot: settings.dataRoot,
                                 imagePrefix: settings.imagePrefix, headboxFile: testMode ? headboxFile : nil,
                                 metainfo: settings.metainfo)
        return LoadedDataset(instances: ds.instances)
    }
}
