import Foundation
import PoseConfig
import PoseData

extension Components {
    /// SwiftPose's codecs, transforms and datasets, with MMPose's names and defaults.
    mutating func registerStockData() throws {
        try codecs.register("MSRAHeatmap") { c, _ in
            MSRAHeatmap(inputSize: try c.pair("input_size", in: ConfigLimits.side), heatmapSize: try c.pair("heatmap_size", in: ConfigLimits.side),
                        sigma: try c.double("sigma", in: ConfigLimits.sigma),
                        unbiased: try c.bool("unbiased", default: false), blurKernelSize: try StockData.blurKernelSize(c))
        }
        try codecs.register("UDPHeatmap") { c, _ in
            let kind = try c.string("heatmap_type", default: "gaussian")
            guard kind == "gaussian" || kind == "combined" else { throw c.error("heatmap_type", "expected 'gaussian' or 'combined'") }
            return UDPHeatmap(inputSize: try c.pair("input_size", in: ConfigLimits.side), heatmapSize: try c.pair("heatmap_size", in: ConfigLimits.side),
                              heatmapType: kind, sigma: try c.double("sigma", default: 2, in: ConfigLimits.sigma),
                              radiusFactor: try c.double("radius_factor", default: 0.0546875, in: 0.0001...1),
                              blurKernelSize: try StockData.blurKernelSize(c))
        }
        try codecs.register("RegressionLabel") { c, _ in RegressionLabel(inputSize: try c.pair("input_size", in: ConfigLimits.side)) }
        try codecs.register("IntegralRegressionLabel") { c, _ in
            if try c.bool("unbiased", default: false) { throw c.error("unbiased", "unbiased=True is not supported yet") }
            c.ignore("blur_kernel_size")
            return IntegralRegressionLabel(inputSize: try c.pair("input_size", in: ConfigLimits.side),
                                           heatmapSize: try c.pair("heatmap_size", in: ConfigLimits.side),
                                           sigma: try c.double("sigma", in: ConfigLimits.sigma), normalize: try c.bool("normalize", default: true))
        }

        try transforms.register("LoadImage") { t, _ in
            t.ignore("backend_args", "file_client_args", "imdecode_backend", "to_float32", "color_type")
            return LoadImage()
        }
        try transforms.register("GetBBoxCenterScale") { t, _ in GetBBoxCenterScale(padding: try t.double("padding", default: 1.25, in: ConfigLimits.scale)) }
        try transforms.register("RandomFlip", StockData.randomFlip)
        try transforms.register("RandomHalfBody") { t, _ in
            var h = RandomHalfBody()
            h.minTotalKeypoints = try t.int("min_total_keypoints", default: 9, in: 0...)
            h.minUpperKeypoints = try t.int("min_upper_keypoints", default: 2, in: 0...)
            h.minLowerKeypoints = try t.int("min_lower_keypoints", default: 3, in: 0...)
            h.padding = try t.double("padding", default: 1.5, in: ConfigLimits.scale)
            h.prob = try t.double("prob", default: 0.3, in: ConfigLimits.probability)
            h.upperPrioritizedProb = try t.double("upper_prioritized_prob", default: 0.7, in: ConfigLimits.probability)
            return h
        }
        try transforms.register("RandomBBoxTransform") { t, _ in
            var r = RandomBBoxTransform()
            let sf = try t.doubles("scale_factor", default: [0.5, 1.5])
            guard sf.count == 2, sf[0] <= sf[1], sf.allSatisfy(ConfigLimits.scale.contains) else {
                throw t.error("scale_factor", "expected (low, high) with \(ConfigLimits.scale.lowerBound) <= low <= high <= \(ConfigLimits.scale.upperBound), found \(sf)")
            }
            r.scaleFactor = (sf[0], sf[1])
            r.shiftFactor = try t.double("shift_factor", default: 0.16, in: 0...10)
            r.shiftProb = try t.double("shift_prob", default: 0.3, in: ConfigLimits.probability)
            r.scaleProb = try t.double("scale_prob", default: 1, in: ConfigLimits.probability)
            r.rotateFactor = try t.double("rotate_factor", default: 80, in: 0...360)
            r.rotateProb = try t.double("rotate_prob", default: 0.6, in: ConfigLimits.probability)
            return r
        }
        try transforms.register("TopdownAffine") { t, _ in
            TopdownAffine(inputSize: try t.pair("input_size", in: ConfigLimits.side), useUDP: try t.bool("use_udp", default: false))
        }
        try transforms.register("GenerateTarget") { t, context in
            guard let encoders = try context.buildList(\.codecs, t, key: "encoder"), !encoders.isEmpty else {
                throw t.error("encoder", "is required (a codec or a list of codecs)")
            }
            if try t.bool("multilevel", default: false) {
                throw t.error("multilevel", "multilevel targets (RSN/MSPN multi-stage heads) are not supported")
            }
            let codec: any KeypointCodec
            do { codec = try CombinedCodec.combining(encoders) } catch let e as DatasetError { throw t.error("encoder", e.description) }
            t.ignore("target_type")
            return GenerateTarget(codec: codec, useDatasetKeypointWeights: try t.bool("use_dataset_keypoint_weights", default: false))
        }
        try transforms.register("PhotometricDistortion") { t, _ in
            var p = PhotometricDistortion()
            p.brightnessDelta = try t.double("brightness_delta", default: 32, in: 0...255)
            let c = try t.doubles("contrast_range", default: [0.5, 1.5]), sat = try t.doubles("saturation_range", default: [0.5, 1.5])
            guard c.count == 2, sat.count == 2, (c + sat).allSatisfy({ (0...100).contains($0) }) else {
                throw t.error("contrast_range", "contrast_range and saturation_range take (low, high) in 0...100")
            }
            p.contrastRange = (c[0], c[1]); p.saturationRange = (sat[0], sat[1])
            p.hueDelta = try t.int("hue_delta", default: 18, in: 0...180)
            return p
        }
        try transforms.register("KeypointConverter", StockData.keypointConverter)
        try transforms.register("PackPoseInputs") { t, _ in
            t.ignore("meta_keys", "pack_transformed")
            return PackPoseInputs()
        }

        // MMPose's BaseCocoStyleDataset and its subclasses that differ only in metainfo and layout
        for type in CocoDatasetType.mmpose {
            try datasets.register(type.name) { d, context in
                CocoStyleDatasetSpec(try StockData.cocoStyleSettings(d, context, defaultMetainfo: type.metainfoFile), layout: type.layout)
            }
        }
        try datasets.register("CombinedDataset") { d, context in
            guard let m = try d.dictionary("metainfo") else { throw d.error("metainfo", "is required (dict(from_file=...))") }
            let metainfo: DatasetMetainfo
            do { metainfo = try DatasetMetainfo.resolve(try m.string("from_file")) } catch let e as ConfigError { throw d.error("metainfo", e.description) }
            try context.finish(m)
            guard let parts = try context.buildList(\.datasets, d, key: "datasets"), !parts.isEmpty else {
                throw d.error("datasets", "is required (a list of dataset dicts)")
            }
            if d.value("sample_ratio_factor") != nil {
                throw d.error("sample_ratio_factor", "resampling sub-datasets is not supported; repeat or drop samples in the annotation files instead")
            }
            _ = try d.bool("test_mode", default: false)
            if d.value("indices") != nil {
                throw d.error("indices", "a subset of a CombinedDataset is not supported; set indices on its datasets")
            }
            d.ignore("serialize_data", "lazy_init", "max_refetch", "filter_cfg")
            let pipeline = try context.buildList(\.transforms, d, key: "pipeline") ?? []
            try StockData.checkPipeline(pipeline, metainfo: metainfo, d)
            do {
                return try CombinedDatasetSpec(metainfo: metainfo, datasets: parts, pipeline: pipeline)
            } catch let e as DatasetError { throw d.error("datasets", e.description) }
        }
        try datasets.register("RepeatDataset") { d, context in
            guard let inner = try context.build(\.datasets, d, key: "dataset") else { throw d.error("dataset", "is required (the dataset dict to repeat)") }
            d.ignore("lazy_init")
            return RepeatDatasetSpec(dataset: inner, times: try d.int("times", in: 1...1_000))
        }
        try datasets.register("DeepFashionDataset") { d, context in
            let subset = try d.string("subset")
            guard ["full", "upper", "lower"].contains(subset) else {
                throw d.error("subset", "expected 'full', 'upper' or 'lower', found '\(subset)'")
            }
            return CocoStyleDatasetSpec(try StockData.cocoStyleSettings(d, context, defaultMetainfo: "deepfashion_\(subset).py"))
        }
        try datasets.register("MpiiDataset") { d, context in
            let settings = try StockData.cocoStyleSettings(d, context, defaultMetainfo: "mpii.py")
            // MMPose reads detections through COCO's API, which MPII's annotation layout is not:
            // evaluating on the annotated boxes instead would be a silent substitution
            if settings.bboxFile != nil { throw d.error("bbox_file", "MpiiDataset evaluates on its annotated boxes; detections are not supported (drop bbox_file)") }
            return MpiiDatasetSpec(settings, headboxFile: try d.optionalString("headbox_file"))
        }
        try datasets.register("InterHand2DDoubleDataset") { d, context in
            let settings = try StockData.cocoStyleSettings(d, context, defaultMetainfo: "interhand3d.py")
            if settings.bboxFile != nil { throw d.error("bbox_file", "InterHand2DDoubleDataset reads its annotated boxes; detections are not supported (drop bbox_file)") }
            guard settings.metainfo.keypointCount == 42 else {
                throw d.error("metainfo", "InterHand2DDoubleDataset reads InterHand2.6M's 42 joints; metainfo '\(settings.metainfo.datasetName)' has \(settings.metainfo.keypointCount)")
            }
            if try !d.bool("use_gt_root_depth", default: true) {
                throw d.error("use_gt_root_depth", "only True is supported (RootNet's boxes, rootnet_result_file, are for 3D lifting)")
            }
            d.ignore("rootnet_result_file")
            return InterHand2DDoubleDatasetSpec(settings, cameraFile: try d.string("camera_param_file"), jointFile: try d.string("joint_file"))
        }
    }
}

