import Foundation
import PoseConfig
import PoseData
import PoseEval
import PoseTraining

/// The surfaces of issue 21's pass: each case builds one input of its kind, mostly from a seed,
/// and reads it as the tools do.
extension InputFuzzer {
    mutating func runSurfaceCase(_ target: Target) throws {
        switch target {
        case .groundTruth:
            // an evaluator's ann_file: checked when a run starts, then evaluated against predictions
            let path = scratch + "/current-gt.json"
            try write(Array(mutateText(annotationText).utf8), to: path)
            let metric = CocoMetric(annotationFile: path)
            try metric.checkGroundTruth(metainfo: metainfo)
            _ = try metric.evaluate(seedPredictions, groundTruth: EvaluationGroundTruth(instances: [], annotations: nil, metainfo: metainfo))
        case .pickle:
            let path = scratch + "/current-memo.pth"
            try write(InputFuzzer.storedZip([("archive/data.pkl", memoPickle()), ("archive/data/0", [UInt8](repeating: 0, count: 64))]), to: path)
            _ = try Checkpoint.load(path: path)
        case .configProgram:
            let path = scratch + "/current-program.py"
            try write(Array(configProgram().utf8), to: path)
            _ = try Config.load(path: path, environment: [:])
        case .checkpointMetadata:
            let path = scratch + "/current-meta.safetensors"
            try write(try checkpointWithMutatedMetadata(), to: path)
            let loaded = try Checkpoint.load(path: path)
            // what the stock hooks read of their saved state
            if let state = loaded.meta?.hookStates["CheckpointHook"], let json = try? JSONSerialization.jsonObject(with: Data(state.utf8)),
               let kept = (json as? [String: Any])?["kept"] as? [Any] {
                let settings = CheckpointHookSpec(interval: 1)
                for name in kept { _ = (name as? String).map { settings.writes($0) } }
            }
        case .outputPath:
            try outputPathCase()
        case .environment:
            let names = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS", "SLURM_CPUS_PER_TASK",
                         "OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"]
            let values = ["0", "1", "-1", "2", "1024", "1025", "100000", "9223372036854775807", "-9223372036854775808",
                          "99999999999999999999", "", " 4", "4,2", "4,,2", "x", "1e3", "0x10", "2,100000"]
            var env: [String: String] = [:]
            for _ in 0..<(1 + pick(3)) { env[names[pick(names.count)]] = values[pick(values.count)] }
            try write(Array(env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n").utf8), to: scratch + "/current.env")
            if let problem = BLASSetup.environmentProblem(env) { throw TrainingError(problem) }
            let threads = BLASSetup.threadsPerRank(environment: env)
            guard threads >= 1 else { throw TrainingError("threadsPerRank gave \(threads)") }
        case .png:
            let bytes = mutateBytes(pngBytes, focus: min(pngBytes.count, 200))
            try write(bytes, to: scratch + "/current.png")
            _ = try ImageFile.decode(bytes, source: scratch + "/current.png")
        case .bmp:
            let bytes = mutateBytes(bmpBytes, focus: 70)
            try write(bytes, to: scratch + "/current.bmp")
            _ = try ImageFile.decode(bytes, source: scratch + "/current.bmp")
        default:
            preconditionFailure("\(target) is not a surface case")
        }
    }

    // MARK: pickles

    /// A protocol-2 pickle program of random memo traffic: containers put into the memo, got
    /// back and filled with each other (chains, shared children, cycles), tuples, marks, and a
    /// dict at the end, so that stack and memo depth accounting, releases and the state-dict
    /// walk all see it. The program follows a simulated stack, so most cases are well formed
    /// and build what they describe (a fifth are left free, for the readers' own checks).
    mutating func memoPickle() -> [UInt8] {
        enum Kind { case list, dict, scalar, tuple, mark }
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var p: [UInt8] = [0x80, 0x02]
        var stack: [Kind] = [], memo: [Kind] = []
        let free = pick(5) == 0
        let steps = [10, 100, 1_000, 20_000, 60_000][pick(5)]
        for _ in 0..<steps {
            let op = pick(12)
            let top = stack.last, below = stack.count >= 2 ? stack[stack.count - 2] : nil
            switch op {
            case 0: p += [0x5D]; stack.append(.list)                                     // EMPTY_LIST
            case 1: p += [0x7D]; stack.append(.dict)                                     // EMPTY_DICT
            case 2 where free || (top != nil && top != .mark):                           // LONG_BINPUT
                p += [0x72] + u32(memo.count); memo.append(top ?? .scalar)
            case 3...4 where free || !memo.isEmpty:                                      // LONG_BINGET
                let i = memo.isEmpty ? 0 : pick(memo.count)
                p += [0x6A] + u32(i); stack.append(memo.isEmpty ? .scalar : memo[i])
            case 5 where free || (below == .list && top != .mark):                       // APPEND
                p += [0x61]; _ = stack.popLast()
            case 6 where free || (stack.count >= 3 && stack[stack.count - 3] == .dict && top != .mark && below != .mark):
                p += [0x73]; stack.removeLast(min(2, stack.count))                     // SETITEM
            case 7 where free || (top != nil && top != .mark):                           // TUPLE1
                p += [0x85]; if !stack.isEmpty { stack[stack.count - 1] = .tuple }
            case 8: p += [0x28]; stack.append(.mark)                                     // MARK
            case 9:
                // closes the nearest mark: its items become a tuple or a list, or go into the list below it
                guard let m = stack.lastIndex(of: .mark) else {
                    if free { p += [[0x65], [0x74], [0x6C]][pick(3)] }
                    continue
                }
                if m > 0 && stack[m - 1] == .list && pick(2) == 0 {
                    p += [0x65]; stack.removeSubrange(m...)                              // APPENDS
                } else {
                    let kind: Kind = pick(2) == 0 ? .tuple : .list
                    p += [kind == .tuple ? 0x74 : 0x6C]; stack.removeSubrange(m...); stack.append(kind)  // TUPLE, LIST
                }
            case 10: p += [0x4B, UInt8(pick(256))]; stack.append(.scalar)                // BININT1
            default: p += [0x8C, 1, UInt8(ascii: "a") + UInt8(pick(26))]; stack.append(.scalar)  // SHORT_BINUNICODE
            }
        }
        // finish with a dict holding a memo entry, so a well-formed case reaches the tensor walk
        p += [0x7D, 0x8C, 1, UInt8(ascii: "k")]
        p += memo.isEmpty ? [0x4E] : [0x6A] + u32(pick(memo.count))
        p += [0x73, 0x2E]
        return p
    }

    /// A stored zip of `entries` (name, bytes), as `torch.save` lays one out.
    public static func storedZip(_ entries: [(String, [UInt8])]) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
        var out: [UInt8] = [], central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(data.count) + u32(data.count)
            out += u16(name.utf8.count) + u16(0) + Array(name.utf8) + data
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0)
            central += u32(data.count) + u32(data.count) + u16(name.utf8.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0)
            central += u32(offset) + Array(name.utf8)
        }
        let directory = out.count
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(entries.count) + u16(entries.count) + u32(central.count) + u32(directory) + u16(0)
        return out
    }

    // MARK: config programs

    static let programs = [
        "a = [0] * {n}\nb = [a] * {m}\nc = [b] * {k}\n",
        "for i in range({n}):\n    for j in range({m}):\n        x = i\n",
        "a = []\nfor i in range({n}):\n    a = [a]\n",
        "a = []\nfor i in range({n}):\n    a.append(a)\n",
        "a = [[j for j in range({n})] for i in range({m})]\n",
        "s = 'x' * {n}\nt = str([s] * {m})\n",
        "d = dict(a={n})\nfor i in range({m}):\n    d.update(b=[d, d])\n",
        "a = range({n}, {m}, {k})\n",
        "a = list(range({n}))\nb = [x for x in a if x % 2]\nc = len(b) * {m}\n",
        "a = f'{[{n}] * {m}}'\n",
        "a = {{{n}: 1, '{m}': 2}}\n",
        "a = [1] * {n}\nb = a + a + a\nc = zip(a, b)\nd = enumerate(c)\n",
        "x = {{ fileDirname }}\ny = '{{$NOPE:{n}}}'\n",
        "a = {n} ** {m}\nb = {n} // {k}\nc = {n} % {k}\n",
    ]
    static let programNumbers = ["0", "1", "-1", "7", "100", "3000", "100000", "1000000", "10000000", "2147483648", "-9223372036854775807 - 1",
                                 "9223372036854775807", "08", "0x7FFFFFFFFFFFFFFF", "1e308", "4611686018427387904"]

    mutating func configProgram() -> String {
        var text = InputFuzzer.programs[pick(InputFuzzer.programs.count)]
        for slot in ["{n}", "{m}", "{k}"] {
            while let r = text.range(of: slot) { text.replaceSubrange(r, with: InputFuzzer.programNumbers[pick(InputFuzzer.programNumbers.count)]) }
        }
        return pick(4) == 0 ? mutateText(text) : text
    }

    // MARK: checkpoint metadata

    /// The seed checkpoint with its SwiftPose metadata edited (numbers made extreme, the kept
    /// list naming files outside the hook's), written as format 1, whose checksum covers the
    /// tensors only, so the metadata reaches its checks.
    mutating func checkpointWithMutatedMetadata() throws -> [UInt8] {
        let bytes = checkpointBytes
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        guard var header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any],
              var metadata = header["__metadata__"] as? [String: String], let json = metadata["swiftpose"] else {
            throw TrainingError("the seed checkpoint has no SwiftPose metadata")
        }
        var text = mutateText(json)
        if pick(3) == 0 {
            let names = ["\"last_checkpoint\"", "\".lock\"", "\"20260101_000000\"", "\"..\"", "\"/etc\"", "\"epoch_1.safetensors\"", "\"iter_9.safetensors\""]
            text = text.replacingOccurrences(of: "\"kept\":[", with: "\"kept\":[" + names[pick(names.count)] + ",")
        }
        if var meta = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            meta["format"] = "swiftpose-checkpoint-1"
            let ranges = header.compactMap { (key, value) -> Range<Int>? in
                guard key != "__metadata__", let offsets = (value as? [String: Any])?["data_offsets"] as? [Int], offsets.count == 2 else { return nil }
                return (8 + length + offsets[0])..<(8 + length + offsets[1])
            }.sorted { $0.lowerBound < $1.lowerBound }
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            bytes.withUnsafeBytes { raw in for r in ranges { h = SafeTensors.checksum(UnsafeRawBufferPointer(rebasing: raw[r]), seed: h) } }
            meta["dataChecksum"] = String(h, radix: 16)
            text = String(decoding: try JSONSerialization.data(withJSONObject: meta), as: UTF8.self)
        }
        metadata["swiftpose"] = text
        header["__metadata__"] = metadata
        var newHeader = [UInt8](try JSONSerialization.data(withJSONObject: header))
        while newHeader.count % 8 != 0 { newHeader.append(0x20) }
        return (0..<8).map { UInt8(truncatingIfNeeded: newHeader.count >> (8 * $0)) } + newHeader + bytes[(8 + length)...]
    }

    // MARK: output paths

    /// One output of a random kind (a file, a link to one, a dangling link, a FIFO with a
    /// reader, a device, a folder, a path through a file, a missing folder, a long name),
    /// written as `--out` writes it; everything but the named path must stay as it was.
    mutating func outputPathCase() throws {
        let dir = scratch + "/outputs"
        try? FileManager.default.removeItem(atPath: dir)
        try OutputPath.createDirectory(dir + "/real", label: "fuzz")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/real/other"))
        let payload = Data((0..<pick(5_000)).map { _ in UInt8(pick(256)) })
        let path: String
        switch pick(10) {
        case 0: path = dir + "/out.json"
        case 1:
            try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/real/target"))
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "real/target")
            path = dir + "/link"
        case 2:
            try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/real/made")
            path = dir + "/dangling"
        case 3:
            path = dir + "/pipe"
            guard mkfifo(path, 0o644) == 0 else { throw TrainingError("mkfifo failed") }
            let reader = Thread {
                let fd = open(path, O_RDONLY)
                var buffer = [UInt8](repeating: 0, count: 4096)
                while fd >= 0, read(fd, &buffer, buffer.count) > 0 {}
                if fd >= 0 { close(fd) }
            }
            reader.start()
        case 4: path = ["/dev/null", "/dev/full"][pick(2)]
        case 5: path = dir + "/real"
        case 6: path = dir + "/real/other/below"
        case 7: path = dir + "/missing/out.json"
        case 8: path = dir + "/" + String(repeating: "n", count: 200 + pick(100))
        default:
            try FileManager.default.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: dir + "/loop")
            path = dir + "/loop"
        }
        try write(Array(path.utf8), to: scratch + "/current.output")
        defer {
            // nothing beside the named path changed
            if (try? String(contentsOfFile: dir + "/real/other", encoding: .utf8)) != "keep" {
                FileHandle.standardError.write(Data("fuzz: writing \(path) changed \(dir)/real/other\n".utf8))
                exit(5)
            }
        }
        // a FIFO's reader waits for a writer: that case always writes
        if path.hasSuffix("/pipe") || pick(2) == 0 { try OutputPath.write(payload, to: path, label: "--out") } else { try OutputPath.createDirectory(path, label: "--work-dir") }
    }

    // MARK: images

    /// A 24-bit bottom-up BMP of `image`.
    static func bmp(_ image: RGBImage) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let rowBytes = (image.width * 3 + 3) / 4 * 4
        var out: [UInt8] = [0x42, 0x4D] + le(54 + rowBytes * image.height, 4) + le(0, 4) + le(54, 4)
        out += le(40, 4) + le(image.width, 4) + le(image.height, 4) + le(1, 2) + le(24, 2) + le(0, 4) + le(rowBytes * image.height, 4)
        out += le(2835, 4) + le(2835, 4) + le(0, 4) + le(0, 4)
        for y in stride(from: image.height - 1, through: 0, by: -1) {
            var row: [UInt8] = []
            for x in 0..<image.width {
                let i = 3 * (y * image.width + x)
                row += [image.pixels[i + 2], image.pixels[i + 1], image.pixels[i]]
            }
            out += row + [UInt8](repeating: 0, count: rowBytes - row.count)
        }
        return out
    }
}
