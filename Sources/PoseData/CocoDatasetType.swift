/// One of MMPose's COCO-format dataset types: its registered name, the metainfo file it
/// defaults to (`METAINFO = dict(from_file=...)`, bundled with SwiftPose) and how it reads an
/// annotation.
public struct CocoDatasetType: Sendable {
    /// The registered type name, as a config's `type='CocoDataset'` gives it.
    public var name: String
    /// File name under `configs/_base_/datasets/`.
    public var metainfoFile: String
    /// How the type reads an annotation (its `parse_data_info`).
    public var layout: CocoInstanceLayout

    /// A type from its registered name, its metainfo file name under `configs/_base_/datasets/`
    /// (`coco.py`) and its layout (default `.standard`).
    public init(_ name: String, _ metainfoFile: String, _ layout: CocoInstanceLayout = .standard) {
        self.name = name; self.metainfoFile = metainfoFile; self.layout = layout
    }

    /// MMPose 1.3.2's `BaseCocoStyleDataset` subclasses that need nothing beyond a metainfo file
    /// and a layout (`DeepFashionDataset` picks its file by `subset`, `MpiiDataset` has its own
    /// json; both are registered separately).
    public static let mmpose: [CocoDatasetType] = [
        CocoDatasetType("CocoDataset", "coco.py"), CocoDatasetType("CrowdPoseDataset", "crowdpose.py"),
        CocoDatasetType("AicDataset", "aic.py"), CocoDatasetType("ExlposeDataset", "exlpose.py"),
        CocoDatasetType("HumanArtDataset", "humanart.py"), CocoDatasetType("HumanArt21Dataset", "humanart21.py", .keypointsField("keypoints_21")),
        CocoDatasetType("MhpDataset", "mhp.py"),
        CocoDatasetType("OCHumanDataset", "ochuman.py"), CocoDatasetType("PoseTrack18Dataset", "posetrack18.py"),
        CocoDatasetType("HalpeDataset", "halpe.py"), CocoDatasetType("UBody2dDataset", "ubody2d.py"),
        CocoDatasetType("JhmdbDataset", "jhmdb.py", .matlabOneBased),
        CocoDatasetType("CocoWholeBodyDataset", "coco_wholebody.py", .wholeBody),
        CocoDatasetType("CocoWholeBodyHandDataset", "coco_wholebody_hand.py", .wholeBodyHand),
        CocoDatasetType("CocoWholeBodyFaceDataset", "coco_wholebody_face.py", .wholeBodyFace),
        CocoDatasetType("AnimalKingdomDataset", "ak.py"), CocoDatasetType("AnimalPoseDataset", "animalpose.py"),
        CocoDatasetType("AP10KDataset", "ap10k.py"), CocoDatasetType("ATRWDataset", "atrw.py"),
        CocoDatasetType("FlyDataset", "fly.py"), CocoDatasetType("Horse10Dataset", "horse10.py"),
        CocoDatasetType("MacaqueDataset", "macaque.py"),
        CocoDatasetType("LocustDataset", "locust.py", .wholeImage(side: 160, countsKeypoints: false)),
        CocoDatasetType("ZebraDataset", "zebra.py", .wholeImage(side: 160, countsKeypoints: false)),
        CocoDatasetType("COFWDataset", "cofw.py"), CocoDatasetType("Face300WLPDataset", "300wlp.py"),
        CocoDatasetType("LapaDataset", "lapa.py"),
        CocoDatasetType("WFLWDataset", "wflw.py", .centerScale), CocoDatasetType("Face300WDataset", "300w.py", .centerScale),
        CocoDatasetType("AFLWDataset", "aflw.py", .centerScale),
        CocoDatasetType("DeepFashion2Dataset", "deepfashion2.py"), CocoDatasetType("OneHand10KDataset", "onehand10k.py"),
        CocoDatasetType("Rhd2DDataset", "rhd2d.py"),
        CocoDatasetType("FreiHandDataset", "freihand2d.py", .wholeImage(side: 224, countsKeypoints: true)),
    ]

    /// The type registered as `name`, if MMPose has it here.
    public static func named(_ name: String) -> CocoDatasetType? { mmpose.first { $0.name == name } }
}
