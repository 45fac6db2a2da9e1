/// How `Canvas.drawPose` draws (MMPose's visualizer options: `--kpt-thr`, `--radius`, `--thickness`).
public struct PoseDrawingStyle: Sendable {
    /// Keypoints scoring at most this are not drawn, nor links touching them.
    public var keypointThreshold = 0.3
    /// Keypoint radius in pixels; nil: 1/150 of the image's longer side, at least 2.
    public var radius: Double?
    /// Link width in pixels; nil: the radius.
    public var thickness: Double?

    /// A style drawing keypoints scoring above `keypointThreshold` (default 0.3), with radius and
    /// link width in pixels, or (nil) scaled to the image.
    public init(keypointThreshold: Double = 0.3, radius: Double? = nil, thickness: Double? = nil) {
        self.keypointThreshold = keypointThreshold
        self.radius = radius
        self.thickness = thickness
    }
}

extension Canvas {
    /// Draws one person: the dataset's skeleton links and keypoints in its metainfo colours.
    /// - Parameters:
    ///   - keypoints: `K × 2` pixel coordinates, flattened.
    ///   - scores: `K` scores (visibilities for ground truth).
    public mutating func drawPose(keypoints: [Double], scores: [Double], metainfo: DatasetMetainfo, style: PoseDrawingStyle = .init()) {
        let radius = style.radius ?? max(2, Double(max(image.width, image.height)) / 150)
        let thickness = style.thickness ?? radius
        func color(_ c: [UInt8]) -> (Double, Double, Double) { c.count == 3 ? (Double(c[0]), Double(c[1]), Double(c[2])) : (255, 255, 255) }
        let shown = scores.map { $0 > style.keypointThreshold }
        for (i, (a, b)) in metainfo.skeletonLinks.enumerated() where a < shown.count && b < shown.count && shown[a] && shown[b] {
            capsule(keypoints[2 * a], keypoints[2 * a + 1], keypoints[2 * b], keypoints[2 * b + 1], thickness / 2,
                    color(i < metainfo.linkColors.count ? metainfo.linkColors[i] : []))
        }
        for j in 0..<min(metainfo.keypointCount, shown.count) where shown[j] {
            fillCircle(keypoints[2 * j], keypoints[2 * j + 1], radius,
                       color(j < metainfo.keypointColors.count ? metainfo.keypointColors[j] : []))
        }
    }

    /// Draws the outline of the box (`x1, y1, x2, y2`) `width` pixels wide.
    public mutating func strokeRect(_ box: (Double, Double, Double, Double), width: Double, _ c: (Double, Double, Double)) {
        let (x1, y1, x2, y2) = box
        fillRect(x1, y1, x2, y1 + width, c)
        fillRect(x1, y2 - width, x2, y2, c)
        fillRect(x1, y1, x1 + width, y2, c)
        fillRect(x2 - width, y1, x2, y2, c)
    }
}
