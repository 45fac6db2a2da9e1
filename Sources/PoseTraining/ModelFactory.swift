import PoseModels
import PoseTensor

/// Builds the configured model with MMPose's initialisation from a seeded generator, so every
/// rank that uses the same seed starts from the same weights.
public enum ModelFactory {
    public static func build(_ settings: ExperimentSettings.Model, seed: UInt64) throws -> TopdownPoseEstimator {
        var rng = RandomGenerator(seed: seed, stream: [0x1417])
        let backbone = try ResNet(settings.backbone, rng: &rng)
        guard backbone.outChannels.last == settings.head.inChannels else {
            throw ModelError("model.head.in_channels is \(settings.head.inChannels) but the backbone's last output has \(backbone.outChannels.last ?? 0) channels")
        }
        let head = try HeatmapHead(settings.head, rng: &rng)
        return TopdownPoseEstimator(backbone: backbone, head: head, loss: settings.loss)
    }
}
