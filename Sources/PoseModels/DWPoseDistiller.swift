import PoseData
import PoseNN
import PoseTensor

/// MMPose's `DWPoseDistiller` (DWPose, Yang et al. 2023): a frozen teacher RTMPose and a student
/// RTMPose in one model, the student trained on the ground truth and on the teacher.
///
/// State keys are `teacher.*`, `student.*` and `distill_losses.loss_fea.align.*` (MMPose's); one
/// `ParameterArena` holds them all, the teacher's with `requiresGrad` false.
///
/// - First stage (`two_dis=False`): the student's own losses (`loss_kpt`, `acc_pose`), then
///   `loss_fea` (`FeaLoss` on the last feature maps) and `loss_logit` (`KDLoss` on the SimCC
///   logits), both times `1 − epoch / max_epochs`. Predictions are the student's.
/// - Second stage (`two_dis=True`, teacher and student the same network): the student's head
///   runs on the teacher's features and learns from the teacher's logits alone (`loss_logit`,
///   not decayed; MMPose computes the ground-truth loss but leaves it out of the sum).
///   Predictions are the teacher's backbone and neck with the student's head, the model
///   MMPose's `pth_transfer.py --two_dis` keeps.
///
/// The teacher runs without gradients in the model's mode, as under MMEngine, whose runner puts
/// the whole model in training mode each epoch: while training, its BatchNorm layers normalise
/// with batch statistics and update their running averages. Its head is run in inference mode
/// (the same for RTMCCHead, which has no BatchNorm).
public final class DWPoseDistiller: PoseEstimator {
    /// The frozen network (state `teacher.*`).
    public let teacher: TopdownPoseEstimator
    /// The trained network (state `student.*`).
    public let student: TopdownPoseEstimator
    /// `loss_fea`, or nil when the config has none (or `use_this=False`).
    public let featureLoss: FeaLoss?
    /// `loss_logit`, or nil when the config has none (or `use_this=False`).
    public let logitLoss: KDLoss?
    /// `two_dis`: the second stage.
    public let secondStage: Bool
    public let arena: ParameterArena
    public let state: StateDict
    public var summary: String
    /// The model predictions come from: the student, or in the second stage the teacher's
    /// backbone and neck with the student's head.
    public let predictor: TopdownPoseEstimator
    private var maxEpochs = 0
    private let beta: Float

    /// Joins `teacher` and `student` (built on their own) into one model: every parameter moves
    /// into one new arena, the teacher's frozen.
    /// - Parameters:
    ///   - beta: the student head's KLDiscretLoss β, the temperature of `logitLoss`.
    /// - Throws: `ModelError` when the second stage is asked for `FeaLoss` (it runs no student
    ///   backbone) or its teacher's feature channels are not the student head's.
    public init(teacher: TopdownPoseEstimator, student: TopdownPoseEstimator, featureLoss: FeaLoss?, logitLoss: KDLoss?,
                beta: Float, secondStage: Bool, summary: String) throws {
        if secondStage && featureLoss != nil {
            throw ModelError("DWPoseDistiller: two_dis=True trains the student's head on the teacher's features and runs no student backbone, so FeaLoss has nothing to compare; set its use_this=False")
        }
        if secondStage, let t = teacher.declaredFeatureChannels, let s = student.declaredFeatureChannels, t != s {
            throw ModelError("DWPoseDistiller: two_dis=True feeds the teacher's feature maps (\(t) channels) to the student's head, built for \(s); the second stage needs teacher and student of the same network")
        }
        (self.teacher, self.student, self.featureLoss, self.logitLoss) = (teacher, student, featureLoss, logitLoss)
        (self.beta, self.secondStage, self.summary) = (beta, secondStage, summary)
        for (_, p) in teacher.state.parameters { p.requiresGrad = false }
        var state = StateDict()
        DWPoseDistiller.append(teacher.state, prefix: "teacher.", into: &state)
        DWPoseDistiller.append(student.state, prefix: "student.", into: &state)
        featureLoss?.collectState(prefix: "distill_losses.loss_fea.", into: &state)
        self.state = state
        arena = ParameterArena(state.parameters.map(\.parameter))
        teacher.arena = arena
        student.arena = arena
        if secondStage {
            predictor = TopdownPoseEstimator(backbone: teacher.backbone, neck: teacher.neck, head: student.head, decoder: student.decoder,
                                             testConfig: student.testConfig, summary: summary, sharing: arena)
            predictor.declaredFeatureChannels = teacher.declaredFeatureChannels
        } else {
            predictor = student
        }
    }

