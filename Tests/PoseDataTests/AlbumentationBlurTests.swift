import Foundation
import PoseData
import PoseTensor
import Testing

/// albumentations 1.3's `Blur` and `MedianBlur` in `Albumentation`, against OpenCV itself
/// (`Tests/Fixtures/blur/expected.json`, made by tools/make_blur_fixture.py with opencv-python
/// 4.10): `cv2.blur` and `cv2.medianBlur` to the byte on a crop of a COCO image and on two noise
/// images (one smaller than the 7 × 7 kernel), the same through the step on the warped crop and
/// on the decoded image, the kernel-size draw, `p`, and the kernel sizes OpenCV refuses.
@Suite struct AlbumentationBlurTests {
    struct Fixture: Decodable {
        struct Image: Decodable {
            var name: String
            var width: Int
            var height: Int
            var rgb: String
            var blur: [String: String]
            var median: [String: String]
        }
        var opencv: String
        var images: [Image]
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("blur/expected.json")))
    }

    static func bytes(_ base64: String) throws -> [UInt8] {
        [UInt8](try #require(Data(base64Encoded: base64)))
    }

    static func input(_ image: Fixture.Image) throws -> RGBImage {
        let pixels = try bytes(image.rgb)
        try #require(pixels.count == image.width * image.height * 3)
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// (kernel size, cv2's output) pairs, smallest kernel first.
    static func outputs(_ table: [String: String]) throws -> [(Int, [UInt8])] {
        var result: [(Int, [UInt8])] = []
        for (key, value) in table { result.append((try #require(Int(key)), try bytes(value))) }
        return result.sorted { $0.0 < $1.0 }
    }

    static func differences(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.count != b.count ? max(a.count, b.count) : zip(a, b).filter { $0 != $1 }.count
    }

    /// A sample holding `image`: as the warped crop (`3 × H × W` planes of 0–255, as after
    /// `TopdownAffine`) or as the decoded image (before it).
    static func sample(_ image: RGBImage, warped: Bool) -> TopdownSample {
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "a.jpg", imageWidth: image.width, imageHeight: image.height,
                                bbox: (0, 0, 5, 5), bboxScore: 1, keypoints: [Double](repeating: 3, count: 34),
                                visible: [Double](repeating: 1, count: 17), numKeypoints: 17, area: 10, isCrowd: false, categoryId: 1)
        var s = TopdownSample(instance: inst)
        if warped {
            let plane = image.width * image.height
            var planes = [Float](repeating: -1, count: 3 * plane)
            for i in 0..<plane { for c in 0..<3 { planes[c * plane + i] = Float(image.pixels[3 * i + c]) } }
            s.inputSize = (image.width, image.height)
            s.input = planes
            s.transformedKeypoints = [Double](repeating: 7, count: 34)
        } else {
            s.image = image
        }
        return s
    }

    /// The sample's pixels as RGB bytes, row by row (the warped crop's planes interleaved).
    static func pixels(_ s: TopdownSample) -> [UInt8] {
        if let image = s.image { return image.pixels }
        guard let size = s.inputSize else { return [] }
        let plane = size.0 * size.1
        var out = [UInt8](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 {
                let v = s.input[c * plane + i]
                out[3 * i + c] = v >= 0 && v <= 255 && v == v.rounded() ? UInt8(v) : 0
            }
        }
        return out
    }

    @Test func boxBlurEqualsOpenCV() throws {
        let f = try Self.fixture()
        #expect(f.images.count == 3)
        for image in f.images {
            let input = try Self.input(image)
            let outputs = try Self.outputs(image.blur)
            #expect(Set(outputs.map { $0.0 }).isSuperset(of: [3, 5, 7]))
            for (k, expected) in outputs {
                let got = Albumentation.blur(input, kernelSize: k)
                #expect(got.width == input.width && got.height == input.height)
                let wrong = Self.differences(got.pixels, expected)
                #expect(wrong == 0, "\(image.name) k=\(k): \(wrong) of \(expected.count) bytes differ from cv2.blur")
            }
            // a 1 × 1 kernel copies
            #expect(Albumentation.blur(input, kernelSize: 1) == input)
        }
    }

    @Test func medianBlurEqualsOpenCV() throws {
        let f = try Self.fixture()
        for image in f.images {
            let input = try Self.input(image)
            let outputs = try Self.outputs(image.median)
            #expect(outputs.map { $0.0 } == [3, 5, 7])
            for (k, expected) in outputs {
                let got = Albumentation.medianBlur(input, kernelSize: k)
                let wrong = Self.differences(got.pixels, expected)
                #expect(wrong == 0, "\(image.name) k=\(k): \(wrong) of \(expected.count) bytes differ from cv2.medianBlur")
            }
            #expect(Albumentation.medianBlur(input, kernelSize: 1) == input)
        }
    }

    /// The steps themselves, with one kernel size: on the warped crop (after `TopdownAffine`) and on
    /// the decoded image (before it) the result is cv2's, and the keypoints stay.
    @Test func blurStepsFilterTheCropAndTheImageAsOpenCV() throws {
        let f = try Self.fixture()
        let metainfo = try cocoMetainfo()
        for image in f.images {
            let input = try Self.input(image)
            for median in [false, true] {
                for (k, expected) in try Self.outputs(median ? image.median : image.blur) where k % 2 == 1 {
                    let operation: Albumentation.Operation = median ? .medianBlur(kernelSizes: k...k) : .blur(kernelSizes: k...k)
                    let step = Albumentation.Step(operation: operation, probability: 1)
                    for warped in [true, false] {
                        var s = Self.sample(input, warped: warped), rng = RandomGenerator(seed: UInt64(k))
                        try Albumentation([step]).apply(&s, metainfo: metainfo, rng: &rng)
                        let wrong = Self.differences(Self.pixels(s), expected)
                        #expect(wrong == 0, "\(image.name) \(median ? "MedianBlur" : "Blur") k=\(k) warped=\(warped): \(wrong) bytes differ")
                        if warped {
                            #expect(s.input.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 255 }, "whole 8-bit values stay whole")
                            #expect(s.transformedKeypoints == [Double](repeating: 7, count: 34))
                        }
                        #expect(s.keypoints == [Double](repeating: 3, count: 34))
                    }
                }
            }
        }
    }

    /// albumentations' `random.choice(range(low, high + 1, 2))`: the default `blur_limit=7`
    /// (3...7) gives 3, 5 and 7, about equally often, and nothing else.
    @Test func kernelSizeDrawCoversTheOddSizesOnly() throws {
        var rng = RandomGenerator(seed: 9)
        var counts: [Int: Int] = [:]
        for _ in 0..<3000 { counts[Albumentation.kernelSize(3...7, rng: &rng), default: 0] += 1 }
        #expect(Set(counts.keys) == [3, 5, 7])
        for (k, n) in counts { #expect((850...1150).contains(n), "k=\(k) drawn \(n) of 3000 times") }
        for _ in 0..<50 { #expect(Albumentation.kernelSize(3...3, rng: &rng) == 3) }
        var even: Set<Int> = []
        for _ in 0..<200 { even.insert(Albumentation.kernelSize(2...7, rng: &rng)) }
        #expect(even == [2, 4, 6])

        // through the step: a 3...7 blur of the COCO crop is cv2's with k = 3, 5 or 7, each seen
        let f = try Self.fixture()
        let image = try #require(f.images.first { $0.name == "coco_785" })
        let input = try Self.input(image)
        let byKernel = Dictionary(uniqueKeysWithValues: try Self.outputs(image.blur))
        let step = Albumentation.Step(operation: .blur(kernelSizes: 3...7), probability: 1)
        let metainfo = try cocoMetainfo()
        var seen: Set<Int> = []
        for seed in 0..<40 {
            var s = Self.sample(input, warped: true), rng = RandomGenerator(seed: UInt64(seed))
            try Albumentation([step]).apply(&s, metainfo: metainfo, rng: &rng)
            let out = Self.pixels(s)
            let match = [3, 5, 7].filter { byKernel[$0] == out }
            #expect(match.count == 1, "seed \(seed): the output is cv2.blur's for exactly one of k = 3, 5, 7")
            seen.formUnion(match)
        }
        #expect(seen == [3, 5, 7])
    }

    /// RTMPose's `Blur` and `MedianBlur` pair: with p = 0 the crop is untouched on every sample,
    /// with p = 1 it changes on every sample.
    @Test func probabilityZeroLeavesTheCropAndOneChangesIt() throws {
        let f = try Self.fixture()
        let image = try #require(f.images.first { $0.name == "coco_785" })
        let input = try Self.input(image)
        let metainfo = try cocoMetainfo()
        func rtmposeBlurs(_ p: Double) -> Albumentation {
            Albumentation([Albumentation.Step(operation: .blur(kernelSizes: 3...7), probability: p),
                           Albumentation.Step(operation: .medianBlur(kernelSizes: 3...7), probability: p)])
        }
        for warped in [true, false] {
            for seed in 0..<20 {
                let original = Self.sample(input, warped: warped)
                var s = original, rng = RandomGenerator(seed: UInt64(seed))
                try rtmposeBlurs(0).apply(&s, metainfo: metainfo, rng: &rng)
                #expect(s.input == original.input && s.image == original.image, "p = 0 leaves the sample alone")
                s = original
                try rtmposeBlurs(1).apply(&s, metainfo: metainfo, rng: &rng)
                #expect(Self.pixels(s) != input.pixels, "p = 1 blurs")
                #expect(Self.pixels(s).count == input.pixels.count)
            }
        }
        // always_apply runs a step whatever p says
        var s = Self.sample(input, warped: true), rng = RandomGenerator(seed: 1)
        try Albumentation([Albumentation.Step(operation: .medianBlur(kernelSizes: 3...3), probability: 0, alwaysApply: true)])
            .apply(&s, metainfo: metainfo, rng: &rng)
        let median3 = try Self.bytes(try #require(image.median["3"]))
        #expect(Self.pixels(s) == median3)
    }

    /// Kernel sizes OpenCV (or albumentations, for MedianBlur's even bounds) refuses are errors, not traps.
    @Test func refusedKernelSizesThrow() throws {
        let f = try Self.fixture()
        let input = try Self.input(try #require(f.images.first))
        let metainfo = try cocoMetainfo()
        for operation: Albumentation.Operation in [.blur(kernelSizes: 0...3), .medianBlur(kernelSizes: 4...6), .medianBlur(kernelSizes: 3...6),
                                                   .medianBlur(kernelSizes: -1...3)] {
            var s = Self.sample(input, warped: true), rng = RandomGenerator(seed: 0)
            #expect(throws: DatasetError.self) {
                try Albumentation([Albumentation.Step(operation: operation, probability: 1)]).apply(&s, metainfo: metainfo, rng: &rng)
            }
        }
        #expect(throws: Never.self) { try Albumentation.checkKernelSizes(.blur(kernelSizes: 2...8)) }
        #expect(throws: Never.self) { try Albumentation.checkKernelSizes(.medianBlur(kernelSizes: 1...9)) }
        var rng = RandomGenerator(seed: 0)
        #expect(throws: DatasetError.self) { _ = try Albumentation.holes(.blur(kernelSizes: 3...7), width: 8, height: 8, rng: &rng) }
    }
}
