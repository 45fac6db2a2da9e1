import Foundation

/// What a dataset yields: its instances and, for COCO-style annotation files, the file itself
/// (the ground truth `CocoMetric` evaluates against).
public struct LoadedDataset: Sendable {
    /// The top-down instances, one per person box, with keypoints in image pixels.
    public var instances: [PoseInstance]
    /// The COCO annotation file the instances come from, for `CocoMetric`; nil for datasets without
    /// one (MPII, combined datasets, COCO-WholeBody's hand and face subsets).
    public var annotations: CocoAnnotationFile?
    /// Whether the instances are a detector's boxes (`bbox_file`), without ground-truth keypoints.
    public var instancesAreDetections: Bool

    /// A loaded dataset; by default without an annotation file and with ground-truth instances.
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
    /// The path as the run will read it (already joined with `data_root`).
    public var path: String
    /// Whether a folder is expected (`data_prefix.img`) rather than a file.
    public var isDirectory: Bool

    /// A required file (or, with `isDirectory`, folder) at `path`, named in messages by its config `key`.
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
    /// The dataset's keypoint definition (MMPose's `metainfo`): names, flip indices, sigmas, skeleton.
    var metainfo: DatasetMetainfo { get }
    /// The transforms each sample goes through (the dataset's `pipeline=[...]`), with `metainfo`.
    var pipeline: TopdownPipeline { get }
    /// Reads the annotation files into top-down instances, one per person box, with `K` (x, y)
    /// keypoints in image pixels and `K` visibilities.
    /// - Parameter testMode: MMPose's `test_mode` (an evaluation dataset): boxes may come from a
    ///   detection file (`bbox_file`).
    /// - Throws: a `DatasetError` naming the file and what is wrong with it.
    func load(testMode: Bool) throws -> LoadedDataset
    /// The files and folders `load(testMode:)` will read, with their config keys, so that a run
    /// checks them at start-up.
    func requiredFiles(testMode: Bool) -> [RequiredFile]
    /// Whether `load(testMode: true)` gives a detector's boxes (`bbox_file`) rather than the
    /// annotated instances; false by default.
    var evaluatesDetections: Bool { get }
}

extension DatasetSpec {
    public var evaluatesDetections: Bool { false }
}

extension DatasetSpec {
    /// None: by default a dataset declares no file (synthetic and in-memory datasets).
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
    /// The dataset's keypoint definition (`metainfo=dict(from_file=...)`, or the type's default file).
    public var metainfo: DatasetMetainfo
    /// The per-sample transforms (`pipeline=[...]`), run with `metainfo`.
    public var pipeline: TopdownPipeline
    /// MMPose's `data_mode`: one sample per person (`.topdown`) or per image (`.bottomup`).
    public var dataMode = DataMode.topdown

    /// MMPose's `data_mode` of a COCO-style dataset.
    public enum DataMode: String, Sendable, CaseIterable {
        /// One sample per person instance (top-down models).
        case topdown
        /// One sample per image with all its persons (bottom-up models).
        case bottomup
    }

    /// Settings with MMEngine's defaults beyond the annotation file and the keypoint definition: no
    /// `data_root`, image prefix or `bbox_file`, `sample_interval=1`, every entry.
    /// - Parameters:
    ///   - annotationFile: MMPose's `ann_file`.
    ///   - pipeline: the transforms, run with `metainfo`.
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
    /// The `BaseCocoStyleDataset` keys: files, prefixes, subsets, metainfo and pipeline.
    public var settings: CocoStyleDatasetSettings
    /// How this type reads an annotation (MMPose's `parse_data_info`).
    public var layout: CocoInstanceLayout

    /// A dataset of the type that reads annotations by `layout` (default `.standard`, `CocoDataset`'s).
    public init(_ settings: CocoStyleDatasetSettings, layout: CocoInstanceLayout = .standard) {
        self.settings = settings
        self.layout = layout
    }

    public var evaluatesDetections: Bool { settings.bboxFile != nil && settings.dataMode == .topdown }
    public var metainfo: DatasetMetainfo { settings.metainfo }
    public var pipeline: TopdownPipeline { settings.pipeline }

    public func requiredFiles(testMode: Bool) -> [RequiredFile] { settings.requiredFiles(testMode: testMode) }

    public func load(testMode: Bool) throws -> LoadedDataset {
        if settings.dataMode == .bottomup { return try loadBottomup(testMode: testMode) }
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

extension CocoStyleDatasetSpec {
    /// One sample per image (`CocoDataset.bottomupSamples`); `sample_interval` thins the images
    /// by id and `indices` selects among them; `bbox_file` is not used (bottom-up models need no boxes).
    func loadBottomup(testMode: Bool) throws -> LoadedDataset {
        let (samples, file) = try CocoDataset.bottomupSamples(annotationFile: settings.annotationFile, dataRoot: settings.dataRoot,
                                                              imagePrefix: settings.imagePrefix, testMode: testMode,
                                                              metainfo: settings.metainfo, layout: layout)
        let thinned = settings.sampleInterval > 1 ? samples.filter { $0.imageId % settings.sampleInterval == 0 } : samples
        return LoadedDataset(instances: try settings.indices?.select(from: thinned, file: settings.annotationFile) ?? thinned,
                             annotations: layout.annotationsAreInstances ? file : nil)
    }
}

/// MMPose's `MpiiDataset` (its json layout), with MPII's head boxes for PCKh in test mode.
public struct MpiiDatasetSpec: DatasetSpec {
    /// The `BaseCocoStyleDataset` keys, `ann_file` naming MMPose's MPII json; `sample_interval` and
    /// `bbox_file` are not used by `load(testMode:)`.
    public var settings: CocoStyleDatasetSettings
    /// `mpii_gt_val.mat` with `headboxes_src`, used in test mode.
    public var headboxFile: String?

    /// A dataset from its settings and, for PCKh in test mode, MPII's head boxes.
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
