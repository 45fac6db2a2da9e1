/// `BatchNormKernels`' passes over channel-blocked tensors (`N × C/16 × H × W × 16`, see
/// `ChannelBlocking`): the 16 channels of a block are one vector at every pixel, so each pass
/// works on whole vectors. Per-channel sums run in float lanes flushed to double every 64
/// pixels, as precise as the NCHW kernels' row sums.
enum BlockedBatchNormKernels {
    typealias Lanes = SIMD16<Float>
    typealias Wide = SIMD16<Double>
    static let width = ChannelBlocking.width
    /// Pixels summed in float before the partial sums move to double.
    static let chunk = 64

    /// Per-lane Σ over `count` pixels of `term(i)`.
    @inline(__always)
    static func sum(_ count: Int, _ term: (Int) -> Lanes) -> Wide {
        var total = Wide(), i = 0
        while i < count {
            let end = min(i + chunk, count)
            var a = Lanes(), b = Lanes()
            while i + 1 < end { a += term(i); b += term(i + 1); i += 2 }
            if i < end { a += term(i); i += 1 }
            total += Wide(a + b)
        }
        return total
    }

    /// Per-lane (Σ first(i), Σ second(i)) over `count` pixels.
    @inline(__always)
    static func sums(_ count: Int, _ terms: (Int) -> (Lanes, Lanes)) -> (Wide, Wide) {
        var total = (Wide(), Wide()), i = 0
        while i < count {
            let end = min(i + chunk, count)
            var a = Lanes(), b = Lanes()
            while i < end { let (s, t) = terms(i); a += s; b += t; i += 1 }
            total.0 += Wide(a); total.1 += Wide(b)
        }
        return total
    }

    static func plane(_ p: UnsafePointer<Float>, image n: Int, block b: Int, blocks: Int, spatial: Int) -> UnsafePointer<Float> {
        p + (n * blocks + b) * spatial * width
    }

    static func forwardTraining(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                variance: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>,
                                batch: Int, channels: Int, spatial: Int, eps: Float, relu: Bool) {
        let blocks = channels / width, m = Double(batch * spatial)
        ParallelLoop.run(blocks, grain: ParallelLoop.grain(perItem: batch * spatial * width)) { range in for b in range {
            var s = Wide()
            for n in 0..<batch {
                let p = plane(x, image: n, block: b, blocks: blocks, spatial: spatial)
                s += sum(spatial) { VectorReductions.load(p + $0 * width) }
            }
            let mu = s / Wide(repeating: m)
            let muF = Lanes(mu)
            var q = Wide()
            for n in 0..<batch {
                let p = plane(x, image: n, block: b, blocks: blocks, spatial: spatial)
                q += sum(spatial) { let d = VectorReductions.load(p + $0 * width) - muF; return d * d }
            }
            let v = q / Wide(repeating: m)
            for c in 0..<width {
                mean[b * width + c] = muF[c]
                variance[b * width + c] = Float(v[c])
                invStd[b * width + c] = Float(1.0 / (v[c] + Double(eps)).squareRoot())
            }
        } }
        normalize(x: x, gamma: gamma, beta: beta, y: y, mean: mean, invStd: invStd, batch: batch, channels: channels,
                  spatial: spatial, relu: relu)
    }

    static func normalize(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                          y: UnsafeMutablePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                          batch: Int, channels: Int, spatial: Int, relu: Bool) {
        let blocks = channels / width
        ParallelLoop.run(batch * blocks, grain: ParallelLoop.grain(perItem: spatial * width)) { range in for p in range {
            let c0 = (p % blocks) * width
            let scale = VectorReductions.load(gamma + c0) * VectorReductions.load(invStd + c0)
            let shift = VectorReductions.load(beta + c0) - VectorReductions.load(mean + c0) * scale
            let source = x + p * spatial * width, destination = y + p * spatial * width
            let zero = Lanes()
            for i in 0..<spatial {
                var v = VectorReductions.load(source + i * width) * scale + shift
                if relu { v.replace(with: zero, where: v .< zero) }
                VectorReductions.store(v, destination + i * width)
            }
        } }
    }

    static func channelSums(x: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int,
                            sums: UnsafeMutablePointer<Double>, sumSquares: UnsafeMutablePointer<Double>) {
        let blocks = channels / width
        ParallelLoop.run(blocks, grain: ParallelLoop.grain(perItem: batch * spatial * width)) { range in for b in range {
            var s = Wide(), q = Wide()
            for n in 0..<batch {
                let p = plane(x, image: n, block: b, blocks: blocks, spatial: spatial)
                let (a, c) = self.sums(spatial) { let v = VectorReductions.load(p + $0 * width); return (v, v * v) }
                s += a; q += c
            }
            for c in 0..<width { sums[b * width + c] = s[c]; sumSquares[b * width + c] = q[c] }
        } }
    }

    static func gradientSums(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                             mean: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int, relu: Bool,
                             sumDy: UnsafeMutablePointer<Double>, sumDyXmu: UnsafeMutablePointer<Double>) {
        let blocks = channels / width
        ParallelLoop.run(blocks, grain: ParallelLoop.grain(perItem: batch * spatial * width)) { range in for b in range {
            let mu = VectorReductions.load(mean + b * width), zero = Lanes()
            var s = Wide(), t = Wide()
            for n in 0..<batch {
                let px = plane(x, image: n, block: b, blocks: blocks, spatial: spatial)
                let py = plane(y, image: n, block: b, blocks: blocks, spatial: spatial)
                let pg = plane(dy, image: n, block: b, blocks: blocks, spatial: spatial)
                let (a, c) = sums(spatial) { i in
                    var g = VectorReductions.load(pg + i * width)
                    if relu { g.replace(with: zero, where: VectorReductions.load(py + i * width) .<= zero) }
                    return (g, g * (VectorReductions.load(px + i * width) - mu))
                }
                s += a; t += c
            }
            for c in 0..<width { sumDy[b * width + c] = s[c]; sumDyXmu[b * width + c] = t[c] }
        } }
    }

    static func inputGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                              gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                              sumDy: UnsafePointer<Double>, sumDyXmu: UnsafePointer<Double>, count: Double,
                              dx: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int,
                              relu: Bool, training: Bool) {
        let blocks = channels / width, m = Float(count)
        ParallelLoop.run(batch * blocks, grain: ParallelLoop.grain(perItem: spatial * width)) { range in for p in range {
            let c0 = (p % blocks) * width
            var k = Lanes(), alpha = Lanes(), beta = Lanes()
            // the NCHW kernel's per-channel scalars, lane by lane
            for c in 0..<width {
                let mu = mean[c0 + c], istd = invStd[c0 + c]
                let kc = gamma[c0 + c] * istd
                let meanDy = Float(sumDy[c0 + c]) / m, meanDyXhat = Float(sumDyXmu[c0 + c]) * istd / m
                k[c] = kc
                alpha[c] = training ? -kc * istd * meanDyXhat : 0
                beta[c] = training ? -kc * meanDy + kc * istd * meanDyXhat * mu : 0
            }
            let offset = p * spatial * width, zero = Lanes()
            let px = x + offset, py = y + offset, pg = dy + offset, pd = dx + offset
            for i in 0..<spatial {
                var g = VectorReductions.load(pg + i * width)
                if relu { g.replace(with: zero, where: VectorReductions.load(py + i * width) .<= zero) }
                VectorReductions.store(k * g + (alpha * VectorReductions.load(px + i * width) + beta), pd + i * width)
            }
        } }
    }
}
