import ArgumentParser
import Foundation
import PoseCLI
import PoseConfig
import PoseTraining

/// `pose-analyze check-configs`: which of a tree of MMPose configs run here.
struct CheckConfigs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-configs",
        abstract: "Load, decode and build every config under the given folders; print per config 'builds (N parameters)' or the first thing it needs that SwiftPose lacks, then a tally.",
        discussion: """
        Folders are searched for .py files (except those under _base_ folders). --backbone keeps
        only top-down configs (model.type TopdownPoseEstimator) whose model.backbone.type is one of
        the names. N counts every parameter of the built model, as MMPose's summaries do. Example,
        on MMPose 1.3.2's own tree (pip download mmpose==1.3.2 --no-deps; the configs are in
        the wheel's mmpose/.mim/configs):
          pose-analyze check-configs mim/configs --backbone ResNet ResNetV1d ResNeXt SEResNet ResNeSt HRNet
        """)

    @Argument(help: "Config files or folders.") var paths: [String]
    @Option(parsing: .upToNextOption, help: "Keep top-down configs with one of these backbone types.") var backbone: [String] = []
    @Flag(help: "Print only the tally.") var tallyOnly = false

    func run() throws {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("\(path): no such file or folder") }
            if !isDirectory.boolValue { files.append(path); continue }
            let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            files += found.filter { $0.hasSuffix(".py") && !$0.split(separator: "/").contains("_base_") }.sorted().map { path + "/" + $0 }
        }
        var builds = 0, skipped = 0, reasons: [String: Int] = [:], parseFailures = 0, unclassified: [String] = []
        for file in files {
            let result = check(file)
            switch result {
            case .skipped: skipped += 1; continue
            case .builds(let count):
                builds += 1
                if !tallyOnly { print("\(file): builds (\(count.formatted()) parameters)") }
            case .fails(let reason, let parsed):
                if !parsed && !backbone.isEmpty {
                    // its backbone is unknown, so it may or may not belong to the selection
                    unclassified.append("\(file): \(reason)")
                    continue
                }
                if !parsed { parseFailures += 1 }
                reasons[reason, default: 0] += 1
                if !tallyOnly { print("\(file): \(reason)") }
            }
        }
        let checked = files.count - skipped - unclassified.count
        if backbone.isEmpty {
            print("\n\(checked) config\(checked == 1 ? "" : "s") checked: \(builds) build, \(checked - builds) do not; \(checked - parseFailures) parse, \(parseFailures) do not")
        } else {
            print("\n\(checked) top-down config\(checked == 1 ? "" : "s") with backbone \(backbone.joined(separator: "/")): \(builds) build, \(checked - builds) do not")
        }
        for (reason, count) in reasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            print(String(format: "%5d  %@", count, reason))
        }
        if !unclassified.isEmpty {
            print("\n\(unclassified.count) other config\(unclassified.count == 1 ? "" : "s") do not parse, so their backbone is unknown:")
            for line in unclassified { print("  " + line) }
        }
    }

    enum Result { case builds(Int), fails(String, parsed: Bool), skipped }

    func check(_ file: String) -> Result {
        let config: Config
        do { config = try Config.load(path: file) } catch {
            return .fails(CheckConfigs.reason(error, file: file), parsed: false)
        }
        if !backbone.isEmpty {
            guard case .string("TopdownPoseEstimator")? = config.value(at: "model.type"),
                  case .string(let type)? = config.value(at: "model.backbone.type"), backbone.contains(type) else { return .skipped }
        }
        do {
            let settings = try ExperimentSettings.decode(config, components: .stock)
            let model = try makeModel(settings, seed: 0)
            return .builds(model.state.parameters.reduce(0) { $0 + $1.parameter.value.count })
        } catch {
            return .fails(CheckConfigs.reason(error, file: file), parsed: true)
        }
    }

    /// The error without the config's own file name and line (so equal reasons tally together).
    static func reason(_ error: Error, file: String) -> String {
        let text = "\(error)"
        guard text.hasPrefix(file) else { return text }
        // "<path>.py: …" or "<path>.py:LINE:COLUMN: …"
        guard let py = text.range(of: ".py"), !text[..<py.lowerBound].contains(" ") else { return text }
        var rest = text[py.upperBound...]
        while rest.first == ":" {
            rest = rest.dropFirst()
            rest = rest.drop { $0.isNumber }
            if rest.first == " " { rest = rest.dropFirst(); break }
        }
        return String(rest)
    }
}
