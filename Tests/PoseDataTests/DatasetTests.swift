import Foundation
import Testing
@testable import PoseData
import PoseTensor

let repositoryRoot = fixtures.deletingLastPathComponent().deletingLastPathComponent()

func cocoMetainfo() throws -> DatasetMetainfo {
    try DatasetMetainfo.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/coco.py").path)
}

@Suite struct DatasetTests {
    @Test func cocoMetainfoFromMMPoseFile() throws {
        let m = try cocoMetainfo()
        #expect(m.keypointCount == 17)
        #expect(m.flipIndices == [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15])
        #expect(m.upperBodyIndices == Array(0...10))
        #expect(m.lowerBodyIndices == Array(11...16))
        #expect(m.sigmas[0] == 0.026 && m.sigmas[16] == 0.089)
        #expect(m.jointWeights[9] == 1.5)
        #expect(m.skeletonLinks.count == 19)
        #expect(m.skeletonLinks[0] == (15, 13))
    }

    @Test func cocoLoadingFiltersAsMMPose() throws {
        let ds = try CocoDataset(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("coco").path, metainfo: try cocoMetainfo())
        #expect(ds.annotations.images.count == 4)
        #expect(ds.annotations.annotations.count == 14)
        // the two annotations with num_keypoints == 0 are dropped
        #expect(ds.instances.count == 12)
        for inst in ds.instances {
            let ann = ds.annotations.annotations.first { $0.id == inst.id }!
            let b = ann.bbox!
            // clipped in float64, stored in float32 as MMPose's `bbox` array
            #expect(inst.bbox.0 == Double(Float(min(max(b[0], 0), Double(inst.imageWidth - 1)))))
            #expect(inst.bbox.2 == Double(Float(min(max(b[0] + b[2], 0), Double(inst.imageWidth - 1)))))
            #expect(inst.bbox.3 == Double(Float(min(max(b[1] + b[3], 0), Double(inst.imageHeight - 1)))))
            #expect(inst.visible.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(FileManager.default.fileExists(atPath: inst.imagePath))
        }
    }

    @Test func detectionsReplaceGroundTruthBoxes() throws {
        let ds = try CocoDataset(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("coco").path,
                                 bboxFile: fixtures.appendingPathComponent("coco/test_coco_det_AP_H_56.json").path,
                                 testMode: true, metainfo: try cocoMetainfo())
        let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("coco/test_coco_det_AP_H_56.json"))) as! [[String: Any]]
        #expect(ds.instances.count == raw.filter { ($0["category_id"] as? Int ?? 1) == 1 }.count)
        let first = raw[0]["bbox"] as! [Double]
        // bbox_xywh2xyxy adds in float32
        #expect(ds.instances[0].bbox.2 == Double(Float(first[0]) + Float(first[2])))
        #expect(ds.instances[0].bboxScore == raw[0]["score"] as! Double)
        #expect(throws: DatasetError.self) {
            try CocoDataset(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                            bboxFile: "x.json", testMode: false, metainfo: try cocoMetainfo())
        }
    }

    @Test func missingImageIsAnErrorNamingTheFile() throws {
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "/nonexistent/a.jpg", imageWidth: 10, imageHeight: 10,
                                bbox: (0, 0, 5, 5), bboxScore: 1, keypoints: [Double](repeating: 1, count: 34),
                                visible: [Double](repeating: 1, count: 17), numKeypoints: 17, area: 10, isCrowd: false, categoryId: 1)
        let pipeline = TopdownPipeline([LoadImage()], metainfo: try cocoMetainfo())
        var rng = RandomGenerator(seed: 0)
        #expect(throws: ImageError("/nonexistent/a.jpg: cannot read image file (missing or unreadable)")) {
            try pipeline.run(inst, rng: &rng)
        }
    }
}

@Suite struct TransformTests {
    func sample() throws -> (TopdownSample, DatasetMetainfo) {
        let m = try cocoMetainfo()
        let ds = try CocoDataset(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("coco").path, metainfo: m)
        var s = TopdownSample(instance: ds.instances[0])
        var rng = RandomGenerator(seed: 1)
        try LoadImage().apply(&s, metainfo: m, rng: &rng)
        try GetBBoxCenterScale(padding: 1.25).apply(&s, metainfo: m, rng: &rng)
        return (s, m)
    }

