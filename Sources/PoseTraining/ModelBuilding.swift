import PoseModels
import PoseTensor

/// Builds the configured model with its initialisation drawn from a generator seeded by `seed`,
/// so every rank that uses the same seed starts from the same weights.
public func makeModel(_ settings: ExperimentSettings, seed: UInt64) throws -> PoseEstimator {
    try checkModelFits(settings.model)
    var rng = RandomGenerator(seed: seed, stream: [0x1417])
    return try settings.model.makeEstimator(rng: &rng)
}

/// Refuses, before anything is allocated, a model whose state (`ModelSize.trainingBytes`, as
/// its spec works it out) cannot fit in this machine's memory.
public func checkModelFits(_ model: any PoseEstimatorSpec) throws {
    guard let size = model.size, size.trainingBytes > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("model: \(size.parameters) parameters and \(size.buffers) buffer values need about \(MemoryBudget.gib(size.trainingBytes)) to build and train (values, gradients, optimizer moments); \(MemoryBudget.allowance): reduce the model's channels, blocks or input size")
}

/// Refuses a batch whose activations (`PoseEstimator.activationBytesPerImage`), beside the
/// model's state, cannot fit in this machine's memory; `what` names the setting
/// (`train_dataloader.batch_size`).
public func checkActivationsFit(_ model: PoseEstimator, inputSize: (Int, Int), batch: Int, training: Bool, what: String) throws {
    guard let perImage = model.activationBytesPerImage(inputSize: inputSize) else { return }
    let one = training ? perImage.training : perImage.inference
    let (activations, o1) = one.multipliedReportingOverflow(by: batch)
    let state = model.arena.values.count * 4 * (training ? 4 : 1)
    let (total, o2) = activations.addingReportingOverflow(state)
    guard o1 || o2 || total > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("\(what) \(batch) at \(inputSize.0)x\(inputSize.1): \(training ? "a training step" : "inference") needs about \(o1 ? "more than 2^63 bytes" : MemoryBudget.gib(activations)) of activations (\(MemoryBudget.gib(one)) per image) beside \(MemoryBudget.gib(state)) of model state; \(MemoryBudget.allowance): reduce the batch or the input size")
}
