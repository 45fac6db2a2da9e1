/// The heatmap NMS of MMPose's bottom-up decoders (`batch_heatmap_nms`, CID's hierarchical
/// pool): a pixel is a peak when no pixel of the `kernel × kernel` window around it is larger
/// (a max-pool equal to it keeps ties), and only peaks above a threshold count.
public enum HeatmapPeaks {
    /// The peaks of a `height × width` map above `threshold`, largest first (ties by position,
    /// row-major), at most `limit`: (index `y·width + x`, value).
    public static func top(_ map: UnsafePointer<Float>, width w: Int, height h: Int, kernel: Int, threshold: Float,
                           limit: Int) -> [(index: Int, value: Float)] {
        let r = kernel / 2
        var found: [(index: Int, value: Float)] = []
        for y in 0..<h { for x in 0..<w {
            let v = map[y * w + x]
            guard v > threshold else { continue }
            var isMax = true
            search: for yy in max(0, y - r)...min(h - 1, y + r) { for xx in max(0, x - r)...min(w - 1, x + r) where map[yy * w + xx] > v {
                isMax = false; break search
            } }
            if isMax { found.append((y * w + x, v)) }
        } }
        return Array(found.sorted { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }.prefix(limit))
    }
}