    private static func append(_ part: StateDict, prefix: String, into state: inout StateDict) {
        state.parameters += part.parameters.map { (prefix + $0.name, $0.parameter) }
        state.buffers += part.buffers.map { (prefix + $0.name, $0.tensor) }
        state.counters += part.counters.map { (prefix + $0.name, $0.counter) }
        state.normalizations += part.normalizations.map { (prefix + $0.name, $0.layer) }
    }

    public func willTrain(maxEpochs: Int) { self.maxEpochs = maxEpochs }

    /// One step of the stage's losses (see the type's description); `epoch` is 0-based, as
    /// MMEngine's message hub gives it to the first stage's decay.
    public func trainStep(_ batch: Batch, epoch: Int) throws -> [(name: String, value: Float)] {
        guard batch.fields.contains(.keypointWeights) else {
            throw ModelError("DWPoseDistiller: the training batch has no targets; the train pipeline needs GenerateTarget")
        }
        let targets = HeadTargets(fields: batch.fields, epoch: epoch, computeAccuracy: student.computeAccuracy)
        let teacherFeatures = teacher.features(batch.images, mode: .training)
        let taught = teacher.head.predict(teacherFeatures)
        // MMPose's (1 − epoch / max_epochs), epoch 0-based; the second stage does not decay
        let decay: Float = secondStage ? 1 : 1 - Float(epoch) / Float(max(maxEpochs, 1))
        let logitLoss = self.logitLoss, beta = self.beta, secondStage = self.secondStage
        let distill: HeadOutputLoss = { outputs, gradients in
            if secondStage {
                for (_, g) in gradients.fields { g.zero() }
            }
            guard let logitLoss else { return [] }
            guard let sx = outputs.simccX, let sy = outputs.simccY, let gx = gradients.simccX, let gy = gradients.simccY,
                  let tx = taught.simccX, let ty = taught.simccY else {
                throw ModelError("DWPoseDistiller: KDLoss needs SimCC heads (RTMCCHead) for teacher and student")
            }
            let value = try logitLoss(student: (sx, sy), teacher: (tx, ty), beta: beta, scale: decay, gradients: (gx, gy))
            return [("loss_logit", value)]
        }
        if secondStage {
            let (losses, _) = try student.head.trainStep(teacherFeatures, targets: targets, outputLoss: distill)
            return losses.filter { $0.0 == "loss_logit" }.map { (name: $0.0, value: $0.1) }
        }
        let studentFeatures = student.features(batch.images, mode: .training)
        var (losses, grads) = try student.head.trainStep(studentFeatures, targets: targets, outputLoss: distill)
        if let featureLoss, let s = studentFeatures.last, let t = teacherFeatures.last {
            let (value, gradient) = try featureLoss.lossAndGradient(student: s, teacher: t, scale: decay)
            if let g = grads[grads.count - 1] {
                ElementwiseKernels.accumulate(gradient.data, into: g.data, count: g.count)
            } else {
                grads[grads.count - 1] = gradient
            }
            // MMPose's order: the student's losses, loss_fea, then loss_logit
            let at = losses.firstIndex { $0.0 == "loss_logit" } ?? losses.count
            losses.insert(("loss_fea", value), at: at)
        }
        let dFeatures = student.neck?.backward(grads) ?? grads
        student.backbone.backward(dFeatures)
        return losses.map { (name: $0.0, value: $0.1) }
    }

    public func predict(_ batch: Batch) throws -> [KeypointPrediction] { try predictor.predict(batch) }

    public func probe(inputSize: (Int, Int)) throws -> HeadOutput? { try predictor.probe(inputSize: inputSize) }

    /// The teacher's and the student's training activations (the teacher's training forward
    /// keeps its own), and the predictor's inference.
    public func activationBytesPerImage(inputSize: (Int, Int)) -> (training: Int, inference: Int)? {
        guard let t = teacher.activationBytesPerImage(inputSize: inputSize), let p = predictor.activationBytesPerImage(inputSize: inputSize) else { return nil }
        let s = secondStage ? (training: 0, inference: 0) : (student.activationBytesPerImage(inputSize: inputSize) ?? (0, 0))
        let (sum, overflow) = t.training.addingReportingOverflow(s.training)
        return (overflow ? Int.max : sum, p.inference)
    }
}
