import Foundation

/// COCO's polygon masks as pycocotools (and xtcocotools) rasterise them: each polygon through
/// `rleFrPoly` (the outline upsampled 5×, its column crossings rounded back), the run-lengths
/// united by `rleMerge` and decoded column by column, so that a mask has exactly the pixels
/// MMPose's `BottomupGetHeatmapMask` masks. (A segmentation whose first polygon has four numbers,
/// which `frPyObjects` takes for boxes and then fails on, is read as polygons.)
public enum PolygonMask {
    /// The most outline points (at 5× resolution) one polygon may have: a polygon whose vertices
    /// lie far outside the image (annotation coordinates reach ±10⁷ px) would otherwise take
    /// gigabytes to trace.
    public static let maximumOutlinePoints = 20_000_000

    /// The union of `segmentations` (each a list of polygons of (x, y) pairs) as a row-major
    /// `height × width` mask of 0 and 1.
    /// - Throws: `DatasetError` for a polygon whose outline exceeds `maximumOutlinePoints`.
    public static func union(_ segmentations: [[[Double]]], height h: Int, width w: Int) throws -> [UInt8] {
        var runs: [[UInt32]] = []
        for polygons in segmentations {
            for p in polygons where p.count >= 2 { runs.append(try fromPolygon(p, height: h, width: w)) }
        }
        var mask = [UInt8](repeating: 0, count: h * w)
        guard !runs.isEmpty else { return mask }
        let merged = merge(runs, size: h * w)
        // decode: counts alternate 0 and 1 runs, column by column
        var position = 0, value: UInt8 = 0
        for count in merged {
            if value == 1 { for i in position..<min(position + Int(count), h * w) { mask[(i % h) * w + i / h] = 1 } }
            position += Int(count); value ^= 1
        }
        return mask
    }

    /// `rleFrPoly`: the run-lengths (column-major) of one polygon.
    static func fromPolygon(_ xy: [Double], height h: Int, width w: Int) throws -> [UInt32] {
        let k = xy.count / 2, scale = 5.0
        // C's (int) conversion; coordinates the annotation reader admits (±10⁷) fit
        guard xy.allSatisfy({ $0.isFinite && abs(scale * $0) < 2e9 }) else {
            throw DatasetError("a segmentation polygon has a coordinate beyond ±4·10⁸ px; it cannot be rasterised")
        }
        var x = (0..<k).map { Int32(scale * xy[2 * $0] + 0.5) }, y = (0..<k).map { Int32(scale * xy[2 * $0 + 1] + 0.5) }
        x.append(x[0]); y.append(y[0])
        let outline = (0..<k).reduce(0) { $0 + Int(max(abs(Int64(x[$1]) - Int64(x[$1 + 1])), abs(Int64(y[$1]) - Int64(y[$1 + 1])))) + 1 }
        guard outline <= maximumOutlinePoints else {
            throw DatasetError("a segmentation polygon's outline has \(outline) points at 5× resolution, more than \(maximumOutlinePoints); its vertices lie far outside the image")
        }
        var u: [Int32] = [], v: [Int32] = []
        for j in 0..<k {
            var (xs, xe, ys, ye) = (x[j], x[j + 1], y[j], y[j + 1])
            let dx = abs(xe - xs), dy = abs(ys - ye)
            let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye)
            if flip { swap(&xs, &xe); swap(&ys, &ye) }
            let s = dx >= dy ? Double(ye - ys) / Double(dx) : Double(xe - xs) / Double(dy)
            if dx >= dy {
                for d in 0...dx { let t = flip ? dx - d : d; u.append(t + xs); v.append(Int32(Double(ys) + s * Double(t) + 0.5)) }
            } else {
                for d in 0...dy { let t = flip ? dy - d : d; v.append(t + ys); u.append(Int32(Double(xs) + s * Double(t) + 0.5)) }
            }
        }
        // the outline's column crossings, downsampled
        var points: [UInt32] = []
        for j in 1..<u.count where u[j] != u[j - 1] {
            var xd = Double(u[j] < u[j - 1] ? u[j] : u[j] - 1)
            xd = (xd + 0.5) / scale - 0.5
            if xd.rounded(.down) != xd || xd < 0 || xd > Double(w - 1) { continue }
            var yd = Double(min(v[j], v[j - 1]))
            yd = (yd + 0.5) / scale - 0.5
            yd = yd < 0 ? 0 : yd > Double(h) ? Double(h) : yd
            yd = yd.rounded(.up)
            points.append(UInt32(truncatingIfNeeded: Int(xd) * h + Int(yd)))
        }
        points.append(UInt32(h * w))
        points.sort()
        var previous: UInt32 = 0
        for j in points.indices { let t = points[j]; points[j] = t &- previous; previous = t }
        var runs: [UInt32] = [points[0]]
        var j = 1
        while j < points.count {
            if points[j] > 0 { runs.append(points[j]); j += 1 } else { j += 1; if j < points.count { runs[runs.count - 1] += points[j]; j += 1 } }
        }
        return runs
    }

    /// `rleMerge` without intersection: the union of run-lengths over `size` pixels.
    static func merge(_ all: [[UInt32]], size: Int) -> [UInt32] {
        var counts = all[0]
        for b in all.dropFirst() {
            var out: [UInt32] = []
            var ca = counts[0], cb = b[0], a = 1, bi = 1
            var v = false, va = false, vb = false, cc: UInt32 = 0, ct: UInt32 = 1
            while ct > 0 {
                let c = min(ca, cb)
                cc += c; ct = 0
                ca -= c; if ca == 0 && a < counts.count { ca = counts[a]; a += 1; va.toggle() }; ct += ca
                cb -= c; if cb == 0 && bi < b.count { cb = b[bi]; bi += 1; vb.toggle() }; ct += cb
                let previous = v
                v = va || vb
                if v != previous || ct == 0 { out.append(cc); cc = 0 }
            }
            counts = out
        }
        return counts
    }
}
