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
