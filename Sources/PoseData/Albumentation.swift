import PoseTensor

/// MMPose's `Albumentation(transforms=[...])` wrapper with the albumentations 1.3 transforms its
/// configs use, on the image only (MMPose's default `keymap={'img': 'image'}`: keypoints are
/// untouched): the pixel dropouts `CoarseDropout` and `GridDropout`, and the blurs `Blur` and
/// `MedianBlur` (every RTMPose config: `Blur(p=0.1)`, `MedianBlur(p=0.1)`, then a `CoarseDropout`).
///
/// The steps run in config order, each with its probability `p` (or always), as albumentations'
/// `Compose` runs them. A dropout cuts its holes and fills them with `fill_value`; a blur draws
/// its kernel size as albumentations' `get_params` does and filters each channel as OpenCV's
/// 8-bit `cv2.blur` (box mean, BORDER_REFLECT_101) or `cv2.medianBlur` (BORDER_REPLICATE) does,
/// byte for byte (`blur(_:kernelSize:)`, `medianBlur(_:kernelSize:)`).
///
/// After `TopdownAffine` (where MMPose's configs put it) the steps work on the warped crop, before
/// it on the decoded image. MMPose's crop is `cv2.warpAffine`'s uint8 output; SwiftPose's holds
/// the same whole numbers 0–255 as floats, which a blur reads as those bytes and writes back as
/// whole numbers (a value that is not a whole number in 0–255, which no stock transform leaves
/// there, is rounded and clamped first). Holes are written into the crop with `fill_value` as is.
public struct Albumentation: Transform {
    /// One albumentations transform with its probability.
    public struct Step: Sendable {
        /// The transform this step runs: a dropout or a blur.
        public var operation: Operation
        /// albumentations' `p`: the chance that the step runs on a sample (default 0.5).
        public var probability: Double
        /// albumentations' `always_apply`: the step runs on every sample, whatever `probability` says.
        public var alwaysApply: Bool
        /// albumentations' `fill_value` of the dropouts: the value written into the holes, 0–255
        /// (rounded and clipped to 8 bits when the holes are cut into the decoded image, before
        /// `TopdownAffine`). The blurs have none and ignore it.
        public var fillValue: Float

        /// A step with albumentations' defaults: `p=0.5`, `always_apply=False`, `fill_value=0`.
        /// - Parameters:
        ///   - operation: the transform: `CoarseDropout`, `GridDropout`, `Blur` or `MedianBlur`.
        ///   - probability: albumentations' `p`.
        ///   - alwaysApply: albumentations' `always_apply`.
        ///   - fillValue: albumentations' `fill_value` of the dropouts, 0–255.
        public init(operation: Operation, probability: Double = 0.5, alwaysApply: Bool = false, fillValue: Float = 0) {
            self.operation = operation; self.probability = probability; self.alwaysApply = alwaysApply; self.fillValue = fillValue
        }

        /// The former initialiser, from when every step was a dropout; it still compiles, with a
        /// deprecation warning naming the new one.
        /// - Parameters:
        ///   - dropout: the transform.
        ///   - probability: albumentations' `p`.
        ///   - alwaysApply: albumentations' `always_apply`.
        ///   - fillValue: albumentations' `fill_value`, 0–255.
        @available(*, deprecated, renamed: "init(operation:probability:alwaysApply:fillValue:)")
        public init(dropout: Operation, probability: Double = 0.5, alwaysApply: Bool = false, fillValue: Float = 0) {
            self.init(operation: dropout, probability: probability, alwaysApply: alwaysApply, fillValue: fillValue)
        }

        /// The former name of `operation`; it still compiles, with a deprecation warning naming the new one.
        @available(*, deprecated, renamed: "operation")
        public var dropout: Operation {
            get { operation }
            set { operation = newValue }
        }
    }

    /// A hole size bound: pixels, or a fraction of the image side (albumentations' float form).
    public enum Extent: Sendable, Equatable {
        /// A size in pixels (albumentations' int form).
        case pixels(Int)
        /// A fraction of the image side (albumentations' float form): of the height for hole heights, of
        /// the width for hole widths.
        case fraction(Double)
    }

