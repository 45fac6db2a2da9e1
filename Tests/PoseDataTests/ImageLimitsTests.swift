import Foundation
import Testing
@testable import PoseData

/// Image headers from issue 21's pass: sizes that would take gigabytes to decode are refused
/// from the header, and four-component JPEGs decode as OpenCV decodes them.
@Suite struct ImageLimitsTests {
    /// A JPEG header (SOI, a frame of `width` x `height` with three components, a scan header)
    /// with no tables or data: all a 32 KB file needs to claim gigapixels, and enough for the
    /// size check, which must come before any decoding.
    func jpegHeader(width: Int, height: Int, progressive: Bool = false) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, progressive ? 0xC2 : 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF),
         UInt8(width >> 8), UInt8(width & 0xFF), 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00,
         0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00, 0xFF, 0xD9]
    }

    @Test func hugeHeadersAreRefusedBeforeDecoding() {
        for progressive in [false, true] {
            #expect { try JPEG.decode(jpegHeader(width: 16_384, height: 16_384, progressive: progressive), source: "big.jpg") } throws: {
                "\($0)".contains("big.jpg: not a readable JPEG (a 16384x16384 image has more than the \(ImageFile.maximumPixels) pixels SwiftPose decodes; resize it)")
            }
        }
        // 8192 x 8192 is within the limit: the error is the missing scan, not the size
        #expect { try JPEG.decode(jpegHeader(width: 8192, height: 8192), source: "edge.jpg") } throws: { !"\($0)".contains("pixels SwiftPose decodes") }
    }

    /// OpenCV's imread of an Adobe CMYK JPEG (Pillow-written), converted to RGB
    /// (`tools/make_cmyk_jpeg_fixture.py`); libjpeg refused it before.
    @Test func cmykJPEGsDecodeAsOpenCVReadsThem() throws {
        let folder = fixtures.appendingPathComponent("cmyk")
        let image = try ImageFile.read(path: folder.appendingPathComponent("cmyk.jpg").path)
        let reference = try [UInt8](Data(contentsOf: folder.appendingPathComponent("cmyk_opencv_rgb.bin")))
        #expect(image.width == 24 && image.height == 16)
        #expect(image.pixels.count == reference.count)
        let worst = zip(image.pixels, reference).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 1, "largest difference from OpenCV: \(worst)")
    }
}
