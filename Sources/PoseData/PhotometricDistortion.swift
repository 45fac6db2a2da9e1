import Foundation
import PoseTensor

/// MMPose's `PhotometricDistortion(brightness_delta=32, contrast_range=(0.5, 1.5),
/// saturation_range=(0.5, 1.5), hue_delta=18)`: random brightness, contrast (before or after the
/// HSV step, chosen by `contrast_mode`, applied twice or never as MMPose's code does), saturation,
/// hue (OpenCV's 0–180 hue scale, wrapped) and a random channel permutation, each in uint8 with
/// clipping.
public struct PhotometricDistortion: Transform, Equatable {
    /// MMPose's `brightness_delta`: the brightness shift is drawn from ±this, in 0–255 grey levels
    /// (default 32).
    public var brightnessDelta: Double = 32
    /// MMPose's `contrast_range`: (lower, upper) of the contrast factor (default 0.5–1.5).
    public var contrastRange: (Double, Double) = (0.5, 1.5)
    /// MMPose's `saturation_range`: (lower, upper) of the saturation factor (default 0.5–1.5).
    public var saturationRange: (Double, Double) = (0.5, 1.5)
    /// MMPose's `hue_delta`: the hue shift is drawn from `-hueDelta..<hueDelta` in OpenCV's 0–180 hue
    /// units (default 18).
    public var hueDelta: Int = 18

    /// MMPose's defaults: `brightness_delta=32`, `contrast_range=(0.5, 1.5)`,
    /// `saturation_range=(0.5, 1.5)`, `hue_delta=18`.
    public init() {}

    /// Whether two steps have the same settings.
    public static func == (a: PhotometricDistortion, b: PhotometricDistortion) -> Bool {
        a.brightnessDelta == b.brightnessDelta && a.contrastRange == b.contrastRange && a.saturationRange == b.saturationRange
            && a.hueDelta == b.hueDelta
    }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        guard var image = s.image else { throw DatasetError("PhotometricDistortion needs LoadImage before it and TopdownAffine after it") }
        apply(&image, rng: &rng)
        s.image = image
    }

    /// Distorts `image` in place, drawing every choice from `rng` as the pipeline step does.
    public func apply(_ image: inout RGBImage, rng: inout RandomGenerator) {
        func randint(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let contrastMode = randint(2), brightnessFlag = randint(2), contrastFlag = randint(2)
        let hsvMode = randint(4), swapFlag = randint(2)
        let beta = rng.uniform(-brightnessDelta, brightnessDelta)
        let alpha = rng.uniform(contrastRange.0, contrastRange.1)
        let saturation = rng.uniform(saturationRange.0, saturationRange.1)
        let hue = randint(2 * hueDelta) - hueDelta
        var order = [0, 1, 2]
        for i in stride(from: 2, to: 0, by: -1) { order.swapAt(i, randint(i + 1)) }

        func convert(_ v: UInt8, alpha: Double = 1, beta: Double = 0) -> UInt8 {
            UInt8(min(max(Double(v) * alpha + beta, 0), 255))
        }
        let n = image.width * image.height
        image.pixels.withUnsafeMutableBufferPointer { px in
            if brightnessFlag == 1 { for i in 0..<(3 * n) { px[i] = convert(px[i], beta: beta) } }
            if contrastMode == 1 && contrastFlag == 1 { for i in 0..<(3 * n) { px[i] = convert(px[i], alpha: alpha) } }
            if hsvMode > 0 {
                for p in 0..<n {
                    var (h, s, v) = PhotometricDistortion.rgbToHSV(px[3 * p], px[3 * p + 1], px[3 * p + 2])
                    if hsvMode == 1 || hsvMode == 3 { s = convert(s, alpha: saturation) }
                    if hsvMode == 2 || hsvMode == 3 { h = UInt8(((Int(h) + hue) % 180 + 180) % 180) }
                    (px[3 * p], px[3 * p + 1], px[3 * p + 2]) = PhotometricDistortion.hsvToRGB(h, s, v)
                }
            }
            if contrastMode == 1 && contrastFlag == 1 { for i in 0..<(3 * n) { px[i] = convert(px[i], alpha: alpha) } }
            if swapFlag == 1 {
                for p in 0..<n {
                    let c = (px[3 * p], px[3 * p + 1], px[3 * p + 2])
                    let a = [c.0, c.1, c.2]
                    px[3 * p] = a[order[0]]; px[3 * p + 1] = a[order[1]]; px[3 * p + 2] = a[order[2]]
                }
            }
        }
    }

    /// OpenCV's 8-bit RGB→HSV: H in [0, 180), S and V in [0, 255].
    static func rgbToHSV(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
        let rf = Double(r), gf = Double(g), bf = Double(b)
        let v = max(rf, gf, bf), mn = min(rf, gf, bf), d = v - mn
        let s = v == 0 ? 0 : d * 255 / v
        var h = 0.0
        if d > 0 {
            if v == rf { h = 60 * (gf - bf) / d } else if v == gf { h = 120 + 60 * (bf - rf) / d } else { h = 240 + 60 * (rf - gf) / d }
            if h < 0 { h += 360 }
        }
        return (UInt8(min((h / 2).rounded(), 179)), UInt8(s.rounded()), UInt8(v))
    }

    /// OpenCV's 8-bit HSV→RGB.
    static func hsvToRGB(_ h: UInt8, _ s: UInt8, _ v: UInt8) -> (UInt8, UInt8, UInt8) {
        let hh = Double(h) * 2, sf = Double(s) / 255, vf = Double(v)
        let c = vf * sf, x = c * (1 - abs((hh / 60).truncatingRemainder(dividingBy: 2) - 1)), m = vf - c
        let (r1, g1, b1): (Double, Double, Double)
        switch Int(hh / 60) % 6 {
        case 0: (r1, g1, b1) = (c, x, 0)
        case 1: (r1, g1, b1) = (x, c, 0)
        case 2: (r1, g1, b1) = (0, c, x)
        case 3: (r1, g1, b1) = (0, x, c)
        case 4: (r1, g1, b1) = (x, 0, c)
        default: (r1, g1, b1) = (c, 0, x)
        }
        func q(_ a: Double) -> UInt8 { UInt8(min(max((a + m).rounded(), 0), 255)) }
        return (q(r1), q(g1), q(b1))
    }
}