/// The builders of the stock data components that need more than a few lines.
enum StockData {
    /// `KeypointConverter(num_keypoints, mapping)`: `mapping` is a list of (source, target) with a
    /// source index or a pair of them.
    @Sendable static func keypointConverter(_ t: ConfigReader, _ context: BuildContext) throws -> any Transform {
        let count = try t.int("num_keypoints", in: 1...100_000)
        guard let pairs = t.value("mapping")?.sequence else { throw t.error("mapping", "is required (a list of (source, target) pairs)") }
        let mapping = try pairs.enumerated().map { i, pair -> (Int, Int?, Int) in
            func index(_ v: ConfigValue) -> Int? { if case .int(let n) = v, n >= 0 { n } else { nil } }
            guard let p = pair.sequence, p.count == 2, let target = index(p[1]), target < count else {
                throw t.error("mapping", "[\(i)] must be (source, target) with 0 <= target < num_keypoints (\(count)), found \(pair)")
            }
            if let a = index(p[0]) { return (a, nil, target) }
            guard let s = p[0].sequence, s.count == 2, let a = index(s[0]), let b = index(s[1]) else {
                throw t.error("mapping", "[\(i)]: a source is an index or a pair of indices, found \(p[0])")
            }
            return (a, b, target)
        }
        return KeypointConverter(keypointCount: count, mapping: mapping)
    }

