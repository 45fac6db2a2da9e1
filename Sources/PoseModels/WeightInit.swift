import PoseNN
import PoseTensor

/// MMEngine's weight initialisers, applied at build time from a seeded generator.
public enum WeightInit {
    /// `KaimingInit(mode='fan_out', nonlinearity='relu', distribution='normal')`: std = √(2 / fan_out),
    /// fan_out = outChannels · kH · kW; bias 0.
    public static func kaimingFanOut(_ conv: Conv2d, rng: inout RandomGenerator) {
        let shape = conv.weight.shape
        let fanOut = shape[0] * shape[2] * shape[3]
        rng.fillNormal(conv.weight.value, std: Float((2.0 / Double(fanOut)).squareRoot()))
        conv.bias?.value.zero()
    }

    /// `KaimingInit(a, mode='fan_in', nonlinearity='leaky_relu', distribution='uniform')`, the
    /// init of mmdet's CSPNeXt (`a = √5`, PyTorch's own default for convolutions): weight ~
    /// U(−b, b) with b = √(2 / (1 + a²)) · √(3 / fan_in), fan_in = (inChannels / groups) · kH · kW;
    /// bias 0.
    public static func kaimingUniformFanIn(_ conv: Conv2d, a: Double, rng: inout RandomGenerator) {
        let shape = conv.weight.shape
        let fanIn = shape[1] * shape[2] * shape[3]
        let bound = Float((2 / (1 + a * a)).squareRoot() * (3 / Double(fanIn)).squareRoot())
        rng.fillUniform(conv.weight.value, low: -bound, high: bound)
        conv.bias?.value.zero()
    }

    /// PyTorch's own `nn.Conv2d` initialisation (`reset_parameters`): weight as
    /// `kaimingUniformFanIn(a: √5)`, bias ~ U(−1/√fan_in, 1/√fan_in).
    public static func pytorchDefault(_ conv: Conv2d, rng: inout RandomGenerator) {
        kaimingUniformFanIn(conv, a: 5.0.squareRoot(), rng: &rng)
        guard let bias = conv.bias else { return }
        let shape = conv.weight.shape
        let bound = Float(1 / Double(shape[1] * shape[2] * shape[3]).squareRoot())
        rng.fillUniform(bias.value, low: -bound, high: bound)
    }

    /// PyTorch's own `nn.Linear` initialisation: weight and bias ~ U(−1/√fan_in, 1/√fan_in).
    public static func pytorchDefault(_ linear: Linear, rng: inout RandomGenerator) {
        let bound = Float(1 / Double(linear.inFeatures).squareRoot())
        rng.fillUniform(linear.weight.value, low: -bound, high: bound)
        if let bias = linear.bias { rng.fillUniform(bias.value, low: -bound, high: bound) }
    }

    /// `xavier_uniform_` of a `fanOut × fanIn` weight: U(−b, b), b = gain · √(6 / (fan_in + fan_out)).
    public static func xavierUniform(_ weight: Parameter, fanIn: Int, fanOut: Int, gain: Double = 1, rng: inout RandomGenerator) {
        let bound = Float(gain * (6 / Double(fanIn + fanOut)).squareRoot())
        rng.fillUniform(weight.value, low: -bound, high: bound)
    }

    /// `NormalInit(std)`: weight ~ N(0, std²), bias 0.
    public static func normal(_ weight: Parameter, bias: Parameter?, std: Float, rng: inout RandomGenerator) {
        rng.fillNormal(weight.value, std: std)
        bias?.value.zero()
    }

    /// `ConstantInit(val)`: weight = val, bias 0 (BatchNorm).
    public static func constant(_ bn: BatchNorm2d, value: Float) {
        bn.weight.value.data.update(repeating: value, count: bn.channels)
        bn.bias.value.zero()
    }
}
