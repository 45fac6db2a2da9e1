import ArgumentParser
import Foundation
import PoseDistributed
import PoseTraining

/// `pose-train`: trains a model from an MMPose-style config, alone or under mpirun.
///
/// A package with its own components runs the same command with them:
/// ```swift
/// var components = Components.stock
/// try MyComponents.register(in: &components)
/// PoseTrainCommand.main(components: components)
/// ```
public struct PoseTrainCommand: ComponentCommand {
    /// ArgumentParser's description of the command: its name, `pose-train`, and the help text.
    public static let configuration = CommandConfiguration(
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
        SIGTERM, SIGINT or SIGUSR1 to the ranks stops every rank after the current iteration with a
        checkpoint of that point (exit status 128 + the signal: 143, 130, 138); resume with --resume.
        Under mpirun send SIGUSR1 to mpirun (it forwards it; SIGTERM/SIGINT make mpirun kill the
        ranks after 1 s, often before they reach the checkpoint). Slurm sends SIGTERM to the tasks.
        """)

    /// Path of the config to train; its file name (without extension) names the default work directory.
    @Argument(help: "Config file (MMPose Python syntax).") public var config: String
    /// `--work-dir`: where checkpoints and logs go; nil takes the config's `work_dir`, else
    /// `./work_dirs/<config name>`.
    @Option(help: "Work directory (default: ./work_dirs/<config name>).") public var workDir: String?
    /// `--resume`: resume from the newest complete checkpoint in the work directory (`arguments()`
    /// turns `--resume PATH` into `--resume-from PATH`).
    @Flag(help: "Resume from the newest complete checkpoint in the work dir (or give a checkpoint path after it).")
    public var resume = false
    /// `--resume-from` (hidden): the checkpoint `--resume PATH` names; wins over `--resume` and the
    /// config's `resume`.
    @Option(name: .customLong("resume-from"), help: .hidden) public var resumeFrom: String?
    /// `--load-from`: initial weights (`.safetensors` or a PyTorch `.pth`) loaded before training,
    /// weights only, as MMPose's `load_from`.
    @Option(help: "Initial weights (.safetensors or a PyTorch .pth) to load before training (weights only).") public var loadFrom: String?
    /// `--strict`: missing or unexpected keys in the `--load-from` weights are an error; by default
    /// they are listed and training continues.
    @Flag(help: "Fail when initial weights have missing or unexpected keys (default: list them and continue).") public var strict = false
    /// `--auto-scale-lr`: scale the learning rate by (ranks × batch per rank) /
    /// `auto_scale_lr.base_batch_size`, as MMPose's `tools/train.py`; the config must have `auto_scale_lr`.
    @Flag(help: "Scale the learning rate by (ranks × batch per rank) / auto_scale_lr.base_batch_size (sets auto_scale_lr.enable).")
    public var autoScaleLr = false
    /// `--no-pretrained`: keep the random initialisation where `init_cfg` names downloadable weights
    /// (`torchvision://`, `https://`, …) instead of fetching them.
    @Flag(help: "Keep the random initialisation where init_cfg names downloadable weights (torchvision://, https://, …) instead of fetching them.")
    public var noPretrained = false
    /// `--cfg-options key.path=value …`: config overrides, applied after the config is loaded.
    @Option(parsing: .upToNextOption, help: "Config overrides key.path=value, applied last.") public var cfgOptions: [String] = []

    /// Creates the command with every option at its default (ArgumentParser fills them when parsing).
    public init() {}

    /// Trains with the config's components looked up in `components`; ends the job on an error.
    public func run(components: Components) {
        let communicator = Job.makeCommunicator()
        let stopRequest = StopRequest()
        stopRequest.install()
        // the run's log, opened by the trainer on rank 0 and shared with the others; errors go there too
        let log = TrainingLog()
        Job.run(communicator, record: { log.record($0, level: $1) }) {
            var (_, settings) = try Job.loadSettings(path: config, options: cfgOptions, components: components)
            if autoScaleLr {
                // MMPose's tools/train.py: the config must say what batch size its rate is for
                guard let auto = settings.autoScaleLR else {
                    throw TrainingError("\(config): --auto-scale-lr needs auto_scale_lr=dict(enable=..., base_batch_size=...) in the config")
                }
                settings.autoScaleLR = (true, auto.baseBatchSize)
            }
            let name = URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent
            let dir = workDir ?? settings.workDir ?? "work_dirs/\(name)"
            let watched = WatchdogCommunicator(communicator, timeout: settings.distTimeout) { log.record($0, level: "ERROR") }
            let trainer = Trainer(settings: settings, communicator: watched, workDir: dir, resume: resumeMode(settings),
                                  loadFrom: loadFrom, loaderThreads: Job.loaderThreads, stopRequest: stopRequest, log: log)
            trainer.strictLoading = strict
            trainer.skipsPretrainedDownloads = noPretrained
            try trainer.run()
        }
    }

    /// MMPose's rules: `--resume CHECKPOINT` resumes from it; `--resume` alone from the newest
    /// checkpoint in the work dir; in the config, `resume=True` resumes from `load_from` when set,
    /// else from the newest checkpoint.
    func resumeMode(_ settings: ExperimentSettings) -> Trainer.Resume {
        if let resumeFrom { return .path(resumeFrom) }
        if resume { return .latest }
        if settings.resume { return settings.loadFrom.map { .path($0) } ?? .latest }
        return .none
    }

    /// `--resume` takes an optional value: a following `.safetensors`/`.pth` path is its checkpoint.
    public static func arguments() -> [String] {
        var args = Array(CommandLine.arguments.dropFirst())
        if let i = args.firstIndex(of: "--resume"), i + 1 < args.count,
           args[i + 1].hasSuffix(".safetensors") || args[i + 1].hasSuffix(".pth") {
            args[i] = "--resume-from"
        }
        return args
    }
}
