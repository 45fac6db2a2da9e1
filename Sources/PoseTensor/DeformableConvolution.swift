import Foundation

/// MMCV's `DeformConv2d` (deformable convolution v1) on planar `N × C × H × W` tensors: each
/// kernel tap reads the input at its regular position moved by a learned offset, bilinearly,
/// then the taps are combined as a (grouped) convolution. The sampling is MMCV's
/// `deformable_im2col` exactly: a position with `h ≤ −1`, `h ≥ H`, `w ≤ −1` or `w ≥ W` reads 0,
/// and the corners of a position near the border that fall outside read 0.
///
/// Offsets are `N × (G_d · 2 · kh · kw) × H' × W'`: for deform group `g` and tap `t = i·kw + j`,
/// channel `g·2·kh·kw + 2t` moves the tap along y and `+ 1` along x. The input's channels split
/// into `G_d` deform groups (`C / G_d` consecutive channels each share one offset field).
public enum DeformableConvolution {
    /// The sizes of one deformable convolution.
    public struct Shape: Sendable, Equatable {
        /// Batch `N`, input channels `C`, input height and width.
        public var batch, inChannels, height, width: Int
        /// Output channels `C'`.
        public var outChannels: Int
        /// Square kernel side, stride, padding and dilation (the same along both axes).
        public var kernel, stride, padding, dilation: Int
        /// Convolution groups (`groups`) and offset groups (`deform_groups`).
        public var groups, deformGroups: Int

        /// A shape; `inChannels` must divide by `groups` and `deformGroups`, `outChannels` by `groups`.
        public init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int, kernel: Int, stride: Int = 1,
                    padding: Int = 0, dilation: Int = 1, groups: Int = 1, deformGroups: Int = 1) {
            precondition(inChannels % groups == 0 && outChannels % groups == 0 && inChannels % deformGroups == 0,
                         "DeformableConvolution: \(inChannels) → \(outChannels) channels do not split into \(groups) groups and \(deformGroups) deform groups")
            self.batch = batch; self.inChannels = inChannels; self.height = height; self.width = width
            self.outChannels = outChannels; self.kernel = kernel; self.stride = stride; self.padding = padding
            self.dilation = dilation; self.groups = groups; self.deformGroups = deformGroups
        }

