import Foundation
import Testing
@testable import PoseData
import PoseTensor

@Suite struct CodecTests {
    /// Sub-pixel keypoints well inside the map, in input pixels.
    func interiorKeypoints(_ k: Int, seed: UInt64, input: (Int, Int)) -> [Double] {
        var rng = RandomGenerator(seed: seed)
        return (0..<(2 * k)).map { i in
            i % 2 == 0 ? rng.uniform(0.25, 0.75) * Double(input.0) : rng.uniform(0.25, 0.75) * Double(input.1)
        }
    }

    @Test func darkRecoversSubPixelKeypoints() {
        let codec = MSRAHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2, unbiased: true)
        let k = 17
        let points = interiorKeypoints(k, seed: 1, input: codec.inputSize)
        var maps = [Float](repeating: 0, count: k * 48 * 64)
        let w = maps.withUnsafeMutableBufferPointer { codec.encode(keypoints: points, visible: [Double](repeating: 1, count: k), heatmaps: $0.baseAddress!) }
        #expect(w.allSatisfy { $0 == 1 })
        let (decoded, _) = maps.withUnsafeBufferPointer { codec.decode($0.baseAddress!, keypoints: k) }
        for j in 0..<(2 * k) {
            // within 0.05 heatmap pixels (4 input pixels per heatmap pixel)
            #expect(abs(decoded[j] - points[j]) / 4 < 0.05, "coordinate \(j): \(decoded[j]) vs \(points[j])")
        }
        // the plain MSRA decoder is only quarter-pixel accurate on the same maps
        let plain = MSRAHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2)
        let (rough, _) = maps.withUnsafeBufferPointer { plain.decode($0.baseAddress!, keypoints: k) }
        #expect(zip(rough, points).map { abs($0 - $1) }.max()! > zip(decoded, points).map { abs($0 - $1) }.max()!)
    }

    @Test func udpRecoversSubPixelKeypoints() {
        let codec = UDPHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2)
        let k = 17
        let points = interiorKeypoints(k, seed: 2, input: codec.inputSize)
        var maps = [Float](repeating: 0, count: k * 48 * 64)
        _ = maps.withUnsafeMutableBufferPointer { codec.encode(keypoints: points, visible: [Double](repeating: 1, count: k), heatmaps: $0.baseAddress!) }
        let (decoded, scores) = maps.withUnsafeBufferPointer { codec.decode($0.baseAddress!, keypoints: k) }
        // decode maps kp_hm/(W−1)·input; the generic back-projection divides by input again, so
        // compare in heatmap pixels through the encoder's (input−1)/(heatmap−1) scale
        for j in 0..<k {
            let hx = decoded[2 * j] / 192 * 47, hy = decoded[2 * j + 1] / 256 * 63
            let ex = points[2 * j] / (191.0 / 47.0), ey = points[2 * j + 1] / (255.0 / 63.0)
            #expect(abs(hx - ex) < 0.05 && abs(hy - ey) < 0.05, "keypoint \(j): (\(hx), \(hy)) vs (\(ex), \(ey))")
            #expect(scores[j] > 0.9)
        }
    }

    @Test func weightRules() {
        let codec = UDPHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), sigma: 2)
        var maps = [Float](repeating: 0, count: 3 * 48 * 64)
        let w = maps.withUnsafeMutableBufferPointer {
            codec.encode(keypoints: [50, 50, -100, 20, -8, 100], visible: [0, 1, 1], heatmaps: $0.baseAddress!)
        }
        #expect(w == [0, 0, 1])
        let reg = RegressionLabel(inputSize: (192, 256))
        let encoded = reg.encode(keypoints: [96, 128, 191, 255, 192, 10, -1, 10], visible: [1, 1, 1, 0.4])
        let (labels, rw) = (encoded.labels, encoded.weights)
        #expect(rw == [1, 1, 0, 0])
        #expect(labels[0] == 0.5 && labels[1] == 0.5)
        let integral = IntegralRegressionLabel(inputSize: (64, 64), heatmapSize: (16, 16), sigma: 2)
        let iEncoded = integral.encode(keypoints: [32, 32, 70, 10], visible: [1, 1])
        let (imaps, iw) = (iEncoded.heatmaps, iEncoded.weights)
        #expect(abs(imaps[0..<256].reduce(0, +) - 1) < 1e-5)
        #expect(iw == [1, 0])
    }

    @Test func udpWarpMapsTheCentreToTheCropCentre() {
        for rotation in [0.0, 25.0] {
            let m = AffineTransform.topdownUDP(center: (100, 80), scale: (60, 80), rotation: rotation, outputSize: (48, 64))
            let (x, y) = m.apply(100, 80)
            // MMPose's matrix is float32: exact to float32's precision at these magnitudes
            #expect(abs(x - 23.5) < 2e-5 && abs(y - 31.5) < 2e-5)
        }
        let m = AffineTransform.topdownUDP(center: (100, 80), scale: (60, 80), rotation: 0, outputSize: (48, 64))
        let (x, _) = m.apply(130, 80)
        #expect(abs(x - (23.5 + 30 * 47.0 / 60)) < 2e-5)
    }
}

