import Foundation
import PoseTensor

/// MMPose's `BottomupResize` (non-UDP, one scale): the whole image warped into the network input,
/// aspect ratio kept, the sides rounded up to multiples of `sizeFactor` and the rest padded with
/// `padValue` (`pad_val`, 0 by default) around the centred image. Sets the sample's `inputSize` (per image in `.expand` mode),
/// `center` and `scale` (MMPose's `input_center`/`input_scale`), which map predictions back.
public struct BottomupResize: Transform {
    /// How the image is fitted to `size`.
    public enum ResizeMode: String, Sendable, CaseIterable {
        /// The longer side fits: the image lies within `size` (which must be a multiple of `sizeFactor`).
        case fit
        /// The shorter side fits: the input grows past `size` on the longer side.
        case expand
    }

    /// MMPose's `input_size` (width, height).
    public var size: (Int, Int)
    /// `size_factor`: the input's sides are multiples of it.
    public var sizeFactor: Int
    /// `resize_mode`.
    public var resizeMode: ResizeMode
    /// `pad_val`: the grey level of the padding (one value for all three channels).
    public var padValue: UInt8 = 0

    /// A resize to `inputSize` with MMPose's defaults (`size_factor=32`, `resize_mode='fit'`).
    /// - Parameters:
    ///   - inputSize: `input_size` (width, height).
    ///   - sizeFactor: `size_factor`.
    ///   - resizeMode: `resize_mode`.
    public init(inputSize: (Int, Int), sizeFactor: Int = 32, resizeMode: ResizeMode = .fit) {
        size = inputSize; self.sizeFactor = sizeFactor; self.resizeMode = resizeMode
    }

    /// The configured `input_size`: the batch's memory is estimated at it; in `.expand` mode an
    /// image's input can be larger (`inputSizes(forImage:)`).
    public var inputSize: (Int, Int)? { size }

    /// MMPose's `_get_input_size`: the size the image is resized to (unrounded) and the padded
    /// input size for an image of `width × height`.
    /// - Throws: `DatasetError` in `.fit` mode when `size` is not a multiple of `sizeFactor`.
    public func inputSizes(forImage width: Int, _ height: Int) throws -> (resized: (Double, Double), padded: (Int, Int)) {
        func ceilToMultiple(_ s: Double) -> Int { Int((s / Double(sizeFactor)).rounded(.up)) * sizeFactor }
        let ratio = Double(width) / Double(height)
        switch resizeMode {
        case .fit:
            let padded = (ceilToMultiple(Double(size.0)), ceilToMultiple(Double(size.1)))
            guard padded == size else {
                throw DatasetError("BottomupResize: with resize_mode='fit' input_size \(size) must be a multiple of size_factor \(sizeFactor)")
            }
            return ((min(Double(padded.0), Double(padded.1) * ratio), min(Double(padded.1), Double(padded.0) / ratio)), padded)
        case .expand:
            let (pw, ph) = (Double(ceilToMultiple(Double(size.0))), Double(ceilToMultiple(Double(size.1))))
            let resized = (max(pw, ph * ratio), max(ph, pw / ratio))
            return (resized, (ceilToMultiple(resized.0), ceilToMultiple(resized.1)))
        }
    }

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        guard let image = s.image else { throw DatasetError("BottomupResize needs LoadImage first in the pipeline") }
        let (resized, padded) = try inputSizes(forImage: image.width, image.height)
        // float32 centre and scale, as MMPose's arrays
        s.center = (Double(Float(Double(image.width) / 2)), Double(Float(Double(image.height) / 2)))
        s.scale = (Double(Float(Double(image.width) * Double(padded.0) / resized.0)),
                   Double(Float(Double(image.height) * Double(padded.1) / resized.1)))
        s.rotation = 0
        let m = AffineTransform.topdown(center: s.center, scale: s.scale, rotation: 0, outputSize: padded)
        s.input = [Float](repeating: 0, count: 3 * padded.0 * padded.1)
        s.input.withUnsafeMutableBufferPointer { m.warp(image, width: padded.0, height: padded.1, into: $0.baseAddress!, borderValue: padValue) }
        s.inputSize = padded
        s.image = nil
    }
}
