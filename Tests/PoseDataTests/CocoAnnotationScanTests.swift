import Foundation
import Testing
@testable import PoseData

/// The scanning COCO reader against a full JSON parse of the same files.
@Suite struct CocoAnnotationScanTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// COCO's own annotations (segmentation polygons and RLE crowds included) read as JSONSerialization reads them.
    @Test func realCocoFileMatchesAFullParse() throws {
        let path = CocoAnnotationScanTests.fixtures + "/coco/test_coco.json"
        let file = try CocoAnnotationFile.load(path: path)
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let images = root["images"] as! [[String: Any]], annotations = root["annotations"] as! [[String: Any]]
        #expect(file.images.map(\.id) == images.map { ($0["id"] as! NSNumber).intValue })
        #expect(file.images.map(\.fileName) == images.map { $0["file_name"] as! String })
        #expect(file.images.map(\.width) == images.map { ($0["width"] as! NSNumber).intValue })
        #expect(file.annotations.count == annotations.count)
        for (a, b) in zip(file.annotations, annotations) {
            #expect(a.id == (b["id"] as! NSNumber).intValue && a.imageId == (b["image_id"] as! NSNumber).intValue)
            #expect(a.bbox == (b["bbox"] as? [NSNumber])?.map(\.doubleValue))
            #expect(a.keypoints == (b["keypoints"] as? [NSNumber])?.map(\.doubleValue))
            #expect(a.numKeypoints == (b["num_keypoints"] as? NSNumber)?.intValue)
            #expect(a.area == (b["area"] as? NSNumber)?.doubleValue)
            #expect(a.isCrowd == ((b["iscrowd"] as? NSNumber)?.intValue ?? 0 != 0))
        }
        #expect(annotations.contains { $0["segmentation"] != nil })
    }

    func load(_ text: String) throws -> CocoAnnotationFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-scan-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try CocoAnnotationFile.load(path: path)
    }

    @Test func escapesNullsBooleansAndSkippedValues() throws {
        let file = try load(#"""
        { "info": {"note": "brackets ] } [ { and \"quotes\" in a skipped string"},
          "images": [ {"license": 3, "file_name": "a\"b\u00e9\ud83d\ude00.jpg", "id": 7, "width": 640, "height": 480, "extra": [[1, 2], {"x": null}]} ],
          "annotations": [
            {"segmentation": [[1.5, 2.5, 3e2, 4E-1]], "iscrowd": true, "id": 1, "image_id": 7, "bbox": null,
             "keypoints": [1, 2, 2], "area": 12.25},
            {"segmentation": {"counts": "a]b}", "size": [2, 2]}, "id": 2, "image_id": 7, "category_id": 3, "iscrowd": 0,
             "bbox": [ -1.0e1 , 2, 3, 4 ], "num_keypoints": 1}
          ],
          "categories": [{"id": 1, "keypoints": ["nose"]}] }
        """#)
        #expect(file.images.count == 1 && file.images[0].fileName == "a\"bé😀.jpg" && file.images[0].height == 480)
        let (a, b) = (file.annotations[0], file.annotations[1])
        #expect(a.isCrowd && a.bbox == nil && a.keypoints == [1, 2, 2] && a.area == 12.25 && a.categoryId == 1)
        #expect(!b.isCrowd && b.bbox == [-10, 2, 3, 4] && b.categoryId == 3 && b.numKeypoints == 1 && b.area == nil)
    }

    @Test func damageIsAnErrorNamingFileAndPlace() throws {
        func message(_ text: String) -> String {
            do { _ = try load(text); return "no error" } catch { return "\(error)" }
        }
        #expect(message(#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 2, "height": 2}], "annotations": [{"id": 1, "image_id": 1, "keypoints": [1, "x", 2]}]}"#)
                .contains("annotations[0].keypoints must be a list of numbers"))
        #expect(message(#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 0, "height": 2}]}"#).contains("images[0] has width 0 and height 2"))
        #expect(message(#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 2, "height": 2}], "annotations": [{"id": 1, "image_id": 1, "bbox": [1e9, 0, 1, 1]}]}"#)
                .contains("annotations[0].bbox holds 1000000000.0"))
        #expect(message(#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 2, "height": 2}], "annotations": [{"id": 1, "image_id": 1, "segmentation": [[1, 2"#)
                .contains("unterminated value at byte"))
        #expect(message(#"{"images": []} x"#).contains("unexpected 'x' after the top-level object"))
        #expect(message(#"[1, 2]"#).contains("expected a JSON object at the top level"))
        #expect(message(#"{"annotations": []}"#).contains("missing 'images' list"))
        #expect(message(#"{"images": [{"id": "1", "file_name": "a.jpg", "width": 2, "height": 2}]}"#).contains("images[0] needs id, file_name, width and height"))
    }
}
