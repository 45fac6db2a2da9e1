import ArgumentParser
import Foundation
import PoseCLI
import PoseTraining

@main
struct Main {
    static func main() {
        BLASSetup.configure()
        PoseTrain.main(Self.arguments())
    }

    /// `--resume` takes an optional value: a following `.safetensors`/`.pth` path is its checkpoint.
    static func arguments() -> [String] {
        var args = Array(CommandLine.arguments.dropFirst())
        if let i = args.firstIndex(of: "--resume") {
            if i + 1 < args.count, args[i + 1].hasSuffix(".safetensors") || args[i + 1].hasSuffix(".pth") {
                args[i] = "--resume-from"
            }
        }
        return args
    }
}

struct PoseTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose-train",
        abstract: "Train a top-down pose model from an MMPose-style config, alone or under mpirun.",
        discussion: """
        Examples:
          pose-train configs/quickstart/td-hm_res18-tiny_synthetic-128x96.py
          mpirun -np 4 pose-train CONFIG --work-dir work_dirs/run1
          pose-train CONFIG --resume                      # newest complete checkpoint in the work dir
          pose-train CONFIG --resume work_dirs/run1/epoch_10.safetensors
          pose-train CONFIG --cfg-options train_cfg.max_epochs=5 optim_wrapper.optimizer.lr=1e-3
        Rank 0 writes checkpoints (epoch_N.safetensors, last_checkpoint) and logs to the work dir.
        """)

    @Argument(help: "Config file (MMPose Python syntax).") var config: String
    @Option(help: "Work directory (default: ./work_dirs/<config name>).") var workDir: String?
    @Flag(help: "Resume from the newest complete checkpoint in the work dir (or give a checkpoint path after it).")
    var resume = false
    @Option(name: .customLong("resume-from"), help: .hidden) var resumeFrom: String?
    @Option(help: "Initial weights (.safetensors or a PyTorch .pth) to load before training (weights only).") var loadFrom: String?
    @Flag(help: "Fail when initial weights have missing or unexpected keys (default: list them and continue).") var strict = false
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value, applied last.") var cfgOptions: [String] = []

    func run() throws {
        let communicator = Job.makeCommunicator()
        Job.run(communicator) {
            let (_, settings) = try Job.loadSettings(path: config, options: cfgOptions)
            let name = URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent
            let dir = workDir ?? settings.workDir ?? "work_dirs/\(name)"
            let mode: Trainer.Resume = resumeFrom.map { .path($0) } ?? (resume || settings.resume ? .latest : .none)
            let trainer = Trainer(settings: settings, communicator: communicator, workDir: dir, resume: mode,
                                  loadFrom: loadFrom, loaderThreads: Job.loaderThreads)
            trainer.strictLoading = strict
            try trainer.run()
        }
    }
}
