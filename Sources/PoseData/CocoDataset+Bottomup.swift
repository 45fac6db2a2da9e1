import Foundation

extension CocoDataset {
    /// MMPose's `data_mode='bottomup'` samples: one per image, holding every person the
    /// annotation file gives for it (`persons` of them, keypoints one person after another, no
    /// validity filter, as MMPose's `_get_bottomup_data_infos`), the box the whole image. Images
    /// with persons come first in file order; in test mode the images without any follow (so
    /// every image is predicted and evaluated).
    /// - Parameters:
    ///   - annotationFile: COCO json path (relative paths resolve against `dataRoot`).
    ///   - dataRoot: MMEngine's `data_root`.
    ///   - imagePrefix: `data_prefix.img`, joined with `dataRoot`.
    ///   - testMode: evaluation dataset: images without persons are kept.
    ///   - metainfo: the keypoint definition; annotations must have its keypoint count.
    ///   - layout: how the dataset type reads an annotation.
    /// - Returns: the samples and the annotation file (the ground truth of `CocoMetric`).
    /// - Throws: a `DatasetError` naming the file for a missing or damaged annotation file, or an
    ///   annotation that does not match `metainfo`.
    public static func bottomupSamples(annotationFile: String, dataRoot: String = "", imagePrefix: String = "", testMode: Bool,
                                       metainfo: DatasetMetainfo, layout: CocoInstanceLayout = .standard) throws
        -> (samples: [PoseInstance], annotations: CocoAnnotationFile) {
        let join = RequiredFile.join
        let annPath = join(dataRoot, annotationFile)
        let file = try CocoAnnotationFile.load(path: annPath, extraFields: layout.extraFields, polygons: true)
        let prefix = join(dataRoot, imagePrefix)
        let k = metainfo.keypointCount
        var samples: [PoseInstance] = [], empty: [CocoImage] = []
        var nextId = 0
        func sample(_ image: CocoImage, _ persons: [PoseInstance]) -> PoseInstance {
            let (w, h) = (Double(image.width), Double(image.height))
            var s = PoseInstance(id: samples.count, imageId: image.id, imagePath: join(prefix, image.fileName),
                                 imageWidth: image.width, imageHeight: image.height, bbox: (0, 0, w, h), bboxScore: 1,
                                 keypoints: persons.flatMap(\.keypoints), visible: persons.flatMap(\.visible),
                                 numKeypoints: persons.reduce(0) { $0 + $1.numKeypoints }, area: w * h, isCrowd: false, categoryId: 1)
            s.persons = persons.count
            return s
        }
        for image in file.images {
            var persons: [PoseInstance] = [], invalid: [[[Double]]] = []
            for index in file.annotationsByImage[image.id] ?? [] {
                let parsed = try layout.instances(file.annotations[index], image: image, imagePath: join(prefix, image.fileName),
                                                  keypointCount: k, nextId: &nextId, source: annPath)
                persons += parsed
                // the invalid instances' polygons mask their regions out of the training targets
                if let polygons = file.annotations[index].polygons, !parsed.isEmpty, !parsed.allSatisfy(CocoDataset.isValid) {
                    invalid.append(polygons)
                }
            }
            if persons.isEmpty { empty.append(image) } else {
                var s = sample(image, persons)
                s.invalidRegions = invalid
                samples.append(s)
            }
        }
        if testMode { for image in empty { samples.append(sample(image, [])) } }
        return (samples, file)
    }
}
