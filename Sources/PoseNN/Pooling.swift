import PoseTensor

/// PyTorch's `MaxPool2d(kernel, stride, padding)`: `N × C × H × W` → `N × C × H' × W'`, or the
/// same on channel-blocked tensors (`ChannelBlocking`).
///
/// Every forward (in either mode) keeps the position of each window's maximum; `backward`
/// routes each gradient to that position. No parameters.
public final class MaxPool2d: Layer {
    /// PyTorch's `kernel_size`, `stride` and `padding`, the same for both sides (padding counts
    /// as −∞).
    public let kernel, stride, padding: Int
    private var indices: [Int32] = []
    private var inputShape: [Int] = []
    private var geometry: ConvGeometry?

    /// A max pool with square windows (ResNet's stem: kernel 3, stride 2, padding 1).
    /// - Parameters:
    ///   - kernel: the window's side.
    ///   - stride: the step between windows; `H' = (H + 2·padding − kernel) / stride + 1`.
    ///   - padding: positions added on each side (default 0).
    public init(kernel: Int, stride: Int, padding: Int = 0) {
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let blocked = ChannelBlocking.isBlocked(x.shape)
        precondition(x.shape.count == 4 || blocked, "MaxPool2d expects N×C×H×W input, got \(x.shape)")
        let g = ConvGeometry(channels: 1, height: x.shape[2], width: x.shape[3], kernel: (kernel, kernel),
                             stride: (stride, stride), padding: (padding, padding))
        let planes = x.shape[0] * x.shape[1]
        var shape = x.shape
        (shape[2], shape[3]) = (g.outHeight, g.outWidth)
        let y = Tensor.pooled(shape: shape)
        if indices.count != y.count { indices = [Int32](repeating: 0, count: y.count) }
        indices.withUnsafeMutableBufferPointer {
            if blocked {
                BlockedSpatialKernels.maxPoolForward(x: x.data, y: y.data, indices: $0.baseAddress!, planes: planes, geometry: g)
            } else {
                PoolingKernels.maxPoolForward(x: x.data, y: y.data, indices: $0.baseAddress!, planes: planes, geometry: g)
            }
        }
        inputShape = x.shape; geometry = g
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let g = geometry else { preconditionFailure("MaxPool2d.backward before forward") }
        let dx = Tensor.pooled(shape: inputShape)
        let planes = inputShape[0] * inputShape[1]
        indices.withUnsafeBufferPointer {
            if ChannelBlocking.isBlocked(inputShape) {
                BlockedSpatialKernels.maxPoolBackward(dy: dy.data, indices: $0.baseAddress!, dx: dx.data, planes: planes, geometry: g)
            } else {
                PoolingKernels.maxPoolBackward(dy: dy.data, indices: $0.baseAddress!, dx: dx.data, planes: planes, geometry: g)
            }
        }
        return dx
    }
}

/// PyTorch's `AdaptiveAvgPool2d(1)`: `N × C × H × W` → `N × C × 1 × 1`.
///
/// Forward keeps only the input shape; `backward` spreads each gradient evenly over its plane.
/// No parameters.
public final class GlobalAveragePool: Layer {
    private var inputShape: [Int] = []

    /// A global average pool (no parameters or settings).
    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAveragePool expects N×C×H×W input, got \(x.shape)")
        let y = Tensor.pooled(shape: [x.shape[0], x.shape[1], 1, 1])
        PoolingKernels.globalAverageForward(x: x.data, y: y.data, planes: x.shape[0] * x.shape[1],
                                            spatial: x.shape[2] * x.shape[3])
        inputShape = x.shape
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.pooled(shape: inputShape)
        PoolingKernels.globalAverageBackward(dy: dy.data, dx: dx.data, planes: inputShape[0] * inputShape[1],
                                             spatial: inputShape[2] * inputShape[3])
        return dx
    }
}

