/// Batch normalisation over the N, H, W axes of an NCHW tensor, with an optional fused ReLU.
/// With `blocked`, the tensors are channel-blocked (`ChannelBlocking`) and the same passes run
/// on whole blocks (`BlockedBatchNormKernels`).
public enum BatchNormKernels {
    /// Training-mode forward with batch statistics.
    /// - Parameters:
    ///   - x, y: `batch × channels × spatial`.
    ///   - mean, invStd: per-channel outputs: the batch mean and 1/sqrt(biased var + eps).
    ///   - variance: per-channel output: the biased batch variance.
    public static func forwardTraining(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                       y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                       variance: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>,
                                       batch: Int, channels: Int, spatial: Int, eps: Float, relu: Bool, blocked: Bool = false) {
        if blocked {
            return BlockedBatchNormKernels.forwardTraining(x: x, gamma: gamma, beta: beta, y: y, mean: mean, variance: variance,
                                                           invStd: invStd, batch: batch, channels: channels, spatial: spatial,
                                                           eps: eps, relu: relu)
        }
        let m = Double(batch * spatial)
        ParallelLoop.run(channels, grain: ParallelLoop.grain(perItem: batch * spatial)) { range in for c in range {
            var sum = 0.0
            for n in 0..<batch { sum += Double(VectorReductions.sum(x + (n * channels + c) * spatial, count: spatial)) }
            let mu = sum / m
            let muF = Float(mu)
            var sq = 0.0
            for n in 0..<batch {
                sq += Double(VectorReductions.squaredDeviations(x + (n * channels + c) * spatial, mean: muF, count: spatial))
            }
            let v = sq / m
            mean[c] = muF
            variance[c] = Float(v)
            invStd[c] = Float(1.0 / (v + Double(eps)).squareRoot())
        } }
        normalize(x: x, gamma: gamma, beta: beta, y: y, mean: mean, invStd: invStd,
                  batch: batch, channels: channels, spatial: spatial, relu: relu)
    }

    /// Eval-mode forward with the given statistics (`invStd` = 1/sqrt(running var + eps)).
    public static func normalize(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 y: UnsafeMutablePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                 batch: Int, channels: Int, spatial: Int, relu: Bool, blocked: Bool = false) {
        if blocked {
            return BlockedBatchNormKernels.normalize(x: x, gamma: gamma, beta: beta, y: y, mean: mean, invStd: invStd,
                                                     batch: batch, channels: channels, spatial: spatial, relu: relu)
        }
        ParallelLoop.run(batch * channels, grain: ParallelLoop.grain(perItem: spatial)) { planes in for plane in planes {
                let c = plane % channels
                let scale = gamma[c] * invStd[c]
                let shift = beta[c] - mean[c] * scale
                let off = plane * spatial
                let p = x + off, q = y + off
                if relu {
                    for i in 0..<spatial { q[i] = max(p[i] * scale + shift, 0) }
                } else {
                    for i in 0..<spatial { q[i] = p[i] * scale + shift }
                }
        } }
    }

    /// Channels (or planes) per thread worth a thread, for `work` elements each.
    static func grain(_ work: Int) -> Int { max(1, ParallelLoop.elementGrain / max(work, 1)) }

    /// Per-channel sums of `x` and of its squares, in double precision: the statistics one
    /// replica contributes to SyncBN's cross-rank batch statistics.
    /// - Parameters:
    ///   - x: `batch × channels × spatial`.
    ///   - sums, sumSquares: `channels` each, overwritten.
    public static func channelSums(x: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int,
                                   sums: UnsafeMutablePointer<Double>, sumSquares: UnsafeMutablePointer<Double>,
                                   blocked: Bool = false) {
        if blocked {
            return BlockedBatchNormKernels.channelSums(x: x, batch: batch, channels: channels, spatial: spatial,
                                                       sums: sums, sumSquares: sumSquares)
        }
        ParallelLoop.run(channels, grain: ParallelLoop.grain(perItem: batch * spatial)) { range in for c in range {
            var s = 0.0, q = 0.0
            for n in 0..<batch {
                let p = x + (n * channels + c) * spatial
                s += Double(VectorReductions.sum(p, count: spatial))
                q += Double(VectorReductions.squaredDeviations(p, mean: 0, count: spatial))
            }
            sums[c] = s
            sumSquares[c] = q
        } }
    }

