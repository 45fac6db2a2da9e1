import Foundation
import Testing
@testable import PoseData

/// PNG and BMP decoding, and the reader that picks the decoder by the file's first bytes.
@Suite struct ImageFormatTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    func gradient(_ w: Int, _ h: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<h { for x in 0..<w { pixels += [UInt8(x * 255 / max(w - 1, 1)), UInt8(y * 255 / max(h - 1, 1)), UInt8((x * 7 + y * 13) % 256)] } }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    @Test func pngRoundTripsLosslessly() throws {
        let image = gradient(37, 23)
        let bytes = try PNG.encode(image)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try PNG.decode(bytes) == image)
        #expect(try ImageFile.decode(bytes, source: "x.png") == image)
    }

    /// A real photo (COCO val, JPEG) written as PNG reads back pixel for pixel through the sniffing reader.
    @Test func cocoPhotoAsPNG() throws {
        let jpeg = try JPEG.read(path: ImageFormatTests.fixtures + "/coco/000000000785.jpg")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNG.write(jpeg, path: path)
        #expect(try ImageFile.read(path: path) == jpeg)
    }

    @Test func damagedAndHugePNGsAreErrorsNamingTheFile() throws {
        let bytes = try PNG.encode(gradient(8, 8))
        #expect { try PNG.decode(Array(bytes.prefix(40)), source: "cut.png") } throws: { "\($0)".hasPrefix("cut.png: not a readable PNG (") }
        // IHDR claiming 20000 × 20000 pixels (libpng's own limit is 10^6 per side), its CRC fixed
        var huge = bytes
        for (offset, value) in [(16, UInt32(20_000)), (20, UInt32(20_000))] {
            for i in 0..<4 { huge[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        let crc = crc32(Array(huge[12..<29]))
        for i in 0..<4 { huge[29 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        #expect { try PNG.decode(huge, source: "huge.png") } throws: { "\($0)".contains("huge.png: not a readable PNG (20000x20000 pixels is more than the 67108864 allowed)") }
    }

    /// A BMP file with `bits` per pixel (24, or 8 with a palette), bottom-up unless `topDown`.
    func bmp(_ image: RGBImage, bits: Int, topDown: Bool = false) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let stride = (image.width * bits + 31) / 32 * 4
        var palette: [UInt8] = [], lookup: [[UInt8]: Int] = [:]
        if bits == 8 {
            for i in 0..<(image.width * image.height) {
                let c = Array(image.pixels[3 * i..<3 * i + 3])
                if lookup[c] == nil { lookup[c] = lookup.count; palette += [c[2], c[1], c[0], 0] }
            }
        }
        let offset = 54 + palette.count
        var data: [UInt8] = [0x42, 0x4D] + le(offset + stride * image.height, 4) + le(0, 4) + le(offset, 4)
        data += le(40, 4) + le(image.width, 4) + le(topDown ? -image.height : image.height, 4) + le(1, 2) + le(bits, 2)
        data += le(0, 4) + le(stride * image.height, 4) + le(2835, 4) + le(2835, 4) + le(bits == 8 ? lookup.count : 0, 4) + le(0, 4)
        data += palette
        for row in 0..<image.height {
            let y = topDown ? row : image.height - 1 - row
            var line: [UInt8] = []
            for x in 0..<image.width {
                let i = 3 * (y * image.width + x)
                let c = Array(image.pixels[i..<i + 3])
                line += bits == 8 ? [UInt8(lookup[c]!)] : [c[2], c[1], c[0]]
            }
            data += line + [UInt8](repeating: 0, count: stride - line.count)
        }
        return data
    }

    @Test func bmpVariantsDecode() throws {
        let image = gradient(13, 7)
        #expect(try BMP.decode(bmp(image, bits: 24)) == image)
        #expect(try BMP.decode(bmp(image, bits: 24, topDown: true)) == image)
        var few = RGBImage(width: 5, height: 3)
        for i in 0..<15 { let c: [UInt8] = i % 3 == 0 ? [255, 0, 0] : i % 3 == 1 ? [0, 128, 255] : [9, 9, 9]; few.pixels[3 * i..<3 * i + 3] = c[...] }
        #expect(try ImageFile.decode(bmp(few, bits: 8), source: "p.bmp") == few)
        var rle = bmp(image, bits: 24)
        rle[30] = 1
        #expect { try BMP.decode(rle, source: "rle.bmp") } throws: { "\($0)" == "rle.bmp: not a readable BMP (compression 1 is not supported (only uncompressed images))" }
    }

    @Test func unknownFormatsNameTheirFirstBytes() {
        #expect { try ImageFile.decode(Array("GIF89a".utf8), source: "a.gif") } throws: {
            "\($0)" == "a.gif: not a JPEG, PNG or BMP image (starts with 0x47 0x49 0x46 0x38)"
        }
        #expect { try ImageFile.decode([], source: "empty.jpg") } throws: { "\($0)".contains("starts with nothing: the file is empty") }
    }
}

/// CRC-32 as PNG chunks use it.
private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return c ^ 0xFFFF_FFFF
}
