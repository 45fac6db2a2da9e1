import Foundation
import PoseData
import Testing

/// The crop against OpenCV 4.x and MMPose themselves (`Tests/Fixtures/mmpose_parity/warp`, made by
/// tools/make_mmpose_parity_fixtures.py): `cv2.warpAffine`'s 8-bit output to the bit, MMPose's
/// warp matrices, and the fixed-point warp within half a grey level of exact bilinear sampling.
@Suite struct OpenCVWarpTests {
    struct Fixture: Decodable {
        struct Warp: Decodable { var matrix: [Double]; var width: Int; var height: Int; var rgb: String }
        struct Matrix: Decodable { var center: [Double]; var scale: [Double]; var rotation: Double; var matrix: [Double]; var udp_matrix: [Double] }
        var image: String
        var image_width: Int
        var image_height: Int
        var warps: [Warp]
        var matrices: [Matrix]
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("mmpose_parity/warp/expected.json")))
    }

    static func image(_ f: Fixture) throws -> RGBImage {
        RGBImage(width: f.image_width, height: f.image_height, pixels: [UInt8](try #require(Data(base64Encoded: f.image))))
    }

    static func warp(_ m: [Double], _ image: RGBImage, width: Int, height: Int) -> [Float] {
        let t = AffineTransform(a: m[0], b: m[1], c: m[2], d: m[3], e: m[4], f: m[5])
        var planes = [Float](repeating: -1, count: 3 * width * height)
        planes.withUnsafeMutableBufferPointer { t.warp(image, width: width, height: height, into: $0.baseAddress!) }
        return planes
    }

    @Test func warpEqualsOpenCVToTheBit() throws {
        let f = try Self.fixture(), image = try Self.image(f)
        for (i, w) in f.warps.enumerated() {
            let expected = [UInt8](try #require(Data(base64Encoded: w.rgb)))  // H × W × RGB
            let planes = Self.warp(w.matrix, image, width: w.width, height: w.height)
            let plane = w.width * w.height
            var mismatches = 0
            for p in 0..<plane { for c in 0..<3 where planes[c * plane + p] != Float(expected[3 * p + c]) { mismatches += 1 } }
            #expect(mismatches == 0, "warp \(i): \(mismatches) of \(3 * plane) values differ from cv2.warpAffine")
        }
    }

    /// The naive reference: exact bilinear sampling (black outside) of the same map, in double.
    @Test func warpIsBilinearSamplingRoundedTo8Bits() throws {
        let f = try Self.fixture(), image = try Self.image(f)
        for w in f.warps {
            let m = w.matrix
            let inverse = AffineTransform(a: m[0], b: m[1], c: m[2], d: m[3], e: m[4], f: m[5]).inverted
            let planes = Self.warp(m, image, width: w.width, height: w.height)
            let plane = w.width * w.height
            for y in 0..<w.height { for x in 0..<w.width {
                let (sx, sy) = inverse.apply(Double(x), Double(y))
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let ax = sx - Double(x0), ay = sy - Double(y0)
                for c in 0..<3 {
                    func at(_ xx: Int, _ yy: Int) -> Double {
                        xx >= 0 && xx < image.width && yy >= 0 && yy < image.height ? Double(image.pixels[(yy * image.width + xx) * 3 + c]) : 0
                    }
                    let exact = (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) + ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1))
                    // 1/32-pixel positions move a value by at most |gradient|/64 (255/64 here), plus rounding
                    #expect(abs(Double(planes[c * plane + y * w.width + x]) - exact) <= 255.0 / 64 + 0.5)
                }
            } }
        }
    }

    @Test func warpMatricesAreMMPoses() throws {
        for m in try Self.fixture().matrices {
            let center = (m.center[0], m.center[1]), scale = (m.scale[0], m.scale[1])
            let t = AffineTransform.topdown(center: center, scale: scale, rotation: m.rotation, outputSize: (192, 256))
            let u = AffineTransform.topdownUDP(center: center, scale: scale, rotation: m.rotation, outputSize: (192, 256))
            for (ours, theirs) in zip([t.a, t.b, t.c, t.d, t.e, t.f], m.matrix) {
                // OpenCV solves with LAPACK-backed LU; ours is its own LU: a few ulps apart
                #expect(abs(ours - theirs) <= 1e-12 * max(1, abs(theirs)), "get_warp_matrix: \(ours) vs \(theirs)")
            }
            #expect([u.a, u.b, u.c, u.d, u.e, u.f] == m.udp_matrix, "get_udp_warp_matrix is float32, to the bit")
        }
    }
}
