import Foundation
import Testing
@testable import PoseData

/// Bad annotations for the dataset types with their own annotation reading fail with one line
/// naming the file, the annotation and the field.
@Suite struct CocoInstanceLayoutTests {
    func load(_ annotation: [String: Any], layout: CocoInstanceLayout, metainfo: String) throws -> [PoseInstance] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var ann = annotation
        ann["id"] = 7; ann["image_id"] = 1; ann["category_id"] = 1
        let file: [String: Any] = ["images": [["id": 1, "file_name": "a.jpg", "width": 100, "height": 80]], "annotations": [ann]]
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: dir + "/ann.json"))
        return try CocoDataset(annotationFile: dir + "/ann.json", metainfo: try DatasetMetainfo.resolve(metainfo), layout: layout).instances
    }

    func expectError(_ fragments: [String], _ body: () throws -> Void) {
        do { try body(); Issue.record("expected an error with \(fragments)") } catch let e as DatasetError {
            #expect(e.description.contains("ann.json: annotation 7") && !e.description.contains("\n"), "\(e)")
            for f in fragments { #expect(e.description.contains(f), "\(e)") }
        } catch { Issue.record("unexpected \(error)") }
    }

    static func triples(_ k: Int, _ v: Double = 2) -> [Double] {
        var out: [Double] = []
        for j in 0..<k { out += [Double(10 + j % 50), Double(10 + j % 40), v] }
        return out
    }

    @Test func wholeBodyNeedsEveryPart() {
        var ann: [String: Any] = ["bbox": [5, 5, 60, 60], "keypoints": Self.triples(17), "foot_kpts": Self.triples(6),
                                  "face_kpts": Self.triples(68), "lefthand_kpts": Self.triples(21)]
        expectError(["'righthand_kpts'"]) { _ = try load(ann, layout: .wholeBody, metainfo: "coco_wholebody.py") }
        ann["righthand_kpts"] = Self.triples(20)
        expectError(["20 'righthand_kpts' keypoints", "has 21"]) { _ = try load(ann, layout: .wholeBody, metainfo: "coco_wholebody.py") }
    }

    @Test func handsAreInstancesOnlyWhenValidAndLabelled() throws {
        var ann: [String: Any] = ["bbox": [5, 5, 60, 60], "iscrowd": 0,
                                  "lefthand_kpts": Self.triples(21), "lefthand_box": [10, 10, 50, 40], "lefthand_valid": true,
                                  "righthand_kpts": [Double](repeating: 0, count: 63), "righthand_box": [0, 0, 0, 0], "righthand_valid": false]
        let hands = try load(ann, layout: .wholeBodyHand, metainfo: "coco_wholebody_hand.py")
        #expect(hands.count == 1 && hands[0].id == 0 && hands[0].bbox == (10, 10, 60, 50) && hands[0].visible.count == 21)
        ann.removeValue(forKey: "lefthand_valid")
        expectError(["'lefthand_valid'"]) { _ = try load(ann, layout: .wholeBodyHand, metainfo: "coco_wholebody_hand.py") }
    }

    @Test func centerScaleNeedsAPositiveScale() throws {
        var ann: [String: Any] = ["keypoints": Self.triples(98), "center": [50, 40], "scale": 0.25, "num_keypoints": 98]
        let face = try load(ann, layout: .centerScale, metainfo: "wflw.py")
        #expect(face.count == 1 && face[0].bbox == (25, 15, 75, 65))
        ann["scale"] = -1
        expectError(["'center' (x, y) and a positive 'scale'"]) { _ = try load(ann, layout: .centerScale, metainfo: "wflw.py") }
        ann.removeValue(forKey: "center")
        expectError(["no 'center'"]) { _ = try load(ann, layout: .centerScale, metainfo: "wflw.py") }
    }

    @Test func jhmdbMovesMatlabCoordinatesToZeroBased() throws {
        let kp = Self.triples(15)
        let inst = try load(["bbox": [11, 21, 30, 40], "keypoints": kp], layout: .matlabOneBased, metainfo: "jhmdb.py")
        #expect(inst.count == 1 && inst[0].bbox == (10, 20, 40, 60))
        #expect(inst[0].keypoints[0] == kp[0] - 1 && inst[0].keypoints[1] == kp[1] - 1 && inst[0].area == 30 * 40 * 0.53)
        expectError(["has 14 keypoints", "metainfo has 15"]) {
            _ = try load(["bbox": [1, 1, 30, 40], "keypoints": Self.triples(14)], layout: .matlabOneBased, metainfo: "jhmdb.py")
        }
    }
}
