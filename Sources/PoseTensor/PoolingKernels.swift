/// Max pooling and global average pooling over NCHW tensors.
public enum PoolingKernels {
    /// Max pooling with implicit -∞ padding, as PyTorch's `MaxPool2d`.
    /// `indices` receives, for every output, the flat index of the chosen input within its plane.
    public static func maxPoolForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                      indices: UnsafeMutablePointer<Int32>, planes: Int, geometry g: ConvGeometry) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: inPlane)) { range in for p in range {
            let xp = x + p * inPlane, yp = y + p * outPlane, ip = indices + p * outPlane
            for oy in 0..<g.outHeight {
                let y0 = oy * g.strideH - g.padH
                for ox in 0..<g.outWidth {
                    let x0 = ox * g.strideW - g.padW
                    var best = -Float.infinity
                    var bestIndex: Int32 = -1
                    for ky in 0..<g.kernelH {
                        let iy = y0 + ky * g.dilationH
                        if iy < 0 || iy >= g.height { continue }
                        for kx in 0..<g.kernelW {
                            let ix = x0 + kx * g.dilationW
                            if ix < 0 || ix >= g.width { continue }
                            let v = xp[iy * g.width + ix]
                            if v > best || bestIndex < 0 || v.isNaN {
                                best = v
                                bestIndex = Int32(iy * g.width + ix)
                            }
                        }
                    }
                    yp[oy * g.outWidth + ox] = best
                    ip[oy * g.outWidth + ox] = bestIndex
                }
            }
        } }
    }

    /// Routes each output gradient to the input its maximum came from; overwrites `dx`.
    public static func maxPoolBackward(dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
                                       dx: UnsafeMutablePointer<Float>, planes: Int, geometry g: ConvGeometry) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: inPlane)) { range in for p in range {
            let dxp = dx + p * inPlane, dyp = dy + p * outPlane, ip = indices + p * outPlane
            dxp.update(repeating: 0, count: inPlane)
            for i in 0..<outPlane { dxp[Int(ip[i])] += dyp[i] }
        } }
    }

    /// `y[p] = mean(x[p, :])` for each of `planes` planes of `spatial` elements.
    public static func globalAverageForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                            planes: Int, spatial: Int) {
        let inv = 1 / Float(spatial)
        for p in 0..<planes {
            let xp = x + p * spatial
            var s: Float = 0
            for i in 0..<spatial { s += xp[i] }
            y[p] = s * inv
        }
    }

    /// Spreads each plane's gradient evenly over its inputs; overwrites `dx`.
    public static func globalAverageBackward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                             planes: Int, spatial: Int) {
        let inv = 1 / Float(spatial)
        for p in 0..<planes {
            let g = dy[p] * inv
            (dx + p * spatial).update(repeating: g, count: spatial)
        }
    }
}

/// PyTorch's `AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad)`: ResNetV1d's
/// downsampling (ceil mode, windows past the edge average what they cover) and ResNeSt's
/// `avd_layer` (padding 1, padded zeros counted). Planes hold `lanes` interleaved channels per
/// pixel (1 for NCHW, 16 for channel-blocked tensors).
public enum AveragePoolKernels {
    /// PyTorch's output size; with `ceil_mode` the last window must start inside the input or
    /// its left padding.
    public static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool) -> Int {
        let span = input + 2 * padding - kernel
        guard span >= 0 else { return 1 }
        var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
        if ceil && (out - 1) * stride >= input + padding { out -= 1 }
        return out
    }

    /// PyTorch's window for output index `o`: the clipped input range and the divisor, which
    /// counts padded positions (inside `input + padding`) when `countIncludePad`.
    @inline(__always)
    static func window(_ o: Int, input: Int, kernel: Int, stride: Int, padding: Int, countIncludePad: Bool) -> (Range<Int>, Int) {
        let start = o * stride - padding, end = min(start + kernel, input + padding)
        let clipped = max(start, 0)..<min(end, input)
        return (clipped, countIncludePad ? end - start : clipped.count)
    }

    /// Averages each window of every plane; overwrites `y`. Planes run in parallel.
    /// - Parameters:
    ///   - x: The input, `planes × height × width × lanes` floats.
    ///   - y: The output, `planes × outHeight × outWidth × lanes` floats (sizes from `outputSize`).
    ///   - planes: Batch × channel groups (`N · C` for NCHW, `N · C/16` blocked).
    ///   - lanes: Channels interleaved per pixel: 1 for NCHW, 16 for channel-blocked tensors.
    ///   - kernel: The square window's side; `stride` and `padding` likewise apply to both axes.
    ///   - countIncludePad: Whether padded positions inside `input + padding` count in the divisor
    ///     (`count_include_pad`); windows past that edge (ceil mode) never count them.
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, planes: Int, lanes: Int,
                               height: Int, width: Int, outHeight: Int, outWidth: Int, kernel: Int, stride: Int,
                               padding: Int = 0, countIncludePad: Bool = false) {
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * width * lanes)) { range in for p in range {
            let xp = x + p * height * width * lanes, yp = y + p * outHeight * outWidth * lanes
            for oy in 0..<outHeight {
                let (rows, rowCount) = window(oy, input: height, kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
                for ox in 0..<outWidth {
                    let (cols, colCount) = window(ox, input: width, kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
                    let inv = 1 / Float(max(rowCount * colCount, 1))
                    let out = yp + (oy * outWidth + ox) * lanes
                    for l in 0..<lanes {
                        var s: Float = 0
                        for iy in rows { for ix in cols { s += xp[(iy * width + ix) * lanes + l] } }
                        out[l] = s * inv
                    }
                }
            }
        } }
    }

    /// Spreads each output gradient evenly over its window; overwrites `dx`.
    public static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, planes: Int, lanes: Int,
                                height: Int, width: Int, outHeight: Int, outWidth: Int, kernel: Int, stride: Int,
                                padding: Int = 0, countIncludePad: Bool = false) {
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * width * lanes)) { range in for p in range {
            let dxp = dx + p * height * width * lanes, dyp = dy + p * outHeight * outWidth * lanes
            dxp.update(repeating: 0, count: height * width * lanes)
            for oy in 0..<outHeight {
                let (rows, rowCount) = window(oy, input: height, kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
                for ox in 0..<outWidth {
                    let (cols, colCount) = window(ox, input: width, kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
                    let inv = 1 / Float(max(rowCount * colCount, 1))
                    let g = dyp + (oy * outWidth + ox) * lanes
                    for iy in rows { for ix in cols { for l in 0..<lanes { dxp[(iy * width + ix) * lanes + l] += g[l] * inv } } }
                }
            }
        } }
    }
}
