import Foundation
import Testing
import PoseDistributed
@testable import PoseTraining

/// init_cfg Pretrained weights as MMPose gets them: scheme tables, PyTorch's hub cache, HTTP
/// download with the name's hash prefix checked, and a clear stop when the file cannot be had.
@Suite(.serialized) struct PretrainedDownloadTests {
    @Test func sha256MatchesFIPSVectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var incremental = SHA256()
        for _ in 0..<1000 { incremental.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(incremental.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func schemesNameMMEngineURLs() throws {
        #expect(try PretrainedDownload.url(for: "torchvision://resnet50") == "https://download.pytorch.org/models/resnet50-0676ba61.pth")
        #expect(try PretrainedDownload.url(for: "torchvision://resnet50.imagenet1k_v2") == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth")
        #expect(try PretrainedDownload.url(for: "torchvision://resnet152.default") == "https://download.pytorch.org/models/resnet152-f82ba261.pth")
        #expect(try PretrainedDownload.url(for: "open-mmlab://msra/hrnetv2_w32") == "https://download.openmmlab.com/pretrain/third_party/hrnetv2_w32-dc9eeb4f.pth")
        #expect(try PretrainedDownload.url(for: "mmcls://se-resnet50")?.hasSuffix("se-resnet50_batch256_imagenet_20200804-ae206104.pth") == true)
        #expect(try PretrainedDownload.url(for: "weights/local.pth") == nil)
        #expect { try PretrainedDownload.url(for: "torchvision://resnet51") } throws: { "\($0)".contains("SwiftPose knows no 'resnet51' under torchvision://") }
        #expect { try PretrainedDownload.url(for: "s3://bucket/w.pth") } throws: { "\($0)".contains("unknown scheme") }
        #expect(PretrainedDownload.hashPrefix("resnet50-0676ba61.pth") == "0676ba61")
        #expect(PretrainedDownload.hashPrefix("se-resnet50_batch256_imagenet_20200804-ae206104.pth") == "ae206104")
        #expect(PretrainedDownload.hashPrefix("weights.pth") == nil)
        #expect(PretrainedDownload.cacheDirectory(environment: ["HOME": "/h"]) == "/h/.cache/torch/hub/checkpoints")
        #expect(PretrainedDownload.cacheDirectory(environment: ["HOME": "/h", "XDG_CACHE_HOME": "/x"]) == "/x/torch/hub/checkpoints")
        #expect(PretrainedDownload.cacheDirectory(environment: ["HOME": "/h", "TORCH_HOME": "/t"]) == "/t/hub/checkpoints")
    }

    /// Downloads over loopback HTTP into the cache, then finds the cached file without asking
    /// again; a wrong hash and a missing file stop with the URL and where to put the file.
    @Test func downloadsIntoTheHubCache() throws {
        let dir = try temporaryDirectory("pretrained")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let payload = Array("pretend weights".utf8)
        let name = "tiny-\(SHA256.hex(payload).prefix(8)).pth"
        let server = try LoopbackHTTPServer(files: [name: payload, "wrong-00000000.pth": payload])
        defer { server.stop() }
        let env = ["HOME": dir, "TORCH_HOME": dir + "/torch"]
        let url = "http://127.0.0.1:\(server.port)/\(name)"
        var lines: [String] = []
        let path = try PretrainedDownload.localFile(for: url, environment: env) { lines.append($0) }
        #expect(path == dir + "/torch/hub/checkpoints/" + name)
        #expect(FileManager.default.contents(atPath: path).map([UInt8].init) == payload)
        #expect(lines.last?.contains("downloading \(url)") == true)
        _ = try PretrainedDownload.localFile(for: url, environment: env) { lines.append($0) }
        #expect(server.requested == ["/" + name] && lines.last?.contains("using \(path) from PyTorch's hub cache") == true)

        let wrong = "http://127.0.0.1:\(server.port)/wrong-00000000.pth"
        #expect { try PretrainedDownload.localFile(for: wrong, environment: env) { _ in } } throws: {
            "\($0)".contains("does not start with the name's 00000000") && "\($0)".contains("put the file at \(dir)/torch/hub/checkpoints/wrong-00000000.pth")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/torch/hub/checkpoints/wrong-00000000.pth"))
        let missing = "http://127.0.0.1:\(server.port)/gone-12345678.pth"
        #expect { try PretrainedDownload.localFile(for: missing, environment: env) { _ in } } throws: {
            "\($0)".contains("cannot download \(missing) (HTTP 404)") && "\($0)".contains("--no-pretrained")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/torch/hub/checkpoints")
        #expect(leftovers == [name])
    }

    /// A run whose backbone names `torchvision://resnet18` loads the file a user's PyTorch
    /// cache already has (here a tiny ResNet-18's own weights under torchvision's file name);
    /// with `--no-pretrained` it keeps the random initialisation.
    @Test func trainingFindsCachedTorchvisionWeights() throws {
        let dir = try temporaryDirectory("pretrained-run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 4, val: 2)
        _ = try tinyConfig(in: dir, epochs: 1)
        let config = dir + "/pretrained.py"
        try """
        _base_ = ['tiny.py']
        model = dict(backbone=dict(init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')))
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let s = try settings(config)
        let donor = try makeModel(s, seed: 99)
        let cache = PretrainedDownload.cacheDirectory()
        let file = cache + "/resnet18-f37072fd.pth"
        guard !FileManager.default.fileExists(atPath: file) else {
            Issue.record("\(file) exists already; this test writes its own file there")
            return
        }
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let meta = CheckpointMeta(epoch: 0, iteration: 0, optimizerSteps: 0, optimizer: "Adam", seed: 0, worldSize: 1)
        try Checkpoint.save(model: donor, optimizer: nil, contents: CheckpointContents(meta: meta), to: file)

        let trainer = Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 1)
        try trainer.run()
        let log = try String(contentsOfFile: try #require(trainer.log.path), encoding: .utf8)
        #expect(log.contains("init_cfg checkpoint torchvision://resnet18: using \(file) from PyTorch's hub cache"))
        #expect(log.contains("backbone initialised from torchvision://resnet18"))

        let skipping = Trainer(settings: s, communicator: SingleProcessCommunicator(), workDir: dir + "/w2", loaderThreads: 1)
        skipping.skipsPretrainedDownloads = true
        try skipping.run()
        let skipped = try String(contentsOfFile: try #require(skipping.log.path), encoding: .utf8)
        #expect(skipped.contains("init_cfg Pretrained 'torchvision://resnet18' skipped (--no-pretrained)"))
    }
}
