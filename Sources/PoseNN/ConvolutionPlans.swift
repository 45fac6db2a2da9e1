import PoseTensor

/// A layer's oneDNN convolution plans by shape (training and validation batches differ), or
/// nil for a shape oneDNN has no implementation for; empty under the BLAS backend.
final class ConvolutionPlans {
    private var plans: [OneDNNConvolution.Shape: OneDNNConvolution?] = [:]
    /// The layer's weights in its primitives' layout, shared by its plans.
    let weights = ReorderedWeights()

    /// The plan to run `shape` with, or nil to run the BLAS kernels.
    func plan(for shape: OneDNNConvolution.Shape) -> OneDNNConvolution? {
        guard ComputeBackend.current == .onednn else { return nil }
        if let cached = plans[shape] { return cached }
        let plan = OneDNNConvolution(shape)
        plans[shape] = plan
        return plan
    }
}
