import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PoseData

/// Where MMPose's `init_cfg=dict(type='Pretrained', checkpoint=...)` weights come from, as
/// MMEngine gets them: `torchvision://NAME`, `open-mmlab://NAME` and `mmcls://NAME` name a URL
/// (MMEngine's tables), and every URL is a file in PyTorch's hub cache
/// (`$TORCH_HOME/hub/checkpoints`, by default `~/.cache/torch/hub/checkpoints`) under the URL's
/// file name, so weights a user's PyTorch already downloaded are found. A missing file is
/// downloaded there (to a temporary name, renamed when complete), its SHA-256 checked against
/// the hash prefix in its name as torch.hub's `check_hash` does.
public enum PretrainedDownload {
    /// torchvision's ResNet-family weights: MMEngine's `torchvision_0.12.json` names and
    /// torchvision ≥ 0.13's `name.weights` names (torchvision 0.28).
    static let torchvision: [String: String] = {
        var table: [String: String] = [:]
        let base = "https://download.pytorch.org/models/"
        let weights: [(String, String, String?, Bool)] = [  // name, V1 file, V2 file, DEFAULT is V2
            ("resnet18", "resnet18-f37072fd.pth", nil, false), ("resnet34", "resnet34-b627a593.pth", nil, false),
            ("resnet50", "resnet50-0676ba61.pth", "resnet50-11ad3fa6.pth", true),
            ("resnet101", "resnet101-63fe2227.pth", "resnet101-cd907fc2.pth", true),
            ("resnet152", "resnet152-394f9c45.pth", "resnet152-f82ba261.pth", true),
            ("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth", "resnext50_32x4d-1a0047aa.pth", true),
            ("resnext101_32x8d", "resnext101_32x8d-8ba56ff5.pth", "resnext101_32x8d-110c445d.pth", true),
            ("resnext101_64x4d", "resnext101_64x4d-173b62eb.pth", nil, false),
            ("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth", "wide_resnet50_2-9ba9bcbe.pth", true),
            ("wide_resnet101_2", "wide_resnet101_2-32ee1156.pth", "wide_resnet101_2-d733dc28.pth", true),
        ]
        for (name, v1, v2, v2Default) in weights {
            table[name] = base + v1
            table[name + ".imagenet1k_v1"] = base + v1
            if let v2 { table[name + ".imagenet1k_v2"] = base + v2 }
            table[name + ".default"] = base + (v2Default ? v2! : v1)
        }
        return table
    }()

    /// MMEngine's `openmmlab.json` entries for HRNet (MSRA's ImageNet weights).
    static let openMMLab: [String: String] = [
        "msra/hrnetv2_w18_small": "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w18_small-b5a04e21.pth",
        "msra/hrnetv2_w18": "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w18-00eb2006.pth",
        "msra/hrnetv2_w32": "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w32-dc9eeb4f.pth",
        "msra/hrnetv2_w40": "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w40-ed0b031c.pth",
        "msra/hrnetv2_w48": "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w48-d2186c55.pth",
    ]

    /// MMEngine's `mmcls.json` entries for the ResNet family.
    static let mmcls: [String: String] = [
        "resnet18": "resnet/resnet18_8xb32_in1k_20210831-fbbb1da6.pth", "resnet34": "resnet/resnet34_8xb32_in1k_20210831-f257d4e6.pth",
        "resnet50": "resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth", "resnet101": "resnet/resnet101_8xb32_in1k_20210831-539c63f8.pth",
        "resnet152": "resnet/resnet152_8xb32_in1k_20210901-4d7582fa.pth",
        "resnet50_v1d": "resnet/resnetv1d50_b32x8_imagenet_20210531-db14775a.pth",
        "resnet101_v1d": "resnet/resnetv1d101_b32x8_imagenet_20210531-6e13bcd3.pth",
        "resnet152_v1d": "resnet/resnetv1d152_b32x8_imagenet_20210531-278cf22a.pth",
        "resnext50_32x4d": "resnext/resnext50_32x4d_b32x8_imagenet_20210429-56066e27.pth",
        "resnext101_32x4d": "resnext/resnext101_32x4d_b32x8_imagenet_20210506-e0fa3dd5.pth",
        "resnext101_32x8d": "resnext/resnext101_32x8d_b32x8_imagenet_20210506-23a247d5.pth",
        "resnext152_32x4d": "resnext/resnext152_32x4d_b32x8_imagenet_20210524-927787be.pth",
        "se-resnet50": "se-resnet/se-resnet50_batch256_imagenet_20200804-ae206104.pth",
        "se-resnet101": "se-resnet/se-resnet101_batch256_imagenet_20200804-ba5b51d4.pth",
        "resnest50": "resnest/resnest50_imagenet_converted-1ebf0afe.pth",
        "resnest101": "resnest/resnest101_imagenet_converted-032caa52.pth",
        "resnest200": "resnest/resnest200_imagenet_converted-581a60f2.pth",
        "resnest269": "resnest/resnest269_imagenet_converted-59930960.pth",
    ].mapValues { "https://download.openmmlab.com/mmclassification/v0/" + $0 }

