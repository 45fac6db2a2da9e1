import Foundation

/// Heatmap post-processing shared by MMPose's DARK and UDP decoders.
enum HeatmapRefinement {
    /// OpenCV's `getGaussianKernel(ksize, 0)`: σ = 0.3·((k−1)/2 − 1) + 0.8, normalised to sum 1.
    static func gaussianTaps(_ kernel: Int) -> [Double] {
        // OpenCV's fixed kernels for the small odd sizes it does not compute
        let small: [[Double]] = [[1], [0.25, 0.5, 0.25], [0.0625, 0.25, 0.375, 0.25, 0.0625],
                                 [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]]
        if kernel % 2 == 1 && kernel <= 7 { return small[kernel / 2] }
        let sigma = 0.3 * (Double(kernel - 1) * 0.5 - 1) + 0.8
        let scale = -0.5 / (sigma * sigma)
        let taps = (0..<kernel).map { i -> Double in let x = Double(i) - Double(kernel - 1) * 0.5; return exp(scale * x * x) }
        let inverse = 1 / taps.reduce(0, +)
        return taps.map { $0 * inverse }
    }

    /// OpenCV's float32 separable filter on one zero-padded line, as `cv2.GaussianBlur` computes
    /// it on x86 (AVX2 + FMA): the taps fused-multiply-added in order, first tap first. `at(i)`
    /// reads the line, zero outside `0..<count`; returns the filtered value at `position`.
    @inline(__always)
    static func filterLine(_ taps: [Float], at position: Int, count: Int, _ at: (Int) -> Float) -> Float {
        let r = (taps.count - 1) / 2
        func value(_ i: Int) -> Float { i >= 0 && i < count ? at(i) : 0 }
        var s = value(position - r) * taps[0]
        for t in 1..<taps.count { s = s.addingProduct(value(position + t - r), taps[t]) }
        return s
    }

    /// MMPose's `gaussian_blur`: each map zero-padded by (k−1)/2, blurred with OpenCV's
    /// σ-from-size Gaussian (σ = 0.3·((k−1)/2 − 1) + 0.8), cropped and rescaled so its maximum
    /// equals the original maximum.
    ///
    /// Bit for bit as OpenCV filters the padded float32 map: rows by `filterLine`, then columns
    /// with the symmetric kernel's pairing, `s = k₀·S₀`, then `s = fma(S₊ₜ + S₋ₜ, kₜ, s)`.
    /// The Newton step divides by a second difference that can be nearly 0, so the last bit of
    /// the blur can move a keypoint by pixels.
    static func blur(_ maps: inout [Float], keypoints k: Int, height h: Int, width w: Int, kernel: Int) {
        let r = (kernel - 1) / 2
        let taps = gaussianTaps(kernel).map { Float($0) }
        var tmp = [Float](repeating: 0, count: h * w)
        for j in 0..<k {
            let base = j * h * w
            var origin: Float = -.infinity
            for i in 0..<(h * w) { origin = max(origin, maps[base + i]) }
            for y in 0..<h {
                let row = base + y * w
                for x in 0..<w { tmp[y * w + x] = filterLine(taps, at: x, count: w) { maps[row + $0] } }
            }
            var blurredMax: Float = -.infinity
            for y in 0..<h { for x in 0..<w {
                func at(_ yy: Int) -> Float { yy >= 0 && yy < h ? tmp[yy * w + x] : 0 }
                var s = tmp[y * w + x] * taps[r]
                for t in stride(from: 1, through: r, by: 1) { s = s.addingProduct(at(y + t) + at(y - t), taps[r + t]) }
                maps[base + y * w + x] = s
                blurredMax = max(blurredMax, s)
            } }
            if blurredMax != 0 { for i in 0..<(h * w) { maps[base + i] *= origin / blurredMax } }
        }
    }

