/// MMPose's `HeatmapHead` arguments, with its defaults.
public struct HeatmapHeadSettings: Sendable, Equatable {
    /// Channels of the feature map the head gets (`in_channels`).
    public var inChannels: Int
    /// Heatmaps the head predicts (`out_channels`): one per keypoint, or three per keypoint for
    /// UDP 'combined' targets.
    public var outChannels: Int
    /// Output channels of each stride-2 deconvolution; empty gives no deconvolutions (HRNet).
    public var deconvOutChannels = [256, 256, 256]
    /// Kernel of each deconvolution (`deconv_kernel_sizes`; 2, 3 or 4, default [4, 4, 4]),
    /// padded as MMPose does so that each doubles the map's size.
    public var deconvKernelSizes = [4, 4, 4]
    /// Output channels of each convolution after the deconvolutions (`conv_out_channels`;
    /// default none), each with BatchNorm and ReLU.
    public var convOutChannels: [Int] = []
    /// Kernel of each of those convolutions (`conv_kernel_sizes`), padded to keep the size.
    public var convKernelSizes: [Int] = []
    /// Kernel size of the final convolution, or nil for no final layer.
    public var finalLayerKernelSize: Int? = 1

    /// MMPose's defaults for the rest: three 256-channel 4×4 deconvolutions, no convolutions and
    /// a 1×1 final layer.
    /// - Parameters:
    ///   - inChannels: `in_channels`.
    ///   - outChannels: `out_channels`.
    public init(inChannels: Int, outChannels: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    /// Checks the layer lists against each other.
    /// - Throws: `ModelError` when `deconv_out_channels` and `deconv_kernel_sizes` (or
    ///   `conv_out_channels` and `conv_kernel_sizes`) differ in length, or a deconvolution kernel
    ///   is not 2, 3 or 4.
    public func validate() throws {
        guard deconvOutChannels.count == deconvKernelSizes.count else {
            throw ModelError("HeatmapHead: deconv_out_channels \(deconvOutChannels) and deconv_kernel_sizes \(deconvKernelSizes) must have the same length")
        }
        for k in deconvKernelSizes where ![2, 3, 4].contains(k) {
            throw ModelError("HeatmapHead: unsupported deconv kernel size \(k); expected 2, 3 or 4")
        }
        guard convOutChannels.count == convKernelSizes.count else {
            throw ModelError("HeatmapHead: conv_out_channels \(convOutChannels) and conv_kernel_sizes \(convKernelSizes) must have the same length")
        }
    }
}
