import PoseNN
import PoseTensor

/// DWPose's feature distillation, MMPose's `FeaLoss(name, use_this, student_channels,
/// teacher_channels, alpha_fea)`: the student's last feature map `N × Cs × H × W`, through a 1×1
/// convolution `align` (Cs → Ct, with bias) when the channel counts differ, against the teacher's
/// `N × Ct × H × W`: `alpha_fea · Σ (align(student) − teacher)² / N`. `align` is trained with the
/// student (state `distill_losses.loss_fea.align.*`), initialised as PyTorch's `nn.Conv2d`.
public final class FeaLoss {
    /// The factor (`alpha_fea`, default 0.00007).
    public let alpha: Float
    /// The 1×1 convolution from the student's channels to the teacher's, nil when they agree.
    public let align: Conv2d?

    /// A loss from `studentChannels` to `teacherChannels`, its `align` (when needed) drawn from `rng`.
    public init(studentChannels: Int, teacherChannels: Int, alpha: Float = 0.00007, rng: inout RandomGenerator) {
        self.alpha = alpha
        if studentChannels != teacherChannels {
            let conv = Conv2d(studentChannels, teacherChannels, kernel: 1, bias: true)
            WeightInit.pytorchDefault(conv, rng: &rng)
            align = conv
        } else {
            align = nil
        }
    }

    /// The loss times `scale`, and its gradient with respect to the student's map (a new
    /// `N × Cs × H × W` tensor); a training forward of `align`, whose parameter gradients it adds.
    /// - Throws: `ModelError` when the aligned map's shape is not the teacher's.
    public func lossAndGradient(student: Tensor, teacher: Tensor, scale: Float) throws -> (loss: Float, gradient: Tensor) {
        let aligned = align?.forward(student, mode: .training) ?? student
        guard aligned.shape == teacher.shape else {
            throw ModelError("FeaLoss: the student's last feature map is \(student.shape)\(align == nil ? "" : " (\(aligned.shape) aligned)"), the teacher's \(teacher.shape); student_channels and teacher_channels must be theirs and the maps the same size")
        }
        let n = teacher.shape[0]
        let g = Tensor.pooled(shape: aligned.shape)
        var total = 0.0
        let (a, t, d) = (aligned.data, teacher.data, g.data)
        let factor = 2 * Double(alpha) * Double(scale) / Double(n)
        for i in 0..<aligned.count {
            let diff = Double(a[i]) - Double(t[i])
            total += diff * diff
            d[i] = Float(factor * diff)
        }
        let gradient = align?.backward(g) ?? g
        return (Float(Double(alpha) * Double(scale) * total / Double(n)), gradient)
    }

    /// `align.weight` and `align.bias` under `prefix`, when there is an `align`.
    public func collectState(prefix: String, into state: inout StateDict) {
        align?.collectState(prefix: prefix + "align.", into: &state)
    }
}
