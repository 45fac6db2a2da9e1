import Foundation
import PoseTensor

/// MMPose's `BottomupGetHeatmapMask`: the image's valid region (everything outside the invalid
/// instances' polygons, `PolygonMask`), warped as the input was (`warp`, float bilinear with
/// OpenCV's 1/32-px positions, 0 outside the image), flipped with the sample, resized
/// bilinearly to the heatmaps' size and thresholded at 0.5: the `.heatmapMask` (`h × w`, 1 where
/// the heatmap loss counts). With `getInvalid` the mask marks the invalid region instead.
public struct BottomupGetHeatmapMask: Transform {
    /// `get_invalid`.
    public var getInvalid = false

    /// The transform with MMPose's default (`get_invalid=False`).
    public init(getInvalid: Bool = false) { self.getInvalid = getInvalid }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        // the decoded image's size, as MMPose's img_shape (bounded by ImageFile's pixel limit),
        // not the annotation file's, which may claim any size
        guard let (iw, ih) = s.imageSize else { throw DatasetError("\(s.instance.imagePath): BottomupGetHeatmapMask needs LoadImage first in the pipeline") }
        let regions: [UInt8]
        do { regions = try PolygonMask.union(s.instance.invalidRegions, height: ih, width: iw) } catch let error as DatasetError {
            throw DatasetError("\(s.instance.imagePath): \(error.description)")
        }
        var mask = regions.map { Float($0) }
        if !getInvalid { mask = mask.map { 1 - $0 } }
        var (w, h) = (iw, ih)
        if let warp = s.warp, let (ow, oh) = s.inputSize {
            mask = BottomupGetHeatmapMask.warped(mask, width: iw, height: ih, by: warp, toWidth: ow, height: oh)
            (w, h) = (ow, oh)
        }
        if let direction = s.flipDirection {
            var flipped = mask
            for y in 0..<h { for x in 0..<w {
                let sx = direction == .vertical ? x : w - 1 - x, sy = direction == .horizontal ? y : h - 1 - y
                flipped[y * w + x] = mask[sy * w + sx]
            } }
            mask = flipped
        }
        if let maps = s.targets[.heatmaps], maps.shape.count == 3 {
            mask = BottomupGetHeatmapMask.resized(mask, width: w, height: h, toWidth: maps.shape[2], height: maps.shape[1])
            (w, h) = (maps.shape[2], maps.shape[1])
        }
        s.targets[.heatmapMask] = SampleField(mask.map { $0 > 0.5 ? 1 : 0 }, shape: [h, w])
    }

    /// `cv2.warpAffine(mask, M, (ow, oh), flags=INTER_LINEAR)` of a float plane: OpenCV's
    /// fixed-point source positions (5 sub-pixel bits) and float weights, 0 outside.
    static func warped(_ mask: [Float], width sw: Int, height sh: Int, by transform: AffineTransform, toWidth w: Int, height h: Int) -> [Float] {
        let m = transform.openCVInverse
        func round32(_ v: Double) -> Int32 {
            let r = v.rounded(.toNearestOrEven)
            return r.isNaN ? 0 : r >= 2147483647 ? .max : r <= -2147483648 ? .min : Int32(r)
        }
        func short(_ v: Int32) -> Int { Int(min(max(v, -32768), 32767)) }
        let xDelta = (0..<w).map { round32(m[0] * Double($0) * 1024) }, yDelta = (0..<w).map { round32(m[3] * Double($0) * 1024) }
        var out = [Float](repeating: 0, count: w * h)
        func pixel(_ x: Int, _ y: Int) -> Float { x >= 0 && x < sw && y >= 0 && y < sh ? mask[y * sw + x] : 0 }
        for y in 0..<h {
            let x0 = round32((m[1] * Double(y) + m[2]) * 1024) &+ 16, y0 = round32((m[4] * Double(y) + m[5]) * 1024) &+ 16
            for x in 0..<w {
                let fx = (x0 &+ xDelta[x]) >> 5, fy = (y0 &+ yDelta[x]) >> 5
                let (px, py) = (short(fx >> 5), short(fy >> 5))
                let (ax, ay) = (Float(fx & 31) / 32, Float(fy & 31) / 32)
                out[y * w + x] = pixel(px, py) * ((1 - ay) * (1 - ax)) + pixel(px + 1, py) * ((1 - ay) * ax)
                    + pixel(px, py + 1) * (ay * (1 - ax)) + pixel(px + 1, py + 1) * (ay * ax)
            }
        }
        return out
    }

    /// `cv2.resize(mask, (w, h), interpolation=INTER_LINEAR)` of a float plane: half-pixel
    /// centres, clamped at the borders.
    static func resized(_ mask: [Float], width sw: Int, height sh: Int, toWidth w: Int, height h: Int) -> [Float] {
        func taps(_ count: Int, _ source: Int) -> [(Int, Int, Float)] {
            let scale = Double(source) / Double(count)
            return (0..<count).map { d in
                let f = (Double(d) + 0.5) * scale - 0.5
                var i = Int(f.rounded(.down)), t = Float(f - Double(i))
                if i < 0 { i = 0; t = 0 }
                if i >= source - 1 { i = source - 1; t = 0 }
                return (i, min(i + 1, source - 1), t)
            }
        }
        let tx = taps(w, sw), ty = taps(h, sh)
        var out = [Float](repeating: 0, count: w * h)
        for (y, (r0, r1, b)) in ty.enumerated() { for (x, (c0, c1, a)) in tx.enumerated() {
            let top = mask[r0 * sw + c0] * (1 - a) + mask[r0 * sw + c1] * a
            let bottom = mask[r1 * sw + c0] * (1 - a) + mask[r1 * sw + c1] * a
            out[y * w + x] = top * (1 - b) + bottom * b
        } }
        return out
    }
}

extension FieldKey {
    /// `h × w` mask of the heatmap loss (1 where it counts), `BottomupGetHeatmapMask`'s output.
    public static let heatmapMask = FieldKey("heatmap_mask")
}
