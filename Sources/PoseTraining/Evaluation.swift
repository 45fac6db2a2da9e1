import Foundation
import PoseData
import PoseDistributed
import PoseEval
import PoseModels

/// Runs a model over an evaluation dataset on every rank's shard, gathers the predictions on
/// rank 0 (over the communicator, never through files) and computes the evaluator's metrics there.
public struct Evaluation {
    /// The evaluation dataloader (`val_dataloader` or `test_dataloader`): the dataset in test
    /// mode and the batch size per rank; its sampler settings are not used (no shuffle, no padding).
    public let dataloader: DataloaderSettings
    /// The metrics, computed on rank 0 over every rank's predictions.
    public let evaluator: Evaluator
    /// The model's `data_preprocessor`, whose `mean` and `std` normalise the batches.
    public let preprocessor: DataPreprocessor
    /// The run's seed, for the sampler and the loader (the sampler does not shuffle here).
    public let seed: UInt64

    /// An evaluation of `dataloader`'s dataset with `evaluator`'s metrics; nothing is read
    /// until `run`.
    /// - Parameters:
    ///   - dataloader: The evaluation dataloader.
    ///   - evaluator: The metrics to compute.
    ///   - preprocessor: The model's data preprocessor.
    ///   - seed: The run's seed.
    public init(dataloader: DataloaderSettings, evaluator: Evaluator, preprocessor: DataPreprocessor, seed: UInt64) {
        self.dataloader = dataloader; self.evaluator = evaluator; self.preprocessor = preprocessor; self.seed = seed
    }

    /// What an evaluation produced.
    public struct Result {
        /// `coco/AP`, …, `PCK`, … in the evaluator's order, on every rank (MMEngine broadcasts
        /// them too, so hooks decide alike everywhere).
        public var metrics: [(String, Double)]
        /// Every rank's predictions (rank 0; empty elsewhere).
        public var predictions: [KeypointPrediction]
        /// The evaluator's first metric that writes a results file (for `--dump`), if any.
        public var resultsWriter: (any ResultsFileWriting)?
        /// The metrics' lines for the log beside their values (rank 0; empty elsewhere).
        public var report: [String] = []
        /// The evaluation dataset's metainfo.
        public var metainfo: DatasetMetainfo?
        /// The evaluated instances, image paths included (rank 0; empty elsewhere).
        public var instances: [PoseInstance] = []
    }

    /// Refuses metrics that pair predictions with instances' keypoints on a dataset of detections
    /// (`bbox_file`): they would report numbers against boxes without keypoints. `prefix` names
    /// the evaluator's config key (`val_evaluator`).
    /// - Throws: `MetricError` naming the metric (`prefix`, or `prefix.i` of several) when
    ///   the dataset's instances are detections and the metric pairs them with keypoints.
    public func checkMetricsCanPair(prefix: String) throws {
        guard dataloader.dataset.evaluatesDetections else { return }
        for (i, metric) in evaluator.metrics.enumerated() where metric.pairsPredictionsWithInstances {
            let key = prefix + (evaluator.metrics.count > 1 ? ".\(i)" : "")
            throw MetricError("\(key): \(type(of: metric)) pairs each prediction with its instance's keypoints, but " + EvaluationGroundTruth.detectionsCannotPair)
        }
    }

    /// Predicts every instance of the dataset, each rank its shard in batches, gathers the
    /// predictions on rank 0 and computes the metrics there; every rank receives the metrics.
    /// Every rank must call it.
    /// - Parameters:
    ///   - estimator: The model to evaluate (the same weights on every rank).
    ///   - communicator: The job's ranks.
    ///   - workers: Loader threads on this rank.
    /// - Returns: The metrics on every rank; the predictions, report, metainfo and instances on
    ///   rank 0 only.
    /// - Throws: `MetricError` when a metric cannot pair with the dataset or cannot compute;
    ///   `DatasetError` when the dataset cannot load or its pipeline has no `TopdownAffine`;
    ///   `MemoryBudgetError` when a batch does not fit in memory; `CommunicatorError` when
    ///   gathering or broadcasting fails.
    public func run(_ estimator: PoseEstimator, communicator: Communicator, workers: Int) throws -> Result {
        let dataset = dataloader.dataset
        let loaded = try dataset.load(testMode: true)
        let pipeline = dataset.pipeline
        guard let inputSize = pipeline.inputSize else {
            throw DatasetError("the evaluation pipeline has no TopdownAffine; add dict(type='TopdownAffine', input_size=codec['input_size'])")
        }
        try checkActivationsFit(estimator, inputSize: inputSize, batch: dataloader.batchSize, training: false, what: "the evaluation dataloader's batch_size")
        let sampler = DistributedSampler(count: loaded.instances.count, shuffle: false, seed: seed, rank: communicator.rank,
                                         worldSize: communicator.size, roundUp: false)
        let loader = DataLoader(instances: loaded.instances, pipeline: pipeline, batchSize: dataloader.batchSize,
                                preprocessor: preprocessor, seed: seed, workers: workers)
        defer { loader.shutdown() }
        loader.start(epoch: 0, indices: sampler.indices(epoch: 0))
        var predictions: [KeypointPrediction] = []
        while let batch = try loader.next() { predictions += try estimator.predict(batch) }
        let gathered = try communicator.gather(PredictionCodec.encode(predictions), root: 0)
        guard communicator.rank == 0 else {
            return Result(metrics: try Evaluation.broadcastMetrics(nil, communicator), predictions: [], resultsWriter: nil)
        }
        let all = gathered.flatMap(PredictionCodec.decode)
        let groundTruth = EvaluationGroundTruth(instances: loaded.instances, annotations: loaded.annotations, metainfo: dataset.metainfo,
                                                instancesAreDetections: loaded.instancesAreDetections)
        var metrics: [(String, Double)] = [], report: [String] = []
        for metric in evaluator.metrics {
            let (values, lines) = try metric.evaluateWithReport(all, groundTruth: groundTruth)
            metrics += values
            report += lines
        }
        let writer = evaluator.metrics.lazy.compactMap { $0 as? any ResultsFileWriting }.first
        return Result(metrics: try Evaluation.broadcastMetrics(metrics, communicator), predictions: all, resultsWriter: writer,
                      report: report, metainfo: dataset.metainfo, instances: loaded.instances)
    }

    /// Rank 0's metrics on every rank (names and the doubles' bits, so NaN survives).
    static func broadcastMetrics(_ metrics: [(String, Double)]?, _ communicator: Communicator) throws -> [(String, Double)] {
        guard communicator.size > 1 else { return metrics ?? [] }
        let bytes = metrics.map { m -> [UInt8] in
            var out: [UInt8] = []
            for (name, value) in m {
                let utf8 = Array(name.utf8)
                withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { out += $0 }
                out += utf8
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 }
            }
            return out
        }
        guard let received = try communicator.broadcast(bytes, root: 0) else { return [] }
        var result: [(String, Double)] = []
        var i = 0
        func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard i + n <= received.count else { return nil }
            defer { i += n }
            return received[i..<(i + n)]
        }
        while let lengthBytes = take(4) {
            let length = Int(lengthBytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
            guard let name = take(length), let bits = take(8) else { break }
            result.append((String(decoding: name, as: UTF8.self),
                           Double(bitPattern: bits.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)))
        }
        return result
    }
}
