import CDNNL

/// A pointwise function over `count` floats as oneDNN's JIT eltwise primitive, forward and
/// backward (from the forward input): SiLU is `dnnl_eltwise_swish` with α = 1. The tensors are
/// read as flat arrays, so any layout (NCHW or channel-blocked) works.
///
/// Its vectorised `exp` makes SiLU's passes memory-bound: in RTMPose-m, libm's scalar `expf`
/// over every activation took as long as the network's convolutions in inference.
public final class OneDNNEltwise {
    /// The functions available.
    public enum Function: Sendable, Hashable {
        /// `x · σ(x)` (oneDNN's swish with α = 1).
        case silu
    }

    private let stream: dnnl_stream_t
    private let forwardPrimitive: DNNLPrimitive
    private let backwardPrimitive: DNNLPrimitive
    private let source, destination, gradient, sourceGradient: DNNLMemory
    private let forwardArguments, backwardArguments: DNNLArguments
    /// The element count the plan was made for.
    public let count: Int

    /// A plan for `function` over `count` floats, or nil when oneDNN is unavailable or refuses it.
    public init?(_ function: Function, count: Int) {
        guard let engine = OneDNN.engine, count > 0 else { return nil }
        self.count = count
        let algorithm: dnnl_alg_kind_t
        switch function { case .silu: algorithm = dnnl_eltwise_swish }
        var md = OneDNN.descriptor([count], dnnl_a)
        var desc = dnnl_eltwise_desc_t()
        guard dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_training, algorithm, &md, 1, 0) == dnnl_success else { return nil }
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil) == dnnl_success, let pd else { return nil }
        forwardPrimitive = DNNLPrimitive(pd)
        var backwardDesc = dnnl_eltwise_desc_t()
        var diff = md
        guard dnnl_eltwise_backward_desc_init(&backwardDesc, algorithm, &diff, &md, 1, 0) == dnnl_success else { return nil }
        var bpd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&bpd, &backwardDesc, nil, engine, pd) == dnnl_success, let bpd else { return nil }
        backwardPrimitive = DNNLPrimitive(bpd)
        stream = OneDNN.makeStream()
        (source, destination, gradient, sourceGradient) = (DNNLMemory(md), DNNLMemory(md), DNNLMemory(md), DNNLMemory(md))
        forwardArguments = DNNLArguments([(DNNL_ARG_SRC, source), (DNNL_ARG_DST, destination)])
        backwardArguments = DNNLArguments([(DNNL_ARG_SRC, source), (DNNL_ARG_DIFF_DST, gradient), (DNNL_ARG_DIFF_SRC, sourceGradient)])
    }

    deinit { dnnl_stream_destroy(stream) }

    /// `y = f(x)`, `count` values each.
    public func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        source.bind(x)
        destination.bind(y)
        forwardPrimitive.execute(stream, forwardArguments)
    }

    /// `dx = dy · f′(x)`, from the forward input `x`.
    public func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        source.bind(x)
        gradient.bind(dy)
        sourceGradient.bind(dx)
        backwardPrimitive.execute(stream, backwardArguments)
    }
}
