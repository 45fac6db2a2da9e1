import Testing
import PoseData
import PoseTensor

/// MMPose's `Albumentation` wrapper with albumentations 1.3's CoarseDropout and GridDropout:
/// where the holes go, what they are filled with, that only the image changes, and `p`.
@Suite struct AlbumentationTests {
    /// A warped 48 × 64 crop of constant 100s, as after `TopdownAffine`.
    func warpedSample() -> TopdownSample {
        let inst = PoseInstance(id: 1, imageId: 1, imagePath: "a.jpg", imageWidth: 10, imageHeight: 10,
                                bbox: (0, 0, 5, 5), bboxScore: 1, keypoints: [Double](repeating: 3, count: 34),
                                visible: [Double](repeating: 1, count: 17), numKeypoints: 17, area: 10, isCrowd: false, categoryId: 1)
        var s = TopdownSample(instance: inst)
        s.inputSize = (48, 64)
        s.input = [Float](repeating: 100, count: 3 * 48 * 64)
        s.transformedKeypoints = [Double](repeating: 7, count: 34)
        return s
    }

    func dropped(_ s: TopdownSample) -> [Bool] {
        (0..<(48 * 64)).map { i in
            let values = (0..<3).map { s.input[$0 * 48 * 64 + i] }
            #expect(Set(values).count == 1, "a hole covers all three channels")
            return values[0] == 0
        }
    }

    @Test func coarseDropoutCutsBoundedRectanglesOutOfTheCropOnly() throws {
        let step = Albumentation.Step(operation: .coarse(holes: 1...8, height: (.pixels(10), .pixels(40)), width: (.pixels(10), .pixels(40))),
                                      probability: 1)
        let metainfo = try cocoMetainfo()
        for seed in 0..<20 {
            var s = warpedSample(), rng = RandomGenerator(seed: UInt64(seed))
            try Albumentation([step]).apply(&s, metainfo: metainfo, rng: &rng)
            let holes = dropped(s)
            #expect(holes.contains(true), "at least one hole")
            // at most 8 holes of at most 40 × 40, at least one of at least 10 × 10
            let count = holes.filter { $0 }.count
            #expect(count >= 100 && count <= 8 * 40 * 40)
            #expect(s.transformedKeypoints == [Double](repeating: 7, count: 34) && s.keypoints == [Double](repeating: 3, count: 34))
        }
        // the hole geometry of one draw, replayed
        var rng = RandomGenerator(seed: 5), replay = RandomGenerator(seed: 5)
        let rects = try Albumentation.holes(step.operation, width: 48, height: 64, rng: &rng)
        #expect(rects.count >= 1 && rects.count <= 8)
        for (x1, y1, x2, y2) in rects {
            #expect(x1 >= 0 && y1 >= 0 && x2 <= 48 && y2 <= 64)
            #expect(x2 - x1 >= 10 && x2 - x1 <= 40 && y2 - y1 >= 10 && y2 - y1 <= 40)
        }
        #expect(try Albumentation.holes(step.operation, width: 48, height: 64, rng: &replay).map { [$0.0, $0.1, $0.2, $0.3] }
                == rects.map { [$0.0, $0.1, $0.2, $0.3] })
    }

    /// GridDropout with holes_number_x=4, holes_number_y=5, ratio 0.4, shift (3, 2) on 48 × 64:
    /// units 12 × 12 (64 // 5), holes 4 × 4 (int(4.8)) at x = 3 + 12i, y = 2 + 12j.
    @Test func gridDropoutFollowsAlbumentationsGrid() throws {
        let step = Albumentation.Step(operation: .grid(ratio: 0.4, unitSize: nil, holesNumber: (4, 5), shift: (3, 2), randomOffset: false),
                                      probability: 1, fillValue: 0)
        var s = warpedSample(), rng = RandomGenerator(seed: 0)
        try Albumentation([step]).apply(&s, metainfo: try cocoMetainfo(), rng: &rng)
        let holes = dropped(s)
        for y in 0..<64 {
            for x in 0..<48 {
                let inHole = (x - 3) >= 0 && (x - 3) % 12 < 4 && (y - 2) >= 0 && (y - 2) % 12 < 4
                #expect(holes[y * 48 + x] == inHole, "(\(x), \(y))")
            }
        }
        // unit sizes: randint(min, max + 1), and a max above the shorter side is an error
        var r = RandomGenerator(seed: 1)
        for _ in 0..<30 {
            let rects = try Albumentation.holes(.grid(ratio: 0.5, unitSize: 10...40, holesNumber: (nil, nil), shift: (0, 0), randomOffset: true),
                                                width: 48, height: 64, rng: &r)
            let w = rects[0].2 - rects[0].0
            #expect((5...20).contains(w), "a hole is half a 10...41 unit")
        }
        #expect(throws: DatasetError.self) {
            _ = try Albumentation.holes(.grid(ratio: 0.5, unitSize: 10...50, holesNumber: (nil, nil), shift: (0, 0), randomOffset: true),
                                        width: 48, height: 64, rng: &r)
        }
    }

    @Test func probabilityDecidesPerSample() throws {
        let step = Albumentation.Step(operation: .coarse(holes: 2...2, height: (.pixels(5), .pixels(5)), width: (.pixels(5), .pixels(5))),
                                      probability: 0.5)
        var applied = 0
        for seed in 0..<200 {
            var s = warpedSample(), rng = RandomGenerator(seed: UInt64(seed))
            try Albumentation([step]).apply(&s, metainfo: try cocoMetainfo(), rng: &rng)
            if dropped(s).contains(true) { applied += 1 }
        }
        #expect((70...130).contains(applied), "applied \(applied) of 200 at p = 0.5")
        var never = Albumentation.Step(operation: step.operation, probability: 0)
        var s = warpedSample(), rng = RandomGenerator(seed: 3)
        try Albumentation([never]).apply(&s, metainfo: try cocoMetainfo(), rng: &rng)
        #expect(!dropped(s).contains(true))
        never.alwaysApply = true
        try Albumentation([never]).apply(&s, metainfo: try cocoMetainfo(), rng: &rng)
        #expect(dropped(s).filter { $0 }.count <= 50 && dropped(s).contains(true))
    }
}
