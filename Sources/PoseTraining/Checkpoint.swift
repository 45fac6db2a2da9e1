import Foundation
import PoseModels
import PoseNN
import PoseTensor

/// What a checkpoint records besides tensors (stored as JSON in the safetensors metadata).
public struct CheckpointMeta: Codable, Sendable, Equatable {
    /// The layout version: `swiftpose-checkpoint-2` for files written now; `Checkpoint.load`
    /// also reads format 1 and refuses others.
    public var format = "swiftpose-checkpoint-2"
    /// Completed epochs (the epoch in progress is this one, 0-based, when `innerIteration` > 0).
    public var epoch: Int
    /// Completed iterations (global, per rank).
    public var iteration: Int
    /// Completed iterations of the epoch in progress (0 for a checkpoint at an epoch's end).
    public var innerIteration: Int = 0
    /// Optimizer steps taken (fewer than `iteration` with `accumulative_counts` > 1); a resume
    /// restores the optimizer's step count from it (Adam's bias correction, SGD's first step).
    public var optimizerSteps: Int
    /// The optimizer's registered type name (`optim_wrapper.optimizer.type`).
    public var optimizer: String
    /// The run's seed (`randomness.seed`); a resumed run continues with it, whatever its config says.
    public var seed: UInt64
    /// The number of ranks that wrote it. A resume with another number warns (the global batch
    /// differs) and leaves the saved per-rank buffers unused.
    public var worldSize: Int
    /// Hooks' own state, by hook (see `Hook.beforeSaveCheckpoint`).
    public var hookStates: [String: String] = [:]
    /// Hex checksum of the whole file: every tensor's name, dtype, shape and bytes in file
    /// order, and this metadata (with this field empty). Format 1 covered the tensor bytes only.
    public var dataChecksum: String = ""
    /// The run's resolved config as Python source (`ExperimentSettings.configText`); empty when
    /// the writer gave none.
    public var config: String = ""
    /// Whether a run can continue from this point (false for best-model and weights-only files).
    public var resumable: Bool = true
    /// Whether optimizer state is included (`save_optimizer=False` leaves it out).
    public var optimizerSaved: Bool = true

    /// Metadata of a run at a position; the other fields keep their defaults (`innerIteration`
    /// 0, resumable, optimizer saved, no hook states, the checksum left for `Checkpoint.save`).
    /// - Parameters:
    ///   - epoch: Completed epochs.
    ///   - iteration: Completed iterations over the run.
    ///   - optimizerSteps: The optimizer's step count.
    ///   - optimizer: The optimizer's registered type name.
    ///   - seed: The run's seed.
    ///   - worldSize: The number of ranks.
    ///   - config: The resolved config as Python source.
    public init(epoch: Int, iteration: Int, optimizerSteps: Int, optimizer: String, seed: UInt64, worldSize: Int,
                config: String = "") {
        self.epoch = epoch; self.iteration = iteration; self.optimizerSteps = optimizerSteps; self.optimizer = optimizer
        self.seed = seed; self.worldSize = worldSize; self.config = config
    }

