import CDNNL
import Foundation

/// oneDNN's CPU engine and the small wrappers SwiftPose's oneDNN kernels share.
///
/// Primitives execute on the calling thread's OpenMP team (sized with `setThreads`); every
/// primitive and memory object here belongs to one layer's plan, so models running on
/// different threads (tests) share nothing but the engine, which oneDNN makes thread-safe.
public enum OneDNN {
    /// The CPU engine, or nil where oneDNN cannot create one.
    nonisolated(unsafe) static let engine: dnnl_engine_t? = {
        var engine: dnnl_engine_t?
        return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
    }()

    /// Whether the oneDNN backend can run here.
    public static var isAvailable: Bool { engine != nil }

    /// Sizes oneDNN's OpenMP team (the rank's cores, as the BLAS threads).
    public static func setThreads(_ count: Int) { omp_set_num_threads(Int32(max(1, count))) }

    /// The OpenMP team size oneDNN will use.
    public static var threads: Int { Int(omp_get_max_threads()) }

    /// oneDNN's library version, e.g. "2.6.3".
    public static var version: String {
        guard let v = dnnl_version()?.pointee else { return "unknown" }
        return "\(v.major).\(v.minor).\(v.patch)"
    }

    static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
        precondition(status == dnnl_success, "oneDNN \(what()) failed with status \(status.rawValue)")
    }

    /// A dense descriptor of `dims` in `tag` order (`dnnl_format_tag_any` lets a primitive
    /// choose), of f32 unless `type` says otherwise.
    static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t, type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map(Int64.init)
        check(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, type, tag), "memory descriptor \(dims)")
        return md
    }

    /// Primitive attributes with a sum post-op (the destination's values kept and the result
    /// added to them) and then an eltwise post-op, or nil when neither is asked for; the caller
    /// destroys them.
    static func postOps(sum: Bool, eltwise: (algorithm: dnnl_alg_kind_t, alpha: Float)? = nil) -> dnnl_primitive_attr_t? {
        guard sum || eltwise != nil else { return nil }
        var attributes: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attributes), "primitive attributes")
        var ops: dnnl_post_ops_t?
        check(dnnl_post_ops_create(&ops), "post-ops creation")
        if sum { check(dnnl_post_ops_append_sum(ops, 1), "sum post-op") }
        if let eltwise { check(dnnl_post_ops_append_eltwise(ops, 1, eltwise.algorithm, eltwise.alpha, 0), "eltwise post-op") }
        check(dnnl_primitive_attr_set_post_ops(attributes, ops), "post-ops")
        dnnl_post_ops_destroy(ops)
        return attributes
    }

    /// A new in-order stream on the engine, for one plan's primitives; the caller destroys it.
    static func makeStream() -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream creation")
        return stream!
    }

    /// The primitive of an operation descriptor with `attributes` (which are destroyed here), or
    /// nil where oneDNN has no implementation for it.
    static func primitive(_ operation: UnsafeRawPointer, attributes: dnnl_primitive_attr_t?) -> DNNLPrimitive? {
        defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, operation, attributes, engine, nil) == dnnl_success,
              let pd else { return nil }
        return DNNLPrimitive(pd)
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    static func bytes(_ md: dnnl_memory_desc_t) -> Int {
        var md = md
        return dnnl_memory_desc_get_size(&md)
    }
}

/// A oneDNN memory object whose buffer is bound at each execution.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t

    init(_ descriptor: dnnl_memory_desc_t) {
        var md = descriptor
        var m: dnnl_memory_t?
        OneDNN.check(dnnl_memory_create(&m, &md, OneDNN.engine, nil), "memory object")
        handle = m!
        self.descriptor = descriptor
    }

    func bind(_ pointer: UnsafeRawPointer) {
        OneDNN.check(dnnl_memory_set_data_handle(handle, UnsafeMutableRawPointer(mutating: pointer)), "binding memory")
    }

    deinit { dnnl_memory_destroy(handle) }
}

/// A created primitive (convolution, reorder, …) with its descriptor.
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    let descriptor: dnnl_primitive_desc_t

    /// Creates the primitive of `descriptor`, which it then owns.
    init(_ descriptor: dnnl_primitive_desc_t) {
        var p: dnnl_primitive_t?
        OneDNN.check(dnnl_primitive_create(&p, descriptor), "primitive creation")
        handle = p!
        self.descriptor = descriptor
    }

    /// The layout the primitive chose for one of its arguments.
    func layout(_ query: dnnl_query_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, query, 0)!.pointee
    }

    /// The implementation oneDNN picked, e.g. "jit:avx512_core".
    var implementation: String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "?" }
        return String(cString: name)
    }

    /// Runs the primitive on `arguments`, made once with it (only their buffers change).
    func execute(_ stream: dnnl_stream_t, _ arguments: DNNLArguments) {
        OneDNN.check(dnnl_primitive_execute(handle, stream, Int32(arguments.list.count), arguments.list.baseAddress), "execution")
        OneDNN.check(dnnl_stream_wait(stream), "stream wait")
    }

    deinit {
        dnnl_primitive_destroy(handle)
        dnnl_primitive_desc_destroy(descriptor)
    }
}

