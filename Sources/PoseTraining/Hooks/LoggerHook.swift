import Foundation
import PoseData
import PoseDistributed

/// MMEngine's `LoggerHook(interval=10)`: every `interval` iterations (and at the end of each
/// epoch) rank 0 logs a line with the learning rate, ETA, times, images/s and the losses averaged
/// over the window; after validation the metrics are logged.
///
/// `vis_data/scalars.json` gets the records MMEngine's LocalVisBackend writes, so MMPose's
/// `analyze_logs.py` reads them: at each logged iteration `lr, data_time, time, loss` and the
/// model's values (`loss_kpt`, `acc_pose`, …) as window means, `grad_norm` when clipping,
/// `epoch`, `iter` and `step` (the global iteration) and `memory` (this rank's peak resident
/// memory in MB; MMEngine reports a GPU's); after validation the metrics with `step` = the
/// epoch and no `epoch` key (the tool groups records by `epoch`).
public struct LoggerHookSpec: HookSpec {
    /// `interval`: log every `interval` iterations of an epoch, and at its end; 10 by default,
    /// values below 1 act as 1.
    public var interval = 10

    /// A logger that writes a line every `interval` iterations (MMEngine's default 10).
    public init(interval: Int = 10) { self.interval = interval }

    public var defaultPriority: HookPriority { .belowNormal }
    public func makeHook() throws -> Hook { LoggerHook(settings: self) }
}

/// The hook `LoggerHookSpec` makes: it collects each iteration's `runner.messages` into a
/// window, and on rank 0 logs the window's means and appends them to `vis_data/scalars.json`.
/// The ETA uses the mean time of the last 50 iterations.
public final class LoggerHook: Hook {
    /// The spec it was made from (`interval`).
    public let settings: LoggerHookSpec
    private var window: [[String: Double]] = []
    private var windowImages = 0
    private var recentTimes: [Double] = []

    /// Makes the hook for `settings`, with an empty window.
    public init(settings: LoggerHookSpec) { self.settings = settings }

    public func beforeTrainEpoch(_ runner: Trainer) throws {
        window = []
        windowImages = 0
    }

    public func afterTrainIteration(_ runner: Trainer, batch: Batch, outputs: TrainStepOutputs) throws {
        guard runner.isMain else { return }
        let m = runner.messages
        window.append(m)
        windowImages += batch.count * runner.worldSize
        if let t = m["time"] {
            recentTimes.append(t)
            if recentTimes.count > 50 { recentTimes.removeFirst() }
        }
        let inEpoch = runner.innerIteration + 1
        guard everyNInnerIterations(runner, max(1, settings.interval)) || isEndOfEpoch(runner) else { return }
        func mean(_ key: String) -> Double {
            let values = window.compactMap { $0[key] }
            return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
        let time = mean("time"), totalTime = window.compactMap { $0["time"] }.reduce(0, +)
        let remaining = runner.iterationsPerEpoch * runner.maxEpochs - runner.iteration - 1
        let eta = recentTimes.isEmpty ? 0 : Double(remaining) * recentTimes.reduce(0, +) / Double(recentTimes.count)
        let width = String(runner.iterationsPerEpoch).count
        var line = String(format: "Epoch(train) [%d][%\(width)d/%d]  lr: %.4e  eta: %@  time: %.4f  data_time: %.4f  images/s: %.1f  loss: %.6f",
                          runner.epoch + 1, inEpoch, runner.iterationsPerEpoch, m["lr"] ?? 0, formatDuration(eta), time,
                          mean("data_time"), totalTime > 0 ? Double(windowImages) / totalTime : 0, mean("loss"))
        if m["grad_norm"] != nil { line += String(format: "  grad_norm: %.4f", mean("grad_norm")) }
        // the model's own values (loss_kpt, acc_pose, …), each by name as MMEngine logs them
        let named = outputs.values.map(\.name).filter { $0 != "loss" }
        line += named.map { String(format: "  %@: %.6f", $0, mean($0)) }.joined()
        runner.log(line)
        var record: [String: Any] = ["epoch": runner.epoch + 1, "iter": runner.iteration + 1, "step": runner.iteration + 1,
                                     "memory": peakResidentBytes() / 1_048_576]
        if let lr = m["lr"] { record["lr"] = lr }
        for key in ["data_time", "time", "loss"] + (m["grad_norm"] != nil ? ["grad_norm"] : []) + named { record[key] = mean(key) }
        runner.log.scalars(record)
        window = []
        windowImages = 0
    }

    public func afterValidation(_ runner: Trainer, metrics: [(String, Double)]) throws {
        guard runner.isMain else { return }
        var record: [String: Any] = ["step": runner.epoch + 1]
        for (k, v) in metrics { record[k] = v }
        runner.log.scalars(record)
        runner.log("Epoch(val) [\(runner.epoch + 1)]  " + metrics.map { String(format: "%@: %.6f", $0.0, $0.1) }.joined(separator: "  "))
    }
}

func formatDuration(_ seconds: Double) -> String {
    // an ETA from a stalled or first step can be infinite
    guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "-:--:--" }
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
}