    /// Checks that the run position, step count and world size are ones a run can have: every
    /// count within `0...1_000_000_000` (no run gets near it, and one more step never
    /// overflows), at most one optimizer step per iteration.
    /// - Parameter path: The file, for the error message.
    /// - Throws: `CheckpointError` naming `path` and the field that no run can have.
    public func validate(path: String) throws {
        let limit = 1_000_000_000
        for (name, value) in [("epoch", epoch), ("iteration", iteration), ("innerIteration", innerIteration), ("optimizerSteps", optimizerSteps)]
            where !(0...limit).contains(value) {
            throw CheckpointError("\(path): metadata \(name) = \(value) is not a run's (expected 0 to \(limit)); the file is damaged")
        }
        guard innerIteration <= iteration, optimizerSteps <= iteration else {
            throw CheckpointError("\(path): metadata iteration \(iteration), innerIteration \(innerIteration) and optimizerSteps \(optimizerSteps) do not fit together (neither of the others can exceed the iterations); the file is damaged")
        }
        guard (1...1 << 20).contains(worldSize) else {
            throw CheckpointError("\(path): metadata worldSize = \(worldSize) is not a run's (expected 1 to \(1 << 20)); the file is damaged")
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, epoch, iteration, innerIteration, optimizerSteps, optimizer, seed, worldSize, hookStates, dataChecksum, config, resumable
        case optimizerSaved
    }

    /// Decodes format 1 or 2 metadata; fields an earlier writer left out take their defaults
    /// (no hook states or config, resumable, optimizer saved exactly when resumable).
    /// - Throws: `DecodingError` when a field every format has is missing or has the wrong type.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        epoch = try c.decode(Int.self, forKey: .epoch)
        iteration = try c.decode(Int.self, forKey: .iteration)
        innerIteration = try c.decodeIfPresent(Int.self, forKey: .innerIteration) ?? 0
        optimizerSteps = try c.decode(Int.self, forKey: .optimizerSteps)
        optimizer = try c.decode(String.self, forKey: .optimizer)
        seed = try c.decode(UInt64.self, forKey: .seed)
        worldSize = try c.decode(Int.self, forKey: .worldSize)
        // files of format 1 have no hook states
        hookStates = try c.decodeIfPresent([String: String].self, forKey: .hookStates) ?? [:]
        dataChecksum = try c.decode(String.self, forKey: .dataChecksum)
        config = try c.decodeIfPresent(String.self, forKey: .config) ?? ""
        resumable = try c.decodeIfPresent(Bool.self, forKey: .resumable) ?? true
        // earlier files were resumable exactly when they held optimizer state
        optimizerSaved = try c.decodeIfPresent(Bool.self, forKey: .optimizerSaved) ?? resumable
    }
}

/// Everything a checkpoint will hold beyond the model and optimizer state: its metadata, the
/// tensors hooks add (`extraTensors`, saved as F32 under `hooks.<name>`) and, for resuming a
/// multi-rank run exactly, the other ranks' buffers (`rank_buffers.<rank>.<key>`).
public struct CheckpointContents {
    /// The run's metadata; `Checkpoint.save` fills in `optimizerSaved` and `dataChecksum` in
    /// the copy it writes, and hooks add their `hookStates` before it.
    public var meta: CheckpointMeta
    /// Tensors a hook saves, by name (stored as `hooks.<name>`; read back with `Loaded.hookTensor`).
    public var extraTensors: [(name: String, tensor: Tensor)] = []
    /// Buffers of ranks other than 0 (BatchNorm statistics are per rank between syncs).
    public var rankBuffers: [(rank: Int, buffers: [(name: String, tensor: Tensor)])] = []

    /// Contents with `meta` and neither extra tensors nor other ranks' buffers.
    public init(meta: CheckpointMeta) { self.meta = meta }

    /// Key prefixes of what is not model state: loading weights skips them.
    public static let reservedPrefixes = ["optimizer.", "hooks.", "rank_buffers."]
}

