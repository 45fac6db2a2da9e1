import PoseData

/// Builds the configured dataset type.
enum DatasetFactory {
    /// The instances of a dataloader's dataset and, for COCO-style datasets, its annotation file.
    static func load(_ data: ExperimentSettings.Data, metainfo: DatasetMetainfo, testMode: Bool)
        throws -> (instances: [PoseInstance], annotations: CocoAnnotationFile?) {
        switch data.datasetType {
        case "MpiiDataset":
            let ds = try MpiiDataset(annotationFile: data.annotationFile, dataRoot: data.dataRoot, imagePrefix: data.imagePrefix,
                                     headboxFile: testMode ? data.headboxFile : nil, metainfo: metainfo)
            return (ds.instances, nil)
        default:
            let ds = try CocoDataset(annotationFile: data.annotationFile, dataRoot: data.dataRoot, imagePrefix: data.imagePrefix,
                                     bboxFile: testMode ? data.bboxFile : nil, testMode: testMode, metainfo: metainfo)
            return (ds.instances, ds.annotations)
        }
    }
}
