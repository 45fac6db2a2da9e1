import Foundation
import Testing
@testable import PoseTraining

/// A single-host Slurm (cluster/slurm/local_slurm.sh) for the length of a suite.
struct LocalSlurm {
    let dir: String
    static let script = repositoryRoot + "/cluster/slurm/local_slurm.sh"

    init() throws {
        dir = try temporaryDirectory("slurm")
        let (status, output) = try run(["bash", LocalSlurm.script, "start", dir], timeout: 600)
        guard status == 0 else { throw TrainingError("local_slurm.sh start failed: \(output)") }
    }

    func stop() { _ = try? run(["bash", LocalSlurm.script, "stop", dir], timeout: 60) }

    /// A command with this Slurm's configuration and the release build.
    func command(_ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        let bin = URL(fileURLWithPath: try executable("pose-train")).deletingLastPathComponent().path
        return ["env", "SLURM_CONF=\(dir)/slurm.conf", "POSE_BIN=\(bin)"] + environment.map { "\($0.key)=\($0.value)" } + arguments
    }
}

/// cluster/slurm_train.sh and slurm_test.sh on a real single-host Slurm 22.05 (Debian's slurm-wlm
/// and munge, installed when missing): N tasks train as N ranks, as mpirun's N ranks do, bit for
/// bit; a Slurm SIGTERM (what a time limit or a preemption sends) stops them with a checkpoint
/// and a resubmitted --resume continues exactly. Needs root; skipped elsewhere.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run slurmctld, slurmd and munged"))
struct SlurmTests {
    @Test func slurmScriptsTrainAllRanksAndStopOnSigterm() throws {
        let slurm = try LocalSlurm()
        defer { slurm.stop() }
        let dir = try temporaryDirectory("slurm-run")
        try makeDataset(in: dir, train: 8, val: 3)
        let config = try tinyConfig(in: dir, batchSize: 2, epochs: 3, extra: "train_cfg = dict(max_epochs=3, val_interval=3)")
        let ranks = ["RANKS": "2", "CPUS_PER_TASK": "1"]
        let train = repositoryRoot + "/cluster/slurm_train.sh"

        let (s1, out1) = try run(try slurm.command(["bash", train, "debug", "swiftpose-test", config, dir + "/srun"], environment: ranks))
        #expect(s1 == 0, "\(out1)")
        #expect(out1.contains("SwiftPose training: 2 ranks") && out1.contains("(global batch 4)"), "\(out1)")
        let (s2, out2) = try run(try slurm.command(["bash", train, "debug", "swiftpose-test", config, dir + "/salloc"],
                                                   environment: ranks.merging(["LAUNCHER": "mpirun"]) { $1 }))
        #expect(s2 == 0, "\(out2)")
        #expect(out2.contains("SwiftPose training: 2 ranks"), "\(out2)")
        let (s3, out3) = try run(["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS=1",
                                  try executable("pose-train"), config, "--work-dir", dir + "/mpirun"])
        #expect(s3 == 0, "\(out3)")
        #expect(try sameModelState(dir + "/srun/epoch_3.safetensors", dir + "/mpirun/epoch_3.safetensors"))
        #expect(try sameModelState(dir + "/salloc/epoch_3.safetensors", dir + "/mpirun/epoch_3.safetensors"))

        let (s4, out4) = try run(try slurm.command(["bash", repositoryRoot + "/cluster/slurm_test.sh", "debug", "swiftpose-test", config,
                                                    dir + "/srun/epoch_3.safetensors"], environment: ranks))
        #expect(s4 == 0 && out4.contains("coco/AP:"), "\(out4)")
        // a plain command in an sbatch script of 2 tasks (SLURM_PROCID and SLURM_NTASKS set, no
        // srun step) runs as the one process it is
        let batchOutput = dir + "/batch.out"
        let (s7, out7) = try run(try slurm.command(["sbatch", "--wait", "-n", "2", "-o", batchOutput, "--wrap",
                                                    "\(try executable("pose-test")) \(config) \(dir)/srun/epoch_3.safetensors"]))
        let batchText = (try? String(contentsOfFile: batchOutput, encoding: .utf8)) ?? ""
        #expect(s7 == 0 && batchText.contains("coco/AP:"), "\(out7)\n\(batchText)")

        // preemption: Slurm signals every task; they stop after one iteration with a checkpoint
        let long = try tinyConfig(in: dir, batchSize: 2, epochs: 200, extra: "train_cfg = dict(max_epochs=200, val_interval=1000)")
        let job = try ChildProcess(try slurm.command(["bash", train, "debug", "swiftpose-preempt", long, dir + "/preempted"], environment: ranks))
        #expect(job.wait(until: { trainRecords(in: dir + "/preempted") >= 30 }, timeout: 120), "\(job.text)")
        _ = try run(try slurm.command(["scancel", "--signal=TERM", "--name=swiftpose-preempt"]))
        #expect(job.finish(timeout: 120) != 0)
        #expect(job.text.contains("stopped by SIGTERM at iteration"), "\(job.text)")
        let short = ["--cfg-options", "train_cfg.max_epochs=40"]
        let (s5, out5) = try run(try slurm.command(["bash", train, "debug", "swiftpose-resume", long, dir + "/preempted", "--resume"] + short,
                                                   environment: ranks))
        #expect(s5 == 0 && out5.contains("resumed from"), "\(out5)")
        let (s6, out6) = try run(try slurm.command(["bash", train, "debug", "swiftpose-straight", long, dir + "/straight"] + short,
                                                   environment: ranks))
        #expect(s6 == 0, "\(out6)")
        #expect(try sameModelState(dir + "/preempted/epoch_40.safetensors", dir + "/straight/epoch_40.safetensors"))
    }
}
