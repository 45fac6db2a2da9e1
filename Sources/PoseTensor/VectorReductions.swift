/// Float reductions over contiguous rows with 16 lanes of partial sums: the compiler keeps a
/// scalar `s += p[i]` in order (IEEE addition is not associative), one element per cycle; the
/// lanes make BatchNorm's passes memory-bound instead. Sums differ from the sequential ones
/// by float rounding only. No `addProduct`: without FMA in the build's target (the package
/// cannot set one) it becomes a call to libm's `fmaf` per lane.
enum VectorReductions {
    typealias Lanes = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int = 0) -> Lanes {
        UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int = 0) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self)
    }

    /// Σ p[i].
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var acc = Lanes(), i = 0
        while i + 16 <= count { acc += load(p, i); i += 16 }
        var s = acc.sum()
        while i < count { s += p[i]; i += 1 }
        return s
    }

    /// Σ (p[i] − mean)².
    static func squaredDeviations(_ p: UnsafePointer<Float>, mean: Float, count: Int) -> Float {
        var acc = Lanes(), i = 0
        let mu = Lanes(repeating: mean)
        while i + 16 <= count {
            let d = load(p, i) - mu
            acc += d * d
            i += 16
        }
        var s = acc.sum()
        while i < count { let d = p[i] - mean; s += d * d; i += 1 }
        return s
    }

    /// (Σ g[i], Σ g[i]·(x[i] − mean)) with g = dy, or with `relu` dy where y > 0 (else 0).
    static func gradientSums(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>, mean: Float,
                             count: Int, relu: Bool) -> (Float, Float) {
        var a = Lanes(), b = Lanes(), i = 0
        let mu = Lanes(repeating: mean), zero = Lanes()
        while i + 16 <= count {
            var g = load(dy, i)
            if relu { g.replace(with: zero, where: load(y, i) .<= zero) }
            a += g
            b += g * (load(x, i) - mu)
            i += 16
        }
        var s1 = a.sum(), s2 = b.sum()
        while i < count {
            let g = relu ? (y[i] > 0 ? dy[i] : 0) : dy[i]
            s1 += g
            s2 += g * (x[i] - mean)
            i += 1
        }
        return (s1, s2)
    }
}