/// Saving and loading a model (and optimizer) as one `.safetensors` file with MMPose's key names.
public enum Checkpoint {
    /// Writes the model's state_dict (parameters, BN buffers, `num_batches_tracked` as I64), the
    /// optimizer state under `optimizer.<state>.<parameter name>` when given, and the contents'
    /// extra tensors, atomically.
    /// - Parameters:
    ///   - model: The model whose state is saved under MMPose's keys.
    ///   - optimizer: The optimizer whose state tensors are saved; nil for a weights-only file.
    ///   - contents: Metadata, hook tensors and other ranks' buffers.
    ///   - path: The `.safetensors` file, replaced only once the new one is complete.
    /// - Throws: `CheckpointError` when two hooks add a tensor of the same name or the file
    ///   cannot be written (an earlier file of that name is then intact).
    public static func save(model: PoseEstimator, optimizer: Optimizer?, contents: CheckpointContents, to path: String) throws {
        var meta = contents.meta
        meta.optimizerSaved = optimizer != nil
        var counters = model.state.counters.map { $0.counter.value.littleEndian }
        try counters.withUnsafeMutableBytes { counterBytes in
            var entries: [SafeTensors.Entry] = []
            for (name, p) in model.state.parameters {
                entries.append(.init(name: name, dtype: "F32", shape: p.shape, bytes: UnsafeRawBufferPointer(p.value.buffer)))
            }
            for (name, t) in model.state.buffers {
                entries.append(.init(name: name, dtype: "F32", shape: t.shape, bytes: UnsafeRawBufferPointer(t.buffer)))
            }
            for (i, (name, _)) in model.state.counters.enumerated() {
                entries.append(.init(name: name, dtype: "I64", shape: [],
                                     bytes: UnsafeRawBufferPointer(rebasing: counterBytes[(i * 8)..<(i * 8 + 8)])))
            }
            if let optimizer {
                for (stateName, tensor) in optimizer.stateTensors {
                    for ((name, p), offset) in zip(model.state.parameters, model.arena.offsets) {
                        entries.append(.init(name: "optimizer.\(stateName).\(name)", dtype: "F32", shape: p.shape,
                                             bytes: UnsafeRawBufferPointer(start: tensor.data + offset, count: p.value.count * 4)))
                    }
                }
            }
            for (name, t) in contents.extraTensors {
                guard !entries.contains(where: { $0.name == "hooks." + name }) else {
                    throw CheckpointError("\(path): two hooks add a tensor named '\(name)'")
                }
                entries.append(.init(name: "hooks." + name, dtype: "F32", shape: t.shape, bytes: UnsafeRawBufferPointer(t.buffer)))
            }
            for (rank, buffers) in contents.rankBuffers {
                for (name, t) in buffers {
                    entries.append(.init(name: "rank_buffers.\(rank).\(name)", dtype: "F32", shape: t.shape,
                                         bytes: UnsafeRawBufferPointer(t.buffer)))
                }
            }
            meta.dataChecksum = try digest(entries.map { ($0.name, $0.dtype, $0.shape, $0.bytes) }, meta: meta)
            let json = String(decoding: try JSONEncoder().encode(meta), as: UTF8.self)
            try SafeTensors.write(entries, metadata: ["swiftpose": json, "format": "pt"], to: path)
        }
    }

    /// A loaded checkpoint file.
    public struct Loaded {
        /// The file it was read from (for a resume from outside the work dir, the copy in it);
        /// errors name it.
        public let path: String
        /// SwiftPose's run metadata; nil for files SwiftPose did not write (a PyTorch `.pth`,
        /// another tool's safetensors), which hold weights only.
        public let meta: CheckpointMeta?
        /// Every tensor by key (model state, `optimizer.…`, `hooks.…`, `rank_buffers.…`): its
        /// dtype, shape and byte range in `data`.
        public let tensors: [String: SafeTensors.Info]
        /// The whole file, which `tensors` index into (a big-endian `.pth` with its tensor bytes
        /// already swapped to little-endian).
        public let data: Data

        /// The JSON state a hook saved under `hook` in `CheckpointMeta.hookStates`, decoded as
        /// `T`; nil when the checkpoint holds none. A state that does not decode is an error
        /// naming the file and the hook.
        /// - Parameters:
        ///   - type: The state's type, as the hook encoded it.
        ///   - hook: The key the hook saved it under.
        /// - Throws: `CheckpointError` when the saved JSON does not decode as `T`.
        public func hookState<T: Decodable>(_ type: T.Type, hook: String) throws -> T? {
            guard let json = meta?.hookStates[hook] else { return nil }
            do {
                return try JSONDecoder().decode(T.self, from: Data(json.utf8))
            } catch {
                let reason: String
                switch error {
                case DecodingError.dataCorrupted(let c), DecodingError.keyNotFound(_, let c), DecodingError.typeMismatch(_, let c),
                     DecodingError.valueNotFound(_, let c):
                    let at = c.codingPath.map(\.stringValue).joined(separator: ".")
                    reason = (at.isEmpty ? "" : "at '\(at)': ") + c.debugDescription
                default: reason = "\(error)"
                }
                throw CheckpointError("\(path): the saved state of \(hook) cannot be read (\(reason)); the file is damaged or from another version")
            }
        }

