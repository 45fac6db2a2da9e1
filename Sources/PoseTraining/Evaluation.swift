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

    /// Metrics on rank 0 (`coco/AP`, …, `PCK`, …) and all predictions there; empty on other ranks.
    /// `metric` is the COCO metric (for `--dump`) when the evaluator has one.
    public func run(_ estimator: TopdownPoseEstimator, communicator: Communicator, workers: Int)
        throws -> (metrics: [(String, Double)], predictions: [KeypointPrediction], metric: CocoMetric?) {
        let metainfo = try DatasetMetainfo.load(path: data.metainfoFile)
        let (instances, annotations) = try DatasetFactory.load(data, metainfo: metainfo, testMode: true)
        let pipeline = TopdownPipeline(data.pipeline, metainfo: metainfo)
        guard pipeline.inputSize != nil else {
            throw DatasetError("the evaluation pipeline has no TopdownAffine; add dict(type='TopdownAffine', input_size=codec['input_size'])")
        }
        let sampler = DistributedSampler(count: instances.count, shuffle: false, seed: seed, rank: communicator.rank,
                                         worldSize: communicator.size, roundUp: false)
        let loader = DataLoader(instances: instances, pipeline: pipeline, batchSize: data.batchSize,
                                mean: model.mean, std: model.std, seed: seed, workers: workers)
        loader.start(epoch: 0, indices: sampler.indices(epoch: 0))
        let predictor = Predictor(model: estimator, codec: model.codec, flipTest: model.flipTest,
                                  shiftHeatmap: model.shiftHeatmap, shiftCoords: model.shiftCoords, flipIndices: metainfo.flipIndices)
        var predictions: [KeypointPrediction] = []
        while let batch = try loader.next() { predictions += predictor.predict(batch) }
        let gathered = try communicator.gather(PredictionCodec.encode(predictions), root: 0)
        guard communicator.rank == 0 else { return ([], [], nil) }
        let all = gathered.flatMap(PredictionCodec.decode)
        var metrics: [(String, Double)] = []
        var cocoMetric: CocoMetric?
        let byId = Dictionary(instances.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // predictions with their ground truth (duplicates from sampler padding dropped)
        var seen = Set<Int>()
        let samples = all.filter { seen.insert($0.id).inserted }.compactMap { p -> KeypointEvalSample? in
            guard let gt = byId[p.id] else { return nil }
            return KeypointEvalSample(predicted: p.keypoints, groundTruth: gt.keypoints, visible: gt.visible.map { $0 > 0 },
                                      bbox: gt.bbox, headSize: gt.headSize)
        }
        for m in evaluator.metrics {
            switch m {
            case .coco(let annotationFile, let scoreMode, let nmsMode, let nmsThreshold, let keypointScoreThreshold):
                var metric = CocoMetric(sigmas: metainfo.sigmas.map(Double.init))
                metric.scoreMode = scoreMode
                metric.nmsMode = nmsMode
                metric.nmsThreshold = nmsThreshold
                metric.keypointScoreThreshold = keypointScoreThreshold
                let groundTruth: CocoAnnotationFile
                if let ann = annotationFile {
                    groundTruth = try CocoAnnotationFile.load(path: ann)
                } else if let annotations {
                    groundTruth = annotations
                } else {
                    throw MetricError("CocoMetric needs COCO annotations: set ann_file or use a COCO-style dataset")
                }
                metrics += metric.evaluate(all, groundTruth: groundTruth)
                cocoMetric = metric
            case .pck(let threshold, let items):
                metrics += try PCKAccuracy(threshold: threshold, normItems: items).evaluate(samples)
            case .mpiiPCK(let threshold):
                metrics += try MpiiPCKAccuracy(threshold: threshold).evaluate(samples)
            case .auc(let normFactor, let thresholds):
                metrics.append(("AUC", KeypointEval.auc(samples, normFactor: normFactor, thresholds: thresholds)))
            case .epe:
                metrics.append(("EPE", KeypointEval.epe(samples)))
            case .nme(let indices):
                let norms = samples.map { s -> Double in
                    if let indices, indices.count == 2 {
                        let (a, b) = (indices[0], indices[1])
                        let dx = s.groundTruth[2 * a] - s.groundTruth[2 * b], dy = s.groundTruth[2 * a + 1] - s.groundTruth[2 * b + 1]
                        return (dx * dx + dy * dy).squareRoot()
                    }
                    return max(s.bbox.2 - s.bbox.0, s.bbox.3 - s.bbox.1)
                }
                metrics.append(("NME", KeypointEval.nme(samples, norms: norms)))
            }
        }
        return (metrics, all, cocoMetric)
    }
}