    /// The transform of a step: albumentations' `CoarseDropout`, `GridDropout`, `Blur` or `MedianBlur`.
    public enum Operation: Sendable {
        /// `CoarseDropout(max_holes, max_height, max_width, min_holes, min_height, min_width)`:
        /// randint(min_holes, max_holes) rectangles, each of a random size in the bounds at a
        /// random position inside the image.
        case coarse(holes: ClosedRange<Int>, height: (Extent, Extent), width: (Extent, Extent))
        /// `GridDropout(ratio, unit_size_min, unit_size_max, holes_number_x, holes_number_y,
        /// shift_x, shift_y, random_offset)`: a grid of square units, a `ratio`-sized hole in the
        /// corner of each.
        case grid(ratio: Double, unitSize: ClosedRange<Int>?, holesNumber: (x: Int?, y: Int?), shift: (x: Int?, y: Int?), randomOffset: Bool)
        /// `Blur(blur_limit)`: `cv2.blur` with a k × k kernel (the mean of the window, anchored at
        /// k / 2, BORDER_REFLECT_101), k drawn from `kernelSizes.lowerBound`, `lowerBound + 2`, … up
        /// to `upperBound` (albumentations' `to_tuple(blur_limit, 3)`: the default `blur_limit=7` is
        /// `3...7`, so k is 3, 5 or 7). Sizes must be at least 1; even ones are allowed, as in
        /// albumentations.
        case blur(kernelSizes: ClosedRange<Int>)
        /// `MedianBlur(blur_limit)`: `cv2.medianBlur` with a k × k window (BORDER_REPLICATE), k drawn
        /// as for `blur`; both bounds must be odd (albumentations refuses others) and at least 1.
        case medianBlur(kernelSizes: ClosedRange<Int>)
    }

    /// The former name of `Operation`, from when every step was a dropout; it still compiles, with a
    /// deprecation warning naming the new one.
    @available(*, deprecated, renamed: "Operation")
    public typealias Dropout = Operation

    /// The albumentations transforms in config order (MMPose's `transforms=[...]`), each run with its
    /// own probability.
    public var steps: [Step]

