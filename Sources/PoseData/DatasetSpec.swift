import Foundation

/// What a dataset yields: its instances and, for COCO-style annotation files, the file itself
/// (the ground truth `CocoMetric` evaluates against).
public struct LoadedDataset: Sendable {
    public var instances: [PoseInstance]
    public var annotations: CocoAnnotationFile?
    /// Whether the instances are a detector's boxes (`bbox_file`), without ground-truth keypoints.
    public var instancesAreDetections: Bool

    public init(instances: [PoseInstance], annotations: CocoAnnotationFile? = nil, instancesAreDetections: Bool = false) {
        self.instances = instances
        self.annotations = annotations
        self.instancesAreDetections = instancesAreDetections
    }
}

/// A file or folder a component will read, checked when a run starts so that a missing one is
/// reported before any training, naming the config key.
public struct RequiredFile: Sendable, Equatable {
    /// The config key it comes from, relative to the component's dict (`ann_file`, `data_prefix.img`).
    public var key: String
    public var path: String
    public var isDirectory: Bool

    public init(key: String, path: String, isDirectory: Bool = false) {
        self.key = key; self.path = path; self.isDirectory = isDirectory
    }

    /// MMEngine's `osp.join(data_root, path)`: relative paths resolve against `root`.
    public static func join(_ root: String, _ path: String) -> String {
        if path.hasPrefix("/") || root.isEmpty { return path }
        return URL(fileURLWithPath: root).appendingPathComponent(path).path
    }

    /// nil when the file (or folder) is there, else what is wrong.
    public var problem: String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return "\(path) does not exist" }
        if isDir.boolValue != isDirectory { return "\(path) is \(isDir.boolValue ? "a folder" : "a file"), expected \(isDirectory ? "a folder" : "a file")" }
        return nil
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
/// - `requiredFiles(testMode:)` lists what `load` will read, so a run checks them at start-up.
/// - Specs are values (`Sendable`), shared by every rank.
public protocol DatasetSpec: Sendable {
    var metainfo: DatasetMetainfo { get }
    var pipeline: TopdownPipeline { get }
    func load(testMode: Bool) throws -> LoadedDataset
    func requiredFiles(testMode: Bool) -> [RequiredFile]
    /// Whether `load(testMode: true)` gives a detector's boxes (`bbox_file`) rather than the
    /// annotated instances; false by default.
    var evaluatesDetections: Bool { get }
}

extension DatasetSpec {
    public var evaluatesDetections: Bool { false }
}

extension DatasetSpec {
    public func requiredFiles(testMode: Bool) -> [RequiredFile] { [] }
}

extension CocoStyleDatasetSettings {
    /// The annotation file, the image folder and, in test mode, the detections.
    public func requiredFiles(testMode: Bool) -> [RequiredFile] {
        var files = [RequiredFile(key: "ann_file", path: RequiredFile.join(dataRoot, annotationFile)),
                     RequiredFile(key: "data_prefix.img", path: RequiredFile.join(dataRoot, imagePrefix.isEmpty ? "." : imagePrefix),
                                  isDirectory: true)]
        if testMode, let bboxFile { files.append(RequiredFile(key: "bbox_file", path: bboxFile)) }
        return files
    }
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
    /// MMPose's `sample_interval`: only images whose id is a multiple of it are read from the
    /// annotations (detection results are not thinned).
    public var sampleInterval = 1
    /// MMEngine's `indices`: the first n data (the last −n for negative n), or those listed.
    public var indices: DataSubset?
    public var metainfo: DatasetMetainfo
    public var pipeline: TopdownPipeline

    public init(annotationFile: String, metainfo: DatasetMetainfo, pipeline: [any Transform]) {
        self.annotationFile = annotationFile
        self.metainfo = metainfo
        self.pipeline = TopdownPipeline(pipeline, metainfo: metainfo)
    }
}

/// `CocoDataset`, `CrowdPoseDataset` and any COCO-format keypoint dataset: the settings and the
/// loading rules are MMPose's `BaseCocoStyleDataset`'s; the types differ in their default
/// metainfo and in how they read an annotation (`layout`).
public struct CocoStyleDatasetSpec: DatasetSpec {
    public var settings: CocoStyleDatasetSettings
    public var layout: CocoInstanceLayout

    public init(_ settings: CocoStyleDatasetSettings, layout: CocoInstanceLayout = .standard) {
        self.settings = settings
        self.layout = layout
    }

    public var evaluatesDetections: Bool { settings.bboxFile != nil }
    public var metainfo: DatasetMetainfo { settings.metainfo }
    public var pipeline: TopdownPipeline { settings.pipeline }

    public func requiredFiles(testMode: Bool) -> [RequiredFile] { settings.requiredFiles(testMode: testMode) }

    public func load(testMode: Bool) throws -> LoadedDataset {
        let ds = try CocoDataset(annotationFile: settings.annotationFile, dataRoot: settings.dataRoot,
                                 imagePrefix: settings.imagePrefix, bboxFile: testMode ? settings.bboxFile : nil,
                                 testMode: testMode, metainfo: settings.metainfo, layout: layout)
        let detections = testMode && settings.bboxFile != nil
        let instances = settings.sampleInterval > 1 && !detections
            ? ds.instances.filter { $0.imageId % settings.sampleInterval == 0 } : ds.instances
        return LoadedDataset(instances: try settings.indices?.select(from: instances, file: settings.annotationFile) ?? instances,
                             annotations: layout.annotationsAreInstances ? ds.annotations : nil, instancesAreDetections: detections)
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

    public func requiredFiles(testMode: Bool) -> [RequiredFile] {
        settings.requiredFiles(testMode: testMode)
            + (testMode ? headboxFile.map { [RequiredFile(key: "headbox_file", path: $0)] } ?? [] : [])
    }

    public func load(testMode: Bool) throws -> LoadedDataset {
        let ds = try MpiiDataset(annotationFile: settings.annotationFile, dataRoot: settings.dataRoot,
                                 imagePrefix: settings.imagePrefix, headboxFile: testMode ? headboxFile : nil,
                                 metainfo: settings.metainfo)
        return LoadedDataset(instances: try settings.indices?.select(from: ds.instances, file: settings.annotationFile) ?? ds.instances)
    }
}
