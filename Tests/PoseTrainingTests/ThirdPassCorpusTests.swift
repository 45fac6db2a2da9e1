import Foundation
import Testing
import PoseCLI
import PoseConfig
import PoseData
import PoseModels
import PoseNN
import PoseTensor
@testable import PoseTraining

/// Issue 21's classes (the third bad-input pass), each run as a user runs it: a one-line error
/// naming the file, key or flag with status 1 or 2 (or, for valid input, the right result), no
/// signal, and no file touched outside what the user named.
extension InputCorpusTests {
    /// A copy of the fixture's checkpoint whose SwiftPose metadata `edit` changed; with
    /// `formatOne`, written as format 1, whose checksum covers the tensor bytes only (so the
    /// metadata reaches its checks).
    func checkpointWithMetadata(_ name: String, formatOne: Bool = true, _ edit: (inout [String: Any]) -> Void) throws -> String {
        try rewrittenSafetensors(name: name) { header, data, length in
            var metadata = header["__metadata__"] as! [String: String]
            var meta = try JSONSerialization.jsonObject(with: Data(metadata["swiftpose"]!.utf8)) as! [String: Any]
            edit(&meta)
            if formatOne {
                meta["format"] = "swiftpose-checkpoint-1"
                let ranges = header.compactMap { (key, value) -> Range<Int>? in
                    guard key != "__metadata__", let offsets = (value as? [String: Any])?["data_offsets"] as? [Int] else { return nil }
                    return (8 + length + offsets[0])..<(8 + length + offsets[1])
                }.sorted { $0.lowerBound < $1.lowerBound }
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                data.withUnsafeBytes { raw in for r in ranges { h = SafeTensors.checksum(UnsafeRawBufferPointer(rebasing: raw[r]), seed: h) } }
                meta["dataChecksum"] = String(h, radix: 16)
            }
            metadata["swiftpose"] = String(decoding: try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]), as: UTF8.self)
            header["__metadata__"] = metadata
        }
    }

    @Test func evaluationGroundTruthIsValidatedLikeTrainingData() throws {
        let f = try Self.fixture.get()
        let source = f.dir + "/data/annotations/person_keypoints_val.json"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as! [String: Any]
        let edits: [(String, (inout [String: Any]) -> Void, String)] = [
            ("short", { $0["keypoints"] = [1, 2, 2] }, "has 3 keypoint numbers; expected 51"),
            ("null", { $0["keypoints"] = NSNull() }, "has no keypoints"),
            ("missing", { $0["keypoints"] = nil }, "has no keypoints"),
            ("bbox", { $0["bbox"] = [1, 2] }, "has a bbox of 2 numbers; expected 4"),
        ]
        for (name, edit, message) in edits {
            var j = json
            var annotations = j["annotations"] as! [[String: Any]]
            edit(&annotations[0])
            j["annotations"] = annotations
            let path = f.dir + "/gt-\(name).json"
            try JSONSerialization.data(withJSONObject: j).write(to: URL(fileURLWithPath: path))
            try expectError([try executable("pose-test"), f.config, f.checkpoint, "--cfg-options", "test_evaluator.ann_file=\(path)"],
                            [path, "annotations[0]", message])
            // pose-train reads it before training, not at the first validation
            try expectTrainError("val_evaluator.ann_file=\(path)", [path, "annotations[0]", message])
        }
    }

    /// A pickle that nests 60,000 lists through its memo (BINPUT, BINGET, APPEND): the depth
    /// count of the stack cannot see it, and freeing it recursively overflowed the stack.
    @Test func picklesNestedThroughTheMemoAreFreedWithoutRecursion() throws {
        let f = try Self.fixture.get()
        let n = 60_000
        var p: [UInt8] = [0x80, 0x02]
        for i in 0..<n { p += [0x5D, 0x72] + TorchArchive.u32(i) }                          // EMPTY_LIST, LONG_BINPUT i
        for i in 1..<n { p += [0x6A] + TorchArchive.u32(i - 1) + [0x6A] + TorchArchive.u32(i) + [0x61] }  // list i-1 gets list i
        p += [0x7D] + TorchArchive.text("chain") + [0x6A] + TorchArchive.u32(0) + [0x73, 0x2E]     // {'chain': list 0}
        let path = f.dir + "/memo-chain.pth"
        try Data(TorchArchive.zip(pickle: p)).write(to: URL(fileURLWithPath: path))
        try expectError([try executable("pose-test"), f.config, path], [path, "no tensors found"])
    }

    @Test func checkpointMetadataIsChecked() throws {
        let f = try Self.fixture.get()
        let huge = try checkpointWithMetadata("meta-iteration") { $0["iteration"] = Int.max }
        try expectError([try executable("pose-test"), f.config, huge], [huge, "metadata iteration = 9223372036854775807 is not a run's"])
        let steps = try checkpointWithMetadata("meta-steps") { $0["optimizerSteps"] = Int.max }
        try expectError([try executable("pose-train"), f.config, "--work-dir", f.dir + "/meta-w", "--load-from", steps],
                        [steps, "optimizerSteps = 9223372036854775807"])
        // format 2's checksum covers the metadata: an edit is damage
        let edited = try checkpointWithMetadata("meta-format2", formatOne: false) { $0["epoch"] = 7 }
        try expectError([try executable("pose-test"), f.config, edited], [edited, "checksum mismatch"])
        // a hook state that does not decode names the file and the hook
        let state = try checkpointWithMetadata("meta-hook") { meta in
            var states = meta["hookStates"] as? [String: String] ?? [:]
            states["CheckpointHook"] = "{\"kept\": 3}"
            meta["hookStates"] = states
        }
        let work = f.dir + "/hook-state"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: state, toPath: work + "/epoch_1.safetensors")
        try "epoch_1.safetensors".write(toFile: work + "/last_checkpoint", atomically: true, encoding: .utf8)
        try expectError([try executable("pose-train"), f.config, "--work-dir", work, "--resume", "--cfg-options", "train_cfg.max_epochs=2"],
                        ["epoch_1.safetensors", "the saved state of CheckpointHook cannot be read", "kept"])
    }

    /// A format-1 checkpoint whose `kept` list names the log folder, `last_checkpoint` and the
    /// lock: a resume with `max_keep_ckpts=1` deletes only checkpoints it wrote.
    @Test func checkpointHookDeletesOnlyItsOwnCheckpoints() throws {
        let f = try Self.fixture.get()
        let work = f.dir + "/kept"
        try FileManager.default.createDirectory(atPath: work + "/20260101_000000", withIntermediateDirectories: true)
        try "precious".write(toFile: work + "/20260101_000000/20260101_000000.log", atomically: true, encoding: .utf8)
        try "precious".write(toFile: work + "/notes.txt", atomically: true, encoding: .utf8)
        let damaged = try checkpointWithMetadata("meta-kept") { meta in
            var states = meta["hookStates"] as? [String: String] ?? [:]
            states["CheckpointHook"] = "{\"kept\": [\"20260101_000000\", \"last_checkpoint\", \".lock\", \"notes.txt\", \"../outside\", \"epoch_1.safetensors\"]}"
            meta["hookStates"] = states
        }
        try FileManager.default.copyItem(atPath: damaged, toPath: work + "/epoch_1.safetensors")
        try "epoch_1.safetensors".write(toFile: work + "/last_checkpoint", atomically: true, encoding: .utf8)
        let (status, output) = try run([try executable("pose-train"), f.config, "--work-dir", work, "--resume", "--cfg-options",
                                        "train_cfg.max_epochs=3", "default_hooks.checkpoint.max_keep_ckpts=1"], timeout: 300)
        #expect(status == 0, "\(output.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: work + "/20260101_000000/20260101_000000.log"))
        #expect(FileManager.default.fileExists(atPath: work + "/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: work + "/last_checkpoint"))
        #expect(FileManager.default.fileExists(atPath: work + "/epoch_3.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: work + "/epoch_2.safetensors"), "its own older checkpoints still go")
        // the hook's own rule, and removal of a folder under a checkpoint's name
        let settings = CheckpointHookSpec(interval: 1)
        #expect(settings.writes("epoch_12.safetensors") && settings.writes("iter_7.safetensors"))
        #expect(!settings.writes("20260101_000000") && !settings.writes("last_checkpoint") && !settings.writes(".lock") && !settings.writes("../epoch_1.safetensors"))
        #expect(settings.writes("best_coco_AP_epoch_3.safetensors", best: true) && !settings.writes("epoch_3.safetensors", best: true))
        try FileManager.default.createDirectory(atPath: work + "/epoch_9.safetensors", withIntermediateDirectories: true)
        CheckpointHook.remove("epoch_9.safetensors", in: work)
        #expect(FileManager.default.fileExists(atPath: work + "/epoch_9.safetensors"), "a folder is never removed")
    }

    /// `out_dir/<work dir name>` belongs to one work dir: a second work dir of the same name, or
    /// a copy of the first resumed elsewhere, is refused instead of overwriting (and, with
    /// `max_keep_ckpts`, deleting) the first run's checkpoints.
    @Test func outDirBelongsToOneWorkDir() throws {
        let f = try Self.fixture.get()
        let out = f.dir + "/shared-out", first = f.dir + "/a/run", second = f.dir + "/b/run", copy = f.dir + "/c/run"
        let options = ["--cfg-options", "default_hooks.checkpoint.out_dir=\(out)", "default_hooks.checkpoint.max_keep_ckpts=1"]
        let (status, output) = try run([try executable("pose-train"), f.config, "--work-dir", first] + options, timeout: 300)
        #expect(status == 0, "\(output.suffix(1000))")
        let before = try FileManager.default.contentsOfDirectory(atPath: out + "/run").sorted()
        #expect(before.contains("epoch_1.safetensors"))
        try expectError([try executable("pose-train"), f.config, "--work-dir", second] + options,
                        ["default_hooks.checkpoint.out_dir", "holds the checkpoints of the run in \(first)"])
        try FileManager.default.createDirectory(atPath: f.dir + "/c", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: first, toPath: copy)
        try expectError([try executable("pose-train"), f.config, "--work-dir", copy, "--resume"] + options + ["train_cfg.max_epochs=2"],
                        ["holds the checkpoints of the run in \(first)"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/run").sorted() == before)
    }

    /// `--out` and `--dump` write through to what they name and are checked before evaluating.
    @Test func outputPathsAreWrittenThroughAndCheckedFirst() throws {
        let f = try Self.fixture.get()
        let test = try executable("pose-test")
        let dir = f.dir + "/outputs"
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try "old".write(toFile: dir + "/real/metrics.json", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/metrics.json", withDestinationPath: "real/metrics.json")
        let (status, output) = try run([test, f.config, f.checkpoint, "--out", dir + "/metrics.json", "--dump", "/dev/stdout"])
        #expect(status == 0, "\(output.suffix(800))")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/metrics.json") == "real/metrics.json")
        #expect(try String(contentsOfFile: dir + "/real/metrics.json", encoding: .utf8).contains("coco/AP"))
        #expect(output.contains("\"image_id\""), "the results went to standard output")
        // unwritable outputs stop the run before any evaluation
        for (flag, path, fragment) in [("--out", dir + "/missing/m.json", "does not exist"), ("--dump", dir, "is a folder"),
                                       ("--out", "/dev/sda", "block device")] where flag != "--out" || path != "/dev/sda" || FileManager.default.fileExists(atPath: "/dev/sda") {
            let (s, o) = try run([test, f.config, f.checkpoint, flag, path])
            #expect(s == 1 && o.contains("\(flag) \(path)") && o.contains(fragment), "\(o.suffix(400))")
            #expect(!o.contains("evaluated"), "\(flag) \(path) was found unwritable only after evaluating")
        }
        try "a file".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        try expectError([try executable("pose-train"), f.config, "--work-dir", dir + "/file/work"], ["work dir", "is a file, not a folder"])
        try expectError([test, f.config, f.checkpoint, "--work-dir", dir + "/file"], ["--work-dir", "is a file, not a folder"])
    }

    /// A model that predicts NaN gets its metrics and results written as MMPose writes them.
    @Test func nanPredictionsAreWrittenAsPythonWritesThem() throws {
        let f = try Self.fixture.get()
        let model = try buildTopdown(try settings(f.config))
        _ = try Checkpoint.loadWeights(try Checkpoint.load(path: f.checkpoint), into: model, strict: true)
        for (name, p) in model.state.parameters where name.hasPrefix("head.final_layer") { p.value.buffer.update(repeating: .nan) }
        let path = f.dir + "/nan.safetensors"
        try Checkpoint.save(model: model, optimizer: nil, contents: CheckpointContents(meta: CheckpointMeta(
            epoch: 1, iteration: 2, optimizerSteps: 2, optimizer: "Adam", seed: 3, worldSize: 1)), to: path)
        let (status, output) = try run([try executable("pose-test"), f.config, path, "--out", f.dir + "/nan-metrics.json",
                                        "--dump", f.dir + "/nan-results.json"])
        #expect(status == 0, "\(output.suffix(800))")
        #expect(try String(contentsOfFile: f.dir + "/nan-results.json", encoding: .utf8).contains("NaN"))
        #expect(FileManager.default.fileExists(atPath: f.dir + "/nan-metrics.json"))
    }

    /// Environment variables that reach C libraries and conversions.
    @Test func threadCountsFromTheEnvironmentAreChecked() throws {
        let f = try Self.fixture.get()
        for (name, value) in [("OPENBLAS_NUM_THREADS", "100000"), ("OMP_NUM_THREADS", "0"), ("OMP_NUM_THREADS", "4,100000"), ("SLURM_CPUS_PER_TASK", "x")] {
            let child = try ChildProcess([try executable("pose-test"), f.config, f.checkpoint], environment: [name: value])
            let status = child.finish(timeout: 60)
            #expect(status == 1 && child.text.contains("environment variable \(name)=\(value): expected a whole number of threads from 1 to 1024"),
                    "\(name)=\(value): status \(status): \(child.text.suffix(400))")
        }
        #expect(BLASSetup.environmentProblem(["OMP_NUM_THREADS": "2,1", "OPENBLAS_NUM_THREADS": "1"]) == nil)
    }

    @Test func simccSigmasThatBecomeBinCountsAreRanged() throws {
        for sigma in ["float('inf')", "1e300", "1e17", "0"] {
            let text = "codec = dict(type='SimCCLabel', input_size=(64, 64), sigma=\(sigma), use_dark=True)\n"
            let dir = try temporaryDirectory("simcc")
            try text.write(toFile: dir + "/c.py", atomically: true, encoding: .utf8)
            let config = try Config.load(path: dir + "/c.py")
            guard case .dict(let codec)? = config.root["codec"] else { Issue.record("no codec dict"); continue }
            #expect { _ = try Components.stock.codecs.build(ConfigReader(codec, path: "codec", file: dir + "/c.py"), context: BuildContext(components: .stock)) }
                throws: { "\($0)".contains("codec.sigma: must be in 0.01...1000.0") }
        }
    }

    /// Sizes within the config limits that would take tens of gigabytes are refused from their
    /// estimate, with the figure, before anything is allocated.
    @Test func sizesThatCannotFitAreRefusedWithTheFigure() throws {
        let f = try Self.fixture.get()
        let bench = try executable("pose-bench")
        try expectError([bench, "model", f.config, "--count-only", "--cfg-options", "model.head.deconv_out_channels=(65536,65536,65536)"],
                        ["model: ", "parameters", "GiB to build and train"])
        try expectError([bench, "model", f.config, "--count-only", "--batch", "1", "--cfg-options", "model.head.decoder.input_size=(16384,16384)",
                         "model.backbone.stem_channels=64", "val_dataloader.batch_size=1", "test_dataloader.batch_size=1", "train_dataloader.batch_size=1"], ["--batch 1 at 16384x16384", "of activations", "per image"])
        try expectTrainError("model.backbone.base_channels=2048", ["model: ", "GiB to build and train"])
        let (status, output) = try run([bench, "model", f.config, "--count-only"])
        #expect(status == 0 && output.contains("estimated before building: ") && output.contains("activations per image"), "\(output.suffix(600))")
        let data = try executable("pose-data")
        try expectError([data, "synth", "--out", f.dir + "/big-synth", "--dataset-type", "CocoWholeBodyDataset", "--train", "5000000"],
                        ["--train 5000000", "with --dataset-type CocoWholeBodyDataset"])
        #expect(!FileManager.default.fileExists(atPath: f.dir + "/big-synth"))
        // a safetensors header past the limit is refused, not parsed
        var header = [UInt8](repeating: 0x20, count: SafeTensors.maximumHeaderBytes + 8)
        header[0] = UInt8(ascii: "{")
        var bytes = Array(withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }) + header
        bytes[8 + header.count - 1] = UInt8(ascii: "}")
        try Data(bytes).write(to: URL(fileURLWithPath: f.dir + "/big-header.safetensors"))
        try expectError([try executable("pose-test"), f.config, f.dir + "/big-header.safetensors"],
                        ["big-header.safetensors", "larger than SwiftPose reads"])
    }

    /// `.pth` files: big-endian storages load as the same weights; two pickles are an error.
    @Test func torchArchivesByteOrderAndPickleCount() throws {
        let values: [Float] = [1.5, -2.25, 3.0e-4, 65504]
        let pickle = TorchArchive.rebuildTensor(key: "0", offset: TorchArchive.binint(0), shape: [TorchArchive.binint(4)], stride: [TorchArchive.binint(1)])
        func storage(bigEndian: Bool) -> [UInt8] {
            values.flatMap { v -> [UInt8] in
                let bits = bigEndian ? v.bitPattern.bigEndian : v.bitPattern.littleEndian
                return withUnsafeBytes(of: bits) { Array($0) }
            }
        }
        for bigEndian in [false, true] {
            var entries = [("archive/data.pkl", pickle), ("archive/data/0", storage(bigEndian: bigEndian))]
            if bigEndian { entries.append(("archive/byteorder", Array("big".utf8))) }
            let loaded = try TorchCheckpoint.load(data: Data(TorchArchive.zip(entries: entries)), path: "w.pth")
            let t = Tensor(zeros: [4])
            try Checkpoint.readFloats(loaded.tensors["weight"]!, from: loaded, key: "weight", into: t.data, count: 4)
            #expect(t.array == values, "byteorder \(bigEndian ? "big" : "little")")
        }
        let two = TorchArchive.zip(entries: [("a/data.pkl", pickle), ("a/data/0", storage(bigEndian: false)), ("b/data.pkl", pickle)])
        #expect { try TorchCheckpoint.load(data: Data(two), path: "two.pth") } throws: { "\($0)".contains("two.pth: the archive holds 2 pickles") }
        let odd = TorchArchive.zip(entries: [("archive/data.pkl", pickle), ("archive/data/0", storage(bigEndian: false)), ("archive/byteorder", Array("middle".utf8))])
        #expect { try TorchCheckpoint.load(data: Data(odd), path: "odd.pth") } throws: { "\($0)".contains("byteorder 'middle'") }
    }

    /// pose-infer: boxes with negative corners, folders, and unreadable images among readable ones.
    @Test func poseInferTakesNegativeBoxesAndFolders() throws {
        let f = try Self.fixture.get()
        let infer = try executable("pose-infer")
        let images = f.dir + "/infer-images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        let first = try FileManager.default.contentsOfDirectory(atPath: f.dir + "/data/val").sorted()[0]
        try FileManager.default.copyItem(atPath: f.dir + "/data/val/" + first, toPath: images + "/a.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: URL(fileURLWithPath: images + "/b.jpg"))
        let (s1, o1) = try run([infer, f.config, f.checkpoint, images + "/a.jpg", "--bbox", "-10,-5,40,60"])
        #expect(s1 == 0 && o1.contains("\"keypoints\""), "\(o1.suffix(600))")
        let (s2, o2) = try run([infer, f.config, f.checkpoint, images, "--out", f.dir + "/infer.json"])
        #expect(s2 == 1 && o2.contains("skipped: \(images)/b.jpg") && o2.contains("1 image could not be read"), "\(o2.suffix(600))")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.dir + "/infer.json"))) as? [[String: Any]]
        #expect(results?.count == 1 && (results?.first?["image"] as? String)?.hasSuffix("a.jpg") == true)
    }
}
