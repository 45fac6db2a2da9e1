import Foundation
import PoseTensor

/// Flat storage for all parameters of a model and for their gradients.
///
/// Allreduce, the optimizer and checkpoints each see one contiguous buffer; every `Parameter`
/// becomes a view at a fixed offset of `values` and `gradients`.
public final class ParameterArena {
    /// Every parameter value, concatenated in registration order.
    public let values: Tensor
    /// Every gradient, in the same layout as `values`.
    public let gradients: Tensor
    /// The offset of each parameter in both buffers.
    public let offsets: [Int]
    /// The parameters, in layout order.
    public let parameters: [Parameter]
    /// Changes whenever `values` do, as far as SwiftPose writes them (optimizer steps, loaded
    /// checkpoints, EMA swaps). Layers reuse copies derived from the values (oneDNN-layout
    /// weights) across inference batches while it holds, so code that writes `values` or a
    /// parameter's `value` itself calls `valuesDidChange()` afterwards.
    public private(set) var version: UInt64 = 0

    /// Records that `values` were written (see `version`).
    public func valuesDidChange() { version &+= 1 }

    /// Moves `parameters` (keeping their current values) into two new flat buffers.
    public init(_ parameters: [Parameter]) {
        var offsets: [Int] = []
        var total = 0
        for p in parameters {
            offsets.append(total)
            // Keep every parameter 64-byte aligned for vector loads.
            total += (p.value.count + 15) / 16 * 16
        }
        self.offsets = offsets
        self.parameters = parameters
        values = Tensor(zeros: [total])
        gradients = Tensor(zeros: [total])
        for (p, offset) in zip(parameters, offsets) {
            let v = Tensor(viewing: values.data + offset, shape: p.shape, base: values)
            v.copy(from: p.value)
            p.value = v
            p.arena = self
            p.grad = Tensor(viewing: gradients.data + offset, shape: p.shape, base: gradients)
        }
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        let g = gradients.data
        ParallelLoop.run(gradients.count, grain: ParallelLoop.elementGrain) { r in (g + r.lowerBound).update(repeating: 0, count: r.count) }
    }
}
