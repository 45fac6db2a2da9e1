import CJPEG
import Foundation

/// An 8-bit interleaved RGB image, `height × width × 3` bytes.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `height × width × 3` bytes, row by row from the top, R, G, B per pixel.
    public var pixels: [UInt8]

    /// An image from its pixels; traps unless there are `width × height × 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }
}

/// An image (JPEG, PNG or BMP) that could not be read or written; `description` names the file
/// and the reason.
public struct ImageError: Error, CustomStringConvertible, Equatable {
    /// The message: the file (or data) and why it could not be read or written.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}

/// JPEG decoding and encoding through libjpeg-turbo.
///
/// Decoding is strict: a corrupt or truncated stream, which libjpeg would only warn about and
/// fill with grey, is an error for that image.
public enum JPEG {
    /// Decodes JPEG bytes; `source` names the data in error messages.
    public static func decode(_ data: [UInt8], source: String = "JPEG data") throws -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBufferPointer { buf in
            cjpeg_decode_rgb(buf.baseAddress, buf.count, Int32(CJPEG_FLAG_STRICT), ImageFile.maximumPixels, &pixels, &width, &height,
                             &message, message.count)
        }
        guard status == 0, let pixels else {
            throw ImageError("\(source): not a readable JPEG (\(messageText(message)))")
        }
        defer { cjpeg_free(pixels) }
        let count = Int(width) * Int(height) * 3
        return RGBImage(width: Int(width), height: Int(height),
                        pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Reads and decodes a JPEG file.
    public static func read(path: String) throws -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageError("\(path): cannot read image file (missing or unreadable)")
        }
        return try decode([UInt8](data), source: path)
    }

    /// Encodes an image at `quality` (1–100).
    public static func encode(_ image: RGBImage, quality: Int = 90) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { buf in
            cjpeg_encode_rgb(buf.baseAddress, Int32(image.width), Int32(image.height), Int32(quality),
                             &out, &size, &message, message.count)
        }
        guard status == 0, let out else { throw ImageError("JPEG encode failed (\(messageText(message)))") }
        defer { cjpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Encodes and writes a JPEG file atomically.
    public static func write(_ image: RGBImage, path: String, quality: Int = 90) throws {
        let bytes = try encode(image, quality: quality)
        try OutputPath.writeAtomically(Data(bytes), to: path, label: "image")
    }

    private static func messageText(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty ? "unknown libjpeg error" : text
    }
}
