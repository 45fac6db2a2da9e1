import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels

/// Runs a model over an evaluation dataset on every rank's shard, gathers the predictions on
/// rank 0 (over the communicator, never through files) and computes COCO AP there.
public struct Evaluation {
    public let data: ExperimentSettings.Data
    public let evaluator: ExperimentSettings.Evaluator
    public let model: ExperimentSettings.Model
    public let seed: UInt64

    public init(data: ExperimentSettings.Data, evaluator: ExperimentSettings.Evaluator, model: ExperimentSettings.Model, seed: UInt64) {
        self.data = data; self.evaluator = evaluator; self.model = model; self.seed = seed
    }

    /// Metrics on rank 0 (`coco/AP`, …) and all kept predictions there; empty on other ranks.
    public func run(_ estimator: TopdownPoseEstimator, communicator: Communicator, workers: Int)
        throws -> (metrics: [(String, Double)], predictions: [KeypointPrediction], metric: CocoMetric) {
        let metainfo = try DatasetMetainfo.load(path: data.metainfoFile)
        let dataset = try CocoDataset(annotationFile: data.annotationFile, dataRoot: data.dataRoot, imagePrefix: data.imagePrefix,
                                      bboxFile: data.bboxFile, testMode: true, metainfo: metainfo)
        let pipeline = TopdownPipeline(data.pipeline, metainfo: metainfo)
        guard pipeline.inputSize != nil else {
            throw DatasetError("the evaluation pipeline has no TopdownAffine; add dict(type='TopdownAffine', input_size=codec['input_size'])")
        }
        let sampler = DistributedSampler(count: dataset.instances.count, shuffle: false, seed: seed, rank: communicator.rank,
                                         worldSize: communicator.size, roundUp: false)
        let loader = DataLoader(instances: dataset.instances, pipeline: pipeline, batchSize: data.batchSize,
                                mean: model.mean, std: model.std, seed: seed, workers: workers)
        loader.start(epoch: 0, indices: sampler.indices(epoch: 0))
        let predictor = Predictor(model: estimator, codec: model.codec, flipTest: model.flipTest,
                                  shiftHeatmap: model.shiftHeatmap, shiftCoords: model.shiftCoords, flipIndices: metainfo.flipIndices)
        var predictions: [KeypointPrediction] = []
        while let batch = try loader.next() { predictions += predictor.predict(batch) }
        let gathered = try communicator.gather(PredictionCodec.encode(predictions), root: 0)
        var metric = CocoMetric(sigmas: metainfo.sigmas.map(Double.init))
        metric.scoreMode = evaluator.scoreMode
        metric.nmsMode = evaluator.nmsMode
        metric.nmsThreshold = evaluator.nmsThreshold
        metric.keypointScoreThreshold = evaluator.keypointScoreThreshold
        guard communicator.rank == 0 else { return ([], [], metric) }
        let all = gathered.flatMap(PredictionCodec.decode)
        let groundTruth: CocoAnnotationFile
        if let ann = evaluator.annotationFile {
            groundTruth = try CocoAnnotationFile.load(path: ann)
        } else {
            groundTruth = dataset.annotations
        }
        return (metric.evaluate(all, groundTruth: groundTruth), all, metric)
    }
}
