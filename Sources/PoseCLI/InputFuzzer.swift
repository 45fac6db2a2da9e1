import Foundation
import PoseData
import PoseModels
import PoseDistributed
import PoseTensor
import PoseTraining

/// A seeded, bounded mutation fuzzer over everything a user hands SwiftPose: config files (the
/// config language and the decoders behind it), `--cfg-options`, `.safetensors` and `.pth`
/// checkpoints, COCO annotation json, JPEG, PNG and BMP headers, and (issue 21's surfaces)
/// evaluation ground truth, pickle memo structures, config programs against the evaluation
/// budget, checkpoint metadata, output path kinds and environment variables. Each case mutates
/// a valid seed input (or generates one) and reads it the way the tools do; an error is the
/// expected outcome of bad input, and any trap, crash, hang or memory blow-up is a bug (the
/// process dies, or `pose-bench fuzz`'s watchdog ends it). The case being read is written to
/// `scratch/current.*` first, so a crash leaves its input.
public struct InputFuzzer {
    /// The valid inputs every case starts from.
    public struct Seeds {
        /// A config (its `_base_` paths absolute) whose model is small.
        public var config: String
        /// A checkpoint of that config's model.
        public var checkpoint: String
        /// A `torch.save` state dict.
        public var torchCheckpoint: String
        /// A COCO keypoint annotation file (the config's metainfo applies).
        public var annotations: String
        /// A JPEG image.
        public var image: String

        /// Creates the seeds from the paths of their files.
        public init(config: String, checkpoint: String, torchCheckpoint: String, annotations: String, image: String) {
            (self.config, self.checkpoint, self.torchCheckpoint, self.annotations, self.image) =
                (config, checkpoint, torchCheckpoint, annotations, image)
        }
    }

    /// The input kinds, each mutated and read in turn.
    public enum Target: String, CaseIterable, Sendable {
        /// `config`: the seed config's text mutated, loaded and decoded (its model built when
        /// every number is small).
        case configFile = "config"
        /// `cfg-options`: one mutated `--cfg-options` override applied to the seed config.
        case cfgOptions = "cfg-options"
        /// `safetensors`: the seed checkpoint's bytes mutated (mostly its JSON header), loaded into
        /// the seed model.
        case safetensors
        /// `pth`: the `torch.save` seed's bytes mutated and read as a checkpoint.
        case pth
        /// `annotations`: the seed COCO annotation file's text mutated and read as a `CocoDataset`.
        case annotations
        /// `jpeg`: the seed JPEG mutated (mostly its first 700 bytes) and decoded.
        case jpeg
        /// `eval-gt`: a mutated annotation file as a `CocoMetric`'s `ann_file`, checked and
        /// evaluated against predictions made from the seed annotations.
        case groundTruth = "eval-gt"
        /// `pickle`: a generated pickle of random memo traffic in a `.pth` zip, read as a checkpoint.
        case pickle
        /// `config-program`: a generated config program (loops, comprehensions, big numbers)
        /// loaded against the evaluation budget.
        case configProgram = "config-program"
        /// `ckpt-meta`: the seed checkpoint with its SwiftPose metadata mutated, loaded and its
        /// hook state read.
        case checkpointMetadata = "ckpt-meta"
        /// `output-path`: `--out` or `--work-dir` written to a random kind of path (link, FIFO,
        /// device, folder, …); nothing else may change.
        case outputPath = "output-path"
        /// `env`: random thread-count and rank-count environment variables, checked as
        /// `BLASSetup` reads them.
        case environment = "env"
        /// `png`: a PNG of the seed image mutated (mostly its first 200 bytes) and decoded.
        case png
        /// `bmp`: a BMP of the seed image mutated (mostly its 70-byte header) and decoded.
        case bmp
    }

    /// Per target: cases read, and how many ended in an error (the rest were accepted).
    public struct Tally: CustomStringConvertible {
        /// How many cases of each target were read.
        public var cases: [Target: Int] = [:]
        /// How many cases of each target ended in an error (the expected outcome of bad input).
        public var errors: [Target: Int] = [:]
        /// One line, `config 12 (9 errors), cfg-options 12 (3 errors), …`, in `Target.allCases` order.
        public var description: String {
            Target.allCases.map { "\($0.rawValue) \(cases[$0] ?? 0) (\(errors[$0] ?? 0) errors)" }.joined(separator: ", ")
        }
    }

    let seeds: Seeds
    let scratch: String
    var rng: RandomGenerator
    /// Predictions made from the seed annotations (their keypoints, full scores), so that
    /// evaluation cases run the OKS loops.
    let seedPredictions: [KeypointPrediction]
    let pngBytes: [UInt8], bmpBytes: [UInt8]
    private let configText: String
    let checkpointBytes: [UInt8], torchBytes: [UInt8], annotationText: String, imageBytes: [UInt8]
    private let seedSettings: ExperimentSettings
    private let seedModel: PoseEstimator
    let metainfo: DatasetMetainfo
    /// Seconds spent per target, to keep the suite's run short.
    public private(set) var seconds: [Target: Double] = [:]

