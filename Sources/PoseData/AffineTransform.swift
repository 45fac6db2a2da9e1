import Foundation

/// A 2-D affine map `p ↦ (a·x + b·y + c, d·x + e·y + f)`.
public struct AffineTransform: Sendable, Equatable {
    public var a, b, c, d, e, f: Double

    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.f = f
    }

    /// MMPose's `get_warp_matrix` (non-UDP): maps `center` to the middle of an `outputSize` crop,
    /// scales by `outputWidth / scale.width` and rotates by `rotation` degrees.
    public static func topdown(center: (Double, Double), scale: (Double, Double), rotation: Double,
                               outputSize: (Int, Int)) -> AffineTransform {
        let s = Double(outputSize.0) / scale.0
        let theta = rotation * .pi / 180
        let cs = cos(theta), sn = sin(theta)
        // dst = s·R(−θ)·(p − c) + (w/2, h/2)
        let a = s * cs, b = s * sn, d = -s * sn, e = s * cs
        let c = Double(outputSize.0) / 2 - (a * center.0 + b * center.1)
        let f = Double(outputSize.1) / 2 - (d * center.0 + e * center.1)
        return AffineTransform(a: a, b: b, c: c, d: d, e: e, f: f)
    }

    /// MMPose's `get_udp_warp_matrix`: maps `center` to ((w−1)/2, (h−1)/2) with scales
    /// (w−1)/scale.w and (h−1)/scale.h and rotation by `rotation` degrees.
    public static func topdownUDP(center: (Double, Double), scale: (Double, Double), rotation: Double,
                                  outputSize: (Int, Int)) -> AffineTransform {
        let theta = rotation * .pi / 180
        let cs = cos(theta), sn = sin(theta)
        let sx = Double(outputSize.0 - 1) / scale.0, sy = Double(outputSize.1 - 1) / scale.1
        let ix = 2 * center.0, iy = 2 * center.1
        return AffineTransform(a: cs * sx, b: -sn * sx, c: sx * (-0.5 * ix * cs + 0.5 * iy * sn + 0.5 * scale.0),
                               d: sn * sy, e: cs * sy, f: sy * (-0.5 * ix * sn - 0.5 * iy * cs + 0.5 * scale.1))
    }

    /// Maps one point.
    @inlinable public func apply(_ x: Double, _ y: Double) -> (Double, Double) {
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// The inverse map.
    public var inverted: AffineTransform {
        let det = a * e - b * d
        let ia = e / det, ib = -b / det, id = -d / det, ie = a / det
        return AffineTransform(a: ia, b: ib, c: -(ia * c + ib * f), d: id, e: ie, f: -(id * c + ie * f))
    }

    /// Bilinear warp of an RGB image into a `3 × height × width` float plane set (values 0–255),
    /// black outside the source, as `cv2.warpAffine(INTER_LINEAR, BORDER_CONSTANT)`.
    public func warp(_ image: RGBImage, width: Int, height: Int, into out: UnsafeMutablePointer<Float>) {
        let inv = inverted
        let plane = width * height
        image.pixels.withUnsafeBufferPointer { px in
            let src = px.baseAddress!
            let sw = image.width, sh = image.height
            for y in 0..<height {
                for x in 0..<width {
                    let (fx, fy) = inv.apply(Double(x), Double(y))
                    let x0 = Int(saturating: fx.rounded(.down)), y0 = Int(saturating: fy.rounded(.down))
                    let wx = Float(fx - Double(x0)), wy = Float(fy - Double(y0))
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    // the four neighbours; taps outside the image contribute black
                    @inline(__always) func tap(_ xx: Int, _ yy: Int, _ wgt: Float) {
                        guard xx >= 0 && xx < sw && yy >= 0 && yy < sh && wgt > 0 else { return }
                        let p = src + (yy * sw + xx) * 3
                        r += wgt * Float(p[0]); g += wgt * Float(p[1]); b += wgt * Float(p[2])
                    }
                    tap(x0, y0, (1 - wx) * (1 - wy))
                    tap(x0 + 1, y0, wx * (1 - wy))
                    tap(x0, y0 + 1, (1 - wx) * wy)
                    tap(x0 + 1, y0 + 1, wx * wy)
                    let o = y * width + x
                    out[o] = r; out[plane + o] = g; out[2 * plane + o] = b
                }
            }
        }
    }
}