    /// MMPose's `blur_kernel_size` (DARK's Gaussian modulation): odd, as cv2.GaussianBlur needs.
    static func blurKernelSize(_ c: ConfigReader) throws -> Int {
        let k = try c.int("blur_kernel_size", default: 11, in: 1...255)
        guard k % 2 == 1 else { throw c.error("blur_kernel_size", "must be odd, got \(k)") }
        return k
    }

    @Sendable static func randomFlip(_ t: ConfigReader, _ context: BuildContext) throws -> any Transform {
        var directions: [RandomFlip.Direction] = [.horizontal]
        if let value = t.value("direction") {
            let names: [ConfigValue]
            if case .string = value { names = [value] } else if let seq = value.sequence { names = seq } else {
                throw t.error("direction", "expected a direction name or a list of them, found \(value.typeName)")
            }
            directions = try names.map {
                guard case .string(let name) = $0, let d = RandomFlip.Direction(rawValue: name) else {
                    throw t.error("direction", "unknown \($0); expected 'horizontal', 'vertical' or 'diagonal'")
                }
                return d
            }
        }
        if t.dict["prob"]?.sequence != nil {
            let probs = try t.doubles("prob")
            guard probs.count == directions.count, probs.allSatisfy({ $0 >= 0 }), probs.reduce(0, +) <= 1 else {
                throw t.error("prob", "needs one probability per direction, summing to at most 1")
            }
            return RandomFlip(directions: directions, probabilities: probs)
        }
        return RandomFlip(prob: try t.double("prob", default: 0.5, in: ConfigLimits.probability), directions: directions)
    }

