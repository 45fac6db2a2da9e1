import Foundation
import PoseConfig

/// A dataset's keypoint definitions, parsed from an MMPose metainfo file
/// (`configs/_base_/datasets/coco.py`) as MMPose's `parse_pose_metainfo` does.
public struct DatasetMetainfo: Sendable, Equatable {
    /// `dataset_name` (`coco`, `mpii`, …), in messages and result files.
    public var datasetName: String
    /// The `K` keypoint names in id order (`keypoint_info[i].name`), which `swap` and skeleton links
    /// refer to.
    public var keypointNames: [String]
    /// For each keypoint, the index of its mirror image (itself when unpaired).
    public var flipIndices: [Int]
    /// The keypoints of `type='upper'`, in id order (`RandomHalfBody`'s upper body).
    public var upperBodyIndices: [Int]
    /// The keypoints of `type='lower'`, in id order (`RandomHalfBody`'s lower body).
    public var lowerBodyIndices: [Int]
    /// `joint_weights` as the file lists them (their count is checked where they are used).
    public var jointWeights: [Float]
    /// OKS sigmas per keypoint (empty where the dataset defines none).
    public var sigmas: [Float]
    /// Pairs of keypoint indices joined in drawings.
    public var skeletonLinks: [(Int, Int)]
    /// RGB colour of each keypoint.
    public var keypointColors: [[UInt8]]
    /// RGB colour of each skeleton link.
    public var linkColors: [[UInt8]]

    /// `K`, the number of keypoints.
    public var keypointCount: Int { keypointNames.count }

    /// Whether two definitions agree on name, keypoint names, flip indices, sigmas, joint weights and
    /// skeleton links; colours and body parts are not compared.
    public static func == (a: DatasetMetainfo, b: DatasetMetainfo) -> Bool {
        a.datasetName == b.datasetName && a.keypointNames == b.keypointNames && a.flipIndices == b.flipIndices
            && a.sigmas == b.sigmas && a.jointWeights == b.jointWeights
            && a.skeletonLinks.map { [$0.0, $0.1] } == b.skeletonLinks.map { [$0.0, $0.1] }
    }

    /// The metainfo files that ship with SwiftPose (`coco.py`, `crowdpose.py`, `mpii.py`, …), the
    /// files of MMPose's `configs/_base_/datasets`.
    public static var bundledFiles: [String] {
        guard let root = BundledConfigs.root,
              let names = try? FileManager.default.contentsOfDirectory(atPath: root + "/_base_/datasets") else { return [] }
        return names.filter { $0.hasSuffix(".py") }.sorted()
    }

    /// Reads a metainfo file as MMPose's `parse_pose_metainfo` resolves `from_file`: the path as
    /// given when it exists, otherwise the bundled copy of the same file name (MMPose falls back to
    /// its installed package's copy of `configs/_base_/datasets` the same way).
    public static func resolve(_ path: String) throws -> DatasetMetainfo {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let bundled = BundledConfigs.path("_base_/datasets/" + name) else {
            throw ConfigError("metainfo file '\(path)' not found, and SwiftPose bundles no '\(name)' (bundled: \(bundledFiles.joined(separator: ", ")))")
        }
        return try load(path: bundled)
    }

    /// Reads `dataset_info` from a metainfo config file.
    public static func load(path: String) throws -> DatasetMetainfo {
        let config = try Config.load(path: path)
        guard case .dict(let info) = config.root["dataset_info"] else {
            throw ConfigError("\(path): no 'dataset_info = dict(...)' found")
        }
        return try DatasetMetainfo(info: info, source: path)
    }

    /// Builds metainfo from a parsed `dataset_info` dict; `source` names it in errors.
    public init(info: ConfigDict, source: String) throws {
        func fail(_ key: String, _ what: String) -> ConfigError { ConfigError("\(source): dataset_info.\(key): \(what)") }
        guard case .string(let name)? = info["dataset_name"] else { throw fail("dataset_name", "expected a string") }
        guard case .dict(let kpInfo)? = info["keypoint_info"] else { throw fail("keypoint_info", "expected a dict") }
        let count = kpInfo.count
        var names = [String](repeating: "", count: count), swaps = [String](repeating: "", count: count)
        var types = [String](repeating: "", count: count), colors = [[UInt8]](repeating: [0, 0, 0], count: count)
        for (key, value) in kpInfo.items {
            guard case .dict(let kp) = value, case .int(let id)? = kp["id"], (0..<count).contains(id),
                  case .string(let n)? = kp["name"] else {
                throw fail("keypoint_info.\(key)", "expected dict(name=..., id=0..\(count - 1), ...)")
            }
            names[id] = n
            if case .string(let s)? = kp["swap"] { swaps[id] = s }
            if case .string(let t)? = kp["type"] { types[id] = t }
            if let c = kp["color"]?.sequence { colors[id] = c.compactMap { if case .int(let v) = $0 { UInt8(clamping: v) } else { nil } } }
        }
        var flip: [Int] = []
        for (i, swap) in swaps.enumerated() {
            if swap.isEmpty { flip.append(i); continue }
            guard let j = names.firstIndex(of: swap) else { throw fail("keypoint_info.\(i).swap", "'\(swap)' is not a keypoint name") }
            flip.append(j)
        }
        func floats(_ key: String, allowEmpty: Bool = false, anyCount: Bool = false) throws -> [Float] {
            guard let seq = info[key]?.sequence else { throw fail(key, "expected a list of \(count) numbers") }
            if allowEmpty && seq.isEmpty { return [] }
            let values = seq.compactMap { v -> Float? in
                switch v { case .int(let i): return Float(i); case .float(let d): return Float(d); default: return nil }
            }
            guard values.count == seq.count, anyCount || values.count == count else { throw fail(key, "expected \(count) numbers, found \(seq.count)") }
            return values
        }
        var links: [(Int, Int)] = [], linkColors: [[UInt8]] = []
        if case .dict(let sk)? = info["skeleton_info"] {
            for (key, value) in sk.items {
                guard case .dict(let link) = value, let pair = link["link"]?.sequence, pair.count == 2,
                      case .string(let a) = pair[0], case .string(let b) = pair[1],
                      let ia = names.firstIndex(of: a), let ib = names.firstIndex(of: b) else {
                    throw fail("skeleton_info.\(key)", "expected dict(link=(name, name), ...) with known keypoint names")
                }
                links.append((ia, ib))
                linkColors.append(link["color"]?.sequence?.compactMap { if case .int(let v) = $0 { UInt8(clamping: v) } else { nil } } ?? [255, 255, 255])
            }
        }
        datasetName = name
        keypointNames = names
        flipIndices = flip
        upperBodyIndices = types.indices.filter { types[$0] == "upper" }
        lowerBodyIndices = types.indices.filter { types[$0] == "lower" }
        // MMPose reads joint_weights only for GenerateTarget(use_dataset_keypoint_weights=True) and
        // ships a file whose list is one short (coco_aic.py: 18 for 19 keypoints); that step checks it
        jointWeights = try floats("joint_weights", anyCount: true)
        // MMPose's hand and fashion metainfo files have `sigmas=[]` (their metrics are PCK-based)
        sigmas = try floats("sigmas", allowEmpty: true)
        skeletonLinks = links
        keypointColors = colors
        self.linkColors = linkColors
    }
}
