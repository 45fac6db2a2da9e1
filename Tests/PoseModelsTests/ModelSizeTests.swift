import Testing
import PoseData
import PoseNN
import PoseTensor
@testable import PoseModels

/// `ModelSize` worked out from settings equals what building the model allocates, for every
/// stock backbone and head shape: it refuses models that cannot fit before they are built, so
/// it must count what building would.
struct ModelSizeTests {
    /// Parameters and buffer values of a built model's state.
    func counted(_ state: StateDict) -> ModelSize {
        ModelSize(parameters: state.parameters.reduce(0) { $0 + $1.parameter.value.count },
                  buffers: state.buffers.reduce(0) { $0 + $1.tensor.count })
    }

    func backboneState(_ spec: any BackboneSpec) throws -> StateDict {
        var rng = RandomGenerator(seed: 1)
        let backbone = try spec.makeBackbone(rng: &rng)
        var state = StateDict()
        backbone.collectState(prefix: "", into: &state)
        return state
    }

    static func resNet(_ depth: Int, _ edit: (inout ResNetSpec) -> Void = { _ in }) -> ResNetSpec {
        var s = ResNetSpec(depth: depth)
        s.stemChannels = 8; s.baseChannels = 4
        edit(&s)
        return s
    }

    static let resNets: [ResNetSpec] = [
        resNet(18), resNet(34), resNet(50), resNet(101),
        resNet(50) { $0.deepStem = true; $0.avgDown = true },
        resNet(50) { $0.seRatio = 2 },
        resNet(50) { $0.groups = 2; $0.widthPerGroup = 2 },
        resNet(50) { $0.groups = 1; $0.radix = 2; $0.reductionFactor = 4 },
        resNet(18) { $0.numStages = 3; $0.strides = [1, 2, 2]; $0.dilations = [1, 1, 1]; $0.outIndices = [2] },
        resNet(50) { $0.strides = [1, 1, 2, 1] },
    ]

    @Test(arguments: resNets) func resNetSizeIsWhatBuildingAllocates(_ settings: ResNetSpec) throws {
        #expect(settings.size == counted(try backboneState(settings)))
    }

    @Test func fullSizeResNet50() {
        // MMPose's ResNet-50 backbone: 23,508,032 parameters
        #expect(ResNetSpec(depth: 50).size?.parameters == 23_508_032)
    }

    static let hrNets: [HRNetSpec] = {
        var tiny = HRNetSpec.standard(width: 4)
        tiny.stages[0].numChannels = [8]
        var basicFirst = tiny
        basicFirst.stages[0].block = "BASIC"
        var multiscale = tiny
        multiscale.stages[3].multiscaleOutput = true
        var threeStages = tiny
        threeStages.stages.removeLast()
        threeStages.stages[2].multiscaleOutput = false
        return [tiny, basicFirst, multiscale, threeStages]
    }()

    @Test(arguments: hrNets) func hrNetSizeIsWhatBuildingAllocates(_ settings: HRNetSpec) throws {
        #expect(settings.size == counted(try backboneState(settings)))
    }

    @Test func fullSizeHRNetW32() {
        // MMPose's HRNet-W32 backbone: 28,535,552 parameters (its 28.5 M with the head's 1×1 conv)
        #expect(HRNetSpec.standard(width: 32).size?.parameters == 28_535_552)
    }

    static let heads: [any HeadSpec] = {
        var maps = HeatmapHeadSettings(inChannels: 16, outChannels: 5)
        maps.deconvOutChannels = [8, 8]; maps.deconvKernelSizes = [4, 3]
        maps.convOutChannels = [6]; maps.convKernelSizes = [3]
        var plain = HeatmapHeadSettings(inChannels: 16, outChannels: 5)
        plain.deconvOutChannels = []; plain.deconvKernelSizes = []
        let codec = MSRAHeatmap(inputSize: (32, 32), heatmapSize: (8, 8), sigma: 2)
        return [
            HeatmapHeadSpec(maps, decoder: codec),
            RegressionHeadSpec(inChannels: 16, keypoints: 5, decoder: nil),
            RLEHeadSpec(inChannels: 16, keypoints: 5, decoder: nil),
            IntegralRegressionHeadSpec(plain, inFeaturemapSize: (4, 6), decoder: nil),
            SimCCHeadSpec(plain, inFeaturemapSize: (4, 6), bins: (16, 20), decoder: nil),
            VisPredictHeadSpec(poseHead: HeatmapHeadSpec(maps, decoder: codec), inChannels: 16, keypoints: 5),
        ]
    }()

    @Test(arguments: heads.indices) func headSizeIsWhatBuildingAllocates(_ index: Int) throws {
        let spec = Self.heads[index]
        var rng = RandomGenerator(seed: 1)
        let head = try spec.makeHead(featureChannels: [16], rng: &rng)
        var state = StateDict()
        head.collectState(prefix: "", into: &state)
        #expect(spec.size == counted(state), "\(type(of: spec))")
    }

    @Test func countsSaturateInsteadOfOverflowing() {
        var s = ResNetSpec(depth: 152)
        s.stemChannels = 65_536; s.baseChannels = 1 << 40
        let size = s.size
        #expect(size?.parameters == Int.max)
        #expect(size?.trainingBytes == Int.max)
    }
}
