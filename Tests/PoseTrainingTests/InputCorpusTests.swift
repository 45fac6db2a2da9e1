import Foundation
import Testing
import PoseData
@testable import PoseTraining

/// Every input that once crashed SwiftPose (issue 13's list), run as a user runs it, in a child
/// process: it must end with exit status 1 or 2, no signal, a one-line error naming the file,
/// key or flag and the value, and (for pose-train) nothing written.
@Suite(.serialized) struct InputCorpusTests {
    /// A dataset, the tiny config and a trained checkpoint, made once for the suite.
    final class Fixture: @unchecked Sendable {
        let dir: String, config: String, checkpoint: String
        init() throws {
            dir = try temporaryDirectory("corpus")
            try makeDataset(in: dir, train: 4, val: 2)
            config = try tinyConfig(in: dir, batchSize: 2, epochs: 1)
            let (status, output) = try run([try executable("pose-train"), config, "--work-dir", dir + "/trained"])
            guard status == 0 else { throw TrainingError("the corpus fixture did not train: \(output)") }
            checkpoint = dir + "/trained/epoch_1.safetensors"
        }
    }
    static let fixture = Result { try Fixture() }

    /// Runs `command`; expects status 1 or 2 and a last line `<tool>: error: ...` holding every fragment.
    func expectError(_ command: [String], _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, output) = try run(command, timeout: 60)
        let lines = output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("[pose-") }
        let last = lines.last ?? ""
        #expect(status == 1 || status == 2, "\(command.suffix(3)): status \(status) (signal: \(status > 128 ? status - 128 : 0)); \(output.suffix(600))",
                sourceLocation: sourceLocation)
        #expect(last.contains(": error: "), "\(command.suffix(3)): the last line is not an error: \(last)", sourceLocation: sourceLocation)
        for f in fragments {
            #expect(last.contains(f), "\(command.suffix(3)): '\(f)' not in: \(last)", sourceLocation: sourceLocation)
        }
    }

    /// `pose-train` with one --cfg-options value: an error, and no work dir left behind.
    func expectTrainError(_ option: String, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let f = try Self.fixture.get()
        let work = f.dir + "/w-\(UUID().uuidString)"
        try expectError([try executable("pose-train"), f.config, "--work-dir", work, "--cfg-options", option], fragments,
                        sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: work), "\(option): pose-train wrote \(work)", sourceLocation: sourceLocation)
    }

    @Test func cfgOptionsWithBracketsAndBadKeys() throws {
        try expectTrainError("x=f(1,2)", ["'f(1,2)'"])
        try expectTrainError("x=(1,2)x", ["'(1,2)x'"])
        try expectTrainError("x=((1,2)", ["imbalanced brackets"])
        try expectTrainError("optim_wrapper=dict(optimizer=dict(type='Adam',lr=1e-3))", ["optim_wrapper="])
        try expectTrainError(".=1", ["empty key"])
    }

    @Test func boxesOfZeroOrHugeSize() throws {
        let f = try Self.fixture.get()
        let pipeline = "train_dataloader.dataset.pipeline"
        try expectTrainError("\(pipeline).1.padding=0", ["\(pipeline).1.padding", "0.0"])
        try expectTrainError("\(pipeline).4.scale_factor=(0,0)", ["\(pipeline).4.scale_factor", "[0.0, 0.0]"])
        try expectTrainError("\(pipeline).4.rotate_factor=1e308", ["\(pipeline).4.rotate_factor", "1e+308"])
        // detections: a zero-size box is a detector's output and gets a prediction; a huge one is an error
        let detections = f.dir + "/data/person_detection_results/val_detections.json"
        var list = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: detections))) as! [[String: Any]]
        list[0]["bbox"] = [5, 5, 0, 0]
        let zero = f.dir + "/dets-zero.json", huge = f.dir + "/dets-huge.json"
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: zero))
        list[0]["bbox"] = [0, 0, 1e308, 1e308]
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: huge))
        let test = try executable("pose-test")
        let (status, output) = try run([test, f.config, f.checkpoint, "--cfg-options", "test_dataloader.dataset.bbox_file=\(zero)"])
        #expect(status == 0 && output.contains("coco/AP"), "\(output.suffix(800))")
        try expectError([test, f.config, f.checkpoint, "--cfg-options", "test_dataloader.dataset.bbox_file=\(huge)"],
                        ["dets-huge.json", "detection [0]", "1e+308"])
        // pose-infer: a 1x1 image (its whole-image box is one pixel), and boxes no image has
        let image = f.dir + "/one.jpg"
        try JPEG.write(RGBImage(width: 1, height: 1, pixels: [10, 20, 30]), path: image)
        let infer = try executable("pose-infer")
        let (s1, o1) = try run([infer, f.config, f.checkpoint, image])
        #expect(s1 == 0 && o1.contains("\"keypoints\""), "\(o1.suffix(800))")
        try expectError([infer, f.config, f.checkpoint, image, "--bbox", "0,0,1e308,1e308"], ["--bbox", "1e308"])
        try expectError([infer, f.config, f.checkpoint, image, "--bbox", "nan,0,1,1"], ["--bbox", "nan"])
    }

    @Test func codecThatDoesNotMatchTheHead() throws {
        try expectTrainError("train_dataloader.dataset.pipeline.6.encoder.heatmap_size=(12,16)", ["heatmap_size is (12, 16)", "(16, 16)"])
    }

    @Test func hugeOrInfiniteNumbersWhereIntegersAreExpected() throws {
        try expectTrainError("model.backbone.depth=1e300", ["model.backbone.depth", "1e+300"])
        try expectTrainError("train_cfg.max_epochs=1e20", ["train_cfg.max_epochs", "1e+20"])
        try expectTrainError("train_cfg.max_epochs=inf", ["train_cfg.max_epochs", "inf"])
        let f = try Self.fixture.get()
        let cases: [(String, [String])] = [
            ("x = 9223372036854775807 + 1", ["integer overflow", "9223372036854775807 + 1"]),
            ("x = abs(-9223372036854775807 - 1)", ["integer overflow", "abs"]),
            ("x = int(1e999)", ["int() of inf"]),
            ("x = int(float('nan'))", ["int() of nan"]),
            ("x = [0] * 100000000000000", ["100000000000000 times"]),
            ("x = range(9223372036854775807)", ["range(9223372036854775807)"]),
            ("x = " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000), ["nested or chained deeper"]),
            ("x = " + Array(repeating: "1", count: 40_000).joined(separator: "+"), ["nested or chained deeper"]),
            ("x = 1 // 0", ["division or modulo by zero"]),
        ]
        for (i, (line, fragments)) in cases.enumerated() {
            let path = f.dir + "/lang-\(i).py"
            try "_base_ = ['\(f.config)']\n\(line)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try expectError([try executable("pose-train"), path, "--work-dir", f.dir + "/lang-w"], ["lang-\(i).py:2:"] + fragments)
        }
        #expect(!FileManager.default.fileExists(atPath: f.dir + "/lang-w"))
    }

    @Test func negativeZeroOrHugeSizes() throws {
        try expectTrainError("model.backbone.stem_channels=-1", ["model.backbone.stem_channels", "-1"])
        try expectTrainError("model.head.out_channels=-1", ["model.head.out_channels", "-1"])
        try expectTrainError("model.head.deconv_kernel_sizes=(-1,4,4)", ["model.head.deconv_kernel_sizes", "-1"])
        try expectTrainError("train_dataloader.dataset.pipeline.5.input_size=(-1,0)", ["input_size", "(-1, 0)"])
        try expectTrainError("model.backbone.strides=(1,2,2,0)", ["model.backbone.strides", "0"])
        try expectTrainError("model.head.in_channels=0", ["model.head.in_channels", "0"])
        try expectTrainError("model.backbone.base_channels=4611686018427387904", ["model.backbone.base_channels", "4611686018427387904"])
        try expectTrainError("train_dataloader.batch_size=100000000000", ["train_dataloader.batch_size", "100000000000"])
    }

    @Test func codecValues() throws {
        let encoder = "train_dataloader.dataset.pipeline.6.encoder"
        try expectTrainError("\(encoder).sigma=-2", ["\(encoder).sigma", "-2.0"])
        try expectTrainError("\(encoder).sigma=1e300", ["\(encoder).sigma", "1e+300"])
        try expectTrainError("\(encoder).sigma=nan", ["\(encoder).sigma", "nan"])
        try expectTrainError("\(encoder).heatmap_size=(-1,-1)", ["\(encoder).heatmap_size", "(-1, -1)"])
        try expectTrainError("\(encoder).input_size=(0,0)", ["\(encoder).input_size", "(0, 0)"])
        try expectTrainError("\(encoder).blur_kernel_size=-3", ["\(encoder).blur_kernel_size", "-3"])
        try expectTrainError("\(encoder).blur_kernel_size=1000001", ["\(encoder).blur_kernel_size", "1000001"])
    }

    @Test func negativeSeed() throws {
        try expectTrainError("randomness.seed=-1", ["randomness.seed", "-1"])
    }

    /// A checkpoint with its header rewritten (its tensor bytes kept).
    func damagedSafetensors(_ edit: (inout [String: Any]) -> Void, name: String) throws -> String {
        try rewrittenSafetensors(name: name) { header, _, _ in edit(&header) }
    }

    /// The fixture's checkpoint with its header rewritten by `edit`, which also gets the file's
    /// bytes and the header's length (for checksums over the tensors).
    func rewrittenSafetensors(name: String, _ edit: (inout [String: Any], Data, Int) throws -> Void) throws -> String {
        let f = try Self.fixture.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: f.checkpoint))
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
        try edit(&header, data, length)
        let json = try JSONSerialization.data(withJSONObject: header)
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(data.subdata(in: (8 + length)..<data.count))
        let path = f.dir + "/\(name).safetensors"
        try out.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func damagedSafetensors() throws {
        let f = try Self.fixture.get()
        func firstTensor(_ header: [String: Any]) -> String { header.keys.filter { $0 != "__metadata__" }.sorted()[0] }
        let cases: [(String, ([String: Any]) -> [String: Any], [String])] = [
            ("inverted", { var e = $0; e["data_offsets"] = [8, 0]; return e }, ["data_offsets [8, 0]"]),
            ("near-max", { var e = $0; e["data_offsets"] = [0, 9_223_372_036_854_775_000]; return e }, ["data_offsets"]),
            ("negative", { var e = $0; e["data_offsets"] = [-16, 0]; return e }, ["data_offsets"]),
            ("small-negative", { var e = $0; e["data_offsets"] = [-4, 4]; return e }, ["data_offsets"]),
            ("overflow", { var e = $0; e["shape"] = [4_294_967_296, 4_294_967_296, 4]; return e }, ["shape"]),
        ]
        for (name, edit, fragments) in cases {
            let path = try damagedSafetensors({ header in
                let key = firstTensor(header)
                header[key] = edit(header[key] as! [String: Any])
            }, name: name)
            try expectError([try executable("pose-test"), f.config, path], [path] + fragments)
            try expectError([try executable("pose-train"), f.config, "--work-dir", f.dir + "/load-w", "--load-from", path], [path] + fragments)
        }
    }

    @Test func damagedTorchCheckpoints() throws {
        let f = try Self.fixture.get()
        let tensor = { (offset: [UInt8], shape: [[UInt8]], stride: [[UInt8]]) in
            TorchArchive.rebuildTensor(key: "0", offset: offset, shape: shape, stride: stride)
        }
        let int = TorchArchive.binint
        let cases: [(String, [UInt8], [String])] = [
            ("negative-shape", tensor(int(0), [int(-4)], [int(1)]), ["shape [-4]"]),
            ("shape-overflow", tensor(int(0), [TorchArchive.long(Int64.max), TorchArchive.long(Int64.max)], [int(1), int(1)]), ["shape"]),
            ("offset-overflow", tensor(TorchArchive.long(Int64.max / 2), [int(4)], [int(1)]), ["offset"]),
            ("negative-offset", tensor(int(-1_000_000), [int(4)], [int(1)]), ["offset -1000000"]),
            ("unicode8-negative", TorchArchive.unicode8(length: UInt64(bitPattern: -5)), ["a length of -1"]),
            ("unicode8-huge", TorchArchive.unicode8(length: 1 << 40), ["runs past the end"]),
            ("nested", TorchArchive.nested(depth: 1_000_000), ["nested deeper than"]),
        ]
        for (name, pickle, fragments) in cases {
            let path = f.dir + "/\(name).pth"
            try Data(TorchArchive.zip(pickle: pickle)).write(to: URL(fileURLWithPath: path))
            try expectError([try executable("pose-test"), f.config, path], [path] + fragments)
        }
        let valid = TorchArchive.zip(pickle: tensor(int(0), [int(4)], [int(1)]))
        let zipCases: [(String, (inout [UInt8]) -> Void)] = [
            ("name-length", { TorchArchive.patchCentral(&$0, field: 28, value: 0xFFFF) }),
            ("extra-length", { TorchArchive.patchCentral(&$0, field: 30, value: 0xFFFF) }),
            ("zip64", { TorchArchive.breakZip64(&$0) }),
        ]
        for (name, damage) in zipCases {
            var bytes = valid
            damage(&bytes)
            let path = f.dir + "/zip-\(name).pth"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            try expectError([try executable("pose-test"), f.config, path], [path])
        }
    }

    @Test func annotationNumbersNoImageHas() throws {
        let f = try Self.fixture.get()
        let source = f.dir + "/data/annotations/person_keypoints_train.json"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as! [String: Any]
        let edits: [(String, (inout [String: Any]) -> Void, [String])] = [
            ("width-min", { j in var im = j["images"] as! [[String: Any]]; im[0]["width"] = Int.min; j["images"] = im }, ["images[0]", "width"]),
            ("width-huge", { j in var im = j["images"] as! [[String: Any]]; im[0]["width"] = 1e300; j["images"] = im }, ["images[0]", "width"]),
            ("keypoint-huge", { j in
                var a = j["annotations"] as! [[String: Any]]; var k = a[0]["keypoints"] as! [Any]; k[0] = 1e308
                a[0]["keypoints"] = k; j["annotations"] = a }, ["annotations[0].keypoints", "1e+308"]),
        ]
        for (name, edit, fragments) in edits {
            var j = json
            edit(&j)
            let path = f.dir + "/ann-\(name).json"
            try JSONSerialization.data(withJSONObject: j).write(to: URL(fileURLWithPath: path))
            try expectTrainError("train_dataloader.dataset.ann_file=\(path)", [path] + fragments)
        }
    }

    @Test func flags() throws {
        let f = try Self.fixture.get()
        let bench = try executable("pose-bench"), data = try executable("pose-data")
        try expectError([bench, "model", f.config, "--warmup", "0", "--steps", "0"], ["--steps 0"])
        try expectError([bench, "model", f.config, "--batch", "100000000000"], ["--batch 100000000000"])
        try expectError([bench, "model", "--depth", "18", "--batch", "4096", "--height", "4096", "--width", "4096"], ["--batch 4096 at 4096x4096", "GiB"])
        try expectError([data, "synth", "--out", f.dir + "/s", "--size", "9223372036854775807x32"], ["--size '9223372036854775807x32'"])
        try expectError([data, "synth", "--out", f.dir + "/s", "--size", "100000x100000"], ["--size '100000x100000'"])
        try expectError([data, "synth", "--out", f.dir + "/s", "--dataset-type", "NopeDataset"], ["--dataset-type 'NopeDataset'", "CocoWholeBodyDataset"])
        try expectError([data, "synth", "--out", f.dir + "/s", "--metainfo", "coco.py"], ["--metainfo needs --dataset-type"])
        try expectError([data, "synth", "--out", f.dir + "/s", "--dataset-type", "CocoWholeBodyDataset", "--metainfo", "coco.py"],
                        ["CocoWholeBodyDataset writes COCO-WholeBody's 133 keypoints", "'coco' has 17"])
        #expect(!FileManager.default.fileExists(atPath: f.dir + "/s"))
    }
}

extension InputCorpusTests {
    /// The mutation fuzzer (pose-bench fuzz) over every input kind, a few thousand cases in a
    /// child process: any signal or a hang fails. tools/fuzz.sh runs it longer.
    @Test func fuzzedInputsNeverCrash() throws {
        let f = try Self.fixture.get()
        let (status, output) = try run([try executable("pose-bench"), "fuzz", "--config", f.config, "--checkpoint", f.checkpoint,
                                        "--pth", repositoryRoot + "/Tests/Fixtures/parity/resnet18_sb.pth",
                                        "--annotations", f.dir + "/data/annotations/person_keypoints_train.json",
                                        "--image", f.dir + "/data/train/" + (try FileManager.default.contentsOfDirectory(atPath: f.dir + "/data/train").sorted()[0]),
                                        "--scratch", f.dir + "/fuzz", "--cases", "3000", "--seed", "7"], timeout: 240)
        #expect(status == 0, "the fuzzer ended with status \(status); the case is in \(f.dir)/fuzz/current.*: \(output.suffix(1500))")
        #expect(output.contains("fuzz: 3000 cases") && output.contains("none crashed or hung"), "\(output.suffix(800))")
    }
}