        /// A tensor a hook saved (`CheckpointContents.extraTensors`), read into `into` (same shape); false if absent.
        /// - Parameters:
        ///   - name: The name the hook saved it under (without the `hooks.` prefix).
        ///   - tensor: The tensor to overwrite; its shape must be the saved one.
        /// - Returns: Whether the checkpoint holds the tensor.
        /// - Throws: `CheckpointError` when the shapes differ or the saved bytes do not fit.
        public func hookTensor(_ name: String, into tensor: Tensor) throws -> Bool {
            guard let info = tensors["hooks." + name] else { return false }
            guard info.shape == tensor.shape else {
                throw CheckpointError("\(path): hook tensor '\(name)' has shape \(info.shape), expected \(tensor.shape)")
            }
            try Checkpoint.readFloats(info, from: self, key: "hooks." + name, into: tensor.data, count: tensor.count)
            return true
        }
    }

    /// Reads and verifies a checkpoint: a `.safetensors` file (checksum-verified when SwiftPose
    /// wrote it) or a PyTorch `.pth` zip archive written by `torch.save`.
    /// - Throws: `CheckpointError` when the file is missing, unreadable, damaged (a checksum or
    ///   header that does not fit) or of a format SwiftPose does not read.
    public static func load(path: String) throws -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): not found or unreadable")
        }
        return try load(data: data, path: path)
    }

    /// Parses and verifies a checkpoint's contents (read elsewhere, for example by rank 0 and
    /// broadcast); `path` names it in errors. A PyTorch zip is told from a safetensors file by
    /// its bytes (hub caches keep either under a `.pth` name); other `.pth`/`.pt` files are
    /// read as PyTorch's, for its error messages.
    /// - Throws: `CheckpointError` naming `path` when the contents are damaged or of a format
    ///   SwiftPose does not read.
    public static func load(data: Data, path: String) throws -> Loaded {
        let isZip = data.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let headerLength = data.count >= 9 ? data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } : 0
        let isSafeTensors = !isZip && data.count >= 9 && headerLength <= UInt64(data.count - 8) && data[data.startIndex + 8] == UInt8(ascii: "{")
        if isZip || (!isSafeTensors && (path.hasSuffix(".pth") || path.hasSuffix(".pt"))) {
            return try TorchCheckpoint.load(data: data, path: path)
        }
        let (tensors, metadata, data) = try SafeTensors.read(data: data, path: path)
        var meta: CheckpointMeta?
        if let json = metadata["swiftpose"] {
            meta = try? JSONDecoder().decode(CheckpointMeta.self, from: Data(json.utf8))
            guard let m = meta else { throw CheckpointError("\(path): unreadable SwiftPose metadata") }
            guard m.format == "swiftpose-checkpoint-1" || m.format == "swiftpose-checkpoint-2" else {
                throw CheckpointError("\(path): checkpoint format '\(m.format.prefix(40))' is not one this SwiftPose reads (swiftpose-checkpoint-1 or -2)")
            }
            // recompute in file order, the order the writer used
            let ordered = tensors.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
            let computed: String = try data.withUnsafeBytes { raw in
                let entries = ordered.map { ($0.key, $0.value.dtype, $0.value.shape, UnsafeRawBufferPointer(rebasing: raw[$0.value.range])) }
                if m.format == "swiftpose-checkpoint-1" {
                    var h: UInt64 = 0xCBF2_9CE4_8422_2325
                    for e in entries { h = SafeTensors.checksum(e.3, seed: h) }
                    return String(h, radix: 16)
                }
                return try digest(entries, meta: m)
            }
            guard computed == m.dataChecksum else {
                throw CheckpointError("\(path): checksum mismatch (the file is damaged or incomplete)")
            }
            // format 1's checksum does not cover the metadata, and no checksum makes a value sane
            try m.validate(path: path)
        }
        return Loaded(path: path, meta: meta, tensors: tensors, data: data)
    }

    /// The checksum of a checkpoint: every tensor's name, dtype, shape and bytes, in file order,
    /// then the metadata with its checksum field empty (encoded with sorted keys, so the reader
    /// re-encodes it identically).
    static func digest(_ entries: [(name: String, dtype: String, shape: [Int], bytes: UnsafeRawBufferPointer)],
                       meta: CheckpointMeta) throws -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for e in entries {
            h = SafeTensors.checksum(e.bytes, seed: h)
            var description = Array("\(e.name)\u{1}\(e.dtype)\u{1}\(e.shape)\u{1}\(e.bytes.count)\n".utf8)
            h = description.withUnsafeMutableBytes { SafeTensors.checksum(UnsafeRawBufferPointer($0), seed: h) }
        }
        var blank = meta
        blank.dataChecksum = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var json = [UInt8](try encoder.encode(blank))
        h = json.withUnsafeMutableBytes { SafeTensors.checksum(UnsafeRawBufferPointer($0), seed: h) }
        return String(h, radix: 16)
    }

    /// Copies tensors into the model by name (keys prefixed `module.` are accepted).
    /// Returns the missing and unexpected keys; mis-shaped keys are an error naming the key.
    /// - Parameters:
    ///   - loaded: The checkpoint; its `optimizer.`, `hooks.` and `rank_buffers.` tensors are skipped.
    ///   - model: The model to copy into (F32, F16, BF16 and F64 tensors are converted to F32).
    ///   - strict: Whether any missing or unexpected key is an error (MMEngine's `strict`).
    ///   - rename: maps a (normalised) checkpoint key to a model key, or nil to skip it
    ///     (`init_cfg` Pretrained with a `prefix`, backbone-only weights).
    ///   - part: only the model keys under this prefix are loaded or missed (`"teacher."`:
    ///     weights for one part of the model); nil for every key.
    /// - Returns: The model keys the checkpoint lacks and the checkpoint keys the model lacks
    ///   (sorted); with backbone-only weights the head's keys count as neither.
    /// - Throws: `CheckpointError` when a key's shape or dtype does not fit the model, or, with
    ///   `strict`, when any key is missing or unexpected.
    @discardableResult
    public static func loadWeights(_ loaded: Loaded, into model: PoseEstimator, strict: Bool,
                                   rename: ((String) -> String?)? = nil, part: String? = nil) throws -> (missing: [String], unexpected: [String]) {
        var available: [String: SafeTensors.Info] = [:]
        for (k, v) in loaded.tensors where !CheckpointContents.reservedPrefixes.contains(where: k.hasPrefix) {
            var key = k.hasPrefix("module.") ? String(k.dropFirst(7)) : k
            // MMPose 0.x checkpoints name the head `keypoint_head`
            if key.hasPrefix("keypoint_head.") { key = "head." + key.dropFirst("keypoint_head.".count) }
            if let rename {
                guard let mapped = rename(key) else { continue }
                key = mapped
            }
            available[key] = v
        }
        let onlyBackbone = rename != nil && available.keys.allSatisfy { $0.hasPrefix("backbone.") }
        var missing: [String] = []
        func copyFloats(_ key: String, into tensor: Tensor) throws {
            guard let info = available.removeValue(forKey: key) else { missing.append(key); return }
            guard info.shape == tensor.shape || (info.shape.reduce(1, *) == tensor.count && info.shape.isEmpty == tensor.shape.isEmpty) else {
                throw CheckpointError("\(loaded.path): '\(key)' has shape \(info.shape), the model expects \(tensor.shape)")
            }
            try readFloats(info, from: loaded, key: key, into: tensor.data, count: tensor.count)
        }
        // backbone-only weights say nothing about the head
        // and a part's weights (a distiller's teacher) say nothing about the rest of the model
        func wanted(_ name: String) -> Bool { (!onlyBackbone || name.hasPrefix("backbone.")) && (part.map(name.hasPrefix) ?? true) }
        for (name, p) in model.state.parameters where wanted(name) { try copyFloats(name, into: p.value) }
        for (name, t) in model.state.buffers where wanted(name) { try copyFloats(name, into: t) }
        for (name, counter) in model.state.counters where wanted(name) {
            guard let info = available.removeValue(forKey: name) else { missing.append(name); continue }
            guard info.dtype == "I64", info.range.count == 8 else {
                throw CheckpointError("\(loaded.path): '\(name)' should be an int64 scalar, found \(info.dtype) \(info.shape)")
            }
            counter.value = loaded.data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: info.range.lowerBound, as: Int64.self) }.littleEndian
        }
        model.arena.valuesDidChange()
        let unexpected = available.keys.sorted()
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            throw CheckpointError("\(loaded.path): strict loading failed; missing keys: \(missing.prefix(10)); unexpected keys: \(unexpected.prefix(10))")
        }
        return (missing, unexpected)
    }

    /// Restores optimizer state tensors saved by `save`.
    /// - Parameters:
    ///   - loaded: A checkpoint saved with optimizer state.
    ///   - optimizer: The optimizer to restore, built like the one that was saved.
    ///   - model: The model whose parameter keys and arena offsets place the state.
    /// - Throws: `CheckpointError` when a state tensor is missing (another optimizer wrote the
    ///   file) or does not fit its parameter.
    public static func loadOptimizer(_ loaded: Loaded, into optimizer: Optimizer, model: PoseEstimator) throws {
        for (stateName, tensor) in optimizer.stateTensors {
            for ((name, p), offset) in zip(model.state.parameters, model.arena.offsets) {
                let key = "optimizer.\(stateName).\(name)"
                guard let info = loaded.tensors[key] else {
                    throw CheckpointError("\(loaded.path): optimizer state '\(key)' is missing; was the checkpoint written with another optimizer?")
                }
                guard info.shape == p.shape else {
                    throw CheckpointError("\(loaded.path): '\(key)' has shape \(info.shape), expected \(p.shape)")
                }
                try readFloats(info, from: loaded, key: key, into: tensor.data + offset, count: p.value.count)
            }
        }
        optimizer.restore(stepCount: loaded.meta?.optimizerSteps ?? 0)
    }

    static func readFloats(_ info: SafeTensors.Info, from loaded: Loaded, key: String, into dst: UnsafeMutablePointer<Float>, count: Int) throws {
        switch info.dtype {
        case "F32":
            guard info.range.count == count * 4 else { throw CheckpointError("\(loaded.path): '\(key)' has \(info.range.count) bytes, expected \(count * 4)") }
            loaded.data.withUnsafeBytes { raw in
                for i in 0..<count { dst[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: info.range.lowerBound + 4 * i, as: UInt32.self).littleEndian) }
            }
        case "F16":
            guard info.range.count == count * 2 else { throw CheckpointError("\(loaded.path): '\(key)' has \(info.range.count) bytes, expected \(count * 2)") }
            loaded.data.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: info.range.lowerBound + 2 * i, as: UInt16.self).littleEndian
                    dst[i] = Float(Float16(bitPattern: bits))
                }
            }
        case "F64":
            guard info.range.count == count * 8 else { throw CheckpointError("\(loaded.path): '\(key)' has \(info.range.count) bytes, expected \(count * 8)") }
            loaded.data.withUnsafeBytes { raw in
                for i in 0..<count { dst[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: info.range.lowerBound + 8 * i, as: UInt64.self).littleEndian)) }
            }
        case "BF16":
            guard info.range.count == count * 2 else { throw CheckpointError("\(loaded.path): '\(key)' has \(info.range.count) bytes, expected \(count * 2)") }
            loaded.data.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt32(raw.loadUnaligned(fromByteOffset: info.range.lowerBound + 2 * i, as: UInt16.self).littleEndian) << 16
                    dst[i] = Float(bitPattern: bits)
                }
            }
        default:
            throw CheckpointError("\(loaded.path): '\(key)' has dtype \(info.dtype); expected F32, F16, BF16 or F64")
        }
    }
}
