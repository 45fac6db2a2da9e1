import Foundation
import PoseTensor

/// Prepares batches on background threads, ahead of the model.
///
/// Sample `i` of epoch `e` is augmented with a generator seeded by (seed, e, i), so what the
/// model sees depends neither on the number of ranks nor on the number of loader threads.
/// Up to `prefetch` batches are prepared ahead; `next()` returns them in order.
public final class DataLoader: @unchecked Sendable {
    /// The dataset's instances; the indices given to `start(epoch:indices:dropLast:)` point into them.
    public let instances: [PoseInstance]
    /// The transforms run on each sample; its metainfo's flip indices go with every batch.
    public private(set) var pipeline: TopdownPipeline
    /// Samples per batch; an epoch's last batch may be smaller unless `start` drops it.
    public let batchSize: Int
    /// The data preprocessor: each loader thread normalises its samples' inputs with it
    /// (channel order, then `(pixel − mean) / std`).
    public let preprocessor: DataPreprocessor
    /// The data preprocessor's per-channel mean, 0–255 scale, in the network's channel order.
    public var mean: [Float] { preprocessor.mean }
    /// The data preprocessor's per-channel standard deviation, in the network's channel order.
    public var std: [Float] { preprocessor.std }
    /// The seed of the samples' generators, each seeded by (seed, epoch, sample index).
    public let seed: UInt64
    /// Loader threads (at least 1).
    public let workers: Int
    /// Batches prepared ahead of the consumer (at least 1).
    public let prefetch: Int

    private let lock = NSCondition()
    private var plan: [[Int]] = []
    private var epoch = 0
    private var nextJob = 0           // flat sample position across the epoch
    private var totalJobs = 0
    private var results: [Int: Batch] = [:]
    private var pending: [Int: (filled: Int, samples: [TopdownSample?], error: Error?, batch: Batch?)] = [:]
    private var consumed = 0
    private var generation = 0
    private var threads: [Thread] = []
    private var stopped = false
    /// Loader threads still running (they hold the loader until they return).
    private var running = 0

    /// A loader over `instances`; no thread runs until the first `start(epoch:indices:dropLast:)`.
    /// - Parameters:
    ///   - batchSize: samples per batch.
    ///   - preprocessor: the model's data preprocessor (channel order, mean, std).
    ///   - seed: the seed of the samples' generators.
    ///   - workers: loader threads (at least 1 is used).
    ///   - prefetch: batches prepared ahead of the consumer (at least 1 is used).
    public init(instances: [PoseInstance], pipeline: TopdownPipeline, batchSize: Int, preprocessor: DataPreprocessor,
                seed: UInt64, workers: Int, prefetch: Int = 2) {
        self.instances = instances
        self.pipeline = pipeline
        self.batchSize = batchSize
        self.preprocessor = preprocessor
        self.seed = seed
        self.workers = max(1, workers)
        self.prefetch = max(1, prefetch)
    }

    /// A loader whose data preprocessor feeds R, G, B planes normalised by `mean` and `std`.
    /// - Parameters:
    ///   - mean, std: the data preprocessor's per-channel normalisation (R, G, B).
    public convenience init(instances: [PoseInstance], pipeline: TopdownPipeline, batchSize: Int, mean: [Float], std: [Float],
                            seed: UInt64, workers: Int, prefetch: Int = 2) {
        self.init(instances: instances, pipeline: pipeline, batchSize: batchSize, preprocessor: DataPreprocessor(mean: mean, std: std),
                  seed: seed, workers: workers, prefetch: prefetch)
    }

    deinit {
        lock.lock(); stopped = true; lock.broadcast(); lock.unlock()
    }

    /// Stops the loader threads and waits until they have returned, releasing the loader and
    /// its samples. A worker holds the loader while it runs, so without this a loader that is
    /// no longer used keeps its threads and memory for the life of the process.
    public func shutdown() {
        lock.lock()
        stopped = true
        lock.broadcast()
        while running > 0 { lock.wait() }
        threads = []
        results = [:]
        pending = [:]
        lock.unlock()
    }

    /// Starts an epoch over `indices` (this rank's share, in order); `dropLast` drops a final
    /// partial batch.
    public func start(epoch: Int, indices: [Int], dropLast: Bool = false) {
        lock.lock()
        generation += 1
        self.epoch = epoch
        var batches: [[Int]] = []
        var i = 0
        while i < indices.count {
            let chunk = Array(indices[i..<min(i + batchSize, indices.count)])
            if chunk.count == batchSize || !dropLast { batches.append(chunk) }
            i += batchSize
        }
        plan = batches
        totalJobs = batches.reduce(0) { $0 + $1.count }
        nextJob = 0
        consumed = 0
        results = [:]
        pending = [:]
        if threads.isEmpty && !stopped {
            running = workers
            for w in 0..<workers {
                let t = Thread { [weak self] in self?.work() }
                t.name = "loader-\(w)"
                t.stackSize = 4 << 20
                threads.append(t)
                t.start()
            }
        }
        lock.broadcast()
        lock.unlock()
    }