        /// The output's height.
        public var outHeight: Int { (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1 }
        /// The output's width.
        public var outWidth: Int { (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1 }
        /// The offsets' channels, `deformGroups · 2 · kernel²`.
        public var offsetChannels: Int { deformGroups * 2 * kernel * kernel }
    }

    /// MMCV's bilinear read of one plane at (h, w), corners outside the plane reading 0.
    @inline(__always)
    static func sample(_ plane: UnsafePointer<Float>, height: Int, width: Int, _ h: Float, _ w: Float) -> Float {
        let hLow = Int(h.rounded(.down)), wLow = Int(w.rounded(.down))
        let (hHigh, wHigh) = (hLow + 1, wLow + 1)
        let lh = h - Float(hLow), lw = w - Float(wLow), hh = 1 - lh, hw = 1 - lw
        let v1: Float = hLow >= 0 && wLow >= 0 ? plane[hLow * width + wLow] : 0
        let v2: Float = hLow >= 0 && wHigh <= width - 1 ? plane[hLow * width + wHigh] : 0
        let v3: Float = hHigh <= height - 1 && wLow >= 0 ? plane[hHigh * width + wLow] : 0
        let v4: Float = hHigh <= height - 1 && wHigh <= width - 1 ? plane[hHigh * width + wHigh] : 0
        return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4
    }

    /// The sampled columns of image `n`: `(C · k²) × (H' · W')`, row `c·k² + t`.
    static func columns(_ x: UnsafePointer<Float>, offsets: UnsafePointer<Float>, image n: Int, shape s: Shape,
                        into columns: UnsafeMutablePointer<Float>) {
        let (ho, wo, kk) = (s.outHeight, s.outWidth, s.kernel * s.kernel)
        let plane = s.height * s.width, outPlane = ho * wo
        let perDeformGroup = s.inChannels / s.deformGroups
        ParallelLoop.run(s.inChannels, grain: ParallelLoop.grain(perItem: kk * outPlane * 8)) { channels in
            for c in channels {
                let image = x + (n * s.inChannels + c) * plane
                let field = offsets + (n * s.deformGroups + c / perDeformGroup) * 2 * kk * outPlane
                for t in 0..<kk {
                    let (i, j) = t.quotientAndRemainder(dividingBy: s.kernel)
                    let dy = field + 2 * t * outPlane, dx = field + (2 * t + 1) * outPlane
                    let row = columns + (c * kk + t) * outPlane
                    for oy in 0..<ho { for ox in 0..<wo {
                        let p = oy * wo + ox
                        let h = Float(oy * s.stride - s.padding + i * s.dilation) + dy[p]
                        let w = Float(ox * s.stride - s.padding + j * s.dilation) + dx[p]
                        row[p] = h > -1 && w > -1 && h < Float(s.height) && w < Float(s.width)
                            ? sample(image, height: s.height, width: s.width, h, w) : 0
                    } }
                }
            }
        }
    }

    /// The output `N × C' × H' × W'` of input `x` (`N × C × H × W`), offsets, weights
    /// `C' × (C/groups) × k × k` and an optional bias `C'`, all planar.
    public static func forward(_ x: UnsafePointer<Float>, offsets: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, shape s: Shape, output y: UnsafeMutablePointer<Float>) {
        let (outPlane, kk) = (s.outHeight * s.outWidth, s.kernel * s.kernel)
        let rows = s.inChannels * kk
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * outPlane)
        defer { cols.deallocate() }
        let (inPerGroup, outPerGroup) = (s.inChannels / s.groups, s.outChannels / s.groups)
        for n in 0..<s.batch {
            columns(x, offsets: offsets, image: n, shape: s, into: cols)
            for g in 0..<s.groups {
                MatrixProduct.gemm(m: outPerGroup, n: outPlane, k: inPerGroup * kk,
                                   a: weight + g * outPerGroup * inPerGroup * kk, lda: inPerGroup * kk,
                                   b: cols + g * inPerGroup * kk * outPlane, ldb: outPlane,
                                   c: y + (n * s.outChannels + g * outPerGroup) * outPlane, ldc: outPlane, precision: .float32)
            }
            if let bias {
                for o in 0..<s.outChannels {
                    let out = y + (n * s.outChannels + o) * outPlane
                    for p in 0..<outPlane { out[p] += bias[o] }
                }
            }
        }
    }

