import Foundation
import Testing
import PoseConfig
import PoseData
import PoseDistributed
import PoseEval
import PoseModels
@testable import PoseCLI
@testable import PoseTraining

/// A hook that asks the run to stop, as SIGTERM does, before iteration `at` (0-based).
final class StopAtIterationHook: Hook {
    let at: Int
    init(at: Int) { self.at = at }
    func beforeTrainIteration(_ runner: Trainer, batch: Batch) throws {
        if runner.iteration == at { runner.stopRequest.request(SIGTERM) }
    }
}

struct StopAtIterationHookSettings: HookSpec {
    var at: Int
    func makeHook() throws -> Hook { StopAtIterationHook(at: at) }
}

/// Every float tensor of two checkpoints' model state, compared bit for bit.
func sameModelState(_ a: String, _ b: String) throws -> Bool {
    let x = try Checkpoint.load(path: a), y = try Checkpoint.load(path: b)
    let keys = x.tensors.keys.filter { !CheckpointContents.reservedPrefixes.contains(where: $0.hasPrefix) }
    guard Set(keys) == Set(y.tensors.keys.filter { !CheckpointContents.reservedPrefixes.contains(where: $0.hasPrefix) }) else { return false }
    for k in keys {
        guard let i = x.tensors[k], let j = y.tensors[k], i.shape == j.shape, x.data[i.range] == y.data[j.range] else { return false }
    }
    return true
}