@Suite struct SimCCTests {
    @Test func gaussianRoundTripAndHalfToEvenCentres() {
        let codec = SimCCLabel(inputSize: (192, 256), sigma: (6, 6), splitRatio: 2)
        #expect(codec.bins == (384, 512))
        let points: [Double] = [10.25, 20.75, 100, 200, 1.25, 3.75]
        let (x, y, w) = codec.encode(keypoints: points, visible: [1, 1, 1])
        #expect(w == [1, 1, 1])
        // 10.25·2 = 20.5 → 20 (half to even), 20.75·2 = 41.5 → 42
        var bx = 0
        for i in 0..<384 where x[i] > x[bx] { bx = i }
        #expect(bx == 20)
        let (decoded, scores) = codec.decode(x: x, y: y, keypoints: 3)
        for j in 0..<6 { #expect(abs(decoded[j] - points[j]) <= 0.5 / 1 + 1e-9) }
        // normalised: the peak is 1/(σ√2π)
        #expect(abs(scores[1] - 1 / (6 * (2 * Double.pi).squareRoot())) < 1e-6)
    }

    @Test func standardLabelsAndWeights() {
        let codec = SimCCLabel(inputSize: (4, 4), smoothingType: "standard", splitRatio: 1, labelSmoothWeight: 0.3)
        let (x, _, w) = codec.encode(keypoints: [2, 1, 9, 1], visible: [1, 1])
        #expect(w == [1, 0])
        #expect(abs(x[2] - 0.7) < 1e-6 && abs(x[0] - 0.1) < 1e-6)
    }
}

@Suite struct UDPCombinedTests {
    @Test func combinedRoundTrip() {
        let codec = UDPHeatmap(inputSize: (192, 256), heatmapSize: (48, 64), heatmapType: "combined")
        let k = 5
        var rng = RandomGenerator(seed: 3)
        let points = (0..<(2 * k)).map { i in i % 2 == 0 ? rng.uniform(40, 150) : rng.uniform(40, 210) }
        var maps = [Float](repeating: 0, count: 3 * k * 48 * 64)
        let w = maps.withUnsafeMutableBufferPointer { codec.encode(keypoints: points, visible: [1, 1, 1, 1, 0], heatmaps: $0.baseAddress!) }
        #expect(w == [1, 1, 1, 1, 0])
        // the disc radius is 0.0546875·64 = 3.5 heatmap pixels
        let disc = maps[0..<(48 * 64)].reduce(0, +)
        #expect(disc > 30 && disc < 45)
        let (decoded, _) = maps.withUnsafeBufferPointer { codec.decode($0.baseAddress!, keypoints: k) }
        for j in 0..<4 {
            let hx = decoded[2 * j] / 192 * 47, hy = decoded[2 * j + 1] / 256 * 63
            let ex = points[2 * j] / (191.0 / 47.0), ey = points[2 * j + 1] / (255.0 / 63.0)
            #expect(abs(hx - ex) < 1e-3 && abs(hy - ey) < 1e-3, "keypoint \(j)")
        }
    }

    @Test func msraQuarterOffsetByHand() {
        let codec = MSRAHeatmap(inputSize: (32, 32), heatmapSize: (8, 8), sigma: 2)
        var maps = [Float](repeating: 0, count: 64)
        maps[3 * 8 + 4] = 1      // peak at (4, 3)
        maps[3 * 8 + 5] = 0.5    // right neighbour higher than the left → +0.25 in x
        maps[2 * 8 + 4] = 0.25   // upper neighbour higher than the lower → −0.25 in y
        let (p, s) = maps.withUnsafeBufferPointer { codec.decode($0.baseAddress!, keypoints: 1) }
        #expect(p == [4.25 * 4, 2.75 * 4] && s == [1])
    }
}