    /// The gradients of a deformable convolution: `dx` (`N × C × H × W`) and `dOffsets` are
    /// overwritten, `dWeight` (`C' × (C/groups) × k × k`) accumulated; `dBias` (`C'`), when given,
    /// accumulated. The sampling weights' derivatives are MMCV's (`deformable_col2im`,
    /// `deformable_col2im_coord`): a tap outside `(−1, H) × (−1, W)` passes nothing back, a corner
    /// outside the image neither value nor slope.
    public static func backward(_ x: UnsafePointer<Float>, offsets: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                dy: UnsafePointer<Float>, shape s: Shape, dx: UnsafeMutablePointer<Float>,
                                dOffsets: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?) {
        let (ho, wo, kk) = (s.outHeight, s.outWidth, s.kernel * s.kernel)
        let (outPlane, plane) = (ho * wo, s.height * s.width)
        let rows = s.inChannels * kk
        let (inPerGroup, outPerGroup) = (s.inChannels / s.groups, s.outChannels / s.groups)
        let perDeformGroup = s.inChannels / s.deformGroups
        dx.update(repeating: 0, count: s.batch * s.inChannels * plane)
        dOffsets.update(repeating: 0, count: s.batch * s.offsetChannels * outPlane)
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * outPlane)
        let dCols = UnsafeMutablePointer<Float>.allocate(capacity: rows * outPlane)
        defer { cols.deallocate(); dCols.deallocate() }
        for n in 0..<s.batch {
            columns(x, offsets: offsets, image: n, shape: s, into: cols)
            let dyImage = dy + n * s.outChannels * outPlane
            for g in 0..<s.groups {
                // dW += dy · colsᵀ; dcols = Wᵀ · dy
                MatrixProduct.gemm(transB: true, m: outPerGroup, n: inPerGroup * kk, k: outPlane,
                                   a: dyImage + g * outPerGroup * outPlane, lda: outPlane,
                                   b: cols + g * inPerGroup * kk * outPlane, ldb: outPlane, beta: 1,
                                   c: dWeight + g * outPerGroup * inPerGroup * kk, ldc: inPerGroup * kk, precision: .float32)
                MatrixProduct.gemm(transA: true, m: inPerGroup * kk, n: outPlane, k: outPerGroup,
                                   a: weight + g * outPerGroup * inPerGroup * kk, lda: inPerGroup * kk,
                                   b: dyImage + g * outPerGroup * outPlane, ldb: outPlane,
                                   c: dCols + g * inPerGroup * kk * outPlane, ldc: outPlane, precision: .float32)
            }
            if let dBias {
                for o in 0..<s.outChannels { let d = dyImage + o * outPlane; for p in 0..<outPlane { dBias[o] += d[p] } }
            }
            // each deform group's channels share offsets: one group per task, so no two write
            // the same offset gradient or input pixel
            ParallelLoop.run(s.deformGroups) { groups in
                for dg in groups {
                    let field = offsets + (n * s.deformGroups + dg) * 2 * kk * outPlane
                    let dField = dOffsets + (n * s.deformGroups + dg) * 2 * kk * outPlane
                    for c in (dg * perDeformGroup)..<((dg + 1) * perDeformGroup) {
                        let image = x + (n * s.inChannels + c) * plane, dImage = dx + (n * s.inChannels + c) * plane
                        for t in 0..<kk {
                            let (i, j) = t.quotientAndRemainder(dividingBy: s.kernel)
                            let row = dCols + (c * kk + t) * outPlane
                            for oy in 0..<ho { for ox in 0..<wo {
                                let p = oy * wo + ox, v = row[p]
                                let h = Float(oy * s.stride - s.padding + i * s.dilation) + field[2 * t * outPlane + p]
                                let w = Float(ox * s.stride - s.padding + j * s.dilation) + field[(2 * t + 1) * outPlane + p]
                                guard h > -1, w > -1, h < Float(s.height), w < Float(s.width) else { continue }
                                let hLow = Int(h.rounded(.down)), wLow = Int(w.rounded(.down))
                                let lh = h - Float(hLow), lw = w - Float(wLow), hh = 1 - lh, hw = 1 - lw
                                let (top, left, bottom, right) = (hLow >= 0, wLow >= 0, hLow + 1 <= s.height - 1, wLow + 1 <= s.width - 1)
                                let at = hLow * s.width + wLow
                                let v00: Float = top && left ? image[at] : 0, v01: Float = top && right ? image[at + 1] : 0
                                let v10: Float = bottom && left ? image[at + s.width] : 0, v11: Float = bottom && right ? image[at + s.width + 1] : 0
                                if top && left { dImage[at] += hh * hw * v }
                                if top && right { dImage[at + 1] += hh * lw * v }
                                if bottom && left { dImage[at + s.width] += lh * hw * v }
                                if bottom && right { dImage[at + s.width + 1] += lh * lw * v }
                                let value = (v00, v01, v10, v11)
                                // d/dh and d/dw of the bilinear sample
                                let dh = -hw * value.0 - lw * value.1 + hw * value.2 + lw * value.3
                                let dw = -hh * value.0 + hh * value.1 - lh * value.2 + lh * value.3
                                dField[2 * t * outPlane + p] += dh * v
                                dField[(2 * t + 1) * outPlane + p] += dw * v
                            } }
                        }
                    }
                }
            }
        }
    }
}
