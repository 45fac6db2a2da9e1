import Foundation
import Testing
@testable import PoseData
import PoseTensor

@Suite struct MunkresTests {
    /// The smallest total cost over every assignment of rows to distinct columns, by brute force.
    static func bestCost(_ cost: [[Float]]) -> Float {
        let (rows, columns) = (cost.count, cost[0].count)
        var best = Float.infinity
        func go(_ row: Int, _ used: Set<Int>, _ total: Float) {
            if row == rows {
                if used.count == min(rows, columns) { best = min(best, total) }
                return
            }
            if rows > columns { go(row + 1, used, total) }  // with more rows than columns some stay unassigned
            for j in 0..<columns where !used.contains(j) { go(row + 1, used.union([j]), total + cost[row][j]) }
        }
        go(0, [], 0)
        return best
    }

    @Test(arguments: [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 4), (3, 5), (4, 2), (6, 6)])
    func assignmentIsOptimal(_ size: (Int, Int)) {
        var rng = RandomGenerator(seed: UInt64(size.0 * 10 + size.1), stream: [1])
        for _ in 0..<20 {
            // small integer costs, so that equally cheap assignments are common
            let cost = (0..<size.0).map { _ in (0..<size.1).map { _ in Float(Int(rng.uniform() * 4)) } }
            let pairs = Munkres.assign(cost)
            #expect(pairs.count == min(size.0, size.1))
            #expect(Set(pairs.map(\.row)).count == pairs.count && Set(pairs.map(\.column)).count == pairs.count)
            #expect(pairs.map(\.row) == pairs.map(\.row).sorted())
            #expect(pairs.reduce(Float(0)) { $0 + cost[$1.row][$1.column] } == MunkresTests.bestCost(cost))
        }
    }

    @Test func tiesResolveAsMunkresPackage() {
        // munkres 1.1.4's compute([[1, 1], [1, 1]]) and its 3x3 all-equal case
        #expect(Munkres.assign([[1, 1], [1, 1]]).map { [$0.row, $0.column] } == [[0, 0], [1, 1]])
        #expect(Munkres.assign([[0, 0, 0], [0, 0, 0], [0, 0, 0]]).map { [$0.row, $0.column] } == [[0, 0], [1, 1], [2, 2]])
        // two assignments cost 12; munkres takes the anti-diagonal
        #expect(Munkres.assign([[5, 9, 1], [10, 3, 2], [8, 7, 4]]).map { [$0.row, $0.column] } == [[0, 2], [1, 1], [2, 0]])
    }

    /// The package's own answers (tools/make_munkres_fixture.py), ties included.
    @Test func choosesAsMunkresPackage() throws {
        struct Case: Decodable { var cost: [[Float]]; var pairs: [[Int]] }
        struct File: Decodable { var cases: [Case] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent("munkres/assignments.json")))
        #expect(file.cases.count == 300)
        for c in file.cases { #expect(Munkres.assign(c.cost).map { [$0.row, $0.column] } == c.pairs, "cost \(c.cost)") }
    }
}

@Suite struct AssociativeEmbeddingTests {
    /// Two people's heatmaps (the max of their one-person encodings) and tag maps giving every
    /// pixel the tag of the person whose keypoint of that map is nearer.
    static func twoPeople(codec: AssociativeEmbedding, a: [Double], b: [Double], tags: (Float, Float)) -> HeadOutput {
        let k = a.count / 2
        let (w, h) = codec.heatmapSize
        let visible = [Double](repeating: 1, count: k)
        let ma = codec.encode(keypoints: a, visible: visible).heatmaps, mb = codec.encode(keypoints: b, visible: visible).heatmaps
        let heat = Tensor(zeros: [1, k, h, w]), tagMaps = Tensor(zeros: [1, k, h, w])
        let (sx, sy) = codec.scaleFactor
        for j in 0..<k { for y in 0..<h { for x in 0..<w {
            let i = (j * h + y) * w + x
            heat.data[i] = max(ma[i], mb[i])
            func d(_ p: [Double]) -> Double { pow(p[2 * j] / sx - Double(x), 2) + pow(p[2 * j + 1] / sy - Double(y), 2) }
            tagMaps.data[i] = d(a) <= d(b) ? tags.0 : tags.1
        } } }
        var out = HeadOutput(heatmaps: heat)
        out[.tags] = tagMaps
        return out
    }

    @Test func encodeDecodeRoundTripFindsBothPeople() throws {
        var codec = AssociativeEmbedding(inputSize: (64, 48), heatmapSize: (32, 24), sigma: 1)
        codec.keypointOrder = [1, 0, 2]
        // keypoints on even input pixels (whole heatmap pixels), so the refinement has no side to move to
        let a: [Double] = [10, 8, 14, 12, 20, 30], b: [Double] = [44, 10, 50, 16, 40, 36]
        let people = try codec.decodePersons(AssociativeEmbeddingTests.twoPeople(codec: codec, a: a, b: b, tags: (0, 3)), at: 0)
        #expect(people.count == 2)
        // groups start from the first keypoint of the order, strongest candidate first: both score 1
        let found = people.map(\.keypoints).sorted { $0[0] < $1[0] }
        #expect(found == [a, b])
        #expect(people.allSatisfy { $0.scores == [1, 1, 1] && $0.score == 1 })
    }

