import PoseTensor

/// PyTorch's `MaxPool2d(kernel, stride, padding)`: `N × C × H × W` → `N × C × H' × W'`, or the
/// same on channel-blocked tensors (`ChannelBlocking`).
public final class MaxPool2d: Layer {
    public let kernel, stride, padding: Int
    private var output: Tensor?
    private var inputGrad: Tensor?
    private var indices: [Int32] = []
    private var inputShape: [Int] = []
    private var geometry: ConvGeometry?

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
        let y = Tensor.reuse(output, shape: shape)
        if indices.count != y.count { indices = [Int32](repeating: 0, count: y.count) }
        indices.withUnsafeMutableBufferPointer {
            if blocked {
                BlockedSpatialKernels.maxPoolForward(x: x.data, y: y.data, indices: $0.baseAddress!, planes: planes, geometry: g)
            } else {
                PoolingKernels.maxPoolForward(x: x.data, y: y.data, indices: $0.baseAddress!, planes: planes, geometry: g)
            }
        }
        output = y; inputShape = x.shape; geometry = g
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let g = geometry else { preconditionFailure("MaxPool2d.backward before forward") }
        let dx = Tensor.reuse(inputGrad, shape: inputShape)
        inputGrad = dx
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
public final class GlobalAveragePool: Layer {
    private var output: Tensor?
    private var inputGrad: Tensor?
    private var inputShape: [Int] = []

    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAveragePool expects N×C×H×W input, got \(x.shape)")
        let y = Tensor.reuse(output, shape: [x.shape[0], x.shape[1], 1, 1])
        PoolingKernels.globalAverageForward(x: x.data, y: y.data, planes: x.shape[0] * x.shape[1],
                                            spatial: x.shape[2] * x.shape[3])
        output = y; inputShape = x.shape
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.reuse(inputGrad, shape: inputShape)
        inputGrad = dx
        PoolingKernels.globalAverageBackward(dy: dy.data, dx: dx.data, planes: inputShape[0] * inputShape[1],
                                             spatial: inputShape[2] * inputShape[3])
        return dx
    }
}

/// Nearest-neighbour upsampling by an integer factor: `N × C × H × W` → `N × C × fH × fW`, or the
/// same on channel-blocked tensors (`ChannelBlocking`).
public final class UpsampleNearest: Layer {
    public let factor: Int
    private var output: Tensor?
    private var inputGrad: Tensor?
    private var inputShape: [Int] = []

    public init(factor: Int) {
        precondition(factor >= 1, "upsampling factor must be at least 1, got \(factor)")
        self.factor = factor
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        var shape = x.shape
        (shape[2], shape[3]) = (x.shape[2] * factor, x.shape[3] * factor)
        let y = Tensor.reuse(output, shape: shape)
        if ChannelBlocking.isBlocked(x.shape) {
            BlockedSpatialKernels.upsampleNearest(x.data, y.data, planes: x.shape[0] * x.shape[1],
                                                  height: x.shape[2], width: x.shape[3], factor: factor)
        } else {
            ElementwiseKernels.upsampleNearest(x.data, y.data, planes: x.shape[0] * x.shape[1],
                                               height: x.shape[2], width: x.shape[3], factor: factor)
        }
        output = y; inputShape = x.shape
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.reuse(inputGrad, shape: inputShape)
        inputGrad = dx
        let s = inputShape
        if ChannelBlocking.isBlocked(s) {
            BlockedSpatialKernels.upsampleNearestBackward(dy.data, dx.data, planes: s[0] * s[1], height: s[2], width: s[3], factor: factor)
        } else {
            ElementwiseKernels.upsampleNearestBackward(dy.data, dx.data, planes: s[0] * s[1], height: s[2], width: s[3], factor: factor)
        }
        return dx
    }
}
