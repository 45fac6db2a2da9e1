import PoseTensor

/// MMPose's `Albumentation(transforms=[...])` wrapper with albumentations 1.3's pixel dropouts,
/// `CoarseDropout` and `GridDropout`, on the image only (MMPose's default `keymap={'img': 'image'}`:
/// keypoints are untouched). Each dropout applies with its probability `p` (or always), as
/// albumentations' `Compose` runs them; holes are filled with `fill_value`. After `TopdownAffine`
/// (where MMPose's configs put it) the holes are cut into the warped crop, before it into the
/// decoded image.
public struct Albumentation: Transform {
    /// One albumentations transform with its probability.
    public struct Step: Sendable {
        /// The dropout this step cuts holes with.
        public var dropout: Dropout
        /// albumentations' `p`: the chance that the step runs on a sample (default 0.5).
        public var probability: Double
        /// albumentations' `always_apply`: the step runs on every sample, whatever `probability` says.
        public var alwaysApply: Bool
        /// albumentations' `fill_value`: the value written into the holes, 0–255 (rounded and clipped to
        /// 8 bits when the holes are cut into the decoded image, before `TopdownAffine`).
        public var fillValue: Float

        /// A step with albumentations' defaults: `p=0.5`, `always_apply=False`, `fill_value=0`.
        /// - Parameters:
        ///   - dropout: the transform, `CoarseDropout` or `GridDropout`.
        ///   - probability: albumentations' `p`.
        ///   - alwaysApply: albumentations' `always_apply`.
        ///   - fillValue: albumentations' `fill_value`, 0–255.
        public init(dropout: Dropout, probability: Double = 0.5, alwaysApply: Bool = false, fillValue: Float = 0) {
            self.dropout = dropout; self.probability = probability; self.alwaysApply = alwaysApply; self.fillValue = fillValue
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

    /// The pixel-dropout transform of a step: albumentations' `CoarseDropout` or `GridDropout`.
    public enum Dropout: Sendable {
        /// `CoarseDropout(max_holes, max_height, max_width, min_holes, min_height, min_width)`:
        /// randint(min_holes, max_holes) rectangles, each of a random size in the bounds at a
        /// random position inside the image.
        case coarse(holes: ClosedRange<Int>, height: (Extent, Extent), width: (Extent, Extent))
        /// `GridDropout(ratio, unit_size_min, unit_size_max, holes_number_x, holes_number_y,
        /// shift_x, shift_y, random_offset)`: a grid of square units, a `ratio`-sized hole in the
        /// corner of each.
        case grid(ratio: Double, unitSize: ClosedRange<Int>?, holesNumber: (x: Int?, y: Int?), shift: (x: Int?, y: Int?), randomOffset: Bool)
    }

    /// The albumentations transforms in config order (MMPose's `transforms=[...]`), each run with its
    /// own probability.
    public var steps: [Step]

    /// Wraps `steps`, run in order on each sample.
    public init(_ steps: [Step]) { self.steps = steps }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let warped = !s.input.isEmpty
        guard warped || s.image != nil else { throw DatasetError("Albumentation needs LoadImage (or TopdownAffine) before it") }
        let (width, height) = warped ? (s.inputSize?.0 ?? 0, s.inputSize?.1 ?? 0) : (s.image!.width, s.image!.height)
        for step in steps {
            guard step.alwaysApply || rng.uniform() < step.probability else { continue }
            let holes = try Albumentation.holes(step.dropout, width: width, height: height, rng: &rng)
            if warped {
                s.input.withUnsafeMutableBufferPointer { planes in
                    for (x1, y1, x2, y2) in holes { for c in 0..<3 { for y in y1..<y2 { for x in x1..<x2 {
                        planes[(c * height + y) * width + x] = step.fillValue
                    } } } }
                }
            } else {
                let fill = UInt8(max(0, min(255, step.fillValue.rounded())))
                s.image!.pixels.withUnsafeMutableBufferPointer { px in
                    for (x1, y1, x2, y2) in holes { for y in y1..<y2 { for x in x1..<x2 { for c in 0..<3 { px[(y * width + x) * 3 + c] = fill } } } }
                }
            }
        }
    }

    /// albumentations' `randint(a, b)`: inclusive of both ends.
    public static func randint(_ a: Int, _ b: Int, _ rng: inout RandomGenerator) -> Int {
        a + Int(rng.next() % UInt64(b - a + 1))
    }

    /// The rectangles `(x1, y1, x2, y2)` (ends exclusive, clipped to the image) of one draw.
    public static func holes(_ dropout: Dropout, width: Int, height: Int, rng: inout RandomGenerator) throws -> [(Int, Int, Int, Int)] {
        switch dropout {
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
}
