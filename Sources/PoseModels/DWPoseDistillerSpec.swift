import PoseData
import PoseTensor

/// MMPose's `DWPoseDistiller` as configured: the teacher's and the student's model specs (read
/// from their own config files), the distillation losses and the stage.
public struct DWPoseDistillerSpec: PoseEstimatorSpec {
    /// `FeaLoss` settings (`loss_fea`).
    public struct FeatureLossSettings: Sendable, Equatable {
        /// `student_channels`, `teacher_channels`.
        public var studentChannels: Int, teacherChannels: Int
        /// `alpha_fea`.
        public var alpha: Float
        /// The settings as given.
        public init(studentChannels: Int, teacherChannels: Int, alpha: Float = 0.00007) {
            (self.studentChannels, self.teacherChannels, self.alpha) = (studentChannels, teacherChannels, alpha)
        }
    }

    /// The teacher's `model` (`teacher_cfg`).
    public var teacher: TopdownPoseEstimatorSpec
    /// The student's `model` (`student_cfg`).
    public var student: TopdownPoseEstimatorSpec
    /// `loss_fea`, when used.
    public var featureLoss: FeatureLossSettings?
    /// `loss_logit`, when used.
    public var logitLoss: KDLoss?
    /// `two_dis`.
    public var secondStage: Bool
    /// The student head's KLDiscretLoss β (KDLoss's temperature).
    public var beta: Float
    public var dataPreprocessor: DataPreprocessor
    /// `teacher_pretrained` (into `teacher.*`), then the student's own `init_cfg` weights (into
    /// `student.*`); the teacher's own `init_cfg` is not applied, as MMPose's `init_weights`.
    public var pretrained: [PretrainedWeights]
    /// The line logs show: `DWPoseDistiller(<teacher> → <student>)`, and the stage.
    public var summary: String

    /// The distiller of `teacher` and `student`.
    /// - Parameters:
    ///   - teacherPretrained: `teacher_pretrained`, the teacher's whole-model weights, or nil.
    public init(teacher: TopdownPoseEstimatorSpec, student: TopdownPoseEstimatorSpec, featureLoss: FeatureLossSettings?,
                logitLoss: KDLoss?, secondStage: Bool, beta: Float, dataPreprocessor: DataPreprocessor, teacherPretrained: String?) {
        (self.teacher, self.student, self.featureLoss, self.logitLoss) = (teacher, student, featureLoss, logitLoss)
        (self.secondStage, self.beta, self.dataPreprocessor) = (secondStage, beta, dataPreprocessor)
        pretrained = teacherPretrained.map { [PretrainedWeights(checkpoint: $0, target: "teacher.")] } ?? []
        pretrained += student.pretrained.map { PretrainedWeights(checkpoint: $0.checkpoint, target: "student." + $0.target, prefix: $0.prefix) }
        summary = "DWPoseDistiller(\(teacher.summary) → \(student.summary)\(secondStage ? ", second stage" : ""))"
    }

    public var decoder: (any KeypointCodec)? { student.decoder }

    public var size: ModelSize? {
        guard let t = teacher.size, let s = student.size else { return nil }
        guard let f = featureLoss, f.studentChannels != f.teacherChannels else { return t + s }
        return t + s + ModelSize(parameters: f.studentChannels * f.teacherChannels + f.teacherChannels)
    }

    /// Builds the teacher, then the student, then `FeaLoss`'s `align`, as MMPose's constructor.
    public func makeEstimator(rng: inout RandomGenerator) throws -> PoseEstimator {
        guard let teacher = try self.teacher.makeEstimator(rng: &rng) as? TopdownPoseEstimator,
              let student = try self.student.makeEstimator(rng: &rng) as? TopdownPoseEstimator else {
            throw ModelError("DWPoseDistiller: teacher and student must be TopdownPoseEstimator models")
        }
        let fea = featureLoss.map { FeaLoss(studentChannels: $0.studentChannels, teacherChannels: $0.teacherChannels, alpha: $0.alpha, rng: &rng) }
        return try DWPoseDistiller(teacher: teacher, student: student, featureLoss: fea, logitLoss: logitLoss, beta: beta,
                                   secondStage: secondStage, summary: summary)
    }
}