    @Test func flipTwiceIsTheIdentity() throws {
        let (s0, m) = try sample()
        var s = s0
        var rng = RandomGenerator(seed: 2)
        try RandomFlip(prob: 1).apply(&s, metainfo: m, rng: &rng)
        #expect(s.flipped)
        #expect(s.image != s0.image)
        // the flipped left shoulder is the mirrored right shoulder
        #expect(s.keypoints[2 * 5] == Double(s0.image!.width) - 1 - s0.keypoints[2 * 6])
        #expect(s.visible[5] == s0.visible[6])
        try RandomFlip(prob: 1).apply(&s, metainfo: m, rng: &rng)
        #expect(s.image == s0.image)
        #expect(s.keypoints == s0.keypoints)
        #expect(s.visible == s0.visible)
        #expect(s.center.0 == s0.center.0 && s.center.1 == s0.center.1)
    }

    @Test func affineMapsCentreToCropCentreAndKeypointsFollowPixels() throws {
        let m = try cocoMetainfo()
        // a grey image with one bright dot at a keypoint
        var image = RGBImage(width: 200, height: 160, pixels: [UInt8](repeating: 60, count: 200 * 160 * 3))
        let (kx, ky) = (130, 50)
        for dy in -1...1 { for dx in -1...1 { let i = ((ky + dy) * 200 + kx + dx) * 3; image.pixels[i] = 255; image.pixels[i + 1] = 255; image.pixels[i + 2] = 255 } }
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "", imageWidth: 200, imageHeight: 160, bbox: (60, 20, 160, 140),
                                bboxScore: 1, keypoints: [Double(kx), Double(ky)] + [Double](repeating: 0, count: 32),
                                visible: [1] + [Double](repeating: 0, count: 16), numKeypoints: 1, area: 1, isCrowd: false, categoryId: 1)
        for rotation in [0.0, 30.0, -75.0] {
            var s = TopdownSample(instance: inst)
            s.image = image
            s.rotation = rotation
            var rng = RandomGenerator(seed: 0)
            try GetBBoxCenterScale(padding: 1.25).apply(&s, metainfo: m, rng: &rng)
            let center = s.center
            try TopdownAffine(inputSize: (96, 128), useUDP: false).apply(&s, metainfo: m, rng: &rng)
            let t = AffineTransform.topdown(center: center, scale: s.scale, rotation: rotation, outputSize: (96, 128))
            let (cx, cy) = t.apply(center.0, center.1)
            #expect(abs(cx - 48) < 1e-9 && abs(cy - 64) < 1e-9)
            // aspect ratio fixed to the input's
            #expect(abs(s.scale.0 / s.scale.1 - 96.0 / 128.0) < 1e-7, "float32 scale")
            // the brightest crop pixel is where the keypoint went
            var best = 0
            for i in 0..<(96 * 128) where s.input[i] > s.input[best] { best = i }
            let (px, py) = (Double(best % 96), Double(best / 96))
            #expect(abs(px - s.transformedKeypoints[0]) <= 1.0 && abs(py - s.transformedKeypoints[1]) <= 1.0,
                    "rotation \(rotation): dot at (\(px), \(py)), keypoint at \(s.transformedKeypoints[0]), \(s.transformedKeypoints[1])")
        }
    }

    @Test func msraHeatmapRoundTripWithinOnePixel() {
        let codec = MSRAHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2)
        var rng = RandomGenerator(seed: 4)
        let k = 17
        let points = (0..<(2 * k)).map { i in i % 2 == 0 ? rng.uniform(8, 184) : rng.uniform(8, 248) }
        var maps = [Float](repeating: 0, count: k * 48 * 64)
        let weights = maps.withUnsafeMutableBufferPointer { codec.encode(keypoints: points, visible: [Double](repeating: 1, count: k), heatmaps: $0.baseAddress!) }
        #expect(weights.allSatisfy { $0 == 1 })
        let (decoded, scores) = maps.withUnsafeBufferPointer { codec.decode($0.baseAddress!, keypoints: k) }
        for j in 0..<k {
            // within one heatmap pixel (4 input pixels) on each axis
            #expect(abs(decoded[2 * j] - points[2 * j]) <= 4 && abs(decoded[2 * j + 1] - points[2 * j + 1]) <= 4)
            #expect(scores[j] == 1)
        }
    }

    @Test func msraHeatmapWeightRules() {
        let codec = MSRAHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2)
        var maps = [Float](repeating: 0, count: 3 * 48 * 64)
        // invisible, far outside, partly outside (centre off-map but the Gaussian overlaps)
        let w = maps.withUnsafeMutableBufferPointer {
            codec.encode(keypoints: [50, 50, -100, 20, -8, 100], visible: [0, 1, 1], heatmaps: $0.baseAddress!)
        }
        #expect(w == [0, 0, 1])
        #expect(maps[0..<(2 * 48 * 64)].allSatisfy { $0 == 0 })
        #expect(maps[(2 * 48 * 64)...].contains { $0 > 0 })
    }
}

