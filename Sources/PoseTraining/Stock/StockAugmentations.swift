import PoseConfig
import PoseData

extension Components {
    /// MMPose's `Albumentation` wrapper with the albumentations dropouts its configs use.
    mutating func registerStockAugmentations() throws {
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
        let kind = try a.type(among: ["CoarseDropout", "GridDropout"])
        let dropout: Albumentation.Dropout
        if kind == "CoarseDropout" {
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
            dropout = .coarse(holes: minHoles...maxHoles, height: (minHeight, maxHeight), width: (minWidth, maxWidth))
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
            dropout = .grid(ratio: ratio, unitSize: unitSize, holesNumber: (numberX, numberY), shift: (shiftX, shiftY),
                            randomOffset: try a.bool("random_offset", default: false))
        }
        let step = Albumentation.Step(dropout: dropout, probability: try a.double("p", default: 0.5, in: 0...1),
                                      alwaysApply: try a.bool("always_apply", default: false),
                                      fillValue: Float(try a.double("fill_value", default: 0, in: 0...255)))
        a.ignore("mask_fill_value")   // no masks in a top-down pipeline
        try a.finish()
        return step
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