/// A primitive's execution arguments, made once with its plan: between calls only the
/// memories' buffers change, so executing allocates nothing.
final class DNNLArguments {
    let list: UnsafeMutableBufferPointer<dnnl_exec_arg_t>
    private let memories: [DNNLMemory]

    init(_ arguments: [(Int32, DNNLMemory)]) {
        memories = arguments.map(\.1)
        list = .allocate(capacity: arguments.count)
        for (i, a) in arguments.enumerated() { list[i] = dnnl_exec_arg_t(arg: a.0, memory: a.1.handle) }
    }

    deinit { list.deallocate() }
}

/// A reorder between a user layout and a primitive's, with its two memory objects; with
/// `accumulate` the destination's values are kept and the source added (gradients).
final class DNNLReorder {
    let primitive: DNNLPrimitive
    let source: DNNLMemory
    let destination: DNNLMemory
    private let arguments: DNNLArguments

    init(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t, accumulate: Bool = false) {
        let attr = OneDNN.postOps(sum: accumulate)
        defer { if let attr { dnnl_primitive_attr_destroy(attr) } }
        var src = from, dst = to
        var pd: dnnl_primitive_desc_t?
        OneDNN.check(dnnl_reorder_primitive_desc_create(&pd, &src, OneDNN.engine, &dst, OneDNN.engine, attr), "reorder")
        primitive = DNNLPrimitive(pd!)
        source = DNNLMemory(from)
        destination = DNNLMemory(to)
        arguments = DNNLArguments([(DNNL_ARG_FROM, source), (DNNL_ARG_TO, destination)])
    }

    func run(_ stream: dnnl_stream_t, from: UnsafeRawPointer, to: UnsafeMutableRawPointer) {
        source.bind(from)
        destination.bind(to)
        primitive.execute(stream, arguments)
    }
}

/// One argument of a primitive: its memory in the primitive's layout and, where that differs
/// from the user's (or the output accumulates), the reorder between the two through a
/// scratch buffer.
final class DNNLOperand {
    let memory: DNNLMemory
    let reorder: DNNLReorder?
    let slot: DNNLScratch.Slot
    let bytes: Int

    /// `output`: the primitive writes it (reordered to the user's layout afterwards).
    init(user: dnnl_memory_desc_t, primitive: dnnl_memory_desc_t, slot: DNNLScratch.Slot, output: Bool, accumulate: Bool = false) {
        memory = DNNLMemory(primitive)
        self.slot = slot
        bytes = OneDNN.bytes(primitive)
        if accumulate || !OneDNN.equal(user, primitive) {
            reorder = output ? DNNLReorder(from: primitive, to: user, accumulate: accumulate) : DNNLReorder(from: user, to: primitive)
        } else {
            reorder = nil
        }
    }

    /// Binds an input, reordered into scratch first when needed.
    func bindInput(_ user: UnsafeRawPointer, _ stream: dnnl_stream_t) {
        guard let reorder else { return memory.bind(user) }
        let buffer = DNNLScratch.current.buffer(slot, bytes: bytes)
        reorder.run(stream, from: user, to: buffer)
        memory.bind(buffer)
    }

    /// Binds an output: the user's buffer, or scratch that `finishOutput` reorders into it.
    func bindOutput(_ user: UnsafeMutableRawPointer) {
        memory.bind(reorder == nil ? UnsafeRawPointer(user) : UnsafeRawPointer(DNNLScratch.current.buffer(slot, bytes: bytes)))
    }

    func finishOutput(_ user: UnsafeMutableRawPointer, _ stream: dnnl_stream_t) {
        guard let reorder else { return }
        reorder.run(stream, from: DNNLScratch.current.buffer(slot, bytes: bytes), to: user)
    }
}

/// Scratch buffers for layouts a primitive prefers over the user's, one set per thread (as
/// `Workspace`), so plans allocate nothing per step and concurrent models never share one.
final class DNNLScratch {
    enum Slot: Int, CaseIterable { case source, destination, weights, gradient, bias }
    private var buffers: [(pointer: UnsafeMutableRawPointer?, bytes: Int)] = Array(repeating: (nil, 0), count: Slot.allCases.count)

    static var current: DNNLScratch { threadLocal("SwiftPose.DNNLScratch", DNNLScratch.init) }

    /// At least `bytes` bytes, 64-byte aligned; valid until the slot is asked for more.
    func buffer(_ slot: Slot, bytes: Int) -> UnsafeMutableRawPointer {
        let i = slot.rawValue
        if bytes > buffers[i].bytes || buffers[i].pointer == nil {
            free(buffers[i].pointer)
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, max(bytes, 64)) == 0, let raw else {
                fatalError("out of memory allocating \(bytes) bytes of oneDNN scratch")
            }
            buffers[i] = (raw, max(bytes, 64))
        }
        return buffers[i].pointer!
    }

    deinit { for b in buffers { free(b.pointer) } }
}