/// Nearest-neighbour upsampling by an integer factor: `N × C × H × W` → `N × C × fH × fW`, or the
/// same on channel-blocked tensors (`ChannelBlocking`).
///
/// Forward keeps only the input shape; `backward` sums each `f × f` block of gradients. No
/// parameters.
public final class UpsampleNearest: Layer {
    /// The integer scale `f` of both sides (PyTorch's `scale_factor`), at least 1.
    public let factor: Int
    private var inputShape: [Int] = []

    /// Nearest-neighbour upsampling by `factor`.
    /// - Parameter factor: the integer scale of both sides, at least 1 (a trap otherwise).
    public init(factor: Int) {
        precondition(factor >= 1, "upsampling factor must be at least 1, got \(factor)")
        self.factor = factor
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        var shape = x.shape
        (shape[2], shape[3]) = (x.shape[2] * factor, x.shape[3] * factor)
        let y = Tensor.pooled(shape: shape)
        if ChannelBlocking.isBlocked(x.shape) {
            BlockedSpatialKernels.upsampleNearest(x.data, y.data, planes: x.shape[0] * x.shape[1],
                                                  height: x.shape[2], width: x.shape[3], factor: factor)
        } else {
            ElementwiseKernels.upsampleNearest(x.data, y.data, planes: x.shape[0] * x.shape[1],
                                               height: x.shape[2], width: x.shape[3], factor: factor)
        }
        inputShape = x.shape
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.pooled(shape: inputShape)
        let s = inputShape
        if ChannelBlocking.isBlocked(s) {
            BlockedSpatialKernels.upsampleNearestBackward(dy.data, dx.data, planes: s[0] * s[1], height: s[2], width: s[3], factor: factor)
        } else {
            ElementwiseKernels.upsampleNearestBackward(dy.data, dx.data, planes: s[0] * s[1], height: s[2], width: s[3], factor: factor)
        }
        return dx
    }
}

/// PyTorch's `Upsample(scale_factor=factor, mode='bilinear', align_corners=...)`:
/// `N × C × H × W` → `N × C × fH × fW`. A channel-blocked input (`ChannelBlocking`) goes through
/// NCHW copies and comes back blocked.
///
/// Forward keeps only the input shape; `backward` applies the interpolation's adjoint. No
/// parameters.
public final class UpsampleBilinear: Layer {
    /// The integer scale `f` of both sides (PyTorch's `scale_factor`), at least 1.
    public let factor: Int
    /// PyTorch's `align_corners`: corner pixels map onto corner pixels; false samples at the
    /// pixel centres with scale `1/f`, as PyTorch with `scale_factor` given.
    public let alignCorners: Bool
    private var inputShape: [Int] = []

    /// Bilinear upsampling by `factor`.
    /// - Parameters:
    ///   - factor: the integer scale of both sides, at least 1 (a trap otherwise).
    ///   - alignCorners: PyTorch's `align_corners` (default false).
    public init(factor: Int, alignCorners: Bool = false) {
        precondition(factor >= 1, "upsampling factor must be at least 1, got \(factor)")
        self.factor = factor
        self.alignCorners = alignCorners
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        inputShape = x.shape
        let blocked = ChannelBlocking.isBlocked(x.shape)
        let source = blocked ? ChannelBlocking.convertingPooled(x) : x
        let s = source.shape
        let y = Tensor.pooled(shape: [s[0], s[1], s[2] * factor, s[3] * factor])
        resize(source, y, forward: true)
        return blocked ? ChannelBlocking.convertingPooled(y) : y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        if ChannelBlocking.isBlocked(dy.shape) { g = ChannelBlocking.convertingPooled(dy) }
        let dx = Tensor.pooled(shape: ChannelBlocking.planarShape(inputShape))
        resize(g, dx, forward: false)
        return g === dy ? dx : ChannelBlocking.convertingPooled(dx)
    }

