import Foundation
import PoseTensor
import Testing
@testable import PoseData

/// OpenCV's 8-bit HSV conversions and mmdet's `YOLOXHSVRandomAug` against cv2 4.10 and mmdet 3.3.0
/// themselves (`Tests/Fixtures/hsv/expected.json`, made by tools/make_hsv_fixture.py): every pixel
/// conversion to the bit in both of OpenCV's HSV→RGB loops, every augmented crop byte for byte,
/// and the random gains' range and reproducibility.
@Suite struct YOLOXHSVRandomAugTests {
    struct Fixture: Decodable {
        struct Forward: Decodable { var count: Int; var rgb: String; var hsv: String }
        struct Back: Decodable { var count: Int; var hsv: String; var rgb_scalar: String; var rgb_vector: String }
        struct Output: Decodable { var gains: [Int]; var rgb: String }
        struct Crop: Decodable { var x: Int; var y: Int; var width: Int; var height: Int; var rgb: String; var augmented: [Output] }
        var opencv: String
        var vector_block: Int
        var rgb_to_hsv: Forward
        var hsv_to_rgb: Back
        var crops: [Crop]
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("hsv/expected.json")))
    }

    static func bytes(_ base64: String, count: Int) throws -> [UInt8] {
        let b = [UInt8](try #require(Data(base64Encoded: base64)))
        try #require(b.count == count, "\(b.count) bytes where \(count) were expected")
        return b
    }

    /// A sample as after `TopdownAffine`: the crop as `3 × H × W` planes.
    static func warpedSample(_ image: RGBImage) -> TopdownSample {
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "a.jpg", imageWidth: 10, imageHeight: 10,
                                bbox: (0, 0, 5, 5), bboxScore: 1, keypoints: [Double](repeating: 3, count: 34),
                                visible: [Double](repeating: 1, count: 17), numKeypoints: 17, area: 10, isCrowd: false, categoryId: 1)
        var s = TopdownSample(instance: inst)
        s.inputSize = (image.width, image.height)
        s.input = planes(image)
        return s
    }

    static func planes(_ image: RGBImage) -> [Float] {
        let n = image.width * image.height
        var p = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n { for c in 0..<3 { p[c * n + i] = Float(image.pixels[3 * i + c]) } }
        return p
    }

    @Test func rgbToHSVEqualsOpenCV() throws {
        let f = try Self.fixture()
        let n = f.rgb_to_hsv.count
        let rgb = try Self.bytes(f.rgb_to_hsv.rgb, count: 3 * n), hsv = try Self.bytes(f.rgb_to_hsv.hsv, count: 3 * n)
        #expect(n >= 2000)
        var mismatches: [String] = []
        for p in 0..<n {
            let (h, s, v) = OpenCVHSV.rgbToHSV(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2])
            if [h, s, v] != Array(hsv[(3 * p)..<(3 * p + 3)]) {
                mismatches.append("RGB \(Array(rgb[(3 * p)..<(3 * p + 3)])): \([h, s, v]), cv2 \(Array(hsv[(3 * p)..<(3 * p + 3)]))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(n) differ from cv2 \(f.opencv): \(mismatches.prefix(5))")
    }

    /// Both loops: a lone pixel (scalar, rounding) and a pixel inside a row's 32-pixel blocks
    /// (vector, truncating); the fixture's values differ between the two for most pixels.
    @Test func hsvToRGBEqualsOpenCVInBothLoops() throws {
        let f = try Self.fixture()
        #expect(f.vector_block == OpenCVHSV.vectorBlock)
        let n = f.hsv_to_rgb.count
        let hsv = try Self.bytes(f.hsv_to_rgb.hsv, count: 3 * n)
        for (truncating, expected) in [(false, f.hsv_to_rgb.rgb_scalar), (true, f.hsv_to_rgb.rgb_vector)] {
            let rgb = try Self.bytes(expected, count: 3 * n)
            var mismatches: [String] = []
            for p in 0..<n {
                let (r, g, b) = OpenCVHSV.hsvToRGB(hsv[3 * p], hsv[3 * p + 1], hsv[3 * p + 2], truncating: truncating)
                if [r, g, b] != Array(rgb[(3 * p)..<(3 * p + 3)]) {
                    mismatches.append("HSV \(Array(hsv[(3 * p)..<(3 * p + 3)])): \([r, g, b]), cv2 \(Array(rgb[(3 * p)..<(3 * p + 3)]))")
                }
            }
            #expect(mismatches.isEmpty, "truncating \(truncating): \(mismatches.count) of \(n) differ from cv2: \(mismatches.prefix(5))")
        }
        let lone = OpenCVHSV.hsvToRGB(10, 200, 150), inRow = OpenCVHSV.hsvToRGB(10, 200, 150, truncating: true)
        #expect([lone.r, lone.g, lone.b] == [150, 72, 32] && [inRow.r, inRow.g, inRow.b] != [150, 72, 32])
        #expect(OpenCVHSV.isVectorColumn(31, width: 40) && !OpenCVHSV.isVectorColumn(32, width: 40) && !OpenCVHSV.isVectorColumn(0, width: 24))
        #expect(OpenCVHSV.isVectorColumn(191, width: 192) && !OpenCVHSV.isVectorColumn(0, width: 192, block: 0))
    }

    /// mmdet's own transform under fixed gains, on crops of 24 (all scalar), 40 and 72 pixels per
    /// row, as an image and as the warped planes.
    @Test func augmentedCropsEqualMMDet() throws {
        let f = try Self.fixture()
        var aug = YOLOXHSVRandomAug()
        aug.vectorBlock = f.vector_block
        var compared = 0
        for crop in f.crops {
            let count = 3 * crop.width * crop.height
            let input = RGBImage(width: crop.width, height: crop.height, pixels: try Self.bytes(crop.rgb, count: count))
            for out in crop.augmented {
                try #require(out.gains.count == 3)
                let gains = (out.gains[0], out.gains[1], out.gains[2])
                let expected = try Self.bytes(out.rgb, count: count)
                var image = input
                aug.apply(gains: gains, to: &image)
                let differing = (0..<count).filter { image.pixels[$0] != expected[$0] }.count
                #expect(differing == 0, "crop \(crop.width)x\(crop.height) at (\(crop.x), \(crop.y)), gains \(out.gains): \(differing) of \(count) bytes differ from mmdet")
                var planes = Self.planes(input)
                aug.apply(gains: gains, toPlanes: &planes, width: crop.width, height: crop.height)
                #expect(planes == Self.planes(RGBImage(width: crop.width, height: crop.height, pixels: expected)),
                        "planes, gains \(out.gains)")
                // OpenCV's truncating vector loop makes even zero gains change a crop of 32 or more
                // columns; the rounding loop of a narrower one gives the input back
                if out.gains == [0, 0, 0] && crop.width >= f.vector_block { #expect(expected != input.pixels, "mmdet's zero gains still change the crop") }
                compared += count / 3
            }
        }
        #expect(compared >= 7000)
    }

    @Test func gainsAreDrawnInRangeAndReproducibly() {
        let aug = YOLOXHSVRandomAug()
        func draws(_ step: YOLOXHSVRandomAug, seed: UInt64, _ n: Int) -> [[Int]] {
            var rng = RandomGenerator(seed: seed)
            return (0..<n).map { _ in
                let g = step.gains(rng: &rng)
                return [g.0, g.1, g.2]
            }
        }
        let gains = draws(aug, seed: 42, 4000)
        #expect(draws(aug, seed: 42, 4000) == gains && draws(aug, seed: 43, 4000) != gains)
        // mmdet's order: three uniforms, then three coins (six 64-bit draws)
        var manual = RandomGenerator(seed: 9), stepRNG = RandomGenerator(seed: 9)
        let u = (0..<3).map { _ in manual.uniform(-1, 1) }
        let coin = (0..<3).map { _ in Double(manual.next() % 2) }
        let g = aug.gains(rng: &stepRNG)
        let expected: [Int] = [Int(u[0] * 5 * coin[0]), Int(u[1] * 30 * coin[1]), Int(u[2] * 30 * coin[2])]
        #expect([g.0, g.1, g.2] == expected)
        let after = (stepRNG.next(), manual.next())
        #expect(after.0 == after.1)
        let hue = gains.map { $0[0] }, saturation = gains.map { $0[1] }, value = gains.map { $0[2] }
        // uniform(-1, 1) · delta truncated toward zero: -5...4 and -30...29
        #expect(hue.allSatisfy { (-5...4).contains($0) })
        #expect(saturation.allSatisfy { (-30...29).contains($0) } && value.allSatisfy { (-30...29).contains($0) })
        #expect(hue.contains(4) && hue.contains(-4) && saturation.contains(29) && saturation.contains(-29) && value.contains(29) && value.contains(-29))
        // zero when the coin says so (1/2) or |u · delta| < 1: hue 0.6, the others 0.5 + 1/60
        func zeros(_ a: [Int]) -> Double { Double(a.filter { $0 == 0 }.count) / Double(a.count) }
        #expect(abs(zeros(hue) - 0.6) < 0.04 && abs(zeros(saturation) - 0.517) < 0.04 && abs(zeros(value) - 0.517) < 0.04)
        let wide = draws(YOLOXHSVRandomAug(hueDelta: 90, saturationDelta: 0, valueDelta: 200), seed: 1, 2000)
        #expect(wide.allSatisfy { (-90...89).contains($0[0]) && $0[1] == 0 && (-200...199).contains($0[2]) } && wide.contains { $0[0] > 80 })
    }

    /// The pipeline step draws its gains from the sample's generator, then applies them: the same
    /// result as `gains(rng:)` followed by `apply(gains:…)`, on the warped crop and on the image.
    @Test func stepAppliesTheDrawnGains() throws {
        let f = try Self.fixture()
        let metainfo = try cocoMetainfo()
        let crop = try #require(f.crops.first { $0.width == 40 })
        let image = RGBImage(width: crop.width, height: crop.height, pixels: try Self.bytes(crop.rgb, count: 3 * crop.width * crop.height))
        let aug = YOLOXHSVRandomAug()
        for seed in UInt64(0)..<8 {
            var rng = RandomGenerator(seed: seed, stream: [3, 5]), replay = RandomGenerator(seed: seed, stream: [3, 5])
            var warped = Self.warpedSample(image)
            try aug.apply(&warped, metainfo: metainfo, rng: &rng)
            let gains = aug.gains(rng: &replay)
            var expected = Self.planes(image)
            aug.apply(gains: gains, toPlanes: &expected, width: image.width, height: image.height)
            let after = (rng.next(), replay.next())
            #expect(warped.input == expected && after.0 == after.1)
            #expect(warped.inputSize?.0 == image.width && warped.inputSize?.1 == image.height)

            var loaded = TopdownSample(instance: warped.instance)
            loaded.image = image
            rng = RandomGenerator(seed: seed); replay = RandomGenerator(seed: seed)
            try aug.apply(&loaded, metainfo: metainfo, rng: &rng)
            var expectedImage = image
            aug.apply(gains: aug.gains(rng: &replay), to: &expectedImage)
            #expect(loaded.image == expectedImage)
        }
        var empty = TopdownSample(instance: Self.warpedSample(image).instance), rng = RandomGenerator(seed: 0)
        #expect(throws: DatasetError.self) { try aug.apply(&empty, metainfo: metainfo, rng: &rng) }
    }
}