    @Test func onePersonWhenTagsAgree() throws {
        let codec = AssociativeEmbedding(inputSize: (64, 48), heatmapSize: (32, 24), sigma: 1)
        let a: [Double] = [10, 8, 14, 12, 20, 30], b: [Double] = [44, 10, 50, 16, 40, 36]
        // the same tag everywhere: the second candidate of each keypoint cannot join the first's
        // group (taken), so it starts its own; a tag threshold of 0 keeps every candidate apart
        var apart = codec
        apart.tagThreshold = 0
        let people = try apart.decodePersons(AssociativeEmbeddingTests.twoPeople(codec: codec, a: a, b: b, tags: (2, 2)), at: 0)
        // keypoint 0 starts two groups keyed by the same tag value 2: MMPose's dict merges them
        #expect(people.count == 1)
    }

    @Test func missingKeypointsAreFilledWhereTheTagFits() throws {
        let codec = AssociativeEmbedding(inputSize: (32, 32), heatmapSize: (16, 16), sigma: 1)
        // keypoint 1's map peaks below the threshold: it is filled at its maximum, score kept
        let heat = Tensor(zeros: [1, 2, 16, 16]), tags = Tensor(zeros: [1, 2, 16, 16])
        heat.data[5 * 16 + 4] = 0.9
        heat.data[256 + 9 * 16 + 11] = 0.05
        var out = HeadOutput(heatmaps: heat)
        out[.tags] = tags
        let people = try codec.decodePersons(out, at: 0)
        #expect(people.count == 1)
        #expect(people[0].keypoints == [8, 10, 22, 18])
        #expect(people[0].scores == [Double(Float(0.9)), Double(Float(0.05))])
        #expect(people[0].score == Double(Float(0.9)) / 2)
    }

    @Test func singlePersonDecodeIsRefused() {
        let codec = AssociativeEmbedding(inputSize: (32, 32), heatmapSize: (16, 16))
        #expect(throws: DatasetError.self) { try codec.decode(HeadOutput(heatmaps: Tensor(zeros: [1, 2, 16, 16])), at: 0) }
        #expect(throws: DatasetError.self) { try codec.decodePersons(HeadOutput(heatmaps: Tensor(zeros: [1, 2, 16, 16])), at: 0) }
        #expect(codec.sigma == 0.25)
    }
}

@Suite struct BottomupDataTests {
    @Test func expandModeSizesAsMMPose() throws {
        let resize = BottomupResize(inputSize: (512, 512), sizeFactor: 64, resizeMode: .expand)
        let (resized, padded) = try resize.inputSizes(forImage: 640, 480)
        #expect(abs(resized.0 - 682.666_666_666_7) < 1e-9 && resized.1 == 512)
        #expect(padded == (704, 512))
        let fit = BottomupResize(inputSize: (512, 512), sizeFactor: 32, resizeMode: .fit)
        let (r2, p2) = try fit.inputSizes(forImage: 640, 480)
        #expect(r2.0 == 512 && r2.1 == 384 && p2 == (512, 512))
        #expect(throws: DatasetError.self) { try BottomupResize(inputSize: (500, 500), sizeFactor: 32).inputSizes(forImage: 10, 10) }
    }

    @Test func resizeSetsCentreScaleAndInput() throws {
        var sample = TopdownSample(instance: PoseInstance(id: 0, imageId: 1, imagePath: "", imageWidth: 40, imageHeight: 20, bbox: (0, 0, 40, 20),
                                                          bboxScore: 1, keypoints: [], visible: [], numKeypoints: 0, area: 0, isCrowd: false, categoryId: 1))
        sample.image = RGBImage(width: 40, height: 20, pixels: [UInt8](repeating: 200, count: 40 * 20 * 3))
        var rng = RandomGenerator(seed: 0, stream: [])
        try BottomupResize(inputSize: (32, 32), sizeFactor: 32, resizeMode: .expand).apply(&sample, metainfo: try cocoMetainfo(), rng: &rng)
        // expand: 64x32 from a 2:1 image, scale = image size · padded / resized = (40, 20)
        #expect(sample.inputSize! == (64, 32))
        #expect(sample.center == (20, 10) && sample.scale == (40, 20))
        #expect(sample.input.count == 3 * 64 * 32 && sample.image == nil)
        #expect(abs(sample.input[32 * 64 / 2 + 32] - 200) < 1e-3)
    }

    @Test func cocoBottomupSamplesHoldEveryPersonOfAnImage() throws {
        let (samples, file) = try CocoDataset.bottomupSamples(annotationFile: fixtures.appendingPathComponent("coco/test_coco.json").path,
                                                              testMode: true, metainfo: try cocoMetainfo())
        #expect(samples.count == file.images.count)
        for s in samples {
            let annotated = file.annotationsByImage[s.imageId]?.count ?? 0
            #expect(s.persons == annotated)
            #expect(s.keypoints.count == 2 * 17 * annotated && s.visible.count == 17 * annotated)
            #expect(s.bbox == (0, 0, Double(s.imageWidth), Double(s.imageHeight)))
        }
        #expect(Set(samples.map(\.id)) == Set(0..<samples.count))
    }
}
