import ArgumentParser
import Foundation
import PoseCLI
import PoseData

/// `pose-analyze plot`: MMPose's `analyze_logs.py plot_curve` as a PNG, one panel per key.
struct PlotCurves: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the curves of one or more runs' logged values into a PNG.",
        discussion: """
        Each RUN is a work dir (its newest <timestamp>/vis_data/scalars.json is read) or a
        scalars.json file. Training values (loss, loss_kpt, acc_pose, lr, grad_norm, time, …) are
        drawn against the iteration, validation metrics (coco/AP, PCK, NME, …) against the epoch;
        one panel per key, one colour per run. Example:
          pose-analyze plot work_dirs/run1 work_dirs/run2 --keys loss coco/AP --out curves.png
        """)

    @Argument(help: "Work dirs or scalars.json files.") var runs: [String]
    @Option(parsing: .upToNextOption, help: "Logged keys to draw (default: loss_kpt, as MMPose).") var keys: [String] = ["loss_kpt"]
    @Option(parsing: .upToNextOption, help: "Legend labels, one per run (default: the run's folder name).") var legend: [String] = []
    @Option(help: "Title above the panels.") var title: String?
    @Option(help: "The PNG to write.") var out: String

    func validate() throws {
        if !legend.isEmpty && legend.count != runs.count {
            throw ValidationError("--legend needs one label per run (\(runs.count)), got \(legend.count)")
        }
        guard out.lowercased().hasSuffix(".png") else { throw ValidationError("--out '\(out)': expected a .png file") }
    }

    func run() throws {
        do {
            try OutputPath.check(out, label: "--out")
            let logs = try runs.map(ScalarLog.init(run:))
            var panels: [LinePlot.Panel] = []
            for key in keys {
                var series: [LinePlot.Series] = [], validation = false
                for (i, log) in logs.enumerated() {
                    let (points, isValidation) = try log.curve(key)
                    validation = validation || isValidation
                    series.append(LinePlot.Series(label: legend.isEmpty ? log.name : legend[i], points: points))
                }
                panels.append(LinePlot.Panel(title: key, xLabel: validation ? "epoch" : "iteration", series: series))
            }
            var plot = LinePlot(panels: panels)
            if let title { plot.panels[0].title = title + ": " + plot.panels[0].title }
            // written through to what --out names (a link's target, a pipe), never replacing it
            try OutputPath.write(Data(try PNG.encode(plot.render())), to: out, label: "--out")
            print("wrote \(keys.count) panel\(keys.count == 1 ? "" : "s") of \(runs.count) run\(runs.count == 1 ? "" : "s") to \(out)")
        } catch {
            fail("\(error)")
        }
    }
}

/// One run's `vis_data/scalars.json`: MMEngine's records, one JSON object per line.
struct ScalarLog {
    let path: String
    let name: String
    let records: [[String: Any]]

    /// Reads `run`: a scalars.json file, or the newest one under a work dir.
    init(run: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run, isDirectory: &isDirectory) else {
            throw ValidationError("\(run): no such work dir or file")
        }
        if isDirectory.boolValue {
            let stamps = ((try? FileManager.default.contentsOfDirectory(atPath: run)) ?? [])
                .filter { FileManager.default.fileExists(atPath: "\(run)/\($0)/vis_data/scalars.json") }.sorted()
            if let newest = stamps.last {
                path = "\(run)/\(newest)/vis_data/scalars.json"
            } else if FileManager.default.fileExists(atPath: run + "/vis_data/scalars.json") {
                path = run + "/vis_data/scalars.json"
            } else {
                throw ValidationError("\(run): no <timestamp>/vis_data/scalars.json in it (is it a training work dir?)")
            }
            name = URL(fileURLWithPath: run).standardizedFileURL.lastPathComponent
        } else {
            path = run
            name = URL(fileURLWithPath: run).deletingPathExtension().lastPathComponent
        }
        let file = path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        records = try text.split(separator: "\n").enumerated().map { index, line in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ValidationError("\(file): line \(index + 1) is not a JSON object")
            }
            return record
        }
    }

    /// The (x, value) points of `key` and whether they are validation metrics (records without
    /// `epoch`, whose `step` is the epoch) rather than training values (x = the iteration).
    func curve(_ key: String) throws -> (points: [(x: Double, y: Double)], validation: Bool) {
        let with = records.filter { $0[key] != nil }
        guard !with.isEmpty else {
            let known = Set(records.flatMap(\.keys)).subtracting(["epoch", "iter", "step"]).sorted()
            throw ValidationError("\(path) has no '\(key)' (it has \(known.joined(separator: ", ")))")
        }
        let validation = with.allSatisfy { $0["epoch"] == nil }
        let points = with.compactMap { r -> (x: Double, y: Double)? in
            guard let y = (r[key] as? NSNumber)?.doubleValue, let x = ((r["iter"] ?? r["step"]) as? NSNumber)?.doubleValue else { return nil }
            return (x, y)
        }
        return (points, validation)
    }
}
