/// OpenCV 4.x's 8-bit `COLOR_RGB2HSV` and `COLOR_HSV2RGB` (hue range 180) to the bit, as
/// `modules/imgproc/src/color_hsv.simd.hpp` computes them in the AVX2 build that opencv-python
/// dispatches to on x86-64.
///
/// mmdet's `YOLOXHSVRandomAug` (in every RTMPose config) sends each training crop through HSV and
/// back; the textbook float formula is off by a grey level on most colours, so the conversions
/// follow OpenCV's code, whose results `Tests/Fixtures/hsv` (made by `tools/make_hsv_fixture.py`
/// with cv2 4.10) pins; a numpy model of this arithmetic matched cv2 4.10 on all 2²⁴ inputs of each
/// direction, in both loops:
/// - RGB→HSV is integer arithmetic: saturation and hue are products with rounded reciprocal
///   tables (`255·2¹²/v`, `30·2¹²/(max − min)`) rounded back by 12 bits, ties of the maximum
///   going to red, then green.
/// - HSV→RGB goes through float32, and its last step depends on the pixel's column: OpenCV's
///   vector loop converts whole blocks of `vectorBlock` pixels from a row's start and truncates
///   (`v_trunc`), the scalar loop finishing the row rounds to nearest (`saturate_cast`). The two
///   disagree by one level on about three quarters of all HSV values, so a pixel converted alone
///   (`hsvToRGB(_:_:_:truncating:)` by default) and the same pixel inside a 192-pixel crop row
///   differ. The products `v·(1 − s·f)` are computed with the inner `1 − s·f` fused (GCC
///   contracts it to an FMA in the AVX2 build, in both loops); unfused, a few hundred inputs come
///   out one level off.
public enum OpenCVHSV {
    /// How many pixels OpenCV's AVX2 HSV→RGB loop converts per iteration (4 × 8 float32 lanes):
    /// the leading `width / 32 · 32` pixels of each row truncate, the rest round. Every RTMPose
    /// input width (192, 256, 288) is a multiple, so training crops truncate throughout.
    public static let vectorBlock = 32

    /// Whether OpenCV converts column `x` of a `width`-pixel row with its vector loop (which
    /// truncates) rather than its scalar one: `cvtColor` hands the loops one row at a time, the
    /// vector loop takes whole `block`s from the start. A `block` of 0 means no vector loop (an
    /// OpenCV built without SIMD).
    public static func isVectorColumn(_ x: Int, width: Int, block: Int = vectorBlock) -> Bool {
        block > 0 && x < width / block * block
    }

