import PoseTensor

/// mmdet 3.3.0's `YOLOXHSVRandomAug(hue_delta=5, saturation_delta=30, value_delta=30)`, the colour
/// step of every RTMPose config (`dict(type='mmdet.YOLOXHSVRandomAug')`, after `TopdownAffine`):
/// integer gains added to the crop's 8-bit HSV (hue wrapped in OpenCV's 0..<180, saturation and
/// value clipped to 0...255), through OpenCV's own conversions (`OpenCVHSV`), so the crop equals
/// mmdet's byte for byte.
///
/// The round trip runs even when every gain is 0, as in mmdet: 8-bit HSV loses precision, so
/// the crop changes anyway. After `TopdownAffine` the step works on the warped crop (`input`,
/// 0–255 values); before it, on the decoded image. OpenCV's HSV→RGB result depends on the column
/// (see `OpenCVHSV`), which is taken from the width of what is augmented, as `cv2.cvtColor` sees it.
public struct YOLOXHSVRandomAug: Transform, Equatable {
    /// mmdet's `hue_delta`: the hue gain is drawn from ±this in OpenCV's 0..<180 hue units (so ±10°
    /// by default), truncated toward zero.
    public var hueDelta: Int
    /// mmdet's `saturation_delta`: the saturation gain is drawn from ±this, in 0–255 levels.
    public var saturationDelta: Int
    /// mmdet's `value_delta`: the value gain is drawn from ±this, in 0–255 levels.
    public var valueDelta: Int
    /// The pixels per iteration of the OpenCV HSV→RGB vector loop being reproduced: 32 for the
    /// AVX2 build opencv-python runs on x86-64 (`OpenCVHSV.vectorBlock`); a reference run on
    /// another build (16 for 128-bit SIMD, 0 for none) needs its own value to match bit for bit.
    public var vectorBlock: Int = OpenCVHSV.vectorBlock

    /// mmdet's `YOLOXHSVRandomAug(hue_delta, saturation_delta, value_delta)`, with its defaults.
    public init(hueDelta: Int = 5, saturationDelta: Int = 30, valueDelta: Int = 30) {
        self.hueDelta = hueDelta
        self.saturationDelta = saturationDelta
        self.valueDelta = valueDelta
    }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        if !s.input.isEmpty {
            guard let size = s.inputSize, size.0 * size.1 * 3 == s.input.count else {
                throw DatasetError("YOLOXHSVRandomAug: the warped crop's size does not match its \(s.input.count) values")
            }
            let g = gains(rng: &rng)
            apply(gains: g, toPlanes: &s.input, width: size.0, height: size.1)
        } else {
            guard var image = s.image else { throw DatasetError("YOLOXHSVRandomAug needs LoadImage (or TopdownAffine) before it") }
            let g = gains(rng: &rng)
            s.image = nil  // the sample's reference would make the in-place edit copy the pixels
            apply(gains: g, to: &image)
            s.image = image
        }
    }

    /// Draws (hue, saturation, value) gains as mmdet's `_get_hsv_gains` does: three
    /// `uniform(-1, 1)` times the deltas, each kept or zeroed by a fair coin (three coins, drawn
    /// after the uniforms), then truncated toward zero as `astype(np.int16)` does. So with the
    /// defaults the hue gain is in -5...4 (-5 only for a uniform of exactly -1), the others in
    /// -30...29, each zero at least half the time.
    public func gains(rng: inout RandomGenerator) -> (Int, Int, Int) {
        let u0 = rng.uniform(-1, 1), u1 = rng.uniform(-1, 1), u2 = rng.uniform(-1, 1)
        let c0 = Double(rng.next() % 2), c1 = Double(rng.next() % 2), c2 = Double(rng.next() % 2)
        return (Int(u0 * Double(hueDelta) * c0), Int(u1 * Double(saturationDelta) * c1), Int(u2 * Double(valueDelta) * c2))
    }

    /// Applies fixed gains (hue, saturation, value) to `image` as mmdet's `transform` does once
    /// `_get_hsv_gains` returned them; deterministic, which is what the fixture test compares with
    /// mmdet's own output.
    public func apply(gains: (Int, Int, Int), to image: inout RGBImage) {
        let shift = HSVShift(gains: gains)
        let width = image.width, height = image.height
        let vectorWidth = vectorBlock > 0 ? width / vectorBlock * vectorBlock : 0
        image.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 3
                    (px[i], px[i + 1], px[i + 2]) = shift.apply(px[i], px[i + 1], px[i + 2], truncating: x < vectorWidth)
                }
            }
        }
    }

    /// Applies fixed gains to a `3 × height × width` crop of 0–255 values (`TopdownSample.input`
    /// after `TopdownAffine`, whose warp gives whole numbers; others are rounded and clamped).
    public func apply(gains: (Int, Int, Int), toPlanes planes: inout [Float], width: Int, height: Int) {
        precondition(planes.count == 3 * width * height, "YOLOXHSVRandomAug: \(planes.count) values for 3x\(height)x\(width)")
        let shift = HSVShift(gains: gains)
        let plane = width * height
        let vectorWidth = vectorBlock > 0 ? width / vectorBlock * vectorBlock : 0
        func byte(_ v: Float) -> UInt8 { v >= 0 ? (v < 255 ? UInt8(v.rounded()) : 255) : 0 }  // NaN → 0
        planes.withUnsafeMutableBufferPointer { p in
            for y in 0..<height {
                for x in 0..<width {
                    let i = y * width + x
                    let (r, g, b) = shift.apply(byte(p[i]), byte(p[plane + i]), byte(p[2 * plane + i]), truncating: x < vectorWidth)
                    p[i] = Float(r); p[plane + i] = Float(g); p[2 * plane + i] = Float(b)
                }
            }
        }
    }
}

/// One draw's gains as 256-entry tables over H, S and V, so a pixel costs OpenCV's two
/// conversions and three lookups.
struct HSVShift {
    /// The conversion tables, held here so the pixel loop does not go through the lazy static.
    let tables = OpenCVHSV.tables
    /// `(h + gain) % 180`, with Python's non-negative modulo as numpy's `%` on int16.
    let hue: [UInt8]
    /// `clip(s + gain, 0, 255)`.
    let saturation: [UInt8]
    /// `clip(v + gain, 0, 255)`.
    let value: [UInt8]

    init(gains: (Int, Int, Int)) {
        hue = (0..<256).map { h in UInt8(((h + gains.0) % 180 + 180) % 180) }
        saturation = (0..<256).map { s in UInt8(min(max(s + gains.1, 0), 255)) }
        value = (0..<256).map { v in UInt8(min(max(v + gains.2, 0), 255)) }
    }

    /// One pixel through HSV with the gains, the way back truncating (OpenCV's vector loop) or
    /// rounding (its scalar loop).
    @inline(__always)
    func apply(_ r: UInt8, _ g: UInt8, _ b: UInt8, truncating: Bool) -> (UInt8, UInt8, UInt8) {
        let (h, s, v) = tables.rgbToHSV(r, g, b)
        let rgb = tables.hsvToRGB(hue[Int(h)], saturation[Int(s)], value[Int(v)], truncating: truncating)
        return (rgb.r, rgb.g, rgb.b)
    }
}