@Suite struct SamplerAndLoaderTests {
    @Test(arguments: [(10, 3), (12, 4), (7, 2), (5, 8)])
    func shardsAreDisjointAndCover(count: Int, world: Int) {
        let shards = (0..<world).map { DistributedSampler(count: count, shuffle: true, seed: 9, rank: $0, worldSize: world).indices(epoch: 3) }
        #expect(Set(shards.map(\.count)).count == 1)
        #expect(shards.flatMap { $0 }.count == (count + world - 1) / world * world)
        #expect(Set(shards.flatMap { $0 }) == Set(0..<count))
        if count % world == 0 {
            #expect(shards.flatMap { $0 }.count == count)
        }
        // different epochs shuffle differently, the same epoch the same
        let s = DistributedSampler(count: 100, shuffle: true, seed: 9)
        #expect(s.indices(epoch: 0) != s.indices(epoch: 1))
        #expect(s.indices(epoch: 1) == s.indices(epoch: 1))
        let v = DistributedSampler(count: 7, shuffle: false, seed: 0, rank: 1, worldSize: 3, roundUp: false)
        #expect(v.indices(epoch: 0) == [1, 4])
    }

    @Test func loaderIsDeterministicAcrossWorkerCounts() throws {
        let m = try cocoMetainfo()
        let ds = try CocoDataset(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("coco").path, metainfo: m)
        let codec = MSRAHeatmap(inputSize: (48, 64), heatmapSize: (12, 16), sigma: 2)
        let pipeline = TopdownPipeline([
            LoadImage(), GetBBoxCenterScale(padding: 1.25), RandomFlip(prob: 0.5), RandomBBoxTransform(),
            TopdownAffine(inputSize: (48, 64), useUDP: false), GenerateTarget(codec: codec, useDatasetKeypointWeights: false), PackPoseInputs(),
        ], metainfo: m)
        func run(workers: Int) throws -> [[Float]] {
            let loader = DataLoader(instances: ds.instances, pipeline: pipeline, batchSize: 5, mean: [123.675, 116.28, 103.53],
                                    std: [58.395, 57.12, 57.375], seed: 5, workers: workers)
            loader.start(epoch: 2, indices: Array(0..<12))
            var out: [[Float]] = []
            while let batch = try loader.next() {
                out.append(batch.images.array + batch.targets!.array + batch.weights!.array)
                #expect(batch.images.shape[1...] == [3, 64, 48])
                #expect(batch.targets!.shape[1...] == [17, 16, 12])
            }
            return out
        }
        let one = try run(workers: 1), three = try run(workers: 3)
        #expect(one.count == 3)
        #expect(one == three)
    }

    @Test func syntheticDataIsReproducible() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)").path
        try SyntheticCOCO(width: 96, height: 80, seed: 3).write(to: dir + "/a", trainImages: 3, valImages: 2)
        try SyntheticCOCO(width: 96, height: 80, seed: 3).write(to: dir + "/b", trainImages: 3, valImages: 2)
        for file in ["annotations/person_keypoints_train.json", "annotations/person_keypoints_val.json",
                     "train/000000000002.jpg", "val/000001000001.jpg", "person_detection_results/val_detections.json"] {
            let a = FileManager.default.contents(atPath: dir + "/a/" + file), b = FileManager.default.contents(atPath: dir + "/b/" + file)
            #expect(a != nil && a == b, "\(file)")
        }
        let ds = try CocoDataset(annotationFile: dir + "/a/annotations/person_keypoints_train.json",
                                 imagePrefix: dir + "/a/train", metainfo: try cocoMetainfo())
        #expect(!ds.instances.isEmpty)
        let file = try CocoAnnotationFile.load(path: dir + "/a/annotations/person_keypoints_val.json")
        for a in file.annotations {
            let v = stride(from: 2, to: 51, by: 3).map { a.keypoints![$0] }
            #expect(a.numKeypoints == v.filter { $0 > 0 }.count)
            #expect(v.allSatisfy { [0, 1, 2].contains($0) })
        }
    }
}

