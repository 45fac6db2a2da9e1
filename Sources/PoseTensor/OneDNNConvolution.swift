import CDNNL

/// A oneDNN convolution or transposed convolution of one shape, created once and reused:
/// forward, and on the first backward the backward-data and backward-weights primitives.
///
/// Activations are NCHW or channel-blocked (`ChannelBlocking`, oneDNN's `nChw16c`, as the shape
/// says) and weights PyTorch's OIHW (IOHW when transposed) in the caller's buffers; each
/// primitive works in the layout it chose (`dnnl_format_tag_any`, blocked on AVX-512), reached
/// through reorders into per-thread scratch where the caller's differs. Gradients accumulate into the
/// caller's `dWeight` and `dBias`, as the BLAS kernels' do.
public final class OneDNNConvolution {
    /// Everything that selects the primitives. For a transposed convolution `in…` is its input
    /// (the small tensor) and `out…` its output.
    public struct Shape: Hashable, Sendable {
        /// The batch size `N`, then the input's and the output's channels, height and width
        /// (`N × C × H × W` each); for a transposed convolution the input is the smaller tensor.
        public var batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth: Int
        /// The kernel's height and width in taps, the strides in pixels, and the padding before
        /// the first row and column in pixels (PyTorch's `padding`; the padding after them is derived).
        public var kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft: Int
        /// The spacing between kernel taps vertically and horizontally (PyTorch's `dilation`); 1 by default.
        public var dilationHeight = 1, dilationWidth = 1
        /// PyTorch's `groups` (convolutions only).
        public var groups = 1
        /// Whether the layer adds a bias (`C_out` floats), so forward adds it and backward computes `dBias`.
        public var bias: Bool
        /// Whether this is a transposed convolution (PyTorch's `ConvTranspose2d`, weights IOHW); false by default.
        public var transposed = false
        /// Whether the caller's input (the transposed convolution's input too) and output are
        /// channel-blocked rather than NCHW.
        public var sourceBlocked = false, destinationBlocked = false
        /// A pointwise function applied to the output inside the primitive (a oneDNN eltwise
        /// post-op), for fused inference; forward only.
        public var activation: PostActivation = .none
        /// Adds the convolution's output to what the destination holds before the activation
        /// (a oneDNN sum post-op: a residual block's `relu(conv(x) + shortcut)`), the destination
        /// written in the caller's layout; forward only.
        public var accumulates = false
        /// The operands' number format: under `.bfloat16` the input, weights and output
        /// gradient are converted to bfloat16 in their reorders; outputs and gradients stay fp32.
        public var precision = ComputePrecision.float32

        /// The functions a convolution can apply to its output as a post-op.
        public enum PostActivation: Sendable, Hashable {
            /// None: the output as computed.
            case none
            /// `max(x, 0)`.
            case relu
            /// `x · σ(x)` (oneDNN's swish with α = 1).
            case silu
        }

        /// Creates a shape; pairs are (height, width), and `padding` is the top and left padding.
        public init(batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int, outHeight: Int, outWidth: Int,
                    kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int) = (1, 1),
                    groups: Int = 1, bias: Bool, transposed: Bool = false, sourceBlocked: Bool = false,
                    destinationBlocked: Bool = false) {
            (self.batch, self.inChannels, self.inHeight, self.inWidth) = (batch, inChannels, inHeight, inWidth)
            (self.outChannels, self.outHeight, self.outWidth) = (outChannels, outHeight, outWidth)
            (kernelHeight, kernelWidth, strideHeight, strideWidth) = (kernel.0, kernel.1, stride.0, stride.1)
            (padTop, padLeft, dilationHeight, dilationWidth) = (padding.0, padding.1, dilation.0, dilation.1)
            self.groups = groups
            self.bias = bias
            self.transposed = transposed
            (self.sourceBlocked, self.destinationBlocked) = (sourceBlocked, destinationBlocked)
        }

        /// Multiply-adds of one forward, counted as the BLAS kernels count them (on the
        /// convolution's output positions, the transposed convolution's input positions).
        var multiplyAdds: Int {
            batch * (transposed ? inHeight * inWidth : outHeight * outWidth) * outChannels * inChannels * kernelHeight * kernelWidth / groups
        }

