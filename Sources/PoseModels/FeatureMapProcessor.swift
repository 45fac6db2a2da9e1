import PoseNN
import PoseTensor

/// MMPose's `FeatureMapProcessor(select_index, concat, scale_factor, apply_relu, align_corners)`
/// neck: select feature maps, optionally resize all to the first's size (bilinear) and
/// concatenate along channels, optionally ReLU, optionally rescale by `scale_factor`.
public final class FeatureMapProcessor: Neck {
    /// The backbone outputs to keep, in order (MMPose's `select_index`; negative indices count
    /// from the end); nil keeps every output.
    public let selectIndex: [Int]?
    /// Resizes the selected maps to the first one's size and concatenates them along channels
    /// into one map (MMPose's `concat`).
    public let concat: Bool
    /// Rescales every output's sides by this factor, bilinearly, to `Int(side · scaleFactor)`
    /// (MMPose's `scale_factor`; 1 leaves the size).
    public let scaleFactor: Double
    /// Applies a ReLU before the rescale (MMPose's `apply_relu`).
    public let applyReLU: Bool
    /// `align_corners` of every bilinear resize (MMPose's `align_corners`).
    public let alignCorners: Bool
    private var inputShapes: [[Int]] = []
    private var selected: [Int] = []
    private var concatShape: [Int] = []
    private var resized: [Tensor?] = []
    private var outputs: [Tensor] = []
    private var preScale: [Tensor] = []

    /// A neck with MMPose's defaults unless given: every map, no concatenation, no ReLU, no
    /// rescale, `align_corners=False`. The parameters are the properties of the same names.
    public init(selectIndex: [Int]? = nil, concat: Bool = false, scaleFactor: Double = 1, applyReLU: Bool = false,
                alignCorners: Bool = false) {
        self.selectIndex = selectIndex; self.concat = concat; self.scaleFactor = scaleFactor
        self.applyReLU = applyReLU; self.alignCorners = alignCorners
    }

    /// The selected maps `N × C_i × H_i × W_i`, or with `concat` one `N × ΣC_i × H_0 × W_0` map;
    /// each `N × C × Int(H·s) × Int(W·s)` after the rescale. Keeps the input shapes and the
    /// maps before the rescale for `backward` (in either mode); returns new tensors.
    public func forward(_ feats: [Tensor], mode: ForwardMode) -> [Tensor] {
        inputShapes = feats.map(\.shape)
        selected = selectIndex.map { $0.map { $0 < 0 ? feats.count + $0 : $0 } } ?? Array(feats.indices)
        var xs = selected.map { feats[$0] }
        if concat {
            let (h, w) = (xs[0].shape[2], xs[0].shape[3])
            let n = xs[0].shape[0]
            let channels = xs.reduce(0) { $0 + $1.shape[1] }
            let out = Tensor(zeros: [n, channels, h, w])
            var c0 = 0
            for x in xs {
                let c = x.shape[1]
                let r = Tensor(zeros: [n, c, h, w])
                BilinearResize.forward(x.data, r.data, planes: n * c, inH: x.shape[2], inW: x.shape[3], outH: h, outW: w,
                                       alignCorners: alignCorners)
                for b in 0..<n { (out.data + (b * channels + c0) * h * w).update(from: r.data + b * c * h * w, count: c * h * w) }
                c0 += c
            }
            concatShape = out.shape
            xs = [out]
        }
        if applyReLU { xs = xs.map { x in let y = x.clone(); ElementwiseKernels.relu(y.data, y.data, count: y.count); return y } }
        preScale = xs
        if scaleFactor != 1 {
            xs = xs.map { x in
                let (oh, ow) = (Int(Double(x.shape[2]) * scaleFactor), Int(Double(x.shape[3]) * scaleFactor))
                let y = Tensor(zeros: [x.shape[0], x.shape[1], oh, ow])
                BilinearResize.forward(x.data, y.data, planes: x.shape[0] * x.shape[1], inH: x.shape[2], inW: x.shape[3],
                                       outH: oh, outW: ow, scale: scaleFactor, alignCorners: alignCorners)
                return y
            }
        }
        outputs = xs
        return xs
    }

    /// One gradient per backbone output: the outputs' gradients back through the rescale, the
    /// ReLU, the split of the concatenation and its resizes, summed for an output selected more
    /// than once; nil for outputs not selected and for outputs whose maps got no gradient.
    /// No parameters.
    public func backward(_ dys: [Tensor?]) -> [Tensor?] {
        var gs: [Tensor?] = dys
        if scaleFactor != 1 {
            gs = zip(gs, preScale).map { g, x in
                guard let g else { return nil }
                let d = Tensor(zeros: x.shape)
                BilinearResize.backward(g.data, d.data, planes: x.shape[0] * x.shape[1], inH: x.shape[2], inW: x.shape[3],
                                        outH: g.shape[2], outW: g.shape[3], scale: scaleFactor, alignCorners: alignCorners)
                return d
            }
        }
        if applyReLU {
            gs = zip(gs, preScale).map { g, y in
                guard let g else { return nil }
                let d = Tensor(zeros: g.shape)
                ElementwiseKernels.reluBackward(y: y.data, dy: g.data, dx: d.data, count: d.count)
                return d
            }
        }
        var result = [Tensor?](repeating: nil, count: inputShapes.count)
        func add(_ t: Tensor, at i: Int) {
            if let e = result[i] { ElementwiseKernels.accumulate(t.data, into: e.data, count: e.count) } else { result[i] = t }
        }
        if concat {
            guard let g = gs[0] else { return result }
            let (n, channels, h, w) = (concatShape[0], concatShape[1], concatShape[2], concatShape[3])
            var c0 = 0
            for i in selected {
                let shape = inputShapes[i], c = shape[1]
                let part = Tensor(zeros: [n, c, h, w])
                for b in 0..<n { (part.data + b * c * h * w).update(from: g.data + (b * channels + c0) * h * w, count: c * h * w) }
                let d = Tensor(zeros: shape)
                BilinearResize.backward(part.data, d.data, planes: n * c, inH: shape[2], inW: shape[3], outH: h, outW: w,
                                        alignCorners: alignCorners)
                add(d, at: i)
                c0 += c
            }
        } else {
            for (j, i) in selected.enumerated() { if let g = gs[j] { add(g.clone(), at: i) } }
        }
        return result
    }
}
