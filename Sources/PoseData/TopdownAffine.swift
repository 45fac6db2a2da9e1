import PoseTensor

/// MMPose's `TopdownAffine(input_size, use_udp=False)`: fixes the box's aspect ratio to the
/// input's, warps the crop into `input` as `cv2.warpAffine` does (8-bit bilinear) and maps the
/// keypoints into it.
public struct TopdownAffine: Transform {
    /// (width, height) of the network input.
    public var size: (Int, Int)
    /// MMPose's `use_udp`: warp with `get_udp_warp_matrix` (for UDP codecs) instead of `get_warp_matrix`.
    public var useUDP: Bool

    /// MMPose's `TopdownAffine(input_size, use_udp=False)`; `inputSize` is (width, height) in pixels.
    public init(inputSize: (Int, Int), useUDP: Bool = false) {
        size = inputSize
        self.useUDP = useUDP
    }

    public var inputSize: (Int, Int)? { size }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let (w, h) = size
        // _fix_aspect_ratio on MMPose's float32 scale
        let aspect = Float(Double(w) / Double(h))
        let (sw, sh) = (Float(s.scale.0), Float(s.scale.1))
        s.scale = sw > sh * aspect ? (Double(sw), Double(sw / aspect)) : (Double(sh * aspect), Double(sh))
        let m = useUDP ? AffineTransform.topdownUDP(center: s.center, scale: s.scale, rotation: s.rotation, outputSize: size)
                       : AffineTransform.topdown(center: s.center, scale: s.scale, rotation: s.rotation, outputSize: size)
        guard let image = s.image else { throw DatasetError("TopdownAffine needs LoadImage first in the pipeline") }
        s.input = [Float](repeating: 0, count: 3 * w * h)
        s.input.withUnsafeMutableBufferPointer { m.warp(image, width: w, height: h, into: $0.baseAddress!) }
        var t = [Double](repeating: 0, count: s.keypoints.count)
        for j in 0..<(s.keypoints.count / 2) {
            (t[2 * j], t[2 * j + 1]) = m.apply(s.keypoints[2 * j], s.keypoints[2 * j + 1])
        }
        s.transformedKeypoints = t
        s.inputSize = size
        s.image = nil  // the full image is not needed past the crop
    }
}