    /// Per-channel sums of the output gradient (ReLU-masked when `relu`) and of its product
    /// with `x - mean`, in double precision: dβ and dγ/invStd of this replica's share.
    /// - Parameters:
    ///   - x, y, dy: `batch × channels × spatial`; `y` is read only when `relu` is set.
    ///   - sumDy, sumDyXmu: `channels` each, overwritten.
    public static func gradientSums(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                    mean: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int, relu: Bool,
                                    sumDy: UnsafeMutablePointer<Double>, sumDyXmu: UnsafeMutablePointer<Double>,
                                    blocked: Bool = false) {
        if blocked {
            return BlockedBatchNormKernels.gradientSums(x: x, y: y, dy: dy, mean: mean, batch: batch, channels: channels,
                                                        spatial: spatial, relu: relu, sumDy: sumDy, sumDyXmu: sumDyXmu)
        }
        ParallelLoop.run(channels, grain: ParallelLoop.grain(perItem: batch * spatial)) { range in for c in range {
            let mu = mean[c]
            var a = 0.0, b = 0.0
            for n in 0..<batch {
                let off = (n * channels + c) * spatial
                let (s1, s2) = VectorReductions.gradientSums(x: x + off, y: y + off, dy: dy + off, mean: mu, count: spatial, relu: relu)
                a += Double(s1)
                b += Double(s2)
            }
            sumDy[c] = a
            sumDyXmu[c] = b
        } }
    }

    /// dx from the gradient sums of `gradientSums` taken over `count` elements per channel
    /// (this batch's, or every replica's for SyncBN). With `training`, gradients flow through
    /// the batch statistics; otherwise dx = γ·invStd·dy.
    public static func inputGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                     gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                     sumDy: UnsafePointer<Double>, sumDyXmu: UnsafePointer<Double>, count: Double,
                                     dx: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int,
                                     relu: Bool, training: Bool, blocked: Bool = false) {
        if blocked {
            return BlockedBatchNormKernels.inputGradient(x: x, y: y, dy: dy, gamma: gamma, mean: mean, invStd: invStd, sumDy: sumDy,
                                                         sumDyXmu: sumDyXmu, count: count, dx: dx, batch: batch, channels: channels,
                                                         spatial: spatial, relu: relu, training: training)
        }
        let m = Float(count)
        ParallelLoop.run(channels, grain: ParallelLoop.grain(perItem: batch * spatial)) { range in for c in range {
            let mu = mean[c], istd = invStd[c]
            let k = gamma[c] * istd
            let meanDy = Float(sumDy[c]) / m, meanDyXhat = Float(sumDyXmu[c]) * istd / m
            // dx = k·(g − meanDy − x̂·meanDyXhat) = k·g + α·x + β, x̂ = (x − μ)·invStd
            let alpha = training ? -k * istd * meanDyXhat : 0
            let beta = training ? -k * meanDy + k * istd * meanDyXhat * mu : 0
            for n in 0..<batch {
                let off = (n * channels + c) * spatial
                affineGradient(x: x + off, y: y + off, dy: dy + off, dx: dx + off, count: spatial, k: k, alpha: alpha,
                               beta: beta, relu: relu)
            }
        } }
    }

    /// `dx = k·g + α·x + β` over a row, g = dy (ReLU-masked by y > 0 when `relu`), 16 lanes at a time.
    @inline(__always)
    static func affineGradient(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                               dx: UnsafeMutablePointer<Float>, count: Int, k: Float, alpha: Float, beta: Float, relu: Bool) {
        typealias Lanes = VectorReductions.Lanes
        let kv = Lanes(repeating: k), av = Lanes(repeating: alpha), bv = Lanes(repeating: beta), zero = Lanes()
        var i = 0
        while i + 16 <= count {
            var g = VectorReductions.load(dy, i)
            if relu { g.replace(with: zero, where: VectorReductions.load(y, i) .<= zero) }
            let r = kv * g + (av * VectorReductions.load(x, i) + bv)
            VectorReductions.store(r, dx, i)
            i += 16
        }
        while i < count {
            let g: Float = relu ? (y[i] > 0 ? dy[i] : 0) : dy[i]
            dx[i] = k * g + (alpha * x[i] + beta)
            i += 1
        }
    }

    /// Backward of either mode. With `training`, gradients flow through the batch statistics.
    /// `y` is the forward output, read only when `relu` is set (to mask `dy`).
    /// Writes `dx` (if non-nil); adds into `dGamma` and `dBeta`.
    public static func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dGamma: UnsafeMutablePointer<Float>,
                                dBeta: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int,
                                relu: Bool, training: Bool, blocked: Bool = false) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * channels) { buffer in
            let sums = buffer.baseAddress!
            gradientSums(x: x, y: y, dy: dy, mean: mean, batch: batch, channels: channels, spatial: spatial, relu: relu,
                         sumDy: sums, sumDyXmu: sums + channels, blocked: blocked)
            for c in 0..<channels {
                dBeta[c] += Float(sums[c])
                dGamma[c] += Float(sums[channels + c]) * invStd[c]
            }
            guard let dx else { return }
            inputGradient(x: x, y: y, dy: dy, gamma: gamma, mean: mean, invStd: invStd, sumDy: sums, sumDyXmu: sums + channels,
                          count: Double(batch * spatial), dx: dx, batch: batch, channels: channels, spatial: spatial,
                          relu: relu, training: training, blocked: blocked)
        }
    }
}