        /// The padding after the last row and column, which oneDNN wants explicitly: the
        /// smallest non-negative one that gives PyTorch's sizes (PyTorch's floor division drops
        /// what a larger padding would add; the convolution's input is the transposed one's output).
        var padBottomRight: (Int, Int) {
            let (big, small) = transposed ? ((outHeight, outWidth), (inHeight, inWidth)) : ((inHeight, inWidth), (outHeight, outWidth))
            return (max(0, (small.0 - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1 - big.0 - padTop),
                    max(0, (small.1 - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1 - big.1 - padLeft))
        }
    }

    /// The shape the primitives were created for; every call must match it.
    public let shape: Shape
    private let stream: dnnl_stream_t
    private let forwardPrimitive: DNNLPrimitive
    private let user: (source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t, destination: dnnl_memory_desc_t)
    private let source, weights, destination: DNNLOperand
    private let biasMemory: DNNLMemory?
    private let forwardArguments: DNNLArguments
    private lazy var backwardPlan = BackwardPlan(self)

    /// The plan for `shape`, or nil where oneDNN has no implementation for it (the caller then
    /// uses the BLAS kernels).
    public init?(_ shape: Shape) {
        guard OneDNN.engine != nil else { return nil }
        self.shape = shape
        let s = shape
        let sourceDims = [s.batch, s.inChannels, s.inHeight, s.inWidth]
        let destinationDims = [s.batch, s.outChannels, s.outHeight, s.outWidth]
        // PyTorch's grouped O × I/G × kH × kW is oneDNN's goihw: G × O/G × I/G × kH × kW
        precondition(s.groups == 1 || !s.transposed, "grouped transposed convolutions are not supported")
        let weightDims = s.groups > 1
            ? [s.groups, s.outChannels / s.groups, s.inChannels / s.groups, s.kernelHeight, s.kernelWidth]
            : [s.outChannels, s.inChannels, s.kernelHeight, s.kernelWidth]
        user = (OneDNN.descriptor(sourceDims, s.sourceBlocked ? dnnl_nChw16c : dnnl_nchw),
                OneDNN.descriptor(weightDims, s.groups > 1 ? dnnl_goihw : s.transposed ? dnnl_iohw : dnnl_oihw),
                OneDNN.descriptor([s.outChannels], dnnl_x),
                OneDNN.descriptor(destinationDims, s.destinationBlocked ? dnnl_nChw16c : dnnl_nchw))
        let operands = s.precision == .bfloat16 ? dnnl_bf16 : dnnl_f32
        let any = (OneDNN.descriptor(sourceDims, dnnl_format_tag_any, type: operands),
                   OneDNN.descriptor(weightDims, dnnl_format_tag_any, type: operands),
                   OneDNN.descriptor(destinationDims, dnnl_format_tag_any))
        var desc = dnnl_convolution_desc_t()
        // a sum post-op reads the destination, so it is the caller's buffer and layout
        var (src, wts, dst, bias) = (any.0, any.1, s.accumulates ? user.destination : any.2, user.bias)
        let geometry = OneDNNConvolution.geometry(shape)
        let status = withUnsafePointer(to: &bias) { biasPointer in
            let b = s.bias ? biasPointer : nil
            return s.transposed
                ? dnnl_dilated_deconvolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_deconvolution_direct, &src, &wts, b,
                                                               &dst, geometry.strides, geometry.dilates, geometry.left, geometry.right)
                : dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct, &src, &wts, b,
                                                             &dst, geometry.strides, geometry.dilates, geometry.left, geometry.right)
        }
        guard status == dnnl_success else { return nil }
        let eltwise: (algorithm: dnnl_alg_kind_t, alpha: Float)? = switch s.activation {
        case .none: nil
        case .relu: (dnnl_eltwise_relu, 0)
        case .silu: (dnnl_eltwise_swish, 1)
        }
        guard let created = withUnsafePointer(to: &desc, { OneDNN.primitive($0, attributes: OneDNN.postOps(sum: s.accumulates, eltwise: eltwise)) })
        else { return nil }
        forwardPrimitive = created
        stream = OneDNN.makeStream()
        source = DNNLOperand(user: user.source, primitive: forwardPrimitive.layout(dnnl_query_src_md), slot: .source, output: false)
        weights = DNNLOperand(user: user.weights, primitive: forwardPrimitive.layout(dnnl_query_weights_md), slot: .weights, output: false)
        destination = DNNLOperand(user: user.destination, primitive: forwardPrimitive.layout(dnnl_query_dst_md), slot: .destination, output: true)
        biasMemory = s.bias ? DNNLMemory(user.bias) : nil
        forwardArguments = DNNLArguments([(DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, weights.memory),
                                          (DNNL_ARG_DST, destination.memory)] + (biasMemory.map { [(DNNL_ARG_BIAS, $0)] } ?? []))
    }

    deinit { dnnl_stream_destroy(stream) }

    /// Strides, dilations (oneDNN counts the gaps: d − 1) and paddings as oneDNN's dims.
    private static func geometry(_ s: Shape) -> (strides: [Int64], dilates: [Int64], left: [Int64], right: [Int64]) {
        let pad = s.padBottomRight
        return ([Int64(s.strideHeight), Int64(s.strideWidth)], [Int64(s.dilationHeight - 1), Int64(s.dilationWidth - 1)],
                [Int64(s.padTop), Int64(s.padLeft)], [Int64(pad.0), Int64(pad.1)])
    }

    /// The implementation oneDNN picked for the forward pass.
    public var implementation: String { forwardPrimitive.implementation }

    /// `y = conv(x, weight) + bias` with `x`, `y` of the plan's shape and layouts.
    /// - Parameters:
    ///   - weightCache: where the layer keeps its weights in the primitive's layout; nil
    ///     reorders them into per-thread scratch on every call.
    ///   - weightVersion: the weights' version (`ParameterArena.version`) when the kept copy may
    ///     be reused if it has it (inference); nil to reorder (a training step).
    public func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, weightCache: ReorderedWeights? = nil, weightVersion: UInt64? = nil) {
        precondition((bias != nil) == shape.bias, "OneDNNConvolution: bias given \(bias != nil), planned \(shape.bias)")
        source.bindInput(x, stream)
        if let weightCache {
            weightCache.bind(weights, user: weight, version: weightVersion, stream: stream)
        } else {
            weights.bindInput(weight, stream)
        }
        destination.bindOutput(y)
        if let biasMemory, let bias { biasMemory.bind(bias) }
        forwardPrimitive.execute(stream, forwardArguments)
        destination.finishOutput(y, stream)
        OperationCounter.add(shape.multiplyAdds)
    }

    /// Gradients of `forward`: writes `dx` (if non-nil), adds into `dWeight` and `dBias` (if
    /// non-nil). With `weightCache`, the backward-data primitive reads the copy forward made.
    public func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                         weightCache: ReorderedWeights? = nil) {
        let s = shape
        if s.groups > 1 && s.groups == s.inChannels && s.groups == s.outChannels && s.sourceBlocked && s.destinationBlocked {
            // oneDNN 2.6 has no JIT kernel for a depthwise weight gradient here (its gemm and
            // reference ones took 12-35 ms a layer in RTMPose-m); 16 channels a pixel at a time
            // it is a few multiply-adds per output
            let g = ConvGeometry(channels: 1, height: s.inHeight, width: s.inWidth, kernel: (s.kernelHeight, s.kernelWidth),
                                 stride: (s.strideHeight, s.strideWidth), padding: (s.padTop, s.padLeft),
                                 dilation: (s.dilationHeight, s.dilationWidth))
            BlockedSpatialKernels.depthwiseWeightGradient(x: x, dy: dy, dWeight: dWeight, dBias: dBias, batch: s.batch,
                                                          channels: s.inChannels, geometry: g)
            backwardPlan.run(x: x, weight: weight, dy: dy, dx: dx, dWeight: nil, dBias: nil, weightCache: weightCache)
            return
        }
        backwardPlan.run(x: x, weight: weight, dy: dy, dx: dx, dWeight: dWeight, dBias: dBias, weightCache: weightCache)
    }

    /// The two backward primitives (made on the first backward; inference never needs them).
    private final class BackwardPlan {
        unowned let plan: OneDNNConvolution
        let data: DNNLPrimitive, weights: DNNLPrimitive
        let dataGradient, dataWeights, dataSource: DNNLOperand
        let weightsSource, weightsGradient, weightsOutput: DNNLOperand
        let biasGradient: DNNLMemory?
        let weightsArguments, dataArguments: DNNLArguments

        init(_ plan: OneDNNConvolution) {
            self.plan = plan
            let s = plan.shape, g = OneDNNConvolution.geometry(s)
            let operands = s.precision == .bfloat16 ? dnnl_bf16 : dnnl_f32
            func any(_ md: dnnl_memory_desc_t, _ type: dnnl_data_type_t) -> dnnl_memory_desc_t {
                var dims = md.dims
                return withUnsafeBytes(of: &dims) { raw in
                    OneDNN.descriptor(Array(raw.bindMemory(to: Int64.self).prefix(Int(md.ndims))).map(Int.init), dnnl_format_tag_any, type: type)
                }
            }
            // bfloat16 in, fp32 out: diff_src and diff_weights are what the layers sum and the
            // optimizer reads
            var (src, wts, dst) = (any(plan.user.source, operands), any(plan.user.weights, operands), any(plan.user.destination, operands))
            var (diffSrc, diffWts) = (any(plan.user.source, dnnl_f32), any(plan.user.weights, dnnl_f32))
            var desc = dnnl_convolution_desc_t()
            OneDNN.check(s.transposed
                ? dnnl_dilated_deconvolution_backward_data_desc_init(&desc, dnnl_deconvolution_direct, &diffSrc, &wts, &dst,
                                                                     g.strides, g.dilates, g.left, g.right)
                : dnnl_dilated_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &diffSrc, &wts, &dst,
                                                                   g.strides, g.dilates, g.left, g.right), "backward-data descriptor")
            var pd: dnnl_primitive_desc_t?
            OneDNN.check(dnnl_primitive_desc_create(&pd, &desc, nil, OneDNN.engine, plan.forwardPrimitive.descriptor), "backward-data primitive")
            data = DNNLPrimitive(pd!)
            var bias = plan.user.bias
            let status = withUnsafePointer(to: &bias) { biasPointer in
                let b = s.bias ? biasPointer : nil
                return s.transposed
                    ? dnnl_dilated_deconvolution_backward_weights_desc_init(&desc, dnnl_deconvolution_direct, &src, &diffWts, b, &dst,
                                                                            g.strides, g.dilates, g.left, g.right)
                    : dnnl_dilated_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src, &diffWts, b, &dst,
                                                                          g.strides, g.dilates, g.left, g.right)
            }
            OneDNN.check(status, "backward-weights descriptor")
            pd = nil
            OneDNN.check(dnnl_primitive_desc_create(&pd, &desc, nil, OneDNN.engine, plan.forwardPrimitive.descriptor), "backward-weights primitive")
            weights = DNNLPrimitive(pd!)
            let user = plan.user
            dataGradient = DNNLOperand(user: user.destination, primitive: data.layout(dnnl_query_diff_dst_md), slot: .destination, output: false)
            dataWeights = DNNLOperand(user: user.weights, primitive: data.layout(dnnl_query_weights_md), slot: .weights, output: false)
            dataSource = DNNLOperand(user: user.source, primitive: data.layout(dnnl_query_diff_src_md), slot: .source, output: true)
            weightsSource = DNNLOperand(user: user.source, primitive: weights.layout(dnnl_query_src_md), slot: .source, output: false)
            weightsGradient = DNNLOperand(user: user.destination, primitive: weights.layout(dnnl_query_diff_dst_md), slot: .destination, output: false)
            weightsOutput = DNNLOperand(user: user.weights, primitive: weights.layout(dnnl_query_diff_weights_md), slot: .gradient,
                                        output: true, accumulate: true)
            biasGradient = s.bias ? DNNLMemory(user.bias) : nil
            weightsArguments = DNNLArguments([(DNNL_ARG_SRC, weightsSource.memory), (DNNL_ARG_DIFF_DST, weightsGradient.memory),
                                              (DNNL_ARG_DIFF_WEIGHTS, weightsOutput.memory)]
                                             + (biasGradient.map { [(DNNL_ARG_DIFF_BIAS, $0)] } ?? []))
            dataArguments = DNNLArguments([(DNNL_ARG_DIFF_DST, dataGradient.memory), (DNNL_ARG_WEIGHTS, dataWeights.memory),
                                           (DNNL_ARG_DIFF_SRC, dataSource.memory)])
        }

        func run(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                 dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
                 weightCache: ReorderedWeights?) {
            let stream = plan.stream, s = plan.shape
            // without dWeight the weights' gradient came from elsewhere: only dx
            if let dWeight {
                weightsSource.bindInput(x, stream)
                weightsGradient.bindInput(dy, stream)
                weightsOutput.bindOutput(dWeight)
                let biasScratch = DNNLScratch.current.buffer(.bias, bytes: s.outChannels * 4).bindMemory(to: Float.self, capacity: s.outChannels)
                biasGradient?.bind(biasScratch)
                weights.execute(stream, weightsArguments)
                weightsOutput.finishOutput(dWeight, stream)
                if let dBias, biasGradient != nil { for o in 0..<s.outChannels { dBias[o] += biasScratch[o] } }
            }

            guard let dx else { return }
            // the weights primitive's reordered gradient serves the data primitive when the layouts agree
            if dWeight == nil || weightsGradient.reorder == nil
                || !OneDNN.equal(weightsGradient.memory.descriptor, dataGradient.memory.descriptor) {
                dataGradient.bindInput(dy, stream)
            } else {
                dataGradient.memory.bind(DNNLScratch.current.buffer(.destination, bytes: dataGradient.bytes))
            }
            if let weightCache {
                weightCache.bindForBackward(dataWeights, user: weight, stream: stream)
            } else {
                dataWeights.bindInput(weight, stream)
            }
            dataSource.bindOutput(dx)
            data.execute(stream, dataArguments)
            dataSource.finishOutput(dx, stream)
        }
    }
}
