/// Max pooling and nearest upsampling over channel-blocked planes (`H × W × 16` each, see
/// `ChannelBlocking`): the NCHW kernels' arithmetic on whole 16-channel pixels.
public enum BlockedSpatialKernels {
    typealias Lanes = SIMD16<Float>
    typealias Indices = SIMD16<Int32>
    static let width = ChannelBlocking.width

    /// `PoolingKernels.maxPoolForward` on `planes` blocked planes: `indices` receives, per output
    /// element, the pixel index (`iy · W + ix`) its channel's maximum came from.
    public static func maxPoolForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                      indices: UnsafeMutablePointer<Int32>, planes: Int, geometry g: ConvGeometry) {
        if g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 {
            return separableMaxPoolForward(x: x, y: y, indices: indices, planes: planes, geometry: g)
        }
        let inPlane = g.height * g.width * width, outPlane = g.outHeight * g.outWidth * width
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: inPlane)) { range in for p in range {
            let xp = x + p * inPlane, yp = y + p * outPlane, ip = indices + p * outPlane
            for oy in 0..<g.outHeight {
                let y0 = oy * g.strideH - g.padH
                for ox in 0..<g.outWidth {
                    let x0 = ox * g.strideW - g.padW
                    var best = Lanes(repeating: -.infinity)
                    var bestIndex = Indices(repeating: -1)
                    for ky in 0..<g.kernelH {
                        let iy = y0 + ky * g.dilationH
                        if iy < 0 || iy >= g.height { continue }
                        for kx in 0..<g.kernelW {
                            let ix = x0 + kx * g.dilationW
                            if ix < 0 || ix >= g.width { continue }
                            let pixel = iy * g.width + ix
                            let v = VectorReductions.load(xp + pixel * width)
                            // as the NCHW kernel: greater, the first candidate, or NaN
                            let take = (v .> best) .| (bestIndex .< 0) .| (v .!= v)
                            best.replace(with: v, where: take)
                            bestIndex.replace(with: Indices(repeating: Int32(pixel)), where: take)
                        }
                    }
                    let o = (oy * g.outWidth + ox) * width
                    VectorReductions.store(best, yp + o)
                    UnsafeMutableRawPointer(ip + o).storeBytes(of: bestIndex, as: Indices.self)
                }
            }
        } }
    }

    /// `maxPoolForward` at stride 1 without dilation (SPPBottleneck's 5, 9 and 13 windows) in
    /// two passes: each row's window maxima with their columns, then the maxima of those down
    /// the window's rows, 2k comparisons per output instead of k². The first maximum in
    /// row-major order wins, as in the direct scan: the top row holding it, its leftmost column.
    static func separableMaxPoolForward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                        indices: UnsafeMutablePointer<Int32>, planes: Int, geometry g: ConvGeometry) {
        let w = width, inPlane = g.height * g.width * w, outPlane = g.outHeight * g.outWidth * w
        let rowCount = g.height * g.outWidth * w
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: inPlane * (g.kernelH + g.kernelW))) { range in
            let rowMax = UnsafeMutablePointer<Float>.allocate(capacity: rowCount)
            let rowArg = UnsafeMutablePointer<Int32>.allocate(capacity: rowCount)
            defer { rowMax.deallocate(); rowArg.deallocate() }
            for p in range {
                let xp = x + p * inPlane, yp = y + p * outPlane, ip = indices + p * outPlane
                for iy in 0..<g.height {
                    for ox in 0..<g.outWidth {
                        let r = (iy * g.outWidth + ox) * w
                        for l in 0..<w { rowMax[r + l] = -.infinity; rowArg[r + l] = -1 }
                        for kx in 0..<g.kernelW {
                            let ix = ox - g.padW + kx
                            if ix < 0 || ix >= g.width { continue }
                            let v = xp + (iy * g.width + ix) * w
                            for l in 0..<w where v[l] > rowMax[r + l] || rowArg[r + l] < 0 || v[l] != v[l] {
                                rowMax[r + l] = v[l]; rowArg[r + l] = Int32(ix)
                            }
                        }
                    }
                }
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let o = (oy * g.outWidth + ox) * w
                        let best = yp + o, bestIndex = ip + o
                        for l in 0..<w { best[l] = -.infinity; bestIndex[l] = -1 }
                        for ky in 0..<g.kernelH {
                            let iy = oy - g.padH + ky
                            if iy < 0 || iy >= g.height { continue }
                            let r = (iy * g.outWidth + ox) * w
                            for l in 0..<w where rowArg[r + l] >= 0
                                && (rowMax[r + l] > best[l] || bestIndex[l] < 0 || rowMax[r + l] != rowMax[r + l]) {
                                best[l] = rowMax[r + l]; bestIndex[l] = Int32(iy * g.width) + rowArg[r + l]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds a depthwise convolution's weight gradient (PyTorch's `C × 1 × kH × kW`) and, when
    /// given, its bias gradient (`C`) from a blocked input `x` (`N × C/16 × H × W × 16`) and
    /// output gradient `dy` (`N × C/16 × H' × W' × 16`): dW[c, ky, kx] = Σ dy[n, c, o] ·
    /// x[n, c, o·s − p + k·d], summed in double per channel and tap.
    public static func depthwiseWeightGradient(x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                               dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                               batch: Int, channels: Int, geometry g: ConvGeometry) {
        let w = width, blocks = channels / w, taps = g.kernelH * g.kernelW
        let inPlane = g.height * g.width * w, outPlane = g.outHeight * g.outWidth * w
        // each channel block's taps over every image, so no two workers write one weight
        ParallelLoop.run(blocks, grain: 1) { range in
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: (taps + 1) * w)
            defer { sums.deallocate() }
            for b in range {
                var total = [Double](repeating: 0, count: (taps + 1) * w)
                for n in 0..<batch {
                    sums.update(repeating: 0, count: (taps + 1) * w)
                    let xp = x + (n * blocks + b) * inPlane, dyp = dy + (n * blocks + b) * outPlane
                    for oy in 0..<g.outHeight {
                        for ox in 0..<g.outWidth {
                            let d = dyp + (oy * g.outWidth + ox) * w
                            let biasSum = sums + taps * w
                            for l in 0..<w { biasSum[l] += d[l] }
                            for ky in 0..<g.kernelH {
                                let iy = oy * g.strideH - g.padH + ky * g.dilationH
                                if iy < 0 || iy >= g.height { continue }
                                for kx in 0..<g.kernelW {
                                    let ix = ox * g.strideW - g.padW + kx * g.dilationW
                                    if ix < 0 || ix >= g.width { continue }
                                    let v = xp + (iy * g.width + ix) * w, acc = sums + (ky * g.kernelW + kx) * w
                                    for l in 0..<w { acc[l] += d[l] * v[l] }
                                }
                            }
                        }
                    }
                    for i in 0..<((taps + 1) * w) { total[i] += Double(sums[i]) }
                }
                for t in 0..<taps {
                    for l in 0..<w { dWeight[(b * w + l) * taps + t] += Float(total[t * w + l]) }
                }
                if let dBias { for l in 0..<w { dBias[b * w + l] += Float(total[taps * w + l]) } }
            }
        }
    }

    /// Routes each output gradient to the pixel its maximum came from; overwrites `dx`.
    public static func maxPoolBackward(dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
                                       dx: UnsafeMutablePointer<Float>, planes: Int, geometry g: ConvGeometry) {
        let inPlane = g.height * g.width * width, outPlane = g.outHeight * g.outWidth * width
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: inPlane)) { range in for p in range {
            let dxp = dx + p * inPlane, dyp = dy + p * outPlane, ip = indices + p * outPlane
            dxp.update(repeating: 0, count: inPlane)
            for o in stride(from: 0, to: outPlane, by: width) {
                for c in 0..<width { dxp[Int(ip[o + c]) * width + c] += dyp[o + c] }
            }
        } }
    }

    /// `ElementwiseKernels.upsampleNearest` on `planes` blocked planes of `height × width` pixels.
    public static func upsampleNearest(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                       planes: Int, height: Int, width w: Int, factor: Int) {
        let row = w * factor * width
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * w * factor * factor * width)) { range in for p in range {
            let xp = x + p * height * w * width, yp = y + p * height * factor * row
            for iy in 0..<height {
                let out = yp + iy * factor * row
                for ix in 0..<w {
                    let v = VectorReductions.load(xp + (iy * w + ix) * width)
                    for f in 0..<factor { VectorReductions.store(v, out + (ix * factor + f) * width) }
                }
                for r in 1..<max(factor, 1) { (out + r * row).update(from: out, count: row) }
            }
        } }
    }

    /// Adjoint of `upsampleNearest`: each input pixel receives the sum of its `factor × factor` outputs.
    public static func upsampleNearestBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                               planes: Int, height: Int, width w: Int, factor: Int) {
        let row = w * factor * width
        ParallelLoop.run(planes, grain: ParallelLoop.grain(perItem: height * w * factor * factor * width)) { range in for p in range {
            let dxp = dx + p * height * w * width, dyp = dy + p * height * factor * row
            for iy in 0..<height {
                for ix in 0..<w {
                    var s = Lanes()
                    for r in 0..<factor {
                        let source = dyp + (iy * factor + r) * row + ix * factor * width
                        for f in 0..<factor { s += VectorReductions.load(source + f * width) }
                    }
                    VectorReductions.store(s, dxp + (iy * w + ix) * width)
                }
            }
        } }
    }
}
