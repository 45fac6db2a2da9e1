import Foundation

/// Reads an image file of any format SwiftPose decodes — JPEG, PNG or BMP — chosen by its
/// first bytes rather than its name, as OpenCV's `imread`.
public enum ImageFile {
    /// The most pixels an image may have (8192 x 8192): decoding takes about six bytes a pixel
    /// (the decoder's image, its copy, a progressive JPEG's coefficients) in every loader
    /// thread, and an image header may claim 65500 x 65500 in a few kilobytes.
    public static let maximumPixels: UInt64 = 1 << 26

    /// Reads and decodes `path`; an unreadable file or an unknown format is an error naming it.
    public static func read(path: String) throws -> RGBImage {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw ImageError("\(path): cannot read image file (missing or unreadable)")
        }
        return try decode([UInt8](contents), source: path)
    }

    /// Decodes image bytes by their signature.
    public static func decode(_ data: [UInt8], source: String) throws -> RGBImage {
        if data.starts(with: [0xFF, 0xD8]) { return try JPEG.decode(data, source: source) }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNG.decode(data, source: source) }
        if data.starts(with: [0x42, 0x4D]) { return try BMP.decode(data, source: source) }
        let head = data.prefix(4).map { String(format: "0x%02X", $0) }.joined(separator: " ")
        throw ImageError("\(source): not a JPEG, PNG or BMP image (starts with \(head.isEmpty ? "nothing: the file is empty" : head))")
    }

    /// Writes `image` as PNG when `path` ends in `.png`, otherwise as JPEG.
    public static func write(_ image: RGBImage, path: String) throws {
        if path.lowercased().hasSuffix(".png") { try PNG.write(image, path: path) } else { try JPEG.write(image, path: path) }
    }

    static func messageText(_ buffer: [CChar], library: String) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty ? "unknown \(library) error" : text
    }
}
