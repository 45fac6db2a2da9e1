import Foundation
import Testing
@testable import PoseData

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

@Suite struct JPEGTests {
    @Test func decodesRealCOCOImage() throws {
        let image = try JPEG.read(path: fixtures.appendingPathComponent("coco/000000000785.jpg").path)
        #expect(image.width == 640 && image.height == 425)
        #expect(image.pixels.count == 640 * 425 * 3)
        // not a blank frame
        #expect(Set(image.pixels.prefix(30_000)).count > 50)
    }

    @Test func encodeDecodeRoundTrip() throws {
        var image = RGBImage(width: 37, height: 23)
        for y in 0..<23 { for x in 0..<37 {
            let i = (y * 37 + x) * 3
            image.pixels[i] = UInt8(x * 6); image.pixels[i + 1] = UInt8(y * 10); image.pixels[i + 2] = 128
        } }
        let bytes = try JPEG.encode(image, quality: 95)
        let back = try JPEG.decode(bytes)
        #expect(back.width == 37 && back.height == 23)
        var worst = 0
        for i in 0..<back.pixels.count { worst = max(worst, abs(Int(back.pixels[i]) - Int(image.pixels[i]))) }
        #expect(worst < 24)
    }

    @Test func truncatedJPEGIsAnErrorNotACrash() throws {
        let data = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("coco/000000040083.jpg")))
        for fraction in [0.5, 0.9] {
            let cut = Array(data.prefix(Int(Double(data.count) * fraction)))
            #expect(throws: ImageError.self) { try JPEG.decode(cut, source: "cut.jpg") }
        }
        do {
            _ = try JPEG.decode(Array(data.prefix(data.count / 2)), source: "cut.jpg")
        } catch let error as ImageError {
            #expect(error.description.hasPrefix("cut.jpg: not a readable JPEG ("))
        }
    }

    @Test func corruptAndMissingFilesAreErrors() throws {
        #expect(throws: ImageError.self) { try JPEG.decode([UInt8](repeating: 0x42, count: 1000)) }
        #expect(throws: ImageError.self) { try JPEG.decode([]) }
        var data = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("coco/000000040083.jpg")))
        // overwrite the entropy-coded middle with garbage markers
        for i in stride(from: data.count / 3, to: data.count / 3 + 4000, by: 2) { data[i] = 0xFF; data[i + 1] = 0xD0 + UInt8(i % 7) }
        #expect(throws: ImageError.self) { try JPEG.decode(data) }
        #expect(throws: ImageError("/nonexistent/x.jpg: cannot read image file (missing or unreadable)")) {
            try JPEG.read(path: "/nonexistent/x.jpg")
        }
    }
}
