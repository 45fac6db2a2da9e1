import Foundation
import Testing
@testable import PoseData
import PoseTensor

@Suite struct SPRTests {
    /// Two people encoded, their targets fed back as predictions: the decoder finds both roots and
    /// reads every keypoint back from the displacements there.
    @Test func encodeDecodeRoundTrip() throws {
        let codec = SPR(inputSize: (64, 64), heatmapSize: (32, 32), sigma: (root: 2, keypoint: 1), generateKeypointHeatmaps: true)
        let a: [Double] = [10, 10, 20, 12, 14, 30], b: [Double] = [44, 40, 52, 44, 48, 58]
        let encoded = codec.encode(keypoints: a + b, visible: [1, 1, 1, 1, 1, 1], persons: 2)
        let heat = try #require(encoded[.heatmaps]), moves = try #require(encoded[.rootDisplacements])
        #expect(heat.shape == [4, 32, 32] && moves.shape == [6, 32, 32])
        #expect(encoded[.heatmapWeights]!.values.allSatisfy { $0 == 1 || $0 == Float(0.1) })
        var output = HeadOutput(heatmaps: Tensor(heat.values, shape: [1] + heat.shape))
        output[.rootDisplacements] = Tensor(moves.values, shape: [1] + moves.shape)
        let people = try codec.decodePersons(output, at: 0)
        #expect(people.count == 2)
        for (person, truth) in zip(people.sorted { $0.keypoints[0] < $1.keypoints[0] }, [a, b]) {
            for (p, t) in zip(person.keypoints, truth) { #expect(abs(p - t) < 1e-4) }
            #expect(person.score == 1)
            // the keypoint heatmaps peak (1) at the keypoints, but MMPose normalises by size − 1 for
            // an align_corners=False grid_sample, which reads x·W/(W−1) − 0.5: near the peak, not on it
            #expect(person.scores.allSatisfy { $0 > 0.5 && $0 < 1 })
        }
    }

    /// grid_sample with border padding, normalised by size − 1 as MMPose does (PyTorch 2.13's values).
    @Test func keypointScoresSampleAsGridSample() {
        var plane = [Float](repeating: 0, count: 12)
        for i in 0..<12 { plane[i] = Float(i * i) / 10 }
        plane.withUnsafeBufferPointer { p in
            let map = p.baseAddress!
            // torch.nn.functional.grid_sample(t.view(1,1,3,4), g, padding_mode='border') with
            // g = ((x/3)*2-1, (y/2)*2-1) for (x, y) = (1.5, 0.5), (0, 0), (3, 2), (-2, 5)
            #expect(abs(SPR.gridSample(map, width: 4, height: 3, x: 1.5, y: 0.5) - 0.95) < 1e-6)
            #expect(abs(SPR.gridSample(map, width: 4, height: 3, x: 0, y: 0) - 0.0) < 1e-6)
            #expect(abs(SPR.gridSample(map, width: 4, height: 3, x: 3, y: 2) - 12.1) < 1e-4)
            #expect(abs(SPR.gridSample(map, width: 4, height: 3, x: -2, y: 5) - 6.4) < 1e-4)
        }
    }

    @Test func nearbyJointsNMSKeepsTheBestOfEachGroup() {
        // persons 0 and 1 nearly coincide; 2 is elsewhere; 1 scores highest
        let p0: [Float] = [0, 0, 10, 0, 10, 10, 0, 10], p1 = p0.map { $0 + 0.1 }, p2 = p0.map { $0 + 50 }
        let keep = NearbyJointsNMS.keep(keypoints: [p0, p1, p2], scores: [[0.5, 0.5, 0.5, 0.5], [0.9, 0.9, 0.9, 0.9], [0.7, 0.7, 0.7, 0.7]],
                                        distanceThreshold: 0.05)
        #expect(keep == [1, 2])
        let capped = NearbyJointsNMS.keep(keypoints: [p0, p1, p2], scores: [[0.5, 0.5, 0.5, 0.5], [0.9, 0.9, 0.9, 0.9], [0.7, 0.7, 0.7, 0.7]],
                                          distanceThreshold: 0.05, maxDetections: 1)
        #expect(capped == [1])
    }
}

@Suite struct PolygonMaskTests {
    /// xtcocotools' own masks (tools/make_polygon_mask_fixture.py), pixel for pixel.
    @Test func rasterisesAsXtcocotools() throws {
        struct Case: Decodable { var segmentation: [[Double]]; var mask: String }
        struct File: Decodable { var height: Int; var width: Int; var cases: [Case] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent("polygon_mask/masks.json")))
        #expect(file.cases.count == 40)
        for (i, c) in file.cases.enumerated() {
            let mask = try PolygonMask.union([c.segmentation], height: file.height, width: file.width)
            let expected = c.mask.map { $0 == "1" ? UInt8(1) : 0 }
            let wrong = zip(mask, expected).filter { $0 != $1 }.count
            #expect(wrong == 0, "case \(i): \(wrong) pixels differ")
        }
        // an outline far past the image is refused rather than traced
        #expect(throws: DatasetError.self) { try PolygonMask.union([[[0, 0, 9_000_000, 0, 0, 9_000_000]]], height: 10, width: 10) }
        // several segmentations unite
        let all = try PolygonMask.union(file.cases.prefix(3).map(\.segmentation), height: file.height, width: file.width)
        for i in all.indices {
            let any = file.cases.prefix(3).contains { $0.mask[$0.mask.index($0.mask.startIndex, offsetBy: i)] == "1" }
            #expect((all[i] == 1) == any)
        }
    }
}

