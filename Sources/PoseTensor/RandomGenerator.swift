import Foundation

/// A deterministic 64-bit generator (SplitMix64 seeding a xoshiro256** state).
///
/// The same seed gives the same sequence on every machine; `init(seed:stream:)` derives
/// independent generators from a tuple such as (seed, epoch, sample index).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    /// A generator seeded from `seed` and any number of stream identifiers.
    public init(seed: UInt64, stream: [UInt64] = []) {
        var x = seed &+ 0x9E37_79B9_7F4A_7C15
        for id in stream { x = RandomGenerator.mix(x ^ RandomGenerator.mix(id &+ 0x632B_E59B_D9B4_E019)) }
        func next() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            return RandomGenerator.mix(x)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 uniformly random bits: one xoshiro256** step (`rotl(s1 · 5, 7) · 9`, then the
    /// state update). `RandomNumberGenerator`'s requirement, which `uniform()`, `Int.random(in:using:)`
    /// and the other draws build on.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1).
    public mutating func uniform() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform double in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A standard normal sample (Box-Muller, both values used).
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u = uniform()
        while u <= .ulpOfOne { u = uniform() }
        let v = uniform()
        let r = (-2 * log(u)).squareRoot()
        spareNormal = r * sin(2 * .pi * v)
        return r * cos(2 * .pi * v)
    }

    /// A normal sample with the given mean and standard deviation.
    public mutating func normal(mean: Double, std: Double) -> Double { mean + std * normal() }

    /// Fills `tensor` with normal samples.
    public mutating func fillNormal(_ tensor: Tensor, mean: Float = 0, std: Float) {
        for i in 0..<tensor.count { tensor.data[i] = Float(normal(mean: Double(mean), std: Double(std))) }
    }

    /// Fills `tensor` with uniform samples in [low, high).
    public mutating func fillUniform(_ tensor: Tensor, low: Float, high: Float) {
        for i in 0..<tensor.count { tensor.data[i] = Float(uniform(Double(low), Double(high))) }
    }
}
