import Foundation

/// A 2-D affine map `p ↦ (a·x + b·y + c, d·x + e·y + f)`.
public struct AffineTransform: Sendable, Equatable {
    /// The six coefficients, OpenCV's 2 × 3 matrix `[[a, b, c], [d, e, f]]`: `x′ = a·x + b·y + c`,
    /// `y′ = d·x + e·y + f`.
    public var a, b, c, d, e, f: Double

    /// A map from its six coefficients, row by row of OpenCV's 2 × 3 matrix.
    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.f = f
    }

    /// MMPose's `get_warp_matrix` (non-UDP, no shift): maps `center` to the middle of an
    /// `outputSize` crop, scales by `outputWidth / scale.width` and rotates by `rotation` degrees.
    ///
    /// Built as MMPose builds it, so the crop's sub-pixel grid is MMPose's: three point pairs
    /// rounded to float32, solved by `cv2.getAffineTransform` (6×6 LU with partial pivoting in
    /// double). A matrix solved in closed form from unrounded points moves the grid by up to
    /// 1e-5 px, enough to flip OpenCV's 1/32-px interpolation steps on some rows.
    public static func topdown(center: (Double, Double), scale: (Double, Double), rotation: Double,
                               outputSize: (Int, Int)) -> AffineTransform {
        let theta = rotation * .pi / 180
        let sn = sin(theta), cs = cos(theta)
        // _rotate_point([-w/2, 0], θ) in float64 (its zero component adds nothing), added to the
        // float32 centre, stored as float32
        let half = Double(Float(scale.0)) * -0.5
        let src0 = (Float(center.0), Float(center.1))
        let src1 = (Float(Double(src0.0) + cs * half), Float(Double(src0.1) + sn * half))
        // the crop's centre and the middle of its left edge
        let dst0 = (Float(Double(outputSize.0) * 0.5), Float(Double(outputSize.1) * 0.5))
        let dst1 = (Float(0), dst0.1)
        // _get_3rd_point(a, b) = b + (−(a−b).y, (a−b).x), in float32
        func third(_ a: (Float, Float), _ b: (Float, Float)) -> (Float, Float) {
            let d = (a.0 - b.0, a.1 - b.1)
            return (b.0 + -d.1, b.1 + d.0)
        }
        return solve(from: [src0, src1, third(src0, src1)], to: [dst0, dst1, third(dst0, dst1)])
    }

    /// `cv2.getAffineTransform`: the map taking three points onto three others, from OpenCV's
    /// 6×6 system `[x y 1 0 0 0; 0 0 0 x y 1]·m = [x′; y′]` solved by LU with partial pivoting.
    static func solve(from src: [(Float, Float)], to dst: [(Float, Float)]) -> AffineTransform {
        var a = [Double](repeating: 0, count: 36), b = [Double](repeating: 0, count: 6)
        for i in 0..<3 {
            let (x, y) = (Double(src[i].0), Double(src[i].1))
            a[12 * i] = x; a[12 * i + 1] = y; a[12 * i + 2] = 1
            a[12 * i + 9] = x; a[12 * i + 10] = y; a[12 * i + 11] = 1
            b[2 * i] = Double(dst[i].0); b[2 * i + 1] = Double(dst[i].1)
        }
        // OpenCV's LUImpl: eliminate with −1/pivot, keep 1/pivot on the diagonal, back-substitute
        for i in 0..<6 {
            var k = i
            for j in (i + 1)..<6 where abs(a[6 * j + i]) > abs(a[6 * k + i]) { k = j }
            guard abs(a[6 * k + i]) >= Double.ulpOfOne * 100 else {
                return AffineTransform(a: 0, b: 0, c: 0, d: 0, e: 0, f: 0)  // OpenCV's result for collinear points
            }
            if k != i {
                for j in i..<6 { a.swapAt(6 * i + j, 6 * k + j) }
                b.swapAt(i, k)
            }
            let d = -1 / a[6 * i + i]
            for j in (i + 1)..<6 {
                let alpha = a[6 * j + i] * d
                for k in (i + 1)..<6 { a[6 * j + k] += alpha * a[6 * i + k] }
                b[j] += alpha * b[i]
            }
            a[6 * i + i] = -d
        }
        for i in stride(from: 5, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<6 { s -= a[6 * i + k] * b[k] }
            b[i] = s * a[6 * i + i]
        }
        return AffineTransform(a: b[0], b: b[1], c: b[2], d: b[3], e: b[4], f: b[5])
    }

    /// MMPose's `get_udp_warp_matrix`: maps `center` to ((w−1)/2, (h−1)/2) with scales
    /// (w−1)/scale.w and (h−1)/scale.h and rotation by `rotation` degrees; each entry computed in
    /// double and stored as float32, as MMPose's `np.zeros((2, 3), dtype=np.float32)` stores it.
    public static func topdownUDP(center: (Double, Double), scale: (Double, Double), rotation: Double,
                                  outputSize: (Int, Int)) -> AffineTransform {
        let theta = rotation * .pi / 180
        let cs = cos(theta), sn = sin(theta)
        let sx = Double(outputSize.0 - 1) / scale.0, sy = Double(outputSize.1 - 1) / scale.1
        let ix = 2 * center.0, iy = 2 * center.1
        func f32(_ v: Double) -> Double { Double(Float(v)) }
        return AffineTransform(a: f32(cs * sx), b: f32(-sn * sx), c: f32(sx * (-0.5 * ix * cs + 0.5 * iy * sn + 0.5 * scale.0)),
                               d: f32(sn * sy), e: f32(cs * sy), f: f32(sy * (-0.5 * ix * sn - 0.5 * iy * cs + 0.5 * scale.1)))
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
}