@Suite(.serialized) struct RunSafetyTests {
    /// A signal mid-epoch stops after the current iteration with a checkpoint of that point; the
    /// resumed run continues to the same weights, bit for bit. Also at an epoch's last iteration
    /// (before its epoch checkpoint): the resumed run begins with that epoch's end.
    @Test(arguments: [5, 7])
    func stopMidEpochThenResumeIsBitIdentical(at: Int) throws {
        let dir = try temporaryDirectory("stop\(at)")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 3, epochs: 3)
        let straight = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/straight",
                               loaderThreads: 2)
        try straight.run()
        #expect(straight.losses.count == 12)

        var withStop = try settings(config)
        withStop.hooks.append(HookEntry(key: "custom_hooks[0]", type: "StopAtIteration", priority: .normal,
                                        spec: StopAtIterationHookSettings(at: at)))
        let first = Trainer(settings: withStop, communicator: SingleProcessCommunicator(), workDir: dir + "/split", loaderThreads: 1)
        do {
            try first.run()
            Issue.record("the run did not stop")
        } catch let stopped as RunStopped {
            #expect(stopped.exitStatus == 143)
            #expect(stopped.description.contains("stopped by SIGTERM at iteration \(at + 1) (\(at + 1 - 4) into epoch 2); saved \(dir)/split/iter_\(at + 1).safetensors; continue with --resume"),
                    "\(stopped.description)")
        }
        #expect(first.losses.count == at + 1)
        let meta = try #require(try Checkpoint.load(path: dir + "/split/iter_\(at + 1).safetensors").meta)
        #expect(meta.epoch == 1 && meta.iteration == at + 1 && meta.innerIteration == at + 1 - 4)
        #expect(try String(contentsOfFile: dir + "/split/last_checkpoint", encoding: .utf8) == "iter_\(at + 1).safetensors")
        #expect(!FileManager.default.fileExists(atPath: dir + "/split/epoch_2.safetensors"))

        let second = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/split",
                             resume: .latest, loaderThreads: 3)
        try second.run()
        #expect(first.losses + second.losses == straight.losses)
        #expect(second.model.arena.values.array == straight.model.arena.values.array)
        #expect(second.model.state.buffers.map { $0.tensor.array } == straight.model.state.buffers.map { $0.tensor.array })
        #expect(try sameModelState(dir + "/split/epoch_3.safetensors", dir + "/straight/epoch_3.safetensors"))
    }

    /// `by_epoch=False` checkpoints count iterations; resuming from one in a fresh work dir
    /// (copied forward) ends where the uninterrupted run does; `interval=-1` still saves the last.
    @Test func iterationCheckpointsAndSaveLast() throws {
        let dir = try temporaryDirectory("iter-ckpt")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 3, epochs: 2)
        let byIteration = ["default_hooks.checkpoint.by_epoch=False", "default_hooks.checkpoint.interval=3"]
        let run = Trainer(settings: try settings(config, options: byIteration), communicator: SingleProcessCommunicator(),
                          workDir: dir + "/a", loaderThreads: 2)
        try run.run()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/a").filter { $0.hasSuffix(".safetensors") }.sorted()
        #expect(files == ["iter_3.safetensors", "iter_6.safetensors", "iter_8.safetensors"], "\(files)")
        // resume from iteration 3 (1 into epoch 2) in another directory
        let resumed = Trainer(settings: try settings(config, options: byIteration), communicator: SingleProcessCommunicator(),
                              workDir: dir + "/b", resume: .path(dir + "/a/iter_3.safetensors"), loaderThreads: 1)
        try resumed.run()
        #expect(resumed.losses == Array(run.losses.suffix(5)))
        #expect(try sameModelState(dir + "/b/iter_8.safetensors", dir + "/a/iter_8.safetensors"))
        #expect(FileManager.default.fileExists(atPath: dir + "/b/iter_3.safetensors"))   // copied forward

        let last = Trainer(settings: try settings(config, options: ["default_hooks.checkpoint.interval=-1"]),
                           communicator: SingleProcessCommunicator(), workDir: dir + "/c", loaderThreads: 1)
        try last.run()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/c").filter { $0.hasSuffix(".safetensors") } == ["epoch_2.safetensors"])
    }

    /// Resuming another directory's checkpoint, or a copy of a work dir, never deletes the
    /// original's files, and `last_checkpoint` holds a name relative to its work dir.
    @Test func resumeNeverTouchesAnotherWorkDir() throws {
        let dir = try temporaryDirectory("other-dir")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 6, epochs: 2)
        let keepOne = ["default_hooks.checkpoint.max_keep_ckpts=1"]
        try Trainer(settings: try settings(config, options: keepOne + ["train_cfg.max_epochs=1"]), communicator: SingleProcessCommunicator(),
                    workDir: dir + "/other", loaderThreads: 1).run()
        let original = try Data(contentsOf: URL(fileURLWithPath: dir + "/other/epoch_1.safetensors"))
        try Trainer(settings: try settings(config, options: keepOne + ["train_cfg.max_epochs=3"]), communicator: SingleProcessCommunicator(),
                    workDir: dir + "/new", resume: .path(dir + "/other/epoch_1.safetensors"), loaderThreads: 1).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/other/epoch_1.safetensors")) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").filter { $0.hasSuffix(".safetensors") } == ["epoch_3.safetensors"])
        #expect(try String(contentsOfFile: dir + "/new/last_checkpoint", encoding: .utf8) == "epoch_3.safetensors")
        // a different file of the same name in the new work dir is never replaced
        try FileManager.default.createDirectory(atPath: dir + "/clash", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: dir + "/clash/epoch_1.safetensors"))
        #expect {
            try Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/clash",
                        resume: .path(dir + "/other/epoch_1.safetensors"), loaderThreads: 1).run()
        } throws: { "\($0)".contains("the work dir already has a different \(dir)/clash/epoch_1.safetensors") }
        #expect(try String(contentsOfFile: dir + "/clash/epoch_1.safetensors", encoding: .utf8) == "mine")

        // a copy of a work dir, resumed, cleans up only its own files
        let options = ["default_hooks.checkpoint.max_keep_ckpts=2", "default_hooks.checkpoint.save_best=coco/AP",
                       "default_hooks.checkpoint.rule=greater", "train_cfg.val_interval=1"]
        try Trainer(settings: try settings(config, options: options), communicator: SingleProcessCommunicator(), workDir: dir + "/a",
                    loaderThreads: 1).run()
        let before = try FileManager.default.contentsOfDirectory(atPath: dir + "/a").sorted()
        try FileManager.default.copyItem(atPath: dir + "/a", toPath: dir + "/copy")
        try Trainer(settings: try settings(config, options: options + ["train_cfg.max_epochs=5", "default_hooks.checkpoint.max_keep_ckpts=1"]),
                    communicator: SingleProcessCommunicator(), workDir: dir + "/copy", resume: .latest, loaderThreads: 1).run()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/a").sorted() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/copy").filter { $0.hasPrefix("epoch_") } == ["epoch_5.safetensors"])
    }

    /// Stale temporary files go; a damaged epoch in the metadata is caught by the checksum; when
    /// no checkpoint verifies, resuming stops instead of training over them; the lock refuses a
    /// second run; a checkpoint past max_epochs ends cleanly; a foreign file is a one-line error.
    @Test func nothingIsLostOrOverwritten() throws {
        let dir = try temporaryDirectory("lost")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 6, epochs: 2)
        let work = dir + "/w"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: work + "/epoch_7.safetensors.tmp-4242"))
        let first = Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: work, loaderThreads: 1)
        try first.run()
        #expect(!FileManager.default.fileExists(atPath: work + "/epoch_7.safetensors.tmp-4242"))

        // one changed digit in the metadata (epoch 2 → 1) no longer passes for a checkpoint
        var bytes = try Data(contentsOf: URL(fileURLWithPath: work + "/epoch_2.safetensors"))
        let marker = Data(#"\"epoch\":2"#.utf8)   // the metadata is a JSON string inside the header
        let range = try #require(bytes.range(of: marker))
        bytes[range.upperBound - 1] = UInt8(ascii: "1")
        try bytes.write(to: URL(fileURLWithPath: work + "/epoch_2.safetensors"))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(path: work + "/epoch_2.safetensors") }

        // no checkpoint verifies: an error, and the damaged files stay
        var one = try Data(contentsOf: URL(fileURLWithPath: work + "/epoch_1.safetensors"))
        one[one.count - 3] ^= 0x40
        try one.write(to: URL(fileURLWithPath: work + "/epoch_1.safetensors"))
        do {
            try Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: work, resume: .latest,
                        loaderThreads: 1).run()
            Issue.record("resumed over damaged checkpoints")
        } catch let e as CheckpointError {
            #expect(e.description.hasPrefix("no checkpoint in \(work) verifies (epoch_2.safetensors: "))
        }
        #expect(FileManager.default.fileExists(atPath: work + "/epoch_1.safetensors"))

        // a second run on a work dir in use is refused
        let lock = try WorkDirLock(workDir: work)
        do {
            try Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: work, loaderThreads: 1).run()
            Issue.record("two runs shared a work dir")
        } catch {
            #expect("\(error)".contains("work dir \(work) is in use by another run (pid \(getpid())"))
        }
        _ = lock

        // past max_epochs: nothing to train, no error
        let done = dir + "/done"
        try Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: done, loaderThreads: 1).run()
        let again = Trainer(settings: try settings(config, options: ["train_cfg.max_epochs=1"]), communicator: SingleProcessCommunicator(),
                            workDir: done, resume: .latest, loaderThreads: 1)
        try again.run()
        #expect(again.losses.isEmpty)

        // an MMPose .pth cannot be resumed: a one-line error
        do {
            try Trainer(settings: try settings(config), communicator: SingleProcessCommunicator(), workDir: dir + "/pth",
                        resume: .path(repositoryRoot + "/Tests/Fixtures/parity/resnet18_sb.pth"), loaderThreads: 1).run()
            Issue.record("resumed a .pth")
        } catch let e as CheckpointError {
            #expect(e.description.contains("resnet18_sb.pth: not a SwiftPose checkpoint (no run metadata)") && !e.description.contains("\n"))
        }
    }

    /// Files the run needs are checked before any training, naming the config key.
    @Test func missingFilesAreFoundAtStart() throws {
        let dir = try temporaryDirectory("missing")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 6, epochs: 1)
        let trainer = Trainer(settings: try settings(config, options: ["val_dataloader.dataset.bbox_file=\(dir)/nowhere.json"]),
                              communicator: SingleProcessCommunicator(), workDir: dir + "/w", loaderThreads: 1)
        do {
            try trainer.run()
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "val_dataloader.dataset.bbox_file: \(dir)/nowhere.json does not exist")
        }
        #expect(trainer.losses.isEmpty)
    }

    /// MMPose's resume rules: `--resume X`, `--resume`, and `resume=True` with or without `load_from`.
    @Test func resumeFollowsMMPoseRules() throws {
        let zoo = repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py"
        let plain = try settings(zoo)
        let withLoad = try settings(zoo, options: ["resume=True", "load_from=/ckpt/epoch_3.safetensors"])
        let resumeOnly = try settings(zoo, options: ["resume=True"])
        func mode(_ args: [String], _ s: ExperimentSettings) throws -> Trainer.Resume {
            try PoseTrainCommand.parse([zoo] + args).resumeMode(s)
        }
        #expect(try mode([], plain) == .none)
        #expect(try mode(["--resume"], plain) == .latest)
        #expect(try mode(["--resume-from", "x.safetensors"], plain) == .path("x.safetensors"))
        #expect(try mode([], withLoad) == .path("/ckpt/epoch_3.safetensors"))
        #expect(try mode([], resumeOnly) == .latest)
        #expect(try mode(["--resume"], withLoad) == .latest)
    }

    /// A loader's threads end when it shuts down (every evaluation shuts its loader down; the
    /// whole-process check is in ClusterRunTests).
    /// `round_up=False` with ranks that would train different numbers of iterations (and so wait
    /// for each other forever) is an error at start-up, naming the key.
    @Test func unevenRanksAreRefused() throws {
        let dir = try temporaryDirectory("uneven")
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, batchSize: 1)
        // more ranks than instances: rank 0 has one sample, the last rank none
        let trainer = Trainer(settings: try settings(config, options: ["train_dataloader.sampler.round_up=False"]),
                              communicator: RankZeroCommunicator(size: 1000), workDir: dir + "/w", loaderThreads: 1)
        #expect {
            try trainer.run()
        } throws: { "\($0)".contains("train_dataloader.sampler.round_up=False") && "\($0)".contains("rank 999 0") }
    }

    /// Ranks that received different signals all stop for the same one (so they end with the
    /// same status): SIGTERM before SIGINT before SIGUSR1.
    @Test func ranksAgreeOnOneStopSignal() {
        func agreed(_ received: [Int32]) -> Int32 {
            let sums = received.map(StopRequest.counts(of:)).reduce([0, 0, 0]) { zip($0, $1).map { $0 + $1 } }
            return StopRequest.agreedSignal(counts: sums)
        }
        #expect(agreed([0, 0]) == 0)
        #expect(agreed([0, SIGUSR1]) == SIGUSR1)
        #expect(agreed([SIGUSR1, SIGTERM, SIGUSR1]) == SIGTERM)
        #expect(agreed([SIGINT, SIGUSR1]) == SIGINT)
        let request = StopRequest()
        request.request(SIGHUP)
        #expect(request.receivedSignal == SIGTERM)
    }

    @Test func loaderThreadsEndAtShutdown() throws {
        let dir = try temporaryDirectory("leak")
        try makeDataset(in: dir, train: 2, val: 3)
        let s = try settings(try tinyConfig(in: dir, batchSize: 2, epochs: 1))
        let dataLoader = DataLoader(instances: [], pipeline: s.val!.dataset.pipeline, batchSize: 1, mean: [0, 0, 0], std: [1, 1, 1],
                                    seed: 0, workers: 2)
        dataLoader.start(epoch: 0, indices: [])
        #expect(dataLoader.liveThreads == 2)
        dataLoader.shutdown()
        #expect(dataLoader.liveThreads == 0)
    }
}

/// Rank 0 of `size` ranks whose peers never differ from it: collectives leave rank 0's values
/// as they are. For start-up checks that depend on the world size only.
final class RankZeroCommunicator: Communicator {
    let size: Int
    var rank: Int { 0 }
    init(size: Int) { self.size = size }
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {}
    func allReduceSum(_ values: inout [Double]) throws {}
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws {}
    func gather(_ bytes: [UInt8], root: Int) throws -> [[UInt8]] { Array(repeating: bytes, count: size) }
    func barrier() throws {}
    func abort(status: Int32) -> Never { fatalError("abort(\(status))") }
}