    /// Refuses, when the config is read, a pipeline whose `GenerateTarget` weights keypoints by a
    /// metainfo with the wrong number of `joint_weights` (MMPose fails at the first sample).
    static func checkPipeline(_ pipeline: [any Transform], metainfo: DatasetMetainfo, _ d: ConfigReader) throws {
        for case let step as GenerateTarget in pipeline {
            if let problem = step.problem(with: metainfo) { throw d.error("pipeline", problem) }
        }
    }

    /// MMPose's `BaseCocoStyleDataset` keys; `metainfo=dict(from_file=...)` overrides the type's
    /// default metainfo file, which SwiftPose bundles.
    static func cocoStyleSettings(_ d: ConfigReader, _ context: BuildContext, defaultMetainfo: String) throws -> CocoStyleDatasetSettings {
        let mode = try d.string("data_mode", default: "topdown")
        guard let dataMode = CocoStyleDatasetSettings.DataMode(rawValue: mode) else {
            throw d.error("data_mode", "expected 'topdown' or 'bottomup', got '\(mode)'")
        }
        var imagePrefix = ""
        if let p = try d.dictionary("data_prefix") {
            imagePrefix = try p.string("img", default: "")
            try context.finish(p)
        }
        var metainfoFile = "configs/_base_/datasets/" + defaultMetainfo
        if let m = try d.dictionary("metainfo") {
            metainfoFile = try m.string("from_file")
            try context.finish(m)
        }
        let metainfo: DatasetMetainfo
        do { metainfo = try DatasetMetainfo.resolve(metainfoFile) } catch let e as ConfigError {
            throw d.error("metainfo", e.description)
        }
        let pipeline = try context.buildList(\.transforms, d, key: "pipeline") ?? []
        try checkPipeline(pipeline, metainfo: metainfo, d)
        var settings = CocoStyleDatasetSettings(annotationFile: try d.string("ann_file"), metainfo: metainfo, pipeline: pipeline)
        settings.dataRoot = try d.string("data_root", default: "")
        settings.imagePrefix = imagePrefix
        settings.bboxFile = try d.optionalString("bbox_file")
        settings.dataMode = dataMode
        if dataMode == .bottomup && settings.bboxFile != nil {
            throw d.error("bbox_file", "person boxes are for data_mode='topdown'; a bottom-up model finds the persons itself")
        }
        settings.sampleInterval = try d.int("sample_interval", default: 1, in: 1...1_000_000)
        switch d.value("indices") {
        case nil: break
        case .int(let n)?: settings.indices = .first(n)
        default: settings.indices = .positions(try d.ints("indices"))
        }
        _ = try d.bool("test_mode", default: false)
        d.ignore("serialize_data", "lazy_init", "max_refetch", "filter_cfg")
        return settings
    }
}
