import Foundation
import Testing
import PoseData
@testable import PoseTraining

/// The number of training records a run's `vis_data/scalars.json` has so far.
func trainRecords(in workDir: String) -> Int {
    guard let runs = try? FileManager.default.contentsOfDirectory(atPath: workDir).filter({ $0.first?.isNumber == true }).sorted(),
          let last = runs.last, let text = try? String(contentsOfFile: "\(workDir)/\(last)/vis_data/scalars.json", encoding: .utf8)
    else { return 0 }
    return text.split(separator: "\n").filter { $0.contains("\"loss\"") }.count
}

/// The pids of running processes whose command line contains `fragment`, with their environment.
func processes(matching fragment: String) -> [(pid: Int32, environment: [String: String])] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> (Int32, [String: String])? in
        guard let pid = Int32(entry), pid != getpid(),
              let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
              String(decoding: cmdline.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(fragment),
              let env = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { return nil }
        var environment: [String: String] = [:]
        for item in env.split(separator: 0) {
            let text = String(decoding: item, as: UTF8.self)
            if let eq = text.firstIndex(of: "=") { environment[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        }
        return (pid, environment)
    }
}

/// pose-train as a user runs it, signalled and killed: the runs stop cleanly, lose nothing, and
/// resume to the weights an uninterrupted run reaches, bit for bit.
@Suite(.serialized) struct ProcessRunTests {
    /// A config long enough to signal mid-run: `epochs` epochs of 4 iterations (2 per rank with
    /// two ranks), no validation.
    func longConfig(_ dir: String, epochs: Int = 16) throws -> String {
        try makeDataset(in: dir)
        return try tinyConfig(in: dir, batchSize: 3, epochs: epochs, extra: "train_cfg = dict(max_epochs=\(epochs), val_interval=100)")
    }

    @Test func sigtermStopsWithACheckpointAndResumesExactly() throws {
        let dir = try temporaryDirectory("sigterm")
        let config = try longConfig(dir)
        let train = try executable("pose-train")
        let (s0, out0) = try run([train, config, "--work-dir", dir + "/straight"])
        #expect(s0 == 0, "\(out0)")

        let child = try ChildProcess([train, config, "--work-dir", dir + "/split"])
        #expect(child.wait(until: { trainRecords(in: dir + "/split") >= 20 }, timeout: 120))
        child.send(SIGTERM)
        let status = child.finish()
        #expect(status == 143, "\(child.text)")
        #expect(child.text.contains("stopped by SIGTERM at iteration"), "\(child.text)")
        let marker = try String(contentsOfFile: dir + "/split/last_checkpoint", encoding: .utf8)
        #expect(marker.hasPrefix("iter_"))
        let log = try #require(try FileManager.default.subpathsOfDirectory(atPath: dir + "/split").first { $0.hasSuffix(".log") })
        #expect(try String(contentsOfFile: dir + "/split/" + log, encoding: .utf8).contains("WARNING - stopped by SIGTERM"))

        let (s1, out1) = try run([train, config, "--work-dir", dir + "/split", "--resume"])
        #expect(s1 == 0, "\(out1)")
        #expect(out1.contains("resumed from \(dir)/split/\(marker)"))
        #expect(try sameModelState(dir + "/split/epoch_16.safetensors", dir + "/straight/epoch_16.safetensors"))
    }

    @Test func killNineAfterAnIterationCheckpointResumesExactly() throws {
        let dir = try temporaryDirectory("kill9")
        let config = try longConfig(dir)
        let train = try executable("pose-train")
        let options = ["--cfg-options", "default_hooks.checkpoint.by_epoch=False", "default_hooks.checkpoint.interval=5"]
        let (s0, out0) = try run([train, config, "--work-dir", dir + "/straight"] + options)
        #expect(s0 == 0, "\(out0)")
        let child = try ChildProcess([train, config, "--work-dir", dir + "/split"] + options)
        #expect(child.wait(until: { FileManager.default.fileExists(atPath: dir + "/split/iter_15.safetensors") }, timeout: 120))
        child.send(SIGKILL)
        _ = child.finish()
        let (s1, out1) = try run([train, config, "--work-dir", dir + "/split", "--resume"] + options)
        #expect(s1 == 0, "\(out1)")
        #expect(try sameModelState(dir + "/split/iter_64.safetensors", dir + "/straight/iter_64.safetensors"))
    }

    /// Under mpirun, SIGUSR1 to mpirun reaches every rank, which stop after the same iteration;
    /// the 2-rank resume (per-rank BatchNorm statistics restored) equals the straight 2-rank run.
    @Test func mpirunSignalStopsEveryRankAndResumesExactly() throws {
        let dir = try temporaryDirectory("mpi-sigterm")
        let config = try longConfig(dir, epochs: 80)
        let train = try executable("pose-train")
        let mpi = ["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS=1", train, config]
        let (s0, out0) = try run(mpi + ["--work-dir", dir + "/straight"])
        #expect(s0 == 0, "\(out0)")
        let child = try ChildProcess(mpi + ["--work-dir", dir + "/split"])
        #expect(child.wait(until: { trainRecords(in: dir + "/split") >= 12 }, timeout: 120))
        child.send(SIGUSR1)
        #expect(child.finish() == 128 + SIGUSR1)
        #expect(child.text.contains("stopped by SIGUSR1 at iteration"), "\(child.text)")
        let marker = try String(contentsOfFile: dir + "/split/last_checkpoint", encoding: .utf8)
        let saved = try Checkpoint.load(path: dir + "/split/" + marker)
        #expect(saved.meta?.worldSize == 2 && saved.tensors.keys.contains { $0.hasPrefix("rank_buffers.1.") })
        let (s1, out1) = try run(mpi + ["--work-dir", dir + "/split", "--resume"])
        #expect(s1 == 0, "\(out1)")
        #expect(try sameModelState(dir + "/split/epoch_80.safetensors", dir + "/straight/epoch_80.safetensors"))
    }

    /// An error on rank 1 right after an epoch (an unreadable validation image in its shard)
    /// cannot cut rank 0's checkpoint of that epoch short: every rank waits for it.
    @Test func aRankErrorAfterAnEpochKeepsItsCheckpoint() throws {
        let dir = try temporaryDirectory("rank1-error")
        try makeDataset(in: dir, train: 6, val: 4)
        let config = try tinyConfig(in: dir, batchSize: 3, epochs: 2, extra: "train_cfg = dict(max_epochs=2, val_interval=1)")
        // two detections: the validation sampler gives the first to rank 0, the second to rank 1,
        // whose image is unreadable
        let annotations = try CocoAnnotationFile.load(path: dir + "/data/annotations/person_keypoints_val.json")
        let (good, bad) = (annotations.images[0], annotations.images[1])
        let detections: [[String: Any]] = [["image_id": good.id, "category_id": 1, "bbox": [2, 2, 40, 60], "score": 0.9],
                                           ["image_id": bad.id, "category_id": 1, "bbox": [2, 2, 40, 60], "score": 0.9]]
        try JSONSerialization.data(withJSONObject: detections).write(to: URL(fileURLWithPath: dir + "/data/person_detection_results/val_detections.json"))
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: URL(fileURLWithPath: dir + "/data/val/" + bad.fileName))
        let (status, output) = try run(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--mca", "odls_base_sigkill_timeout", "0",
                                        "-x", "OPENBLAS_NUM_THREADS=1", try executable("pose-train"), config, "--work-dir", dir + "/w"])
        #expect(status != 0)
        #expect(output.contains("rank 1 of 2:") && output.contains("not a readable JPEG"), "\(output)")
        // the epoch's checkpoint is complete, and nothing half-written is left
        #expect(try Checkpoint.load(path: dir + "/w/epoch_1.safetensors").meta?.epoch == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/w").filter { $0.contains(".tmp-") }.isEmpty)
        // and the error reached the run's log
        let log = try #require(try FileManager.default.subpathsOfDirectory(atPath: dir + "/w").first { $0.hasSuffix(".log") })
        #expect(try String(contentsOfFile: dir + "/w/" + log, encoding: .utf8).contains("ERROR - rank 1 of 2:"))
    }

    /// A rank that stops answering (SIGSTOP) leaves the other in an allreduce; the watchdog ends
    /// the job after env_cfg.dist_cfg.timeout, naming the rank and the operation.
    @Test func watchdogEndsAJobWithAHungRank() throws {
        let dir = try temporaryDirectory("watchdog")
        let config = try longConfig(dir)
        let child = try ChildProcess(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--mca", "odls_base_sigkill_timeout", "0",
                                      "-x", "OPENBLAS_NUM_THREADS=1", try executable("pose-train"), config, "--work-dir", dir + "/w",
                                      "--cfg-options", "env_cfg.dist_cfg.timeout=3"])
        #expect(child.wait(until: { trainRecords(in: dir + "/w") >= 4 }, timeout: 120))
        let rank1 = try #require(processes(matching: dir + "/w").first { $0.environment["OMPI_COMM_WORLD_RANK"] == "1" })
        kill(rank1.pid, SIGSTOP)
        let stopped = Date()
        let status = child.finish(timeout: 60)
        let took = Date().timeIntervalSince(stopped)
        #expect(status != 0)
        #expect(took < 3 + 10, "the job took \(took) s to end")
        // the collective rank 0 waits in is an iteration's allreduce, or an epoch's checkpoint barrier
        // when the stop lands there
        #expect(["an allreduce of", "a barrier", "a broadcast"].contains { child.text.contains("rank 0 of 2: \($0)") }
                && child.text.contains("has not finished after 3 s"), "\(child.text)")
        usleep(500_000)
        #expect(processes(matching: dir + "/w").isEmpty)
    }

    /// Many validations in one run: the process's threads and memory stay flat (each
    /// validation's loader threads end with it).
    @Test func validationsDoNotLeak() throws {
        let dir = try temporaryDirectory("val-leak")
        try makeDataset(in: dir, train: 3, val: 6)
        let config = try tinyConfig(in: dir, batchSize: 3, epochs: 24, extra: "train_cfg = dict(max_epochs=24, val_interval=1)")
        let child = try ChildProcess([try executable("pose-train"), config, "--work-dir", dir + "/w"])
        var samples: [(validations: Int, threads: Int, rss: Int)] = []
        let pid = child.pid
        while child.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
                func field(_ name: String) -> Int {
                    status.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? 0
                }
                samples.append((child.text.components(separatedBy: "Epoch(val)").count - 1, field("Threads:"), field("VmRSS:")))
            }
            usleep(2_000)
        }
        #expect(child.finish() == 0, "\(child.text)")
        let early = samples.filter { (2...5).contains($0.validations) }, late = samples.filter { $0.validations >= 20 }
        let earlyThreads = early.map(\.threads).max() ?? 0, lateThreads = late.map(\.threads).max() ?? 0
        #expect(!early.isEmpty && !late.isEmpty)
        #expect(lateThreads <= earlyThreads + 1, "threads \(earlyThreads) after 2-5 validations, \(lateThreads) after 20+")
        let earlyRSS = early.map(\.rss).max() ?? 0, lateRSS = late.map(\.rss).max() ?? 0
        #expect(lateRSS - earlyRSS < 16_384, "resident memory \(earlyRSS) kB after 2-5 validations, \(lateRSS) kB after 20+")
    }
}