@Suite struct AugmentationTests {
    @Test func hsvRoundTripAndPhotometricRanges() {
        for (r, g, b) in [(255, 0, 0), (10, 200, 30), (128, 128, 128), (3, 7, 250)] as [(UInt8, UInt8, UInt8)] {
            let (h, s, v) = PhotometricDistortion.rgbToHSV(r, g, b)
            let (r2, g2, b2) = PhotometricDistortion.hsvToRGB(h, s, v)
            // OpenCV stores hue in 2-degree steps, so a round trip may move a channel by a few levels
            #expect(abs(Int(r2) - Int(r)) <= 6 && abs(Int(g2) - Int(g)) <= 6 && abs(Int(b2) - Int(b)) <= 6)
        }
        var image = RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) })
        var rng = RandomGenerator(seed: 4)
        var changed = 0
        for _ in 0..<10 {
            var copy = image
            PhotometricDistortion().apply(&copy, rng: &rng)
            if copy != image { changed += 1 }
        }
        #expect(changed > 5)
        image.pixels = [UInt8](repeating: 0, count: 192)
        PhotometricDistortion().apply(&image, rng: &rng)
        #expect(image.pixels.allSatisfy { $0 <= 255 })
    }

    @Test func randomBBoxTransformStaysInMMPoseRanges() throws {
        let m = try cocoMetainfo()
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "", imageWidth: 100, imageHeight: 100, bbox: (20, 20, 60, 80), bboxScore: 1,
                                keypoints: [Double](repeating: 50, count: 34), visible: [Double](repeating: 1, count: 17),
                                numKeypoints: 17, area: 1, isCrowd: false, categoryId: 1)
        let t = RandomBBoxTransform()   // MMPose's defaults: shift 0.16 at 0.3, scale (0.5, 1.5), rotate 80 at 0.6
        var rotated = 0, shifted = 0
        for i in 0..<2000 {
            var s = TopdownSample(instance: inst)
            var rng = RandomGenerator(seed: UInt64(i))
            try t.apply(&s, metainfo: m, rng: &rng)
            let scale = s.scale.0 / 40
            #expect(scale >= 0.5 && scale <= 1.5 && abs(s.scale.1 / 60 - scale) < 1e-12)
            #expect(abs(s.rotation) <= 80)
            #expect(abs(s.center.0 - 40) <= 0.16 * 40 + 1e-9)
            if s.rotation != 0 { rotated += 1 }
            if s.center.0 != 40 { shifted += 1 }
        }
        #expect(abs(Double(rotated) / 2000 - 0.6) < 0.05)
        #expect(abs(Double(shifted) / 2000 - 0.3) < 0.05)
    }

    @Test func halfBodyPicksUpperOrLowerKeypoints() throws {
        let m = try cocoMetainfo()
        var kp = [Double]()
        for j in 0..<17 { kp += [Double(10 + j), j <= 10 ? 20 : 80] }
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "", imageWidth: 200, imageHeight: 200, bbox: (0, 0, 100, 100), bboxScore: 1,
                                keypoints: kp, visible: [Double](repeating: 1, count: 17), numKeypoints: 17, area: 1, isCrowd: false, categoryId: 1)
        var t = RandomHalfBody()   // MMPose's defaults but always applied
        t.prob = 1
        var upper = 0
        for i in 0..<500 {
            var s = TopdownSample(instance: inst)
            var rng = RandomGenerator(seed: UInt64(i))
            try t.apply(&s, metainfo: m, rng: &rng)
            if s.center.1 == 20 { upper += 1; #expect(abs(s.scale.0 - 10 * 1.5) < 1e-9) } else { #expect(s.center.1 == 80) }
        }
        #expect(abs(Double(upper) / 500 - 0.7) < 0.07)
        // fewer than 9 visible keypoints: untouched
        var few = inst
        few.visible = [Double](repeating: 0, count: 17); for j in 0..<8 { few.visible[j] = 1 }
        var s = TopdownSample(instance: few)
        var rng = RandomGenerator(seed: 1)
        try t.apply(&s, metainfo: m, rng: &rng)
        #expect(s.center.0 == 50 && s.center.1 == 50)
    }
}

