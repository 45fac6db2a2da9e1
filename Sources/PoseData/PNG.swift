import CPNG
import Foundation

/// PNG decoding and encoding through libpng (Debian's `libpng-dev`).
///
/// Any PNG colour type and bit depth decodes to 8-bit RGB (alpha composited on black, as
/// OpenCV's `imread` drops it); a corrupt file, or one over `ImageFile.maximumPixels`, is an
/// error naming it.
public enum PNG {

    /// Decodes PNG bytes; `source` names the data in error messages.
    public static func decode(_ data: [UInt8], source: String = "PNG data") throws -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBufferPointer { buf in
            cpng_decode_rgb(buf.baseAddress, buf.count, ImageFile.maximumPixels, &pixels, &width, &height, &message, message.count)
        }
        guard status == 0, let pixels else {
            throw ImageError("\(source): not a readable PNG (\(ImageFile.messageText(message, library: "libpng")))")
        }
        defer { cpng_free(pixels) }
        return RGBImage(width: Int(width), height: Int(height),
                        pixels: Array(UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height) * 3)))
    }

    /// Encodes an image losslessly.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { buf in
            cpng_encode_rgb(buf.baseAddress, Int32(image.width), Int32(image.height), &out, &size, &message, message.count)
        }
        guard status == 0, let out else { throw ImageError("PNG encode failed (\(ImageFile.messageText(message, library: "libpng")))") }
        defer { cpng_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Encodes and writes a PNG file atomically.
    public static func write(_ image: RGBImage, path: String) throws {
        let bytes = try encode(image)
        try OutputPath.writeAtomically(Data(bytes), to: path, label: "image")
    }
}
