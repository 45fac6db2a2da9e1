/// One stage of MMPose's HRNet `extra` dict.
public struct HRNetStage: Sendable, Equatable {
    public var numModules: Int
    public var numBranches: Int
    /// "BOTTLENECK" or "BASIC".
    public var block: String
    public var numBlocks: [Int]
    public var numChannels: [Int]
    /// Whether the stage's last module outputs every branch (stage 4 defaults to false).
    public var multiscaleOutput: Bool

    public init(numModules: Int, numBranches: Int, block: String, numBlocks: [Int], numChannels: [Int],
                multiscaleOutput: Bool = true) {
        self.numModules = numModules; self.numBranches = numBranches; self.block = block
        self.numBlocks = numBlocks; self.numChannels = numChannels; self.multiscaleOutput = multiscaleOutput
    }

    var expansion: Int { block == "BOTTLENECK" ? 4 : 1 }
}

/// MMPose's `HRNet` arguments.
public struct HRNetSpec: Sendable, Equatable {
    public var inChannels = 3
    /// stage1 … stage4.
    public var stages: [HRNetStage]
    public var frozenStages = -1
    public var normEval = false
    /// SyncBN (`norm_cfg=dict(type='SyncBN')`): every BatchNorm is marked `synchronized`.
    public var synchronizedNorm = false
    public var zeroInitResidual = false
    /// The fuse layers' upsampling (`extra.upsample`): "nearest" or "bilinear".
    public var upsampleMode = "nearest"
    /// `align_corners` of bilinear upsampling (None in a config is PyTorch's False).
    public var upsampleAlignCorners = false

    public init(stages: [HRNetStage]) { self.stages = stages }

    /// The W32/W48-style layout: 4 stages with widths (w, 2w, 4w, 8w).
    public static func standard(width w: Int) -> HRNetSpec {
        HRNetSpec(stages: [
            HRNetStage(numModules: 1, numBranches: 1, block: "BOTTLENECK", numBlocks: [4], numChannels: [64]),
            HRNetStage(numModules: 1, numBranches: 2, block: "BASIC", numBlocks: [4, 4], numChannels: [w, 2 * w]),
            HRNetStage(numModules: 4, numBranches: 3, block: "BASIC", numBlocks: [4, 4, 4], numChannels: [w, 2 * w, 4 * w]),
            HRNetStage(numModules: 3, numBranches: 4, block: "BASIC", numBlocks: [4, 4, 4, 4],
                       numChannels: [w, 2 * w, 4 * w, 8 * w], multiscaleOutput: false),
        ])
    }

    public func validate() throws {
        guard (1...4).contains(stages.count), stages[0].numBranches == 1 else {
            throw ModelError("HRNet: extra needs stage1 (one branch) and up to stage4, got \(stages.count) stages")
        }
        for (i, s) in stages.enumerated() {
            guard s.block == "BASIC" || s.block == "BOTTLENECK" else {
                throw ModelError("HRNet: extra.stage\(i + 1).block '\(s.block)' is not BASIC or BOTTLENECK")
            }
            guard s.numBlocks.count == s.numBranches, s.numChannels.count == s.numBranches, s.numModules >= 1 else {
                throw ModelError("HRNet: extra.stage\(i + 1): num_blocks and num_channels need num_branches (\(s.numBranches)) entries")
            }
            if i > 0 && s.numBranches < stages[i - 1].numBranches {
                throw ModelError("HRNet: extra.stage\(i + 1) has fewer branches than the stage before it")
            }
        }
    }
}
