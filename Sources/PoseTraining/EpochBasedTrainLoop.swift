import Foundation
import PoseData
import PoseTensor

/// MMEngine's `EpochBasedTrainLoop`, data-parallel over ranks: for each epoch, each batch →
/// forward, loss and backward → gradients averaged over ranks → one optimizer step, with the
/// hooks called at MMEngine's points. The runner (`Trainer`) builds what the loop runs (model,
/// optimizer, hooks, data) and holds the run's position, which the hooks read.
final class EpochBasedTrainLoop {
    unowned let runner: Trainer
    /// Gradients accumulated over `accumulative_counts` iterations.
    private var accumulated: Tensor?

    init(runner: Trainer) { self.runner = runner }

    /// Trains from the runner's position to `max_epochs`. Throws `RunStopped` when every rank
    /// agreed to stop for a signal (after the hooks saved that point).
    func run() throws {
        try runner.callHooks { try $0.beforeRun(runner) }
        while runner.epoch < runner.maxEpochs {
            try trainEpoch()
        }
        try runner.callHooks { try $0.afterRun(runner) }
    }

    private func trainEpoch() throws {
        guard let loader = runner.loader, let sampler = runner.sampler, let trainData = runner.trainData else { return }
        try runner.callHooks { try $0.beforeTrainEpoch(runner) }
        // a run resumed mid-epoch skips the batches it trained; batches start at multiples of the
        // batch size, so the remaining ones are the uninterrupted run's
        var indices = sampler.indices(epoch: runner.samplerEpoch)
        runner.innerIteration = runner.resumeInnerIteration
        indices.removeFirst(min(indices.count, runner.resumeInnerIteration * trainData.batchSize))
        runner.resumeInnerIteration = 0
        loader.start(epoch: runner.epoch, indices: indices, dropLast: trainData.dropLast)
        while let batch = try loader.next() {
            runner.messages = [:]
            try runner.callHooks { try $0.beforeTrainIteration(runner, batch: batch) }
            let outputs = try trainStep(batch)
            runner.completed = RunPosition(epoch: runner.epoch, iteration: runner.iteration + 1, innerIteration: runner.innerIteration + 1)
            try runner.callHooks { try $0.afterTrainIteration(runner, batch: batch, outputs: outputs) }
            runner.iteration += 1
            runner.innerIteration += 1
            if runner.stopRequested { throw stopped() }
        }
        runner.completed = RunPosition(epoch: runner.epoch + 1, iteration: runner.iteration, innerIteration: 0)
        try runner.callHooks { try $0.afterTrainEpoch(runner) }
        runner.epoch += 1
    }

    /// Forward, loss and backward, gradients averaged over ranks, one optimizer step; the
    /// logged values and the ranks' stop requests travel in one small allreduce.
    private func trainStep(_ batch: Batch) throws -> TrainStepOutputs {
        let model = runner.model!, communicator = runner.communicator
        model.arena.zeroGradients()
        // AmpOptimWrapper's autocast: the forward and backward multiply in its precision, the
        // optimizer below steps the fp32 master weights
        let named = try ComputePrecision.$current.withValue(runner.settings.optimWrapper.precision) {
            try model.trainStep(batch, epoch: runner.epoch)
        }
        runner.messages["lr"] = runner.schedule.learningRate
        if try accumulate() {
            try communicator.allReduceMean(model.arena.gradients.data, count: model.arena.gradients.count)
            if let clip = runner.settings.optimWrapper.clipGrad {
                // every rank holds the same averaged gradient, so its norm is the global one
                runner.messages["grad_norm"] = clip.clip(model.arena, groups: runner.optimizer.groups)
            }
            runner.optimizer.step()
            model.arena.valuesDidChange()
        }
        // the ranks' stop votes ride along: every rank stops for the same signal, so all end
        // with the same status
        var values = named.map { Double($0.value) } + StopRequest.counts(of: runner.stopRequest.receivedSignal)
        try communicator.allReduceSum(&values)
        runner.stopSignal = StopRequest.agreedSignal(counts: Array(values.suffix(StopRequest.signals.count)))
        values.removeLast(StopRequest.signals.count)
        // every logged value is the mean over ranks (MMPose logs rank 0's own)
        let means = zip(named, values).map { (name: $0.0.name, value: $0.1 / Double(runner.worldSize)) }
        let loss = means.filter { $0.name.contains("loss") }.reduce(0) { $0 + $1.value }
        guard loss.isFinite else {
            throw TrainingError("epoch \(runner.epoch + 1), iteration \(runner.innerIteration + 1): the loss is \(loss); lower the learning rate or check the data")
        }
        runner.losses.append(Float(loss))
        runner.messages["loss"] = loss
        for (name, value) in means { runner.messages[name] = value }
        return TrainStepOutputs(loss: loss, values: means)
    }

    /// `accumulative_counts`: adds this iteration's gradient, scaled as MMEngine scales the loss
    /// (1/N, or 1/remainder over a run's last iterations), to the accumulated ones; true when
    /// the arena then holds the sum to step with (every N-th iteration and the run's last).
    private func accumulate() throws -> Bool {
        let n = runner.settings.optimWrapper.accumulativeCounts
        guard n > 1 else { return true }
        let total = runner.maxEpochs * runner.iterationsPerEpoch, iteration = runner.iteration
        let factor = iteration >= total - total % n ? total % n : n
        let gradients = runner.model.arena.gradients
        if accumulated == nil { accumulated = Tensor(zeros: gradients.shape) }
        let sum = accumulated!
        ElementwiseKernels.addScaled(gradients.data, scale: 1 / Float(factor), into: sum.data, count: gradients.count)
        guard (iteration + 1) % n == 0 || iteration + 1 == total else { return false }
        gradients.copy(from: sum)
        sum.zero()
        return true
    }

    /// The error that ends a run stopped by a signal, after the checkpoint hook saved this point.
    private func stopped() -> RunStopped {
        let signal = runner.stopSignal, completed = runner.completed
        let name = [SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGUSR1: "SIGUSR1"][signal] ?? "signal \(signal)"
        let saved = runner.lastCheckpoint.map { $0.position == completed ? "saved \($0.path); continue with --resume" : nil } ?? nil
        return RunStopped(signal: signal,
                          description: "stopped by \(name) at \(completed); " + (saved ?? "no checkpoint saved here (the config has no CheckpointHook)"))
    }
}
