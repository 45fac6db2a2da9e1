import PoseNN
import PoseTensor

/// mmdet's `Focus` stem (YOLOX's `CSPDarknet`): every 2×2 block of pixels moved into channels,
/// then a `ConvModule`. `N × C × H × W` (H, W even) → `N × cout × H/2 × W/2`.
///
/// The four sub-images are stacked as mmdet does: top-left, bottom-left, top-right,
/// bottom-right (each `C` channels), so that mmdet's `conv` weights (`4C` input channels) apply
/// unchanged. Keys `conv.*`.
final class Focus: Layer {
    private let conv: ConvModule
    private var inputShape: [Int] = []

    init(_ cin: Int, _ cout: Int, kernel: Int, modules: inout ConvModuleBuilder) {
        conv = modules.convModule(4 * cin, cout, kernel: kernel, padding: (kernel - 1) / 2)
    }

    /// (row offset, column offset) of the sub-image stacked `k`-th.
    private static let offsets = [(0, 0), (1, 0), (0, 1), (1, 1)]

    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(h % 2 == 0 && w % 2 == 0, "Focus needs an even input size, got \(w)x\(h)")
        inputShape = x.shape
        let (ho, wo) = (h / 2, w / 2)
        let stacked = Tensor(zeros: [n, 4 * c, ho, wo])
        Self.shuffle(n: n, c: c, h: h, w: w) { src, dst in stacked.data[dst] = x.data[src] }
        return conv.forward(stacked, mode: mode)
    }

    func backward(_ dy: Tensor) -> Tensor {
        let dStacked = conv.backward(dy)
        guard dStacked.count > 0 else { return dStacked }
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let dx = Tensor(zeros: inputShape)
        Self.shuffle(n: n, c: c, h: h, w: w) { src, dst in dx.data[src] = dStacked.data[dst] }
        return dx
    }

    /// Calls `move(source, destination)` for every pixel: its index in the `N × C × H × W`
    /// input and in the `N × 4C × H/2 × W/2` stack.
    private static func shuffle(n: Int, c: Int, h: Int, w: Int, _ move: (Int, Int) -> Void) {
        let (ho, wo) = (h / 2, w / 2)
        for i in 0..<n {
            for (k, (dy, dx)) in offsets.enumerated() {
                for ch in 0..<c {
                    let dstPlane = ((i * 4 + k) * c + ch) * ho * wo, srcPlane = (i * c + ch) * h * w
                    for y in 0..<ho {
                        for x in 0..<wo { move(srcPlane + (2 * y + dy) * w + 2 * x + dx, dstPlane + y * wo + x) }
                    }
                }
            }
        }
    }

    func collectState(prefix: String, into state: inout StateDict) {
        conv.collectState(prefix: prefix + "conv.", into: &state)
    }

    func setInputGradientNeeded(_ needed: Bool) { conv.setInputGradientNeeded(needed) }
}
