/// MMPose's `HeatmapHead` arguments, with its defaults.
public struct HeatmapHeadSettings: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    /// Output channels of each stride-2 deconvolution; empty gives no deconvolutions (HRNet).
    public var deconvOutChannels = [256, 256, 256]
    public var deconvKernelSizes = [4, 4, 4]
    public var convOutChannels: [Int] = []
    public var convKernelSizes: [Int] = []
    /// Kernel size of the final convolution, or nil for no final layer.
    public var finalLayerKernelSize: Int? = 1

    public init(inChannels: Int, outChannels: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

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
