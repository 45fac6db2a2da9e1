import PoseData
import Testing

/// `PoseDataPreprocessor`'s channel order: MMPose decodes BGR, so `bgr_to_rgb=False` (YOLOX-Pose's
/// and RTMO's) feeds the network B, G, R planes, normalised by mean and std in that order.
@Suite struct DataPreprocessorTests {
    @Test func rgbByDefault() {
        var pixels: [Float] = [10, 10, 20, 20, 30, 30]   // R, G, B planes of a 2-pixel image
        pixels.withUnsafeMutableBufferPointer { DataPreprocessor(mean: [1, 2, 3], std: [1, 2, 3]).normalize($0) }
        #expect(pixels == [9, 9, 9, 9, 9, 9])
    }

    @Test func bgrWhenNotConverted() {
        var pixels: [Float] = [10, 11, 20, 21, 30, 31]
        pixels.withUnsafeMutableBufferPointer { DataPreprocessor(mean: [0, 0, 1], std: [1, 1, 2], bgrToRGB: false).normalize($0) }
        // B plane first, then G, then R minus 1 over 2
        #expect(pixels == [30, 31, 20, 21, 4.5, 5])
    }
}
