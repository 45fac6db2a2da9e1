/// One stage of MMPose's HRNet `extra` dict.
public struct HRNetStage: Sendable, Equatable {
    /// HRModules in the stage (`num_modules`), at least 1.
    public var numModules: Int
    /// Parallel resolutions (`num_branches`): branch b works at 1/2^b of the first's size;
    /// stage1 has one, and no stage has fewer than the stage before it.
    public var numBranches: Int
    /// "BOTTLENECK" or "BASIC".
    public var block: String
    /// Residual blocks per branch in each module (`num_blocks`, one entry per branch).
    public var numBlocks: [Int]
    /// Each branch's block width (`num_channels`, one entry per branch); a Bottleneck branch
    /// outputs four times as many channels.
    public var numChannels: [Int]
    /// Whether the stage's last module outputs every branch (stage 4 defaults to false).
    public var multiscaleOutput: Bool

    /// One stage; the parameters are the properties of the same names, and `multiscaleOutput`
    /// defaults to true (MMPose's configs set it false for stage4).
    public init(numModules: Int, numBranches: Int, block: String, numBlocks: [Int], numChannels: [Int],
                multiscaleOutput: Bool = true) {
        self.numModules = numModules; self.numBranches = numBranches; self.block = block
        self.numBlocks = numBlocks; self.numChannels = numChannels; self.multiscaleOutput = multiscaleOutput
    }

    var expansion: Int { block == "BOTTLENECK" ? 4 : 1 }
}

/// MMPose's `HRNet` arguments.
public struct HRNetSpec: Sendable, Equatable {
    /// Image channels (`in_channels`, default 3).
    public var inChannels = 3
    /// stage1 … stage4.
    public var stages: [HRNetStage]
    /// `frozen_stages` (default −1: none): 0 freezes the stem, 1 also `layer1` and
    /// `transition1`, s ≥ 2 also stages 2…s with the transitions after them. Frozen parameters
    /// stop training and frozen BatchNorms stay in inference mode.
    public var frozenStages = -1
    /// `norm_eval`: keeps every BatchNorm in inference mode during training (default false).
    public var normEval = false
    /// SyncBN (`norm_cfg=dict(type='SyncBN')`): every BatchNorm is marked `synchronized`.
    public var synchronizedNorm = false
    /// `zero_init_residual`: zeroes the last BatchNorm of every residual block at
    /// initialisation (default false, as MMPose's HRNet).
    public var zeroInitResidual = false
    /// The fuse layers' upsampling (`extra.upsample`): "nearest" or "bilinear".
    public var upsampleMode = "nearest"
    /// `align_corners` of bilinear upsampling (None in a config is PyTorch's False).
    public var upsampleAlignCorners = false

    /// MMPose's defaults with the `extra` dict's stages (stage1 first).
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

    /// Checks the `extra` dict: 1 to 4 stages, stage1 with one branch, each stage's block
    /// BASIC or BOTTLENECK with one `num_blocks` and `num_channels` entry per branch and at
    /// least one module, no stage with fewer branches than the one before it, and
    /// `frozenStages` between -1 and the number of stages.
    /// - Throws: `ModelError` naming the first bad stage entry.
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
        // MMPose freezes the stem and stages 1...frozen_stages, which must exist
        guard (-1...stages.count).contains(frozenStages) else {
            throw ModelError("HRNet: frozen_stages must be between -1 and \(stages.count) (the stages in extra), got \(frozenStages)")
        }
    }
}
