import PoseModels
import PoseTensor

/// Builds the configured model with its initialisation drawn from a generator seeded by `seed`,
/// so every rank that uses the same seed starts from the same weights.
/// - Throws: `MemoryBudgetError` when the model cannot fit in memory (`checkModelFits`); what
///   the spec throws when the parts do not fit together (`ModelError`).
public func makeModel(_ settings: ExperimentSettings, seed: UInt64) throws -> PoseEstimator {
    try makeModel(settings.model, seed: seed)
}

/// `makeModel(_:seed:)` for a model spec built outside a whole experiment (a component harness).
/// - Throws: as `makeModel(_:seed:)`.
public func makeModel(_ spec: any PoseEstimatorSpec, seed: UInt64) throws -> PoseEstimator {
    try checkModelFits(spec)
    var rng = RandomGenerator(seed: seed, stream: [0x1417])
    return try spec.makeEstimator(rng: &rng)
}

/// Refuses, before anything is allocated, a model whose state (`ModelSize.trainingBytes`, as
/// its spec works it out) cannot fit in this machine's memory.
/// - Throws: `MemoryBudgetError` giving the parameter count and the memory it needs.
public func checkModelFits(_ model: any PoseEstimatorSpec) throws {
    guard let size = model.size, size.trainingBytes > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("model: \(size.parameters) parameters and \(size.buffers) buffer values need about \(MemoryBudget.gib(size.trainingBytes)) to build and train (values, gradients, optimizer moments); \(MemoryBudget.allowance): reduce the model's channels, blocks or input size")
}

/// Refuses a batch whose activations (`PoseEstimator.activationBytesPerImage`), beside the
/// model's state, cannot fit in this machine's memory; `what` names the setting
/// (`train_dataloader.batch_size`).
/// - Parameters:
///   - model: The built model.
///   - inputSize: The input's (width, height), as the codec's `input_size`.
///   - batch: Images per batch on this rank.
///   - training: Whether a training step (activations kept for backward, gradients and
///     optimizer state beside the values) or inference.
///   - what: The setting to name in the error.
/// - Throws: `MemoryBudgetError` naming `what` and the memory the batch needs.
public func checkActivationsFit(_ model: PoseEstimator, inputSize: (Int, Int), batch: Int, training: Bool, what: String) throws {
    guard let perImage = model.activationBytesPerImage(inputSize: inputSize) else { return }
    let one = training ? perImage.training : perImage.inference
    let (activations, o1) = one.multipliedReportingOverflow(by: batch)
    // the batch itself and its normalised copy are held beside the activations
    let (images, o3) = (3 * inputSize.0 * inputSize.1 * 4 * 2).multipliedReportingOverflow(by: batch)
    let state = model.arena.values.count * 4 * (training ? 4 : 1) + (o3 ? 0 : images)
    let (total, o2) = activations.addingReportingOverflow(state)
    guard o1 || o2 || o3 || total > MemoryBudget.limitBytes else { return }
    throw MemoryBudgetError("\(what) \(batch) at \(inputSize.0)x\(inputSize.1): \(training ? "a training step" : "inference") needs about \(o1 ? "more than 2^63 bytes" : MemoryBudget.gib(activations)) of activations (\(MemoryBudget.gib(one)) per image) beside \(MemoryBudget.gib(state)) of model state and images; \(MemoryBudget.allowance): reduce the batch or the input size")
}