@Suite struct BottomupPipelineTests {
    struct Sums: Decodable { var shape: [Int]; var sum: [Double]; var squares: [Double] }
    struct Image: Decodable {
        var img_id: Int
        var persons: Int
        var input, heatmaps, heatmap_weights, displacements, displacement_weights: Sums
        var heatmap_mask: String
    }
    struct File: Decodable { var images: [Image] }

    /// MMPose's DEKR training pipeline with its randomness off (tools/make_bottomup_pipeline_fixture.py):
    /// the same warped input, SPR targets and heatmap mask on the four COCO samples.
    @Test func dekrTargetsAsMMPose() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent("bottomup_pipeline/expected.json")))
        let metainfo = try cocoMetainfo()
        let (samples, _) = try CocoDataset.bottomupSamples(annotationFile: "test_coco.json", dataRoot: fixtures.appendingPathComponent("coco").path,
                                                           testMode: false, metainfo: metainfo)
        var affine = BottomupRandomAffine(inputSize: (128, 128))
        (affine.shiftProb, affine.scaleProb, affine.rotateProb) = (0, 0, 0)
        var codec = SPR(inputSize: (128, 128), heatmapSize: (32, 32), sigma: (root: 4, keypoint: 2), generateKeypointHeatmaps: true)
        codec.minimalDiagonalLength = 32.0.squareRoot()
        let pipeline = TopdownPipeline([LoadImage(), affine, RandomFlip(prob: 1), GenerateTarget(codec: codec), BottomupGetHeatmapMask()],
                                       metainfo: metainfo)
        #expect(samples.count == file.images.count)
        for (instance, expected) in zip(samples, file.images) {
            #expect(instance.imageId == expected.img_id && instance.persons == expected.persons)
            var rng = RandomGenerator(seed: 0, stream: [])
            let s = try pipeline.run(instance, rng: &rng)
            func check(_ name: String, _ values: [Float], _ reference: Sums, tolerance: Double) {
                let channels = reference.shape[0], plane = values.count / channels
                #expect(values.count == reference.shape.reduce(1, *), "\(expected.img_id) \(name): \(values.count) values")
                for c in 0..<channels {
                    let slice = values[(c * plane)..<((c + 1) * plane)].map(Double.init)
                    let (sum, squares) = (slice.reduce(0, +), slice.reduce(0) { $0 + $1 * $1 })
                    #expect(abs(sum - reference.sum[c]) <= tolerance * max(1, abs(reference.sum[c])), "\(expected.img_id) \(name)[\(c)] sums to \(sum), MMPose \(reference.sum[c])")
                    #expect(abs(squares - reference.squares[c]) <= tolerance * max(1, abs(reference.squares[c])), "\(expected.img_id) \(name)[\(c)] squares")
                }
            }
            check("input", s.input, expected.input, tolerance: 1e-9)
            check("heatmaps", s.targets[.heatmaps]!.values, expected.heatmaps, tolerance: 1e-5)
            check("heatmap_weights", s.targets[.heatmapWeights]!.values, expected.heatmap_weights, tolerance: 1e-6)
            // OpenCV's float32 cv2.transform of the keypoints rounds some coordinates one ulp
            // (4e-6 px) apart from SwiftPose's float32 products: sums over ~100 pixels move by 1e-4
            check("displacements", s.targets[.rootDisplacements]!.values, expected.displacements, tolerance: 5e-4)
            check("displacement_weights", s.targets[.rootDisplacementWeights]!.values, expected.displacement_weights, tolerance: 1e-5)
            let mask = s.targets[.heatmapMask]!.values.map { $0 == 1 ? "1" : "0" }.joined()
            #expect(mask == expected.heatmap_mask, "\(expected.img_id): heatmap masks differ in \(zip(mask, expected.heatmap_mask).filter { $0 != $1 }.count) pixels")
        }
    }
}