    /// Forward from `a` (input) to `b` (output), or the adjoint from `a` (output gradient) to `b`.
    private func resize(_ a: Tensor, _ b: Tensor, forward: Bool) {
        let (small, large) = forward ? (a.shape, b.shape) : (b.shape, a.shape)
        let (inH, inW, outH, outW) = (small[2], small[3], large[2], large[3])
        let scale: Double? = alignCorners ? nil : Double(factor)
        ParallelLoop.run(small[0] * small[1], grain: ParallelLoop.grain(perItem: outH * outW)) { planes in
            let (pa, pb) = forward ? (inH * inW, outH * outW) : (outH * outW, inH * inW)
            if forward {
                BilinearResize.forward(a.data + planes.lowerBound * pa, b.data + planes.lowerBound * pb, planes: planes.count,
                                       inH: inH, inW: inW, outH: outH, outW: outW, scale: scale, alignCorners: alignCorners)
            } else {
                BilinearResize.backward(a.data + planes.lowerBound * pa, b.data + planes.lowerBound * pb, planes: planes.count,
                                        inH: inH, inW: inW, outH: outH, outW: outW, scale: scale, alignCorners: alignCorners)
            }
        }
    }
}

/// PyTorch's `AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad)`:
/// `N × C × H × W` → `N × C × H' × W'`, or the same on channel-blocked tensors.
///
/// Forward keeps only the input shape; `backward` spreads each gradient over its window by the
/// forward's divisor. No parameters.
public final class AvgPool2d: Layer {
    /// PyTorch's `kernel_size`, `stride` and `padding`, the same for both sides; padding is at
    /// most half the kernel.
    public let kernel, stride, padding: Int
    /// PyTorch's `ceil_mode` (output sides round up, so a last partial window counts) and
    /// `count_include_pad` (padded positions count in the divisor).
    public let ceilMode, countIncludePad: Bool
    private var inputShape: [Int] = []

    /// PyTorch's defaults: no padding, floor mode, padded positions counted in the divisor.
    public init(kernel: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        precondition(kernel >= 1 && stride >= 1, "AvgPool2d needs kernel and stride of at least 1")
        precondition(padding >= 0 && 2 * padding <= kernel, "AvgPool2d: padding \(padding) must be at most half the kernel \(kernel)")
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.ceilMode = ceilMode; self.countIncludePad = countIncludePad
    }

    private func geometry(_ shape: [Int]) -> (planes: Int, lanes: Int, outH: Int, outW: Int) {
        let blocked = ChannelBlocking.isBlocked(shape)
        return (shape[0] * shape[1], blocked ? ChannelBlocking.width : 1,
                AveragePoolKernels.outputSize(shape[2], kernel: kernel, stride: stride, padding: padding, ceil: ceilMode),
                AveragePoolKernels.outputSize(shape[3], kernel: kernel, stride: stride, padding: padding, ceil: ceilMode))
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4 || ChannelBlocking.isBlocked(x.shape), "AvgPool2d expects N×C×H×W input, got \(x.shape)")
        let g = geometry(x.shape)
        var shape = x.shape
        (shape[2], shape[3]) = (g.outH, g.outW)
        let y = Tensor.pooled(shape: shape)
        AveragePoolKernels.forward(x: x.data, y: y.data, planes: g.planes, lanes: g.lanes, height: x.shape[2], width: x.shape[3],
                                   outHeight: g.outH, outWidth: g.outW, kernel: kernel, stride: stride, padding: padding,
                                   countIncludePad: countIncludePad)
        inputShape = x.shape
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.pooled(shape: inputShape)
        let g = geometry(inputShape)
        AveragePoolKernels.backward(dy: dy.data, dx: dx.data, planes: g.planes, lanes: g.lanes, height: inputShape[2],
                                    width: inputShape[3], outHeight: g.outH, outWidth: g.outW, kernel: kernel, stride: stride,
                                    padding: padding, countIncludePad: countIncludePad)
        return dx
    }
}