    /// Reads every seed and prepares the derived ones (the seed model, PNG and BMP copies of the
    /// image, predictions from the seed annotations).
    /// - Parameters:
    ///   - seeds: The valid inputs the cases mutate.
    ///   - scratch: A folder (created if need be) that receives each case's input as `current.*`.
    ///   - seed: The seed of the mutations' random stream; the same seed replays the same cases.
    /// - Throws: `TrainingError` when a seed file is unreadable, or whatever loading the seed
    ///   config, annotations or image throws (the COCO metainfo is read from
    ///   `configs/_base_/datasets/coco.py`, relative to the working directory).
    public init(seeds: Seeds, scratch: String, seed: UInt64) throws {
        self.seeds = seeds
        self.scratch = scratch
        rng = RandomGenerator(seed: seed, stream: [0xF022])
        func bytes(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError("\(path): not found or unreadable") }
            return [UInt8](data)
        }
        configText = String(decoding: try bytes(seeds.config), as: UTF8.self)
        checkpointBytes = try bytes(seeds.checkpoint)
        torchBytes = try bytes(seeds.torchCheckpoint)
        annotationText = String(decoding: try bytes(seeds.annotations), as: UTF8.self)
        imageBytes = try bytes(seeds.image)
        seedSettings = try Job.loadSettings(path: seeds.config, options: [], components: .stock).1
        seedModel = try makeModel(seedSettings, seed: 0)
        metainfo = try DatasetMetainfo.resolve("configs/_base_/datasets/coco.py")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let annotations = try CocoAnnotationFile.load(path: seeds.annotations)
        seedPredictions = annotations.annotations.enumerated().compactMap { i, a in
            guard let kp = a.keypoints, kp.count % 3 == 0 else { return nil }
            let k = kp.count / 3
            return KeypointPrediction(id: i, imageId: a.imageId, keypoints: (0..<k).flatMap { [kp[3 * $0], kp[3 * $0 + 1]] },
                                      keypointScores: [Double](repeating: 1, count: k), bboxScore: 1, area: a.area ?? 100)
        }
        let decoded = try JPEG.decode(imageBytes, source: seeds.image)
        pngBytes = try PNG.encode(decoded)
        bmpBytes = InputFuzzer.bmp(decoded)
    }

    /// Runs `count` cases, cycling through the targets; `progress` sees every case's number and target.
    public mutating func run(cases count: Int, progress: (Int, Target) -> Void = { _, _ in }) -> Tally {
        var tally = Tally()
        let targets = Target.allCases
        for i in 0..<count {
            let target = targets[i % targets.count]
            progress(i, target)
            tally.cases[target, default: 0] += 1
            let start = monotonicSeconds()
            do { try runCase(target) } catch { tally.errors[target, default: 0] += 1 }
            seconds[target, default: 0] += monotonicSeconds() - start
        }
        return tally
    }

    private mutating func runCase(_ target: Target) throws {
        switch target {
        case .configFile:
            let path = scratch + "/current.py", text = mutateText(configText)
            try write(Array(text.utf8), to: path)
            let (_, settings) = try Job.loadSettings(path: path, options: [], components: .stock)
            try buildIfSmall(settings, text: text)
        case .cfgOptions:
            let option = mutateText(InputFuzzer.options[pick(InputFuzzer.options.count)])
            try write(Array(option.utf8), to: scratch + "/current.option")
            let (_, settings) = try Job.loadSettings(path: seeds.config, options: [option], components: .stock)
            try buildIfSmall(settings, text: option)
        case .safetensors:
            let path = scratch + "/current.safetensors"
            try write(mutateBytes(checkpointBytes, focus: 8 + headerLength(checkpointBytes)), to: path)
            try loadInto(path)
        case .pth:
            let path = scratch + "/current.pth"
            try write(mutateBytes(torchBytes, focus: torchBytes.count), to: path)
            _ = try Checkpoint.load(path: path)
        case .annotations:
            let path = scratch + "/current.json"
            try write(Array(mutateText(annotationText).utf8), to: path)
            _ = try CocoDataset(annotationFile: path, metainfo: metainfo)
        case .jpeg:
            // headers and the first scans: where sizes, tables and markers live
            let bytes = mutateBytes(imageBytes, focus: min(imageBytes.count, 700))
            try write(bytes, to: scratch + "/current.jpg")
            _ = try JPEG.decode(bytes, source: scratch + "/current.jpg")
        default:
            try runSurfaceCase(target)
        }
    }

    /// Settings whose every number is small also build their model and run one inference batch:
    /// large sizes are refused by range checks, and building them would only measure memory.
    private func buildIfSmall(_ settings: ExperimentSettings, text: String) throws {
        let numbers = text.split(whereSeparator: { !"0123456789.e".contains($0) }).compactMap { Double($0) }
        guard numbers.allSatisfy({ abs($0) <= 300 }) else { return }
        _ = try makeModel(settings, seed: 0)
    }

    private func loadInto(_ path: String) throws {
        _ = try Checkpoint.loadWeights(try Checkpoint.load(path: path), into: seedModel, strict: false)
    }

    private func headerLength(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 8 else { return 0 }
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        return min(max(n, 0), bytes.count - 8)
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TrainingError("\(path): cannot write the fuzz case")
        }
    }

    // MARK: mutations

    mutating func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }

    static let interestingNumbers = ["-1", "0", "1", "-0.0", "1e308", "-1e308", "1e-320", "nan", "inf", "float('nan')", "float('inf')",
                                     "9223372036854775807", "-9223372036854775808", "4611686018427387904", "65537", "2147483648",
                                     "1e20", "0.5", "3"]
    static let brackets = Array("()[]{},.=:+-*/%'\"0123456789eE_ \n#fx")
    static let interestingInts: [UInt64] = [0, 1, 0xFF, 0x7F, 0x80, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                            UInt64(Int64.max), UInt64(bitPattern: Int64.min), UInt64.max, 1 << 40]
    static let options = [
        "model.backbone.depth=18", "model.backbone.stem_channels=4", "model.head.out_channels=17",
        "model.head.deconv_out_channels=(8,8,8)", "model.head.deconv_kernel_sizes=(4,4,4)", "codec.sigma=2",
        "train_dataloader.batch_size=2", "train_cfg.max_epochs=2", "randomness.seed=0",
        "optim_wrapper=dict(optimizer=dict(type='Adam',lr=1e-3))", "param_scheduler=[dict(type='LinearLR',begin=0,end=3)]",
        "train_dataloader.dataset.pipeline.4.rotate_factor=30", "train_dataloader.dataset.pipeline.1.padding=1.25",
        "train_dataloader.dataset.pipeline.6.encoder=dict(type='MSRAHeatmap',input_size=(64,64),heatmap_size=(16,16),sigma=2)",
        "model.test_cfg.flip_test=True", "default_hooks.checkpoint.interval=1", "env_cfg.dist_cfg.timeout=30",
        "x=f(1,2)", "x=[1,(2,3),{'a':4}]",
    ]

    /// One to three edits of a text: a number replaced by an extreme one, characters inserted
    /// or deleted, a span repeated, or the text cut short.
    mutating func mutateText(_ text: String) -> String {
        var chars = Array(text)
        for _ in 0..<(1 + pick(3)) {
            guard !chars.isEmpty else { break }
            let at = pick(chars.count)
            switch pick(6) {
            case 0, 1:
                // the number at or after `at`
                guard let start = chars[at...].firstIndex(where: { $0.isNumber }) else { continue }
                var end = start
                while end < chars.count, chars[end].isNumber || chars[end] == "." || chars[end] == "e" { end += 1 }
                let replacement = InputFuzzer.interestingNumbers[pick(InputFuzzer.interestingNumbers.count)]
                chars.replaceSubrange(start..<end, with: Array(replacement))
            case 2: chars.insert(InputFuzzer.brackets[pick(InputFuzzer.brackets.count)], at: at)
            case 3: chars.removeSubrange(at..<min(chars.count, at + 1 + pick(8)))
            case 4:
                let span = Array(chars[at..<min(chars.count, at + 1 + pick(40))])
                chars.insert(contentsOf: Array(repeating: span, count: 1 + pick(50)).joined(), at: at)
            default: chars.removeSubrange(at...)
            }
        }
        return String(chars)
    }

    /// One to four edits of bytes, most within the first `focus` bytes: a byte flipped or set
    /// to a boundary value, an 8-, 4- or 2-byte field overwritten with a boundary integer, a span
    /// repeated or removed, or the data cut short.
    mutating func mutateBytes(_ bytes: [UInt8], focus: Int) -> [UInt8] {
        var b = bytes
        for _ in 0..<(1 + pick(4)) {
            guard !b.isEmpty else { break }
            let at = pick(4) == 0 ? pick(b.count) : pick(max(1, min(focus, b.count)))
            switch pick(6) {
            case 0: b[at] ^= UInt8(1 << pick(8))
            case 1: b[at] = [0, 0xFF, 0x7F, 0x80][pick(4)]
            case 2:
                let value = InputFuzzer.interestingInts[pick(InputFuzzer.interestingInts.count)]
                let width = [2, 4, 8][pick(3)]
                for i in 0..<width where at + i < b.count { b[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            case 3:
                let span = Array(b[at..<min(b.count, at + 1 + pick(64))])
                b.insert(contentsOf: span, at: at)
            case 4: b.removeSubrange(at..<min(b.count, at + 1 + pick(64)))
            default: b.removeSubrange(at...)
            }
        }
        return b
    }
}