@Suite struct FlipDirectionTests {
    @Test func verticalAndDiagonalFlips() throws {
        let m = try cocoMetainfo()
        var image = RGBImage(width: 4, height: 3)
        for i in 0..<image.pixels.count { image.pixels[i] = UInt8(i) }
        var kp = [Double]()
        for j in 0..<17 { kp += [Double(j % 4), Double(j % 3)] }
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "", imageWidth: 4, imageHeight: 3, bbox: (0, 0, 3, 2), bboxScore: 1,
                                keypoints: kp, visible: (0..<17).map { Double($0 % 2) }, numKeypoints: 17, area: 1, isCrowd: false, categoryId: 1)
        var rng = RandomGenerator(seed: 0)
        // vertical: y → h − 1 − y, no reordering
        var v = TopdownSample(instance: inst); v.image = image
        try RandomFlip(prob: 1, directions: [.vertical]).apply(&v, metainfo: m, rng: &rng)
        for j in 0..<17 { #expect(v.keypoints[2 * j] == kp[2 * j] && v.keypoints[2 * j + 1] == 2 - kp[2 * j + 1]) }
        #expect(Array(v.image!.pixels[0..<12]) == Array(image.pixels[24..<36]))
        // diagonal = horizontal + vertical, reordered by flip_indices; twice is the identity
        var d = TopdownSample(instance: inst); d.image = image
        try RandomFlip(prob: 1, directions: [.diagonal]).apply(&d, metainfo: m, rng: &rng)
        #expect(d.keypoints[2] == 3 - kp[4] && d.keypoints[3] == 2 - kp[5])   // keypoint 1 ← mirrored keypoint 2
        try RandomFlip(prob: 1, directions: [.diagonal]).apply(&d, metainfo: m, rng: &rng)
        #expect(d.keypoints == kp && d.image == image && d.visible == inst.visible)
    }

    @Test func combinedEncodersMergeTargetsAndMultiplyWeights() throws {
        let heat = MSRAHeatmap(inputSize: (64, 64), heatmapSize: (16, 16), sigma: 2)
        let reg = RegressionLabel(inputSize: (64, 64))
        let both = try CombinedCodec([heat, reg])
        let encoded = both.encode(keypoints: [32, 32, 70, 10, -30, 5], visible: [1, 1, 1])
        let (maps, labels, weights) = (encoded.heatmaps, encoded.labels, encoded.weights)
        #expect(maps.count == 3 * 256 && labels.count == 6)
        // the second keypoint is outside the input (label weight 0) but its Gaussian reaches the map
        #expect(weights == [1, 0, 0])
        #expect(throws: DatasetError.self) { try CombinedCodec([heat, heat]) }
    }
}

@Suite struct SampleIntervalTests {
    /// MMPose's `sample_interval` keeps the images whose id is a multiple of it (COCO's test file
    /// has images 785, 40083, 196141 and 197388).
    @Test func keepsImagesWhoseIdIsAMultiple() throws {
        var settings = CocoStyleDatasetSettings(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                                metainfo: try cocoMetainfo(), pipeline: [])
        settings.imagePrefix = fixtures.appendingPathComponent("coco").path
        let all = try CocoStyleDatasetSpec(settings).load(testMode: false).instances
        settings.sampleInterval = 2
        let even = try CocoStyleDatasetSpec(settings).load(testMode: false).instances
        #expect(!even.isEmpty && even.count < all.count)
        #expect(even.allSatisfy { $0.imageId % 2 == 0 })
        #expect(even.map(\.id) == all.filter { $0.imageId % 2 == 0 }.map(\.id))
    }

    /// MMEngine's `indices`: the first n instances, the last −n, or those listed.
    @Test func indicesSelectASubset() throws {
        var settings = CocoStyleDatasetSettings(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                                metainfo: try cocoMetainfo(), pipeline: [])
        settings.imagePrefix = fixtures.appendingPathComponent("coco").path
        let all = try CocoStyleDatasetSpec(settings).load(testMode: false).instances.map(\.id)
        #expect(all.count >= 3)
        for (subset, expected) in [(DataSubset.first(2), Array(all.prefix(2))), (.first(-1), [all.last!]), (.positions([2, 0]), [all[2], all[0]])] {
            settings.indices = subset
            #expect(try CocoStyleDatasetSpec(settings).load(testMode: false).instances.map(\.id) == expected)
        }
        settings.indices = .positions([all.count])
        #expect(throws: DatasetError.self) { try CocoStyleDatasetSpec(settings).load(testMode: false) }
    }
}