    /// MMPose's `refine_simcc_dark` on one axis, in float32 as MMPose computes it: each of the
    /// `K × bins` vectors blurred (`gaussian_blur1d`: zero padding, OpenCV's σ-from-size kernel,
    /// rescaled to its maximum), clipped to [1e-3, 50], its log edge-padded by 2, then one Taylor
    /// step `x −= ½(l₁ − l₋₁) / (1e-9 + ¼(l₂ − 2l₀ + l₋₂))` at bin `int(x + 2.5)` of the padded
    /// log (an index below 0 wraps to the end, as numpy's `take_along_axis`).
    /// - Parameter locations: `K` arg-max bins (−1 where there is none), refined in place.
    static func darkSimCC(_ locations: inout [Double], vectors: UnsafePointer<Float>, keypoints k: Int, bins b: Int, kernel: Int) {
        let taps = gaussianTaps(kernel).map { Float($0) }
        var blurred = [Float](repeating: 0, count: b), padded = [Float](repeating: 0, count: b + 4)
        for j in 0..<k {
            let v = vectors + j * b
            var origin = -Float.infinity, top = -Float.infinity
            for x in 0..<b {
                origin = max(origin, v[x])
                // the blur's last bit matters here: the step divides by a near-0 second difference
                blurred[x] = filterLine(taps, at: x, count: b) { v[$0] }
                top = max(top, blurred[x])
            }
            let scale = origin / top
            for x in 0..<b { padded[x + 2] = logf(min(max(blurred[x] * scale, 1e-3), 50)) }
            (padded[0], padded[1], padded[b + 2], padded[b + 3]) = (padded[2], padded[2], padded[b + 1], padded[b + 1])
            let p = Int(Float(locations[j]) + 2.5)
            func at(_ i: Int) -> Float { padded[(i + padded.count) % padded.count] }
            let dx = 0.5 * (at(p + 1) - at(p - 1))
            let dxx = 1e-9 + 0.25 * (at(p + 2) - 2 * at(p) + at(p - 2))
            locations[j] = Double(Float(locations[j]) - dx / dxx)
        }
    }

    /// OpenCV's `GaussianBlur(ksize, 0)` with its default reflect-101 border, in place.
    static func blurReflect(_ maps: inout [Float], keypoints k: Int, height h: Int, width w: Int, kernel: Int) {
        let r = (kernel - 1) / 2
        let taps = gaussianTaps(kernel)
        func reflect(_ i: Int, _ n: Int) -> Int {
            guard n > 1 else { return 0 }
            var i = i
            while i < 0 || i >= n { i = i < 0 ? -i : 2 * (n - 1) - i }
            return i
        }
        var tmp = [Double](repeating: 0, count: h * w)
        for j in 0..<k {
            let base = j * h * w
            for y in 0..<h { for x in 0..<w {
                var s = 0.0
                for t in 0..<kernel { s += taps[t] * Double(maps[base + y * w + reflect(x + t - r, w)]) }
                tmp[y * w + x] = s
            } }
            for y in 0..<h { for x in 0..<w {
                var s = 0.0
                for t in 0..<kernel { s += taps[t] * tmp[reflect(y + t - r, h) * w + x] }
                maps[base + y * w + x] = Float(s)
            } }
        }
    }

