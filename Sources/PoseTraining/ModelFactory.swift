import PoseData
import PoseModels
import PoseTensor

/// Builds the configured model with MMPose's initialisation from a seeded generator, so every
/// rank that uses the same seed starts from the same weights.
public enum ModelFactory {
    public static func build(_ settings: ExperimentSettings.Model, seed: UInt64) throws -> TopdownPoseEstimator {
        var rng = RandomGenerator(seed: seed, stream: [0x1417])
        let backbone: Backbone
        switch settings.backbone {
        case .resnet(let r): backbone = try ResNet(r, rng: &rng)
        case .hrnet(let h): backbone = try HRNet(h, rng: &rng)
        }
        var channels = backbone.outChannels.last ?? 0
        var neck: Neck?
        switch settings.neck {
        case .globalAveragePooling?: neck = GlobalAveragePoolingNeck()
        case .featureMapProcessor(let select, let concat, let scale, let relu, let align)?:
            let outs = backbone.outChannels
            let picked = (select ?? Array(outs.indices)).map { $0 < 0 ? outs.count + $0 : $0 }
            guard picked.allSatisfy({ outs.indices.contains($0) }) else {
                throw ModelError("model.neck.select_index \(select ?? []) is outside the backbone's \(outs.count) outputs")
            }
            channels = concat ? picked.reduce(0) { $0 + outs[$1] } : outs[picked.last!]
            neck = FeatureMapProcessor(selectIndex: select, concat: concat, scaleFactor: scale, applyReLU: relu, alignCorners: align)
        case nil: neck = nil
        }
        let head = try buildHead(settings.head, featureChannels: channels, rng: &rng)
        return TopdownPoseEstimator(backbone: backbone, neck: neck, head: head)
    }

    static func buildHead(_ head: ExperimentSettings.Head, featureChannels: Int, rng: inout RandomGenerator) throws -> PoseHead {
        func check(_ inChannels: Int) throws {
            guard inChannels == featureChannels else {
                throw ModelError("model.head.in_channels is \(inChannels) but the backbone's last output has \(featureChannels) channels")
            }
        }
        switch head {
        case .heatmap(let s, let loss):
            try check(s.inChannels)
            let h = try HeatmapHead(s, rng: &rng)
            h.loss = loss
            return h
        case .regression(let c, let k, let loss):
            try check(c)
            let h = RegressionHead(inChannels: c, keypoints: k, rng: &rng)
            h.loss = loss
            return h
        case .rle(let c, let k, let useWeight):
            try check(c)
            return RLEHead(inChannels: c, keypoints: k, useTargetWeight: useWeight, rng: &rng)
        case .integral(let s, let size, let dsnt, let loss, let jsWeight, let lambdaT):
            try check(s.inChannels)
            let h = try IntegralRegressionHead(s, inFeaturemapSize: size, dsnt: dsnt, rng: &rng)
            h.loss = loss
            h.jsUseTargetWeight = jsWeight
            h.lambdaT = lambdaT
            return h
        case .visibility(let pose, let c, let k, let loss):
            try check(c)
            let inner = try buildHead(pose, featureChannels: featureChannels, rng: &rng)
            return VisPredictHead(poseHead: inner, inChannels: c, keypoints: k, loss: loss, rng: &rng)
        }
    }
}
