import Foundation

/// Minimal drawing on an `RGBImage`, for synthetic data and pose drawings: shapes without
/// anti-aliasing (optionally blended by `alpha`), antialiased text.
public struct Canvas {
    /// The image drawn on (`height × width × 3` RGB bytes); read it once drawing is done.
    public var image: RGBImage

    /// A black canvas of `width × height` pixels.
    public init(width: Int, height: Int) { image = RGBImage(width: width, height: height) }

    @inline(__always) mutating func blend(_ x: Int, _ y: Int, _ c: (Double, Double, Double), _ alpha: Double = 1) {
        guard x >= 0 && y >= 0 && x < image.width && y < image.height else { return }
        let i = (y * image.width + x) * 3
        image.pixels[i] = UInt8(clamping: Int((1 - alpha) * Double(image.pixels[i]) + alpha * c.0))
        image.pixels[i + 1] = UInt8(clamping: Int((1 - alpha) * Double(image.pixels[i + 1]) + alpha * c.1))
        image.pixels[i + 2] = UInt8(clamping: Int((1 - alpha) * Double(image.pixels[i + 2]) + alpha * c.2))
    }

    /// Fills the axis-aligned rectangle [x0, x1) × [y0, y1).
    public mutating func fillRect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: (Double, Double, Double), alpha: Double = 1) {
        let top = max(0, Int(saturating: y0)), bottom = min(image.height, Int(saturating: y1.rounded(.up)))
        let left = max(0, Int(saturating: x0)), right = min(image.width, Int(saturating: x1.rounded(.up)))
        guard top < bottom && left < right else { return }
        for y in top..<bottom {
            for x in left..<right { blend(x, y, c, alpha) }
        }
    }

    /// Fills a disk.
    public mutating func fillCircle(_ cx: Double, _ cy: Double, _ r: Double, _ c: (Double, Double, Double), alpha: Double = 1) {
        capsule(cx, cy, cx, cy, r, c, alpha: alpha)
    }

    /// Fills all points within `r` of the segment (x0, y0)–(x1, y1): a thick line with round caps.
    public mutating func capsule(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ r: Double,
                                 _ c: (Double, Double, Double), alpha: Double = 1) {
        let minX = max(0, Int(saturating: (min(x0, x1) - r).rounded(.down))), maxX = min(image.width - 1, Int(saturating: (max(x0, x1) + r).rounded(.up)))
        let minY = max(0, Int(saturating: (min(y0, y1) - r).rounded(.down))), maxY = min(image.height - 1, Int(saturating: (max(y0, y1) + r).rounded(.up)))
        guard minX <= maxX && minY <= maxY else { return }
        let dx = x1 - x0, dy = y1 - y0
        let len2 = dx * dx + dy * dy
        for y in minY...maxY {
            for x in minX...maxX {
                let px = Double(x) - x0, py = Double(y) - y0
                let t = len2 > 0 ? max(0, min(1, (px * dx + py * dy) / len2)) : 0
                let ex = px - t * dx, ey = py - t * dy
                if ex * ex + ey * ey <= r * r { blend(x, y, c, alpha) }
            }
        }
    }

    /// Fills a convex polygon.
    public mutating func fillConvexPolygon(_ points: [(Double, Double)], _ c: (Double, Double, Double)) {
        guard points.count >= 3 else { return }
        let minX = max(0, Int(saturating: points.map(\.0).min()!.rounded(.down))), maxX = min(image.width - 1, Int(saturating: points.map(\.0).max()!.rounded(.up)))
        let minY = max(0, Int(saturating: points.map(\.1).min()!.rounded(.down))), maxY = min(image.height - 1, Int(saturating: points.map(\.1).max()!.rounded(.up)))
        guard minX <= maxX && minY <= maxY else { return }
        for y in minY...maxY {
            for x in minX...maxX {
                var positive = false, negative = false
                for i in 0..<points.count {
                    let (ax, ay) = points[i], (bx, by) = points[(i + 1) % points.count]
                    let cross = (bx - ax) * (Double(y) - ay) - (by - ay) * (Double(x) - ax)
                    if cross > 0 { positive = true } else if cross < 0 { negative = true }
                }
                if !(positive && negative) { blend(x, y, c) }
            }
        }
    }
}