    /// Argmax location (x, y) and value of each map; (−1, −1) when the maximum is ≤ 0.
    static func maxima(_ maps: UnsafePointer<Float>, keypoints k: Int, height h: Int, width w: Int) -> ([Double], [Double]) {
        var points = [Double](repeating: -1, count: 2 * k), scores = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let m = maps + j * h * w
            var best = 0
            for i in 1..<(h * w) where m[i] > m[best] { best = i }
            scores[j] = Double(m[best])
            if m[best] > 0 { points[2 * j] = Double(best % w); points[2 * j + 1] = Double(best / w) }
        }
        return (points, scores)
    }

    /// MMPose's `refine_keypoints_dark`: blur, log, one Newton step of the 2-D Taylor expansion
    /// where `1 < x < W−2` and `1 < y < H−2`.
    static func dark(_ points: inout [Double], maps source: UnsafePointer<Float>, keypoints k: Int, height h: Int, width w: Int, kernel: Int) {
        var maps = Array(UnsafeBufferPointer(start: source, count: k * h * w))
        blur(&maps, keypoints: k, height: h, width: w, kernel: kernel)
        for i in maps.indices { maps[i] = logf(max(maps[i], 1e-10)) }
        for j in 0..<k {
            let x = Int(saturating: points[2 * j]), y = Int(saturating: points[2 * j + 1])
            guard 1 < x && x < w - 2 && 1 < y && y < h - 2 else { continue }
            func v(_ yy: Int, _ xx: Int) -> Double { Double(maps[j * h * w + yy * w + xx]) }
            let dx = 0.5 * (v(y, x + 1) - v(y, x - 1)), dy = 0.5 * (v(y + 1, x) - v(y - 1, x))
            let dxx = 0.25 * (v(y, x + 2) - 2 * v(y, x) + v(y, x - 2))
            let dyy = 0.25 * (v(y + 2, x) - 2 * v(y, x) + v(y - 2, x))
            let dxy = 0.25 * (v(y + 1, x + 1) - v(y - 1, x + 1) - v(y + 1, x - 1) + v(y - 1, x - 1))
            let det = dxx * dyy - dxy * dxy
            guard det != 0 else { continue }
            // −H⁻¹·∇
            points[2 * j] -= (dyy * dx - dxy * dy) / det
            points[2 * j + 1] -= (-dxy * dx + dxx * dy) / det
        }
    }

    /// MMPose's `refine_keypoints_dark_udp`: blur, clip to [1e-3, 50], log, edge-padded
    /// derivatives and one Newton step with `H + eps·I`.
    static func darkUDP(_ points: inout [Double], maps source: UnsafePointer<Float>, keypoints k: Int, height h: Int, width w: Int, kernel: Int) {
        var maps = Array(UnsafeBufferPointer(start: source, count: k * h * w))
        blur(&maps, keypoints: k, height: h, width: w, kernel: kernel)
        for i in maps.indices { maps[i] = logf(min(max(maps[i], 1e-3), 50)) }
        // MMPose reads the neighbours from the edge-padded maps flattened into one array: a
        // keypoint whose map has no positive value sits at (−1, −1), so some of its neighbours come
        // from the previous keypoint's padded map (numpy wraps keypoint 0's to the last map)
        let pw = w + 2, ph = h + 2, total = k * pw * ph
        func padded(_ index: Int) -> Double {
            let i = index < 0 ? index + total : index
            let m = i / (pw * ph), r = i % (pw * ph)
            let yy = min(max(r / pw - 1, 0), h - 1), xx = min(max(r % pw - 1, 0), w - 1)
            return Double(maps[m * h * w + yy * w + xx])
        }
        for j in 0..<k {
            let x = Int(saturating: points[2 * j]), y = Int(saturating: points[2 * j + 1])
            let index = x + 1 + (y + 1) * pw + pw * ph * j
            let i0 = padded(index), ix1 = padded(index + 1), iy1 = padded(index + pw), ix1y1 = padded(index + pw + 1)
            let ix1_y1_ = padded(index - pw - 1), ix1_ = padded(index - 1), iy1_ = padded(index - pw)
            let dx = 0.5 * (ix1 - ix1_), dy = 0.5 * (iy1 - iy1_)
            let dxx = ix1 - 2 * i0 + ix1_, dyy = iy1 - 2 * i0 + iy1_
            let dxy = 0.5 * (ix1y1 - ix1 - iy1 + i0 + i0 - ix1_ - iy1_ + ix1_y1_)
            let eps = Double(Float.ulpOfOne)
            let a = dxx + eps, b = dxy, c = dxy, d = dyy + eps
            let det = a * d - b * c
            guard det != 0 else { continue }
            points[2 * j] -= (d * dx - b * dy) / det
            points[2 * j + 1] -= (-c * dx + a * dy) / det
        }
    }
}
