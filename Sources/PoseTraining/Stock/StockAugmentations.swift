import PoseConfig
import PoseData

extension Components {
    /// MMPose's `Albumentation` wrapper with the albumentations dropouts and blurs its configs use.
    mutating func registerStockAugmentations() throws {
        // mmdet's YOLOXHSVRandomAug, as RTMPose's configs name it (`mmdet.YOLOXHSVRandomAug`)
        try transforms.register("YOLOXHSVRandomAug", scopes: ["mmdet"]) { t, _ in
            YOLOXHSVRandomAug(hueDelta: try t.int("hue_delta", default: 5, in: 0...180),
                              saturationDelta: try t.int("saturation_delta", default: 30, in: 0...255),
                              valueDelta: try t.int("value_delta", default: 30, in: 0...255))
        }
        try transforms.register("Albumentation") { t, _ in
            if let keymap = try t.dictionary("keymap") {
                let image = try keymap.string("img")
                guard keymap.dict.count == 1, image == "image" else {
                    throw t.error("keymap", "only the default {'img': 'image'} is supported (the image alone is augmented)")
                }
            }
            guard let steps = try t.dictionaries("transforms"), !steps.isEmpty else {
                throw t.error("transforms", "is required (a list of albumentations transform dicts)")
            }
            return Albumentation(try steps.map(StockAugmentations.step))
        }
    }
}

enum StockAugmentations {
    static func step(_ a: ConfigReader) throws -> Albumentation.Step {
        let kind = try a.type(among: ["CoarseDropout", "GridDropout", "Blur", "MedianBlur"])
        let operation: Albumentation.Operation
        if kind == "Blur" || kind == "MedianBlur" {
            // Blur(blur_limit=7, always_apply=False, p=0.5), MedianBlur likewise: no fill_value
            let sizes = try kernelSizes(a, median: kind == "MedianBlur")
            operation = kind == "Blur" ? .blur(kernelSizes: sizes) : .medianBlur(kernelSizes: sizes)
        } else if kind == "CoarseDropout" {
            let maxHoles = try a.int("max_holes", default: 8, in: 1...10_000)
            let minHoles = try a.int("min_holes", default: maxHoles, in: 1...maxHoles)
            let maxHeight = try extent(a, "max_height", default: .pixels(8)), maxWidth = try extent(a, "max_width", default: .pixels(8))
            let minHeight = try extent(a, "min_height", default: maxHeight), minWidth = try extent(a, "min_width", default: maxWidth)
            for (key, low, high) in [("min_height", minHeight, maxHeight), ("min_width", minWidth, maxWidth)] {
                switch (low, high) {
                case let (.pixels(l), .pixels(h)) where 0 < l && l <= h: continue
                case let (.fraction(l), .fraction(h)) where 0 < l && l <= h: continue
                default: throw a.error(key, "must be positive, at most its max, and of the same kind (pixels or fraction)")
                }
            }
            operation = .coarse(holes: minHoles...maxHoles, height: (minHeight, maxHeight), width: (minWidth, maxWidth))
        } else {
            let ratio = try a.double("ratio", default: 0.5, in: 0.000001...1)
            var unitSize: ClosedRange<Int>?
            // albumentations uses the unit sizes only when both are given
            if let low = try optionalInt(a, "unit_size_min", in: 2...100_000), let high = try optionalInt(a, "unit_size_max", in: 2...100_000) {
                guard low <= high else { throw a.error("unit_size_max", "must be at least unit_size_min \(low), got \(high)") }
                unitSize = low...high
            }
            let numberX = try optionalInt(a, "holes_number_x", in: 1...100_000)
            let numberY = try optionalInt(a, "holes_number_y", in: 1...100_000)
            // albumentations treats shift None as 0
            let shiftX = try optionalInt(a, "shift_x", in: 0...100_000) ?? 0
            let shiftY = try optionalInt(a, "shift_y", in: 0...100_000) ?? 0
            operation = .grid(ratio: ratio, unitSize: unitSize, holesNumber: (numberX, numberY), shift: (shiftX, shiftY),
                            randomOffset: try a.bool("random_offset", default: false))
        }
        var fillValue: Float = 0
        switch operation {
        case .coarse, .grid:
            fillValue = Float(try a.double("fill_value", default: 0, in: 0...255))
            a.ignore("mask_fill_value")   // no masks in a top-down pipeline
        case .blur, .medianBlur:
            break
        }
        let step = Albumentation.Step(operation: operation, probability: try a.double("p", default: 0.5, in: 0...1),
                                      alwaysApply: try a.bool("always_apply", default: false), fillValue: fillValue)
        try a.finish()
        return step
    }

    /// `blur_limit` as albumentations 1.3 reads it, `to_tuple(blur_limit, 3)`: an int n is
    /// (min(n, 3), max(n, 3)), so the default 7 is 3...7; a pair (low, high) is taken as is. The
    /// kernel size is then drawn from low, low + 2, … up to high. Refused, as albumentations or
    /// OpenCV refuse them: None and floats (`range` needs ints), low above high (nothing to draw),
    /// a size below 1 (`cv2.blur` and `cv2.medianBlur` refuse it) and, for MedianBlur, an even
    /// bound ("MedianBlur supports only odd blur limits").
    static func kernelSizes(_ a: ConfigReader, median: Bool) throws -> ClosedRange<Int> {
        let key = "blur_limit"
        if case .none? = a.dict[key] {
            throw a.error(key, "None is not a kernel size bound; give an int or a pair of ints")
        }
        let low: Int, high: Int
        switch a.value(key) {
        case nil:
            low = 3; high = 7
        case .int(let n)?:
            low = min(n, 3); high = max(n, 3)
        case let v?:
            guard let pair = v.sequence, pair.count == 2, case .int(let l) = pair[0], case .int(let h) = pair[1] else {
                throw a.error(key, "expected an int or a pair of ints, found \(v.typeName) \(v)")
            }
            low = l; high = h
        }
        guard low <= high else {
            throw a.error(key, "(\(low), \(high)) leaves no kernel size to draw (albumentations draws from range(\(low), \(high) + 1, 2))")
        }
        // the sizes OpenCV and albumentations accept, as the transform checks them again on use
        do { try Albumentation.checkKernelSizes(median ? .medianBlur(kernelSizes: low...high) : .blur(kernelSizes: low...high)) } catch let e as DatasetError {
            throw a.error(key, e.description)
        }
        return low...high
    }

    /// An int key that may be absent or None.
    static func optionalInt(_ a: ConfigReader, _ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard a.has(key), a.value(key) != ConfigValue.none else { return nil }
        return try a.int(key, in: range)
    }

    /// A size bound as albumentations reads it: an int is pixels, a float a fraction in [0, 1).
    static func extent(_ a: ConfigReader, _ key: String, default fallback: Albumentation.Extent) throws -> Albumentation.Extent {
        switch a.value(key) {
        case nil: return fallback
        case .int(let v)?: return .pixels(v)
        case .float(let v)? where (0..<1).contains(v): return .fraction(v)
        case let v?: throw a.error(key, "expected pixels (an int) or a fraction in [0, 1), found \(v)")
        }
    }
}