    /// Wraps `steps`, run in order on each sample.
    public init(_ steps: [Step]) { self.steps = steps }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let warped = !s.input.isEmpty
        let width: Int, height: Int
        if warped {
            guard let size = s.inputSize, size.0 * size.1 * 3 == s.input.count else {
                throw DatasetError("Albumentation: the warped crop's size does not match its \(s.input.count) values")
            }
            width = size.0; height = size.1
        } else {
            guard let image = s.image else { throw DatasetError("Albumentation needs LoadImage (or TopdownAffine) before it") }
            width = image.width; height = image.height
        }
        for step in steps {
            guard step.alwaysApply || rng.uniform() < step.probability else { continue }
            switch step.operation {
            case .coarse, .grid:
                let holes = try Albumentation.holes(step.operation, width: width, height: height, rng: &rng)
                if warped {
                    s.input.withUnsafeMutableBufferPointer { planes in
                        for (x1, y1, x2, y2) in holes { for c in 0..<3 { for y in y1..<y2 { for x in x1..<x2 {
                            planes[(c * height + y) * width + x] = step.fillValue
                        } } } }
                    }
                } else if var image = s.image {
                    s.image = nil  // the sample's reference would make the in-place edit copy the pixels
                    let fill = UInt8(max(0, min(255, step.fillValue.rounded())))
                    image.pixels.withUnsafeMutableBufferPointer { px in
                        for (x1, y1, x2, y2) in holes { for y in y1..<y2 { for x in x1..<x2 { for c in 0..<3 { px[(y * width + x) * 3 + c] = fill } } } }
                    }
                    s.image = image
                }
            case .blur(let sizes), .medianBlur(let sizes):
                try Albumentation.checkKernelSizes(step.operation)
                let k = Albumentation.kernelSize(sizes, rng: &rng)
                let median: Bool
                if case .medianBlur = step.operation { median = true } else { median = false }
                func filterPlane(_ plane: [UInt8]) -> [UInt8] {
                    median ? Albumentation.medianFilter(plane, width: width, height: height, kernelSize: k)
                           : Albumentation.boxFilter(plane, width: width, height: height, kernelSize: k)
                }
                if warped {
                    Albumentation.filterChannels(of: &s.input, width: width, height: height, filterPlane)
                } else if let image = s.image {
                    s.image = Albumentation.channelwise(image, filterPlane)
                }
            }
        }
    }

    /// albumentations' `randint(a, b)`: inclusive of both ends.
    public static func randint(_ a: Int, _ b: Int, _ rng: inout RandomGenerator) -> Int {
        a + Int(rng.next() % UInt64(b - a + 1))
    }

    /// The rectangles `(x1, y1, x2, y2)` (ends exclusive, clipped to the image) of one draw of a
    /// dropout; a blur cuts no holes and throws.
    public static func holes(_ operation: Operation, width: Int, height: Int, rng: inout RandomGenerator) throws -> [(Int, Int, Int, Int)] {
        switch operation {
        case .blur, .medianBlur:
            throw DatasetError("Albumentation: Blur and MedianBlur cut no holes")
        case let .coarse(count, heights, widths):
            var holes: [(Int, Int, Int, Int)] = []
            for _ in 0..<randint(count.lowerBound, count.upperBound, &rng) {
                let h: Int, w: Int
                switch (heights, widths) {
                case let ((.pixels(a), .pixels(b)), (.pixels(c), .pixels(d))):
                    h = randint(a, b, &rng); w = randint(c, d, &rng)
                case let ((.fraction(a), .fraction(b)), (.fraction(c), .fraction(d))):
                    h = Int(Double(height) * rng.uniform(a, b)); w = Int(Double(width) * rng.uniform(c, d))
                default:
                    throw DatasetError("CoarseDropout: min/max height and width must all be pixels (ints) or all fractions (floats)")
                }
                guard h <= height, w <= width else {
                    throw DatasetError("CoarseDropout: a \(w)x\(h) hole does not fit the \(width)x\(height) image")
                }
                let y1 = randint(0, height - h, &rng), x1 = randint(0, width - w, &rng)
                holes.append((x1, y1, x1 + w, y1 + h))
            }
            return holes
        case let .grid(ratio, unitSize, number, shift, randomOffset):
            var unit: (w: Int, h: Int)
            if let unitSize {
                guard unitSize.upperBound <= min(width, height) else {
                    throw DatasetError("GridDropout: unit_size_max \(unitSize.upperBound) exceeds the shorter image side \(min(width, height))")
                }
                // albumentations draws randint(min, max + 1): max + 1 is possible
                let side = randint(unitSize.lowerBound, unitSize.upperBound + 1, &rng)
                unit = (side, side)
            } else {
                unit.w = number.x.map { width / $0 } ?? max(2, width / 10)
                unit.h = number.y.map { height / $0 } ?? max(min(unit.w, height), 2)
            }
            let hole = (w: min(max(Int(Double(unit.w) * ratio), 1), unit.w - 1), h: min(max(Int(Double(unit.h) * ratio), 1), unit.h - 1))
            var offset = (x: shift.x.map { min(max(0, $0), unit.w - hole.w) } ?? 0, y: shift.y.map { min(max(0, $0), unit.h - hole.h) } ?? 0)
            if randomOffset {
                offset = (randint(0, unit.w - hole.w, &rng), randint(0, unit.h - hole.h, &rng))
            }
            var holes: [(Int, Int, Int, Int)] = []
            for i in 0...(width / unit.w) {
                for j in 0...(height / unit.h) {
                    let x1 = min(offset.x + unit.w * i, width), y1 = min(offset.y + unit.h * j, height)
                    holes.append((x1, y1, min(x1 + hole.w, width), min(y1 + hole.h, height)))
                }
            }
            return holes
        }
    }

    /// Throws unless a blur's kernel sizes are ones OpenCV accepts (and albumentations, for
    /// `MedianBlur`'s odd bounds); dropouts pass.
    public static func checkKernelSizes(_ operation: Operation) throws {
        switch operation {
        case .coarse, .grid:
            return
        case .blur(let sizes):
            guard sizes.lowerBound >= 1 else {
                throw DatasetError("Blur: kernel sizes \(sizes.lowerBound)...\(sizes.upperBound) must be at least 1 (cv2.blur refuses \(sizes.lowerBound))")
            }
        case .medianBlur(let sizes):
            guard sizes.lowerBound >= 1, sizes.lowerBound % 2 == 1, sizes.upperBound % 2 == 1 else {
                throw DatasetError("MedianBlur: kernel sizes \(sizes.lowerBound)...\(sizes.upperBound) must be odd and at least 1")
            }
        }
    }

    /// albumentations' `Blur.get_params` (`MedianBlur` inherits it):
    /// `random.choice(list(range(low, high + 1, 2)))`, one of `low`, `low + 2`, … up to `high`, each
    /// equally likely.
    public static func kernelSize(_ sizes: ClosedRange<Int>, rng: inout RandomGenerator) -> Int {
        sizes.lowerBound + 2 * randint(0, (sizes.upperBound - sizes.lowerBound) / 2, &rng)
    }

    /// `cv2.blur(image, (k, k))` on an 8-bit image, byte for byte as OpenCV 4.x computes it: each
    /// channel's k × k window sum (anchored at k / 2, BORDER_REFLECT_101, which folds back again
    /// as often as a kernel wider than the image needs), divided as OpenCV's box filter divides
    /// it (see `boxFilter`). Traps unless `kernelSize` is at least 1.
    public static func blur(_ image: RGBImage, kernelSize: Int) -> RGBImage {
        precondition(kernelSize >= 1, "Albumentation.blur: kernel size \(kernelSize) is not at least 1")
        return channelwise(image) { boxFilter($0, width: image.width, height: image.height, kernelSize: kernelSize) }
    }

    /// `cv2.medianBlur(image, k)` on an 8-bit image: each channel's k × k window median (the
    /// middle of its k² sorted values) with BORDER_REPLICATE, which is what OpenCV 4.10 gives on
    /// each of its paths (sorting networks for k = 3 and 5, histograms above; IPP on or off, as
    /// `tools/make_blur_fixture.py` checks). Traps unless `kernelSize` is odd and at least 1.
    public static func medianBlur(_ image: RGBImage, kernelSize: Int) -> RGBImage {
        precondition(kernelSize >= 1 && kernelSize % 2 == 1, "Albumentation.medianBlur: kernel size \(kernelSize) is not odd and at least 1")
        return channelwise(image) { medianFilter($0, width: image.width, height: image.height, kernelSize: kernelSize) }
    }

    /// Runs `filter` on each of the three channels of `image`, as a plane of `width × height` bytes.
    static func channelwise(_ image: RGBImage, _ filter: ([UInt8]) -> [UInt8]) -> RGBImage {
        let plane = image.width * image.height
        var result = image
        var bytes = [UInt8](repeating: 0, count: plane)
        for c in 0..<3 {
            for i in 0..<plane { bytes[i] = result.pixels[3 * i + c] }
            let out = filter(bytes)
            for i in 0..<plane { result.pixels[3 * i + c] = out[i] }
        }
        return result
    }

    /// Runs `filter` on each of the three `width × height` planes of a warped crop, as bytes: the
    /// crop's whole numbers 0–255 exactly (others rounded and clamped), written back as floats.
    static func filterChannels(of planes: inout [Float], width: Int, height: Int, _ filter: ([UInt8]) -> [UInt8]) {
        let plane = width * height
        var bytes = [UInt8](repeating: 0, count: plane)
        for c in 0..<3 {
            let base = c * plane
            for i in 0..<plane {
                let v = planes[base + i]
                bytes[i] = v >= 255 ? 255 : v > 0 ? UInt8(v.rounded()) : 0  // NaN reads as 0
            }
            let out = filter(bytes)
            for i in 0..<plane { planes[base + i] = Float(out[i]) }
        }
    }

    /// OpenCV's `borderInterpolate` for BORDER_REFLECT_101 (`gfedcb|abcdefgh|gfedcba`), folding
    /// back until the index is inside `0..<n`.
    static func reflect101(_ p: Int, _ n: Int) -> Int {
        if p >= 0 && p < n { return p }
        if n == 1 { return 0 }
        var p = p
        while p < 0 || p >= n { p = p < 0 ? -p : 2 * n - 2 - p }
        return p
    }

    /// One channel of `cv2.blur(plane, (k, k))`. The k × k window sum S is exact; OpenCV's box
    /// filter then divides it in one of two ways (modules/imgproc/src/box_filter.simd.hpp):
    /// - k² ≤ 256 (16-bit sums, `ColumnSum<ushort, uchar>`): `((S + divDelta) · divScale) >> 23`
    ///   with d = k², divScale = ⌊2²³ / d⌋, divDelta = d / 2, then divDelta + 1 if the fraction
    ///   of 2²³ / d is below ½, else divScale + 1. Not always round-to-nearest: k = 2 gives
    ///   ⌊(S + 3) / 4⌋.
    /// - k² > 256 (`ColumnSum<int, uchar>`): S · (1 / d) rounded half to even. OpenCV's vector
    ///   lanes multiply in float32, which gives the same bytes for every odd k; for some even
    ///   k ≥ 22 a few sums round the other way there (k = 22: 75 of its 123,421 possible sums).
    /// k = 1 copies. Checked against cv2 4.10 by `tools/make_blur_fixture.py`.
    static func boxFilter(_ src: [UInt8], width: Int, height: Int, kernelSize k: Int) -> [UInt8] {
        precondition(k >= 1 && src.count == width * height, "boxFilter: kernel \(k), \(src.count) bytes for \(width)x\(height)")
        if k == 1 || src.isEmpty { return src }
        let anchor = k / 2
        let xTaps = (0..<(width * k)).map { reflect101($0 / k - anchor + $0 % k, width) }
        let yTaps = (0..<(height * k)).map { reflect101($0 / k - anchor + $0 % k, height) }
        var rowSums = [Int](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var sum = 0
                for i in 0..<k { sum += Int(src[row + xTaps[x * k + i]]) }
                rowSums[row + x] = sum
            }
        }
        let d = k * k
        var divScale = 0, divDelta = 0
        if d <= 256 {
            let divisor = Int((1.0 / (1.0 / Double(d))).rounded(.toNearestOrEven))  // cvRound(1. / scale)
            let scalef = Double(1 << 23) / Double(divisor)
            divScale = Int(scalef.rounded(.down))
            divDelta = divisor / 2
            if scalef - Double(divScale) < 0.5 { divDelta += 1 } else { divScale += 1 }
        }
        let scale = 1.0 / Double(d)
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0
                for j in 0..<k { sum += rowSums[yTaps[y * k + j] * width + x] }
                if d <= 256 {
                    out[y * width + x] = UInt8(min(255, ((sum + divDelta) * divScale) >> 23))
                } else {
                    out[y * width + x] = UInt8(max(0, min(255, (Double(sum) * scale).rounded(.toNearestOrEven))))
                }
            }
        }
        return out
    }

    /// One channel of `cv2.medianBlur(plane, k)`, k odd: element k² / 2 of each k × k window's
    /// sorted values, rows and columns clamped to the image (BORDER_REPLICATE). A histogram of
    /// the window slides along each row (Huang's method), its median found from the last one.
    static func medianFilter(_ src: [UInt8], width: Int, height: Int, kernelSize k: Int) -> [UInt8] {
        precondition(k >= 1 && k % 2 == 1 && src.count == width * height, "medianFilter: kernel \(k), \(src.count) bytes for \(width)x\(height)")
        if k == 1 || src.isEmpty { return src }
        let r = k / 2, rank = k * k / 2
        var out = [UInt8](repeating: 0, count: width * height)
        var histogram = [Int](repeating: 0, count: 256)
        for y in 0..<height {
            let rows = ((y - r)...(y + r)).map { min(max($0, 0), height - 1) * width }
            for v in 0..<256 { histogram[v] = 0 }
            for dx in -r...r {
                let x = min(max(dx, 0), width - 1)
                for row in rows { histogram[Int(src[row + x])] += 1 }
            }
            // median: the value m with below(m) <= rank < below(m) + histogram[m], below(m) counting values < m
            var median = 0, below = 0
            while below + histogram[median] <= rank { below += histogram[median]; median += 1 }
            out[y * width] = UInt8(median)
            for x in 1..<width {
                let leaving = min(max(x - r - 1, 0), width - 1), entering = min(x + r, width - 1)
                for row in rows {
                    let old = Int(src[row + leaving])
                    histogram[old] -= 1
                    if old < median { below -= 1 }
                    let new = Int(src[row + entering])
                    histogram[new] += 1
                    if new < median { below += 1 }
                }
                while below > rank { median -= 1; below -= histogram[median] }
                while below + histogram[median] <= rank { below += histogram[median]; median += 1 }
                out[y * width + x] = UInt8(median)
            }
        }
        return out
    }
}
