import PoseNN
import PoseTensor

/// The backward pass of a backbone that is a chain of layers with tapped outputs (ResNet's stem
/// and stages, CSPNeXt's stem and stages).
enum LayerChain {
    /// Back-propagates through `layers` (run in order in the forward): `tapped[i]` is the
    /// gradient arriving at layer i's output from a returned map (nil where none was returned),
    /// added to what flows back from the later layers; the first `frozen` layers (MMPose's
    /// frozen stages) are not back-propagated, and neither is anything before them.
    static func backward(_ layers: [Layer], tapped: [Tensor?], frozen: Int) {
        precondition(tapped.count == layers.count, "LayerChain.backward needs one (optional) gradient per layer")
        guard let last = tapped.lastIndex(where: { $0 != nil }) else { return }
        var g: Tensor = tapped[last]!
        for i in stride(from: last, through: 0, by: -1) {
            if i != last, let extra = tapped[i] { g = ElementwiseKernels.sum(g, extra) }
            if i < frozen { return }
            g = layers[i].backward(g)
        }
    }

    /// Gradients per output index (`indices[j]` the layer of `dys[j]`), summed where an index
    /// repeats.
    static func tapped(_ dys: [Tensor?], at indices: [Int], layers count: Int) -> [Tensor?] {
        var byLayer = [Tensor?](repeating: nil, count: count)
        for (index, dy) in zip(indices, dys) {
            guard let dy else { continue }
            byLayer[index] = ElementwiseKernels.sum(byLayer[index], dy)
        }
        return byLayer
    }

    /// MMPose's `frozen_stages` and `norm_eval` on such a chain: the first `frozen` layers get
    /// no gradients and their BatchNorms stay in inference mode; with `normEval` every one of
    /// `norms` does.
    static func freeze(_ layers: [Layer], frozen: Int, norms: [BatchNorm2d], normEval: Bool) {
        var frozenParameters = Set<ObjectIdentifier>()
        for layer in layers.prefix(max(0, frozen)) {
            for p in layer.stateDict().parameters {
                p.parameter.requiresGrad = false
                frozenParameters.insert(ObjectIdentifier(p.parameter))
            }
        }
        for bn in norms where normEval || frozenParameters.contains(ObjectIdentifier(bn.weight)) { bn.frozen = true }
    }
}
