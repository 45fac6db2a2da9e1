import PoseTensor

/// Direct-loop implementations of every fast kernel, in double precision, for tests.
///
/// Layouts match the fast kernels: NCHW activations, OIHW conv weights, IOHW deconv weights.
public enum ReferenceKernels {
    /// Convolution forward; `x` is `n × g.channels × g.height × g.width`.
    public static func conv2d(x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvGeometry) -> Tensor {
        let n = x.shape[0], o = weight.shape[0]
        let y = Tensor(zeros: [n, o, g.outHeight, g.outWidth])
        for b in 0..<n {
            for oc in 0..<o {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var s = Double(bias?[oc] ?? 0)
                        for c in 0..<g.channels {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let iy = oy * g.strideH - g.padH + ki * g.dilationH
                                    let ix = ox * g.strideW - g.padW + kj * g.dilationW
                                    if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                                    let xv = x[((b * g.channels + c) * g.height + iy) * g.width + ix]
                                    let wv = weight[((oc * g.channels + c) * g.kernelH + ki) * g.kernelW + kj]
                                    s += Double(xv) * Double(wv)
                                }
                            }
                        }
                        y[((b * o + oc) * g.outHeight + oy) * g.outWidth + ox] = Float(s)
                    }
                }
            }
        }
        return y
    }

    /// MMCV's deformable convolution from its definition, one output value at a time in double:
    /// tap (i, j) of output (y, x) reads the input bilinearly at
    /// `(y·s − p + i·d + Δy, x·s − p + j·d + Δx)`, 0 outside `(−1, H) × (−1, W)` and for corners
    /// outside the image. `x` `N × C × H × W`, `offsets` `N × (G_d·2·k²) × H' × W'`, `weight`
    /// `C' × (C/groups) × k × k`.
    public static func deformConv2d(x: Tensor, offsets: Tensor, weight: Tensor, shape s: DeformableConvolution.Shape) -> Tensor {
        let (ho, wo, k) = (s.outHeight, s.outWidth, s.kernel)
        let y = Tensor(zeros: [s.batch, s.outChannels, ho, wo])
        let (inPerGroup, outPerGroup) = (s.inChannels / s.groups, s.outChannels / s.groups)
        func pixel(_ n: Int, _ c: Int, _ r: Int, _ q: Int) -> Double {
            guard r >= 0, r < s.height, q >= 0, q < s.width else { return 0 }
            return Double(x[((n * s.inChannels + c) * s.height + r) * s.width + q])
        }
        for n in 0..<s.batch { for o in 0..<s.outChannels { for oy in 0..<ho { for ox in 0..<wo {
            var sum = 0.0
            let g = o / outPerGroup
            for ci in 0..<inPerGroup {
                let c = g * inPerGroup + ci
                let dg = c / (s.inChannels / s.deformGroups)
                for i in 0..<k { for j in 0..<k {
                    let t = i * k + j
                    let base = ((n * s.offsetChannels + dg * 2 * k * k + 2 * t) * ho + oy) * wo + ox
                    let h = Double(oy * s.stride - s.padding + i * s.dilation) + Double(offsets[base])
                    let w = Double(ox * s.stride - s.padding + j * s.dilation) + Double(offsets[base + ho * wo])
                    guard h > -1, w > -1, h < Double(s.height), w < Double(s.width) else { continue }
                    let (h0, w0) = (Int(h.rounded(.down)), Int(w.rounded(.down)))
                    let (lh, lw) = (h - Double(h0), w - Double(w0))
                    let v = (1 - lh) * (1 - lw) * pixel(n, c, h0, w0) + (1 - lh) * lw * pixel(n, c, h0, w0 + 1)
                        + lh * (1 - lw) * pixel(n, c, h0 + 1, w0) + lh * lw * pixel(n, c, h0 + 1, w0 + 1)
                    sum += Double(weight[((o * inPerGroup + ci) * k + i) * k + j]) * v
                } }
            }
            y[((n * s.outChannels + o) * ho + oy) * wo + ox] = Float(sum)
        } } } }
        return y
    }

    /// Convolution backward: (dx, dWeight, dBias).
    public static func conv2dBackward(x: Tensor, weight: Tensor, dy: Tensor, geometry g: ConvGeometry)
        -> (dx: Tensor, dWeight: Tensor, dBias: Tensor) {
        let n = x.shape[0], o = weight.shape[0]
        var dx = [Double](repeating: 0, count: x.count)
        var dw = [Double](repeating: 0, count: weight.count)
        var db = [Double](repeating: 0, count: o)
        for b in 0..<n {
            for oc in 0..<o {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let gy = Double(dy[((b * o + oc) * g.outHeight + oy) * g.outWidth + ox])
                        db[oc] += gy
                        for c in 0..<g.channels {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let iy = oy * g.strideH - g.padH + ki * g.dilationH
                                    let ix = ox * g.strideW - g.padW + kj * g.dilationW
                                    if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                                    let xi = ((b * g.channels + c) * g.height + iy) * g.width + ix
                                    let wi = ((oc * g.channels + c) * g.kernelH + ki) * g.kernelW + kj
                                    dx[xi] += gy * Double(weight[wi])
                                    dw[wi] += gy * Double(x[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(dx.map(Float.init), shape: x.shape), Tensor(dw.map(Float.init), shape: weight.shape),
                Tensor(db.map(Float.init), shape: [o]))
    }

    /// Transposed convolution forward; `weight` is `inChannels × outChannels × kH × kW` and `g`
    /// the geometry of the inverted convolution (see `TransposedConvolution`).
    public static func convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvGeometry) -> Tensor {
        let n = x.shape[0], cin = x.shape[1], cout = g.channels
        var y = [Double](repeating: 0, count: n * cout * g.height * g.width)
        for b in 0..<n {
            for c in 0..<cin {
                for iy in 0..<g.outHeight {
                    for ix in 0..<g.outWidth {
                        let xv = Double(x[((b * cin + c) * g.outHeight + iy) * g.outWidth + ix])
                        for oc in 0..<cout {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let oy = iy * g.strideH - g.padH + ki * g.dilationH
                                    let ox = ix * g.strideW - g.padW + kj * g.dilationW
                                    if oy < 0 || oy >= g.height || ox < 0 || ox >= g.width { continue }
                                    let wv = Double(weight[((c * cout + oc) * g.kernelH + ki) * g.kernelW + kj])
                                    y[((b * cout + oc) * g.height + oy) * g.width + ox] += xv * wv
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for b in 0..<n { for oc in 0..<cout { for i in 0..<(g.height * g.width) {
                y[(b * cout + oc) * g.height * g.width + i] += Double(bias[oc])
            } } }
        }
        return Tensor(y.map(Float.init), shape: [n, cout, g.height, g.width])
    }

    /// Transposed convolution backward: (dx, dWeight, dBias).
    public static func convTranspose2dBackward(x: Tensor, weight: Tensor, dy: Tensor, geometry g: ConvGeometry)
        -> (dx: Tensor, dWeight: Tensor, dBias: Tensor) {
        let n = x.shape[0], cin = x.shape[1], cout = g.channels
        var dx = [Double](repeating: 0, count: x.count)
        var dw = [Double](repeating: 0, count: weight.count)
        var db = [Double](repeating: 0, count: cout)
        for b in 0..<n {
            for oc in 0..<cout { for i in 0..<(g.height * g.width) {
                db[oc] += Double(dy[(b * cout + oc) * g.height * g.width + i])
            } }
            for c in 0..<cin {
                for iy in 0..<g.outHeight {
                    for ix in 0..<g.outWidth {
                        let xi = ((b * cin + c) * g.outHeight + iy) * g.outWidth + ix
                        for oc in 0..<cout {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let oy = iy * g.strideH - g.padH + ki * g.dilationH
                                    let ox = ix * g.strideW - g.padW + kj * g.dilationW
                                    if oy < 0 || oy >= g.height || ox < 0 || ox >= g.width { continue }
                                    let wi = ((c * cout + oc) * g.kernelH + ki) * g.kernelW + kj
                                    let gy = Double(dy[((b * cout + oc) * g.height + oy) * g.width + ox])
                                    dx[xi] += gy * Double(weight[wi])
                                    dw[wi] += gy * Double(x[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(dx.map(Float.init), shape: x.shape), Tensor(dw.map(Float.init), shape: weight.shape),
                Tensor(db.map(Float.init), shape: [cout]))
    }

    /// Batch-norm forward with batch statistics (biased variance), optional ReLU.
    public static func batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, eps: Double, relu: Bool) -> Tensor {
        let n = x.shape[0], c = x.shape[1], s = x.count / (n * c)
        let y = Tensor(zeros: x.shape)
        for ch in 0..<c {
            var vals: [Double] = []
            for b in 0..<n { for i in 0..<s { vals.append(Double(x[(b * c + ch) * s + i])) } }
            let mean = vals.reduce(0, +) / Double(vals.count)
            let variance = vals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vals.count)
            for b in 0..<n { for i in 0..<s {
                let idx = (b * c + ch) * s + i
                var v = (Double(x[idx]) - mean) / (variance + eps).squareRoot() * Double(gamma[ch]) + Double(beta[ch])
                if relu { v = max(v, 0) }
                y[idx] = Float(v)
            } }
        }
        return y
    }

    /// Max pooling with -∞ padding.
    public static func maxPool(x: Tensor, geometry g: ConvGeometry) -> Tensor {
        let planes = x.shape[0] * x.shape[1]
        let y = Tensor(zeros: [x.shape[0], x.shape[1], g.outHeight, g.outWidth])
        for p in 0..<planes {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    var best = -Float.infinity
                    for ki in 0..<g.kernelH { for kj in 0..<g.kernelW {
                        let iy = oy * g.strideH - g.padH + ki, ix = ox * g.strideW - g.padW + kj
                        if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                        best = max(best, x[(p * g.height + iy) * g.width + ix])
                    } }
                    y[(p * g.outHeight + oy) * g.outWidth + ox] = best
                }
            }
        }
        return y
    }
}
