import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels

/// Runs a model over an evaluation dataset on every rank's shard, gathers the predictions on
/// rank 0 (over the communicator, never through files) and computes the evaluator's metrics there.
public struct Evaluation {
    public let dataloader: DataloaderSettings
    public let evaluator: Evaluator
    public let preprocessor: DataPreprocessor
    public let seed: UInt64

    public init(dataloader: DataloaderSettings, evaluator: Evaluator, preprocessor: DataPreprocessor, seed: UInt64) {
        self.dataloader = dataloader; self.evaluator = evaluator; self.preprocessor = preprocessor; self.seed = seed
    }

    /// What an evaluation produced on rank 0 (empty elsewhere).
    public struct Result {
        /// `coco/AP`, …, `PCK`, … in the evaluator's order.
        public var metrics: [(String, Double)]
        /// Every rank's predictions.
        public var predictions: [KeypointPrediction]
        /// The evaluator's COCO metric with the dataset's sigmas (for `--dump`), if it has one.
        public var cocoMetric: CocoMetric?
    }

    public func run(_ estimator: PoseEstimator, communicator: Communicator, workers: Int) throws -> Result {
        let dataset = dataloader.dataset
        let loaded = try dataset.load(testMode: true)
        let pipeline = dataset.pipeline
        guard pipeline.inputSize != nil else {
            throw DatasetError("the evaluation pipeline has no TopdownAffine; add dict(type='TopdownAffine', input_size=codec['input_size'])")
        }
        let sampler = DistributedSampler(count: loaded.instances.count, shuffle: false, seed: seed, rank: communicator.rank,
                                         worldSize: communicator.size, roundUp: false)
        let loader = DataLoader(instances: loaded.instances, pipeline: pipeline, batchSize: dataloader.batchSize,
                                mean: preprocessor.mean, std: preprocessor.std, seed: seed, workers: workers)
        loader.start(epoch: 0, indices: sampler.indices(epoch: 0))
        var predictions: [KeypointPrediction] = []
        while let batch = try loader.next() { predictions += try estimator.predict(batch) }
        let gathered = try communicator.gather(PredictionCodec.encode(predictions), root: 0)
        guard communicator.rank == 0 else { return Result(metrics: [], predictions: [], cocoMetric: nil) }
        let all = gathered.flatMap(PredictionCodec.decode)
        let groundTruth = EvaluationGroundTruth(instances: loaded.instances, annotations: loaded.annotations, metainfo: dataset.metainfo)
        var metrics: [(String, Double)] = []
        for metric in evaluator.metrics {
            metrics += try metric.evaluate(all, groundTruth: groundTruth)
        }
        var coco = evaluator.metrics.lazy.compactMap { $0 as? CocoMetric }.first
        if coco?.sigmas.isEmpty == true { coco?.sigmas = dataset.metainfo.sigmas.map(Double.init) }
        return Result(metrics: metrics, predictions: all, cocoMetric: coco)
    }
}
