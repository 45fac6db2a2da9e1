/// The shape arithmetic of one 2-D convolution over a single image.
///
/// `channels × height × width` is the convolution's input; `outHeight × outWidth` its output.
/// A transposed convolution uses the geometry of the convolution it inverts: its output is this
/// geometry's input.
public struct ConvGeometry: Equatable, Sendable {
    /// The input's channels, and its height and width in pixels (`C × H × W` of one image).
    public var channels, height, width: Int
    /// The kernel's height and width in taps (before dilation).
    public var kernelH, kernelW: Int
    /// The vertical and horizontal stride in input pixels.
    public var strideH, strideW: Int
    /// The zero padding added at the top and bottom (`padH`) and at the left and right (`padW`), in pixels.
    public var padH, padW: Int
    /// The vertical and horizontal spacing between kernel taps; 1 is a dense kernel.
    public var dilationH, dilationW: Int
    /// The output's height and width: PyTorch's `(in + 2·pad − dilation·(kernel − 1) − 1) / stride + 1`,
    /// or the explicit size given.
    public var outHeight, outWidth: Int

    /// Geometry with the output size PyTorch's `Conv2d` computes.
    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
        self.channels = channels; self.height = height; self.width = width
        (kernelH, kernelW) = kernel; (strideH, strideW) = stride
        (padH, padW) = padding; (dilationH, dilationW) = dilation
        outHeight = (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1
        outWidth = (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1
    }

    /// Geometry with an explicit output size (used by transposed convolutions with output padding).
    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int),
                padding: (Int, Int), dilation: (Int, Int), outHeight: Int, outWidth: Int) {
        self.init(channels: channels, height: height, width: width, kernel: kernel, stride: stride,
                  padding: padding, dilation: dilation)
        self.outHeight = outHeight
        self.outWidth = outWidth
    }

    /// Rows of the column matrix: channels × kernelH × kernelW.
    @inlinable public var columnRows: Int { channels * kernelH * kernelW }
    /// Columns of the column matrix: outHeight × outWidth.
    @inlinable public var columnCount: Int { outHeight * outWidth }
    /// Whether the convolution is a plain matrix product (1×1, stride 1, no padding).
    @inlinable public var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }
}
