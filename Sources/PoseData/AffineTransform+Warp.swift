extension AffineTransform {
    /// The inverse map as `cv2.warpAffine` computes it for itself (no `WARP_INVERSE_MAP`), in its
    /// order of operations: the six coefficients `[a, b, c, d, e, f]`, 0 for a singular map.
    var openCVInverse: [Double] {
        var m = [a, b, c, d, e, f]
        var det = m[0] * m[4] - m[1] * m[3]
        det = det != 0 ? 1 / det : 0
        let a11 = m[4] * det, a22 = m[0] * det
        m[0] = a11; m[1] *= -det; m[3] *= -det; m[4] = a22
        let b1 = -m[0] * m[2] - m[1] * m[5], b2 = -m[3] * m[2] - m[4] * m[5]
        m[2] = b1; m[5] = b2
        return m
    }

    /// `cv2.warpAffine(image, M, (width, height), flags=INTER_LINEAR)` with `M` = self, bit for
    /// bit as OpenCV 4.x computes it: the inverse map in double, source positions in fixed
    /// point (10 fractional bits per row and column step, then 5 sub-pixel bits), 15-bit
    /// bilinear weights, results rounded to 8 bits, `borderValue` (BORDER_CONSTANT, black by
    /// default) for taps outside.
    /// MMPose feeds its networks these 8-bit crops in training and testing, and a float crop
    /// differs from them by up to half a grey level, which near-tied heatmap peaks amplify.
    ///
    /// Writes `3 × height × width` float planes (RGB, values 0–255) to `out`.
    public func warp(_ image: RGBImage, width: Int, height: Int, into out: UnsafeMutablePointer<Float>, borderValue: UInt8 = 0) {
        let m = openCVInverse

        // saturate_cast<int>(double): round half to even, clamped to int32
        @inline(__always) func round32(_ v: Double) -> Int32 {
            let r = v.rounded(.toNearestOrEven)
            if r.isNaN { return 0 }
            return r >= 2147483647 ? .max : r <= -2147483648 ? .min : Int32(r)
        }
        @inline(__always) func short(_ v: Int32) -> Int { Int(min(max(v, -32768), 32767)) }
        let scale = 1024.0, roundDelta: Int32 = 16  // AB_SCALE, AB_SCALE / INTER_TAB_SIZE / 2
        let xDelta = (0..<width).map { round32(m[0] * Double($0) * scale) }
        let yDelta = (0..<width).map { round32(m[3] * Double($0) * scale) }
        let plane = width * height, border = Int(borderValue)
        let sw = image.width, sh = image.height
        image.pixels.withUnsafeBufferPointer { px in
            let src = px.baseAddress!
            for y in 0..<height {
                let x0 = round32((m[1] * Double(y) + m[2]) * scale) &+ roundDelta
                let y0 = round32((m[4] * Double(y) + m[5]) * scale) &+ roundDelta
                for x in 0..<width {
                    let fxFixed = (x0 &+ xDelta[x]) >> 5, fyFixed = (y0 &+ yDelta[x]) >> 5
                    let sx = short(fxFixed >> 5), sy = short(fyFixed >> 5)
                    let ax = Int(fxFixed & 31), ay = Int(fyFixed & 31)
                    // weights summing to 1024 (OpenCV's 15-bit table is these × 32, and
                    // (Σ 32·w·v + 2^14) >> 15 equals (Σ w·v + 512) >> 10)
                    let w00 = (32 - ay) * (32 - ax), w01 = (32 - ay) * ax, w10 = ay * (32 - ax), w11 = ay * ax
                    var r = 0, g = 0, bl = 0
                    if sx >= 0 && sx < sw - 1 && sy >= 0 && sy < sh - 1 {
                        let p = src + (sy * sw + sx) * 3, q = p + sw * 3
                        r = Int(p[0]) * w00 + Int(p[3]) * w01 + Int(q[0]) * w10 + Int(q[3]) * w11
                        g = Int(p[1]) * w00 + Int(p[4]) * w01 + Int(q[1]) * w10 + Int(q[4]) * w11
                        bl = Int(p[2]) * w00 + Int(p[5]) * w01 + Int(q[2]) * w10 + Int(q[5]) * w11
                    } else if sx < sw && sx + 1 >= 0 && sy < sh && sy + 1 >= 0 {
                        // at the border each tap outside the image reads the border value
                        for (tx, ty, w) in [(sx, sy, w00), (sx + 1, sy, w01), (sx, sy + 1, w10), (sx + 1, sy + 1, w11)] {
                            if tx >= 0 && tx < sw && ty >= 0 && ty < sh {
                                let p = src + (ty * sw + tx) * 3
                                r += Int(p[0]) * w; g += Int(p[1]) * w; bl += Int(p[2]) * w
                            } else {
                                r += border * w; g += border * w; bl += border * w
                            }
                        }
                    } else {
                        (r, g, bl) = (border * 1024, border * 1024, border * 1024)
                    }
                    let o = y * width + x
                    out[o] = Float((r + 512) >> 10)
                    out[plane + o] = Float((g + 512) >> 10)
                    out[2 * plane + o] = Float((bl + 512) >> 10)
                }
            }
        }
    }
}
