import Foundation
import Testing
@testable import PoseData
import PoseTensor

@Suite struct OtherDatasetTests {
    @Test func mpiiFollowsMMPoseBoxes() throws {
        let meta = try DatasetMetainfo.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/mpii.py").path)
        #expect(meta.keypointCount == 16)
        #expect(meta.flipIndices == [5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10])
        let ds = try MpiiDataset(annotationFile: fixtures.appendingPathComponent("mpii/test_mpii.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("mpii").path, metainfo: meta)
        #expect(ds.instances.count == 5)
        // 005808361.jpg: center (966, 340), scale 4.718488 → 943.7 px box, centre moved down 70.8 px, minus 1
        let first = ds.instances[0]
        let scale = 4.718488 * 200
        // MMPose keeps MPII's centre and scale (float32) and starts the pipeline from them
        let center = try #require(first.bboxCenter), boxScale = try #require(first.bboxScale)
        #expect(center.0 == 965 && center.1 == Double(Float(Double(Float(340)) + 15.0 / 200 * Double(Float(4.718488) * 200)) - 1))
        #expect(boxScale.0 == Double(Float(4.718488) * 200) && boxScale.1 == boxScale.0)
        #expect(abs((first.bbox.0 + first.bbox.2) / 2 - 965) < 1e-4)
        #expect(abs((first.bbox.1 + first.bbox.3) / 2 - (340 + 15.0 / 200 * scale - 1)) < 1e-4)
        #expect(abs(first.bbox.2 - first.bbox.0 - scale) < 1e-3)
        #expect(first.keypoints[0] == 804 && first.visible.count == 16)
        var rng = RandomGenerator(seed: 0)
        let pipeline = TopdownPipeline([LoadImage(), GetBBoxCenterScale(padding: 1.25), TopdownAffine(inputSize: (64, 64), useUDP: false)],
                                       metainfo: meta)
        let sample = try pipeline.run(first, rng: &rng)
        #expect(sample.input.count == 3 * 64 * 64)
    }

    @Test func crowdPoseIsACocoStyleDatasetWithItsOwnMetainfo() throws {
        let meta = try DatasetMetainfo.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/crowdpose.py").path)
        #expect(meta.keypointCount == 14)
        #expect(meta.flipIndices == [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 12, 13])
        let ds = try CocoDataset(annotationFile: fixtures.appendingPathComponent("crowdpose/test_crowdpose.json").path,
                                 imagePrefix: fixtures.appendingPathComponent("crowdpose").path, metainfo: meta)
        #expect(ds.annotations.annotations.count == 5)
        #expect(!ds.instances.isEmpty && ds.instances.allSatisfy { $0.keypoints.count == 28 })
        let det = try CocoDataset(annotationFile: fixtures.appendingPathComponent("crowdpose/test_crowdpose.json").path,
                                  imagePrefix: fixtures.appendingPathComponent("crowdpose").path,
                                  bboxFile: fixtures.appendingPathComponent("crowdpose/test_crowdpose_det_AP_40.json").path,
                                  testMode: true, metainfo: meta)
        #expect(!det.instances.isEmpty)
        // a COCO dataset with the wrong metainfo is refused by name
        let coco = try DatasetMetainfo.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/coco.py").path)
        #expect(throws: DatasetError.self) {
            try CocoDataset(annotationFile: fixtures.appendingPathComponent("crowdpose/test_crowdpose.json").path, metainfo: coco)
        }
    }
}

@Suite struct MatFileTests {
    @Test func mpiiHeadBoxesFromACompressedMatFile() throws {
        let meta = try DatasetMetainfo.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/mpii.py").path)
        let ds = try MpiiDataset(annotationFile: fixtures.appendingPathComponent("mpii/test_mpii.json").path,
                                 headboxFile: fixtures.appendingPathComponent("mpii/test_mpii_headbox.mat").path, metainfo: meta)
        // values scipy's loadmat gives for the same file (0.6 · box diagonal)
        let expected = [140.8037408903499, 56.18121768446104, 93.54988773972529, 98.31488234824263, 93.44993112513677]
        for (inst, e) in zip(ds.instances, expected) { #expect(abs(inst.headSize! - e) < 1e-9) }
        #expect(throws: DatasetError.self) {
            try MatFile.numericArray(path: fixtures.appendingPathComponent("mpii/test_mpii_headbox.mat").path, name: "nothing")
        }
        #expect(throws: DatasetError.self) {
            try MatFile.numericArray(path: fixtures.appendingPathComponent("mpii/test_mpii.json").path, name: "headboxes_src")
        }
    }
}
