/// Unfolding of image patches into a column matrix and its adjoint.
public enum Im2Col {
    /// The output columns `[lo, hi)` whose input column `ow * stride + offset` lies inside `[0, width)`.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, width: Int, outWidth: Int) -> (Int, Int) {
        // lo = ceil(-offset / stride), hi = floor((width - 1 - offset) / stride) + 1
        var lo = 0
        if offset < 0 { lo = (-offset + stride - 1) / stride }
        var hi = outWidth
        let last = width - 1 - offset
        if last < 0 { hi = 0 } else { hi = min(outWidth, last / stride + 1) }
        return (min(lo, hi), hi)
    }

    /// Writes the `columnRows × columnCount` patch matrix of one image `x` (C×H×W) into `cols`.
    public static func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, cols: UnsafeMutablePointer<Float>) {
        let ow = g.outWidth, oh = g.outHeight
        var row = 0
        for c in 0..<g.channels {
            let plane = x + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let dst = cols + row * oh * ow
                    let colOffset = kj * g.dilationW - g.padW
                    let (lo, hi) = validRange(offset: colOffset, stride: g.strideW, width: g.width, outWidth: ow)
                    for y in 0..<oh {
                        let ih = y * g.strideH - g.padH + ki * g.dilationH
                        let out = dst + y * ow
                        if ih < 0 || ih >= g.height {
                            out.update(repeating: 0, count: ow)
                            continue
                        }
                        let src = plane + ih * g.width
                        if lo > 0 { out.update(repeating: 0, count: lo) }
                        if g.strideW == 1 {
                            if hi > lo { out.advanced(by: lo).update(from: src + lo + colOffset, count: hi - lo) }
                        } else {
                            var xo = lo
                            while xo < hi {
                                out[xo] = src[xo * g.strideW + colOffset]
                                xo += 1
                            }
                        }
                        if hi < ow { out.advanced(by: hi).update(repeating: 0, count: ow - hi) }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds the patch matrix `cols` back into image `x` (C×H×W); the adjoint of `im2col`.
    /// `x` is accumulated into, not overwritten.
    public static func col2im(_ cols: UnsafePointer<Float>, _ g: ConvGeometry, x: UnsafeMutablePointer<Float>) {
        let ow = g.outWidth, oh = g.outHeight
        var row = 0
        for c in 0..<g.channels {
            let plane = x + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let src = cols + row * oh * ow
                    let colOffset = kj * g.dilationW - g.padW
                    let (lo, hi) = validRange(offset: colOffset, stride: g.strideW, width: g.width, outWidth: ow)
                    for y in 0..<oh {
                        let ih = y * g.strideH - g.padH + ki * g.dilationH
                        if ih < 0 || ih >= g.height { continue }
                        let dst = plane + ih * g.width + colOffset
                        let s = src + y * ow
                        var xo = lo
                        while xo < hi {
                            dst[xo * g.strideW] += s[xo]
                            xo += 1
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