    /// OpenCV's 8-bit RGB→HSV: H in 0..<180 (degrees halved), S and V in 0...255. Both of
    /// OpenCV's loops (vector and scalar) give this same value.
    public static func rgbToHSV(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (h: UInt8, s: UInt8, v: UInt8) {
        tables.rgbToHSV(r, g, b)
    }

    /// OpenCV's 8-bit HSV→RGB for H in OpenCV's 0..<180 scale (180...255 wrap as OpenCV wraps
    /// them). `truncating` picks the vector loop's last step over the scalar loop's rounding: true
    /// for a pixel `isVectorColumn` says the vector loop converts; the default, false, is what
    /// `cv2.cvtColor` gives for a lone pixel or an image narrower than `vectorBlock`.
    public static func hsvToRGB(_ h: UInt8, _ s: UInt8, _ v: UInt8, truncating: Bool = false) -> (r: UInt8, g: UInt8, b: UInt8) {
        tables.hsvToRGB(h, s, v, truncating: truncating)
    }

    /// Built once per process: the per-pixel work is then integer arithmetic, lookups and three
    /// float products.
    static let tables = Tables()

    /// OpenCV's reciprocal tables and, per (H, S), the float32 factors of V for R, G and B.
    struct Tables: Sendable {
        /// `RGB2HSV_b`'s `sdiv_table`: `255·2¹²/i` rounded as `cvRound` (ties to even; none occur).
        let saturationDivisors: [Int]
        /// `RGB2HSV_b`'s `hdiv_table180`: `180·2¹²/(6i)` rounded likewise.
        let hueDivisors: [Int]
        /// `(H << 8 | S) · 3 + c`: OpenCV's `tab[0...3]` (1, `1 − s`, `1 − s·f`, `1 − s·(1 − f)`,
        /// each to be multiplied by v) chosen for channel c (R, G, B) by the hue sector. A table
        /// because the fused `1 − s·f` would otherwise be a libm `fmaf` call per pixel (SwiftPose
        /// is built without FMA target flags), and because it depends on H and S only.
        let factors: [Float]

        init() {
            var sdiv = [Int](repeating: 0, count: 256), hdiv = [Int](repeating: 0, count: 256)
            for i in 1..<256 {
                sdiv[i] = Int((Double(255 << 12) / Double(i)).rounded(.toNearestOrEven))
                hdiv[i] = Int((Double(180 << 12) / (6 * Double(i))).rounded(.toNearestOrEven))
            }
            saturationDivisors = sdiv
            hueDivisors = hdiv
            // OpenCV's `hscale = 6.0f / 180` in float32
            let hueScale: Float = 6 / 180, one: Float = 1
            // OpenCV's sector_data ({b, g, r} per sector) as the tab index of R, G and B per sector
            let red = [0, 2, 1, 1, 3, 0], green = [3, 0, 0, 2, 1, 1], blue = [1, 1, 3, 0, 0, 2]
            var table = [Float](repeating: 0, count: 256 * 256 * 3)
            for h in 0..<256 {
                // the vector loop's trunc and the scalar loop's fmod-then-floor give the same
                // sector and the same (exact) fraction for every H, 180...255 included
                let scaled = Float(h) * hueScale
                let whole = scaled.rounded(.down)
                let fraction = scaled - whole
                let sector = Int(whole) % 6
                for s in 0..<256 {
                    let saturation = Float(s) * Tables.inverse255
                    let tab = (one, one - saturation, one.addingProduct(-saturation, fraction),
                               one.addingProduct(-saturation, one - fraction))
                    func pick(_ k: Int) -> Float { k == 0 ? tab.0 : k == 1 ? tab.1 : k == 2 ? tab.2 : tab.3 }
                    let i = (h << 8 | s) * 3
                    table[i] = pick(red[sector])
                    table[i + 1] = pick(green[sector])
                    table[i + 2] = pick(blue[sector])
                }
            }
            factors = table
        }

        /// OpenCV's `1.0f / 255.0f`: S and V are scaled by this product, not divided by 255.
        static let inverse255: Float = 1 / 255

        /// `RGB2HSV_b`'s scalar loop (its vector loop is the same arithmetic).
        @inline(__always)
        func rgbToHSV(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> (h: UInt8, s: UInt8, v: UInt8) {
            let r = Int(red), g = Int(green), b = Int(blue)
            let v = max(r, g, b), diff = v - min(r, g, b)
            let s = (diff * saturationDivisors[v] + (1 << 11)) >> 12
            // a tie of the maximum takes red's formula, then green's: grey is 0 either way (diff 0)
            let numerator = v == r ? g - b : v == g ? b - r + 2 * diff : r - g + 4 * diff
            // `>>` floors, as OpenCV's arithmetic shift does for a negative hue
            var h = (numerator * hueDivisors[diff] + (1 << 11)) >> 12
            if h < 0 { h += 180 }
            return (UInt8(clamping: h), UInt8(truncatingIfNeeded: s), UInt8(truncatingIfNeeded: v))
        }

        /// `HSV2RGB_b`: v scaled to 0...1, times the factor (one float32 rounding), times 255, then
        /// truncated (vector loop) or rounded to nearest even (scalar loop's `cvRound`).
        @inline(__always)
        func hsvToRGB(_ h: UInt8, _ s: UInt8, _ v: UInt8, truncating: Bool) -> (r: UInt8, g: UInt8, b: UInt8) {
            let i = (Int(h) << 8 | Int(s)) * 3
            let value = Float(v) * Tables.inverse255
            return (Tables.quantize(value * factors[i], truncating: truncating),
                    Tables.quantize(value * factors[i + 1], truncating: truncating),
                    Tables.quantize(value * factors[i + 2], truncating: truncating))
        }

        /// OpenCV's `x * 255.0f` to 8 bits; x is in 0...1 up to float rounding, hence the clamp
        /// (OpenCV's saturating packs).
        @inline(__always)
        static func quantize(_ x: Float, truncating: Bool) -> UInt8 {
            let scaled = x * 255
            let q = truncating ? scaled.rounded(.towardZero) : scaled.rounded(.toNearestOrEven)
            return q <= 0 ? 0 : q >= 255 ? 255 : UInt8(q)
        }
    }
}
