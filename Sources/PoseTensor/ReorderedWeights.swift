import CDNNL
import Foundation

/// One layer's weights in the layout its oneDNN primitives chose, kept between calls.
///
/// A training step reorders the weights once, in forward, and the backward-data primitive
/// reads the same copy when it wants the same layout. Inference batches reuse the copy for
/// as long as the weights keep the version they had (`ParameterArena.version`), so a
/// validation or test pass reorders each layer's weights once instead of once per batch.
/// The buffer lives as long as the layer: one copy of its weights.
public final class ReorderedWeights {
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0
    private var layout: dnnl_memory_desc_t?
    private var source: UnsafeRawPointer?
    /// The weights' version the copy was made from; nil when it may not be reused by version.
    private var version: UInt64?

    /// Creates an empty holder: no buffer is allocated until the first reorder.
    public init() {}

    /// The number of reorders made so far (tests count them).
    public private(set) var reorders = 0

    /// Binds `operand`'s memory to the weights at `user` in the operand's layout: the kept copy
    /// when it holds `version` of them in that layout, else a fresh reorder into it. A nil
    /// `version` always reorders (a training forward: the weights changed since the last step).
    func bind(_ operand: DNNLOperand, user: UnsafeRawPointer, version: UInt64?, stream: dnnl_stream_t) {
        guard let reorder = operand.reorder else { return operand.memory.bind(user) }
        if let version, version == self.version, let copy = copy(of: user, for: operand) { return operand.memory.bind(copy) }
        reorderFresh(operand, reorder, user: user, stream: stream)
        self.version = version
    }

    /// Binds the backward-data primitive's weights: the copy the step's forward made when the
    /// layouts agree, else a reorder into it (which the next forward replaces).
    func bindForBackward(_ operand: DNNLOperand, user: UnsafeRawPointer, stream: dnnl_stream_t) {
        guard let reorder = operand.reorder else { return operand.memory.bind(user) }
        if let copy = copy(of: user, for: operand) { return operand.memory.bind(copy) }
        reorderFresh(operand, reorder, user: user, stream: stream)
        version = nil
    }

    /// The kept copy when it was made from `user` in `operand`'s layout.
    private func copy(of user: UnsafeRawPointer, for operand: DNNLOperand) -> UnsafeMutableRawPointer? {
        guard source == user, let layout, OneDNN.equal(layout, operand.memory.descriptor) else { return nil }
        return buffer
    }

    private func reorderFresh(_ operand: DNNLOperand, _ reorder: DNNLReorder, user: UnsafeRawPointer, stream: dnnl_stream_t) {
        if operand.bytes > capacity || buffer == nil {
            free(buffer)
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, max(operand.bytes, 64)) == 0, let raw else {
                fatalError("out of memory allocating \(operand.bytes) bytes of reordered weights")
            }
            (buffer, capacity) = (raw, max(operand.bytes, 64))
        }
        reorder.run(stream, from: user, to: buffer!)
        operand.memory.bind(buffer!)
        (layout, source) = (operand.memory.descriptor, user)
        reorders += 1
    }

    deinit { free(buffer) }
}