    /// The URL `checkpoint` names, or nil for a local path.
    /// - Throws: `CheckpointError` for a `torchvision://`, `open-mmlab://` or `mmcls://` name
    ///   SwiftPose's tables lack, or an unknown scheme.
    public static func url(for checkpoint: String) throws -> String? {
        func lookup(_ prefix: String, _ table: [String: String]) throws -> String? {
            guard checkpoint.hasPrefix(prefix) else { return nil }
            let name = String(checkpoint.dropFirst(prefix.count))
            guard let url = table[name] ?? table[name.lowercased()] else {
                throw CheckpointError("init_cfg checkpoint '\(checkpoint)': SwiftPose knows no '\(name)' under \(prefix) (it knows \(table.keys.sorted().joined(separator: ", "))); give the https:// URL or a local file")
            }
            return url
        }
        if let url = try lookup("torchvision://", torchvision) ?? lookup("open-mmlab://", openMMLab) ?? lookup("openmmlab://", openMMLab)
            ?? lookup("mmcls://", mmcls) { return url }
        if checkpoint.hasPrefix("http://") || checkpoint.hasPrefix("https://") { return checkpoint }
        if checkpoint.contains("://") {
            throw CheckpointError("init_cfg checkpoint '\(checkpoint)': unknown scheme; expected a local file, http(s)://, torchvision://, open-mmlab:// or mmcls://")
        }
        return nil
    }

    /// PyTorch's hub cache for weight files: `$TORCH_HOME/hub/checkpoints`, with `TORCH_HOME`
    /// defaulting to `$XDG_CACHE_HOME/torch` and that to `~/.cache/torch` (`torch.hub.get_dir`).
    /// - Parameter environment: The variables to read (`TORCH_HOME`, `XDG_CACHE_HOME`, `HOME`).
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let torchHome = environment["TORCH_HOME"] ?? ((environment["XDG_CACHE_HOME"] ?? home + "/.cache") + "/torch")
        return torchHome + "/hub/checkpoints"
    }

    /// The local file for `checkpoint`: itself when it is a path; otherwise the cached file,
    /// downloaded first when missing. A failed download is an error giving the URL and the
    /// path to put the file at.
    /// - Parameters:
    ///   - checkpoint: `init_cfg`'s `checkpoint`: a local path, a URL or a
    ///     `torchvision://`/`open-mmlab://`/`mmcls://` name.
    ///   - environment: The variables that locate the hub cache.
    ///   - log: Receives a line saying whether the cached file is used or downloaded.
    /// - Throws: `CheckpointError` for an unknown name or scheme, or a download that fails or
    ///   whose SHA-256 does not match the name's hash prefix.
    public static func localFile(for checkpoint: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                                 log: (String) -> Void) throws -> String {
        guard let url = try url(for: checkpoint) else { return checkpoint }
        guard let remote = URL(string: url), !remote.lastPathComponent.isEmpty, remote.lastPathComponent != "/" else {
            throw CheckpointError("init_cfg checkpoint '\(checkpoint)': '\(url)' is not a URL of a file")
        }
        let directory = cacheDirectory(environment: environment)
        let path = directory + "/" + remote.lastPathComponent
        if FileManager.default.fileExists(atPath: path) {
            log("init_cfg checkpoint \(checkpoint): using \(path) from PyTorch's hub cache")
            return path
        }
        log("init_cfg checkpoint \(checkpoint): downloading \(url) to \(path)")
        do {
            try download(remote, to: path)
        } catch {
            throw CheckpointError("init_cfg checkpoint '\(checkpoint)': cannot download \(url) (\(error)); put the file at \(path) (for example: curl -L -o \(path) \(url)), or train from random initialisation with --no-pretrained")
        }
        return path
    }

    /// torch.hub's hash prefix in a file name (`resnet50-0676ba61.pth` → `0676ba61`), if any.
    static func hashPrefix(_ fileName: String) -> String? {
        var rest = Substring(fileName)
        while let dash = rest.firstIndex(of: "-") {
            rest = rest[rest.index(after: dash)...]
            let hex = rest.prefix { "0123456789abcdef".contains($0) }
            if rest.dropFirst(hex.count).first == "." { return hex.isEmpty ? nil : String(hex) }
        }
        return nil
    }

    /// Downloads `url` to `path` through a temporary file in the same folder, checking the hash prefix.
    static func download(_ url: URL, to path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try OutputPath.createDirectory(directory, label: "the PyTorch hub cache")
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<URL, Error> = .failure(CheckpointError("no response"))
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        // a data task: swift-corelibs-foundation's download tasks may remove their file before the handler runs
        let task = URLSession.shared.dataTask(with: url) { data, response, error in
            defer { semaphore.signal() }
            if let error { result = .failure(error); return }
            if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                result = .failure(CheckpointError("HTTP \(http.statusCode)"))
                return
            }
            guard let data else { result = .failure(CheckpointError("no data received")); return }
            do {
                try data.write(to: URL(fileURLWithPath: temporary))
                result = .success(URL(fileURLWithPath: temporary))
            } catch {
                result = .failure(error)
            }
        }
        task.resume()
        semaphore.wait()
        let file = try result.get()
        defer { try? FileManager.default.removeItem(at: file) }
        if let prefix = hashPrefix(url.lastPathComponent) {
            let digest = try sha256(ofFileAt: file.path)
            guard digest.hasPrefix(prefix) else {
                throw CheckpointError("the download's SHA-256 is \(digest), which does not start with the name's \(prefix)")
            }
        }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: file.path, toPath: path)
    }

    static func sha256(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CheckpointError("\(path): cannot read") }
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(chunk) }
        return hash.finalize()
    }
}
