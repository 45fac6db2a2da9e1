import Foundation
import Testing
import PoseConfig
import PoseData
import PoseDistributed
@testable import PoseTraining

/// The daily workflow around a run, as a user meets it: a PNG dataset, MMEngine's log records
/// and saved config, `pose-analyze` (plot, browse, print-config), `pose-test --out --work-dir
/// --show-dir` and `pose-infer` on every detected person.
@Suite(.serialized) struct WorkflowToolTests {
    @Test func pngRunLogsToolsAndDrawings() throws {
        let dir = try temporaryDirectory("workflow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var generator = SyntheticCOCO(width: 96, height: 80, seed: 1)
        generator.imageFormat = "png"
        try generator.write(to: dir + "/data", trainImages: 6, valImages: 3)
        let config = try tinyConfig(in: dir, epochs: 2)
        let work = dir + "/work"
        try Trainer(settings: try settings(config, options: ["train_cfg.val_interval=1"]), communicator: SingleProcessCommunicator(),
                    workDir: work, loaderThreads: 1).run()

        // MMEngine's LocalVisBackend records
        let records = try scalarRecords(work)
        let train = records.filter { $0["epoch"] != nil }, val = records.filter { $0["epoch"] == nil }
        // logged every iteration (LoggerHook interval 1)
        #expect(!train.isEmpty && train.map { $0["iter"] as? Int } == Array(1...train.count))
        for r in train {
            #expect(Set(r.keys).isSuperset(of: ["lr", "data_time", "time", "loss", "loss_kpt", "acc_pose", "epoch", "iter", "step", "memory"]), "\(r.keys)")
            #expect((r["step"] as? Int) == (r["iter"] as? Int))
            let acc = try #require(r["acc_pose"] as? Double)
            #expect(acc >= 0 && acc <= 1)
        }
        #expect(val.map { $0["step"] as? Int } == [1, 2] && val.allSatisfy { $0["coco/AP"] != nil })
        // the merged config, saved beside them, reads back as the same config
        let stamp = try #require(try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasPrefix("20") }.sorted().last)
        let saved = try Config.load(path: "\(work)/\(stamp)/vis_data/config.py")
        var merged = try Config.load(path: config)
        try merged.apply(options: ["train_cfg.val_interval=1"])
        #expect(saved.root == merged.root)

        // pose-analyze plot: one panel per key, each run a colour
        let analyze = try executable("pose-analyze")
        let png = dir + "/curves.png"
        var (status, output) = try run([analyze, "plot", work, work, "--keys", "loss", "acc_pose", "coco/AP", "--legend", "a", "b", "--out", png])
        #expect(status == 0, "\(output)")
        let curves = try ImageFile.read(path: png)
        #expect(curves.width == 900 && curves.height == 3 * 320)
        func count(_ image: RGBImage, _ c: (UInt8, UInt8, UInt8)) -> Int {
            stride(from: 0, to: image.pixels.count, by: 3).filter { (image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2]) == c }.count
        }
        #expect(count(curves, (31, 119, 180)) > 100 && count(curves, (255, 127, 14)) > 100)
        (status, output) = try run([analyze, "plot", work, "--keys", "NME", "--out", png])
        #expect(status != 0 && output.contains("has no 'NME' (it has ") && output.contains("coco/AP"))

        // pose-analyze browse: augmented 64×64 inputs with their skeletons
        (status, output) = try run([analyze, "browse", config, "--out", dir + "/browse", "--num", "3"])
        #expect(status == 0, "\(output)")
        let browsed = try FileManager.default.contentsOfDirectory(atPath: dir + "/browse").sorted()
        #expect(browsed.count == 3 && browsed.allSatisfy { $0.hasSuffix(".png") })
        let sample = try ImageFile.read(path: dir + "/browse/" + browsed[0])
        #expect(sample.width == 64 && sample.height == 64)
        (status, output) = try run([analyze, "browse", config, "--out", dir + "/original", "--num", "2", "--mode", "original", "--phase", "val"])
        #expect(status == 0, "\(output)")
        let originals = try FileManager.default.contentsOfDirectory(atPath: dir + "/original").sorted()
        let original = try ImageFile.read(path: dir + "/original/" + originals[0])
        #expect(originals.count == 2 && original.width == 96)

        // pose-analyze print-config prints a config that loads back as the merged one
        (status, output) = try run([analyze, "print-config", config, "--cfg-options", "train_cfg.max_epochs=7"])
        let printed = try #require(output.range(of: "Config:\n"), "\(output)")
        #expect(status == 0)
        try String(output[printed.upperBound...]).write(toFile: dir + "/printed.py", atomically: true, encoding: .utf8)
        var expected = try Config.load(path: config)
        try expected.apply(options: ["train_cfg.max_epochs=7"])
        #expect(try Config.load(path: dir + "/printed.py").root == expected.root)

        // pose-test: metrics JSON, a work dir with log and metrics, drawn predictions
        let checkpoint = work + "/epoch_2.safetensors"
        (status, output) = try run([try executable("pose-test"), config, checkpoint, "--out", dir + "/metrics.json",
                                    "--work-dir", dir + "/test", "--show-dir", "vis", "--radius", "3"])
        #expect(status == 0, "\(output)")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))) as? [String: Double]
        #expect(metrics?["coco/AP"] != nil)
        let testRun = try #require(try FileManager.default.contentsOfDirectory(atPath: dir + "/test").first)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/test/\(testRun)/\(testRun).json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/test/\(testRun)/vis").sorted()
                == ["000001000001_pose.png", "000001000002_pose.png", "000001000003_pose.png"])

        // pose-infer: every detection of the image above the threshold, or every --bbox
        let image = dir + "/data/val/000001000001.png"
        let detections: [[String: Any]] = [
            ["image_id": 1000001, "category_id": 1, "bbox": [4, 4, 40, 60], "score": 0.9],
            ["image_id": 1000001, "category_id": 1, "bbox": [30, 10, 40, 60], "score": 0.5],
            ["image_id": 1000001, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.1],
            ["image_id": 1000002, "category_id": 1, "bbox": [0, 0, 50, 50], "score": 0.9],
        ]
        try JSONSerialization.data(withJSONObject: detections).write(to: URL(fileURLWithPath: dir + "/det.json"))
        let infer = try executable("pose-infer")
        (status, output) = try run([infer, config, checkpoint, image, "--bbox-file", dir + "/det.json", "--bbox-thr", "0.3",
                                    "--out", dir + "/people.json", "--draw", dir + "/drawn", "--kpt-thr", "0", "--thickness", "2"])
        #expect(status == 0, "\(output)")
        let people = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/people.json"))) as! [[String: Any]]
        #expect(people.map { $0["bbox"] as! [Double] } == [[4, 4, 44, 64], [30, 10, 70, 70]])
        #expect(FileManager.default.fileExists(atPath: dir + "/drawn/000001000001_pose.png"))
        (status, output) = try run([infer, config, checkpoint, image, "--bbox", "1,1,40,40", "--bbox", "20,20,90,70", "--out", dir + "/two.json"])
        #expect(status == 0, "\(output)")
        let two = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/two.json"))) as! [Any]
        #expect(two.count == 2)
        (status, output) = try run([infer, config, checkpoint, dir + "/curves.png", "--bbox-file", dir + "/det.json"])
        #expect(status != 0 && output.contains("bbox_file images are matched by a numeric file name"), "\(output)")
    }
}
