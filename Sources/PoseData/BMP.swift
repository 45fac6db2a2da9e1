/// Windows bitmap decoding: uncompressed 24- and 32-bit (`BI_RGB`, or `BI_BITFIELDS` with the
/// standard masks) and 1-, 4- and 8-bit palette images, bottom-up or top-down, as OpenCV reads
/// them for datasets. Run-length compressed files are an error naming the compression.
public enum BMP {
    /// Decodes BMP bytes; `source` names the data in error messages.
    public static func decode(_ data: [UInt8], source: String = "BMP data") throws -> RGBImage {
        func fail(_ why: String) -> ImageError { ImageError("\(source): not a readable BMP (\(why))") }
        func u16(_ o: Int) -> Int { Int(data[o]) | Int(data[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard data.count >= 26, data[0] == 0x42, data[1] == 0x4D else { throw fail("no 'BM' header") }
        let pixelOffset = u32(10), headerSize = u32(14)
        guard headerSize >= 12, 14 + headerSize <= data.count else { throw fail("header of \(headerSize) bytes in a \(data.count)-byte file") }
        let width: Int, signedHeight: Int, bits: Int, compression: Int, paletteEntrySize: Int
        if headerSize == 12 {  // OS/2 BITMAPCOREHEADER
            (width, signedHeight, bits, compression, paletteEntrySize) = (u16(18), Int(Int16(bitPattern: UInt16(u16(20)))), u16(24), 0, 3)
        } else {
            guard data.count >= 34 else { throw fail("truncated header") }
            width = Int(Int32(bitPattern: UInt32(u32(18))))
            signedHeight = Int(Int32(bitPattern: UInt32(u32(22))))
            (bits, compression, paletteEntrySize) = (u16(28), u32(30), 4)
        }
        let height = abs(signedHeight), topDown = signedHeight < 0
        guard width > 0, height > 0, UInt64(width) * UInt64(height) <= ImageFile.maximumPixels else {
            throw fail("size \(width)x\(signedHeight); SwiftPose decodes images of up to \(ImageFile.maximumPixels) pixels")
        }
        // BI_BITFIELDS with the usual 8-bit masks (red 0x00FF0000, green 0x0000FF00, blue 0x000000FF) is plain BGRA
        let standardMasks = bits == 32 && data.count >= 66 && u32(54) == 0x00FF_0000 && u32(58) == 0x0000_FF00 && u32(62) == 0xFF
        guard compression == 0 || (compression == 3 && standardMasks) else {
            throw fail("compression \(compression) is not supported (only uncompressed images)")
        }
        guard [1, 4, 8, 24, 32].contains(bits) else { throw fail("\(bits) bits per pixel is not supported") }
        let stride = (width * bits + 31) / 32 * 4
        guard pixelOffset >= 14 + headerSize, pixelOffset + stride * height <= data.count else {
            throw fail("pixel data of \(stride * height) bytes at \(pixelOffset) in a \(data.count)-byte file")
        }
        var palette: [(UInt8, UInt8, UInt8)] = []
        if bits <= 8 {
            let paletteStart = 14 + headerSize
            let colours = headerSize > 12 && data.count >= 50 && u32(46) > 0 ? u32(46) : 1 << bits
            guard colours <= 1 << bits, paletteStart + colours * paletteEntrySize <= pixelOffset else { throw fail("palette of \(colours) colours") }
            palette = (0..<colours).map { i in
                let o = paletteStart + i * paletteEntrySize
                return (data[o + 2], data[o + 1], data[o])
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let source = pixelOffset + (topDown ? row : height - 1 - row) * stride
            for x in 0..<width {
                let out = (row * width + x) * 3
                switch bits {
                case 24, 32:
                    let o = source + x * bits / 8
                    (pixels[out], pixels[out + 1], pixels[out + 2]) = (data[o + 2], data[o + 1], data[o])
                default:
                    let bit = x * bits, byte = data[source + bit / 8]
                    let index = Int(byte >> UInt8(8 - bits - bit % 8)) & ((1 << bits) - 1)
                    guard index < palette.count else { throw fail("palette index \(index) of \(palette.count)") }
                    (pixels[out], pixels[out + 1], pixels[out + 2]) = palette[index]
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