    /// Makes the samples of the next `start(epoch:indices:dropLast:)` with `newPipeline`
    /// (mmdet's `PipelineSwitchHook`); call it between epochs. Workers take the pipeline when they
    /// claim a sample, so an epoch's samples all come from one pipeline.
    public func replacePipeline(_ newPipeline: TopdownPipeline) {
        lock.lock()
        pipeline = newPipeline
        lock.unlock()
    }

    /// Loader threads running now.
    public var liveThreads: Int {
        lock.lock(); defer { lock.unlock() }
        return running
    }

    /// Batches in this epoch.
    public var batchCount: Int {
        lock.lock(); defer { lock.unlock() }
        return plan.count
    }

    /// The next batch of the epoch in order, or nil at its end; rethrows a sample's error
    /// (for example an unreadable image, named in the message).
    public func next() throws -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        guard consumed < plan.count else { return nil }
        let b = consumed
        while results[b] == nil {
            if let p = pending[b], let error = p.error, p.filled == plan[b].count { throw error }
            if stopped { return nil }
            lock.wait()
        }
        let batch = results.removeValue(forKey: b)!
        consumed += 1
        lock.broadcast()
        return batch
    }

    private func work() {
        lock.lock()
        defer {
            running -= 1
            lock.broadcast()
            lock.unlock()
        }
        while !stopped {
            // claim the next sample whose batch is within the prefetch window
            guard nextJob < totalJobs, batchOf(nextJob).batch < consumed + prefetch else {
                lock.wait()
                continue
            }
            let job = nextJob
            nextJob += 1
            let (b, slot) = batchOf(job)
            let index = plan[b][slot]
            let gen = generation, ep = epoch, steps = pipeline
            lock.unlock()

            var rng = RandomGenerator(seed: seed, stream: [UInt64(ep), UInt64(index)])
            var sample: TopdownSample?
            var failure: Error?
            do {
                sample = try steps.run(instances[index], rng: &rng)
                // each worker normalises its own samples, so the pass is spread over the workers
                sample?.input.withUnsafeMutableBufferPointer { preprocessor.normalize($0) }
            } catch { failure = error }

            lock.lock()
            guard gen == generation else { continue }
            var entry = pending[b] ?? (0, Array(repeating: nil, count: plan[b].count), nil, nil)
            entry.filled += 1
            entry.samples[slot] = sample
            if let failure, entry.error == nil { entry.error = failure }
            pending[b] = entry
            if entry.filled == plan[b].count {
                if entry.error == nil {
                    lock.unlock()
                    let batch = Result { try collate(entry.samples.map { $0! }, pipeline: steps) }
                    lock.lock()
                    if gen == generation {
                        switch batch {
                        case .success(let batch):
                            results[b] = batch
                            pending[b] = nil
                        case .failure(let error):
                            entry.error = error
                            pending[b] = entry
                        }
                    }
                }
                lock.broadcast()
            }
        }
    }

    private func batchOf(_ job: Int) -> (batch: Int, slot: Int) {
        // every batch but possibly the last has batchSize samples
        (job / batchSize, job % batchSize)
    }

    private func collate(_ samples: [TopdownSample], pipeline: TopdownPipeline) throws -> Batch {
        // a sample's own size (bottom-up resizes give each image its own) or the pipeline's
        let (w, h) = samples.first?.inputSize ?? pipeline.inputSize ?? (0, 0)
        for (i, s) in samples.enumerated() where s.inputSize.map({ $0 != (w, h) }) ?? false {
            let (sw, sh) = s.inputSize!
            throw DatasetError("sample \(i) of a batch (\(s.instance.imagePath)) is a \(sw)x\(sh) input, the first \(w)x\(h); "
                               + "a batch needs one size: use batch_size=1 (as MMPose's bottom-up configs do) or a fixed input size")
        }
        let n = samples.count
        let images = Tensor(zeros: [n, 3, h, w])
        let plane = w * h
        for (i, s) in samples.enumerated() {
            let dst = images.data + i * 3 * plane
            s.input.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: 3 * plane) }
        }
        // the targets' fields, each stacked by its key's rule: one loop whatever the codec made
        let fields = try Fields.collating(samples.map(\.targets))
        let light = samples.map { s -> TopdownSample in
            var c = s
            c.input = []; c.targets = Fields()
            return c
        }
        let batch = Batch(images: images, fields: fields, samples: light, flipIndices: pipeline.metainfo.flipIndices)
        batch.skeletonLinks = pipeline.metainfo.skeletonLinks
        return batch
    }
}
