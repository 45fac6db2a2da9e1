extension Convolution {
    /// PyTorch's grouped convolution (`groups`): input and output channels split into `groups`
    /// consecutive slices, and output slice k is the convolution of input slice k with weight
    /// rows `k·O/G ..< (k+1)·O/G`. `x` is `N × C × H × W` with `geometry.channels` = C/G, weight
    /// `O × C/G × kH × kW`, `y` `N × O × H' × W'`. One group is `forward`.
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, batch: Int, geometry g: ConvGeometry,
                               outChannels: Int, groups: Int) {
        guard groups > 1 else {
            return forward(x: x, weight: weight, bias: bias, y: y, batch: batch, geometry: g, outChannels: outChannels)
        }
        let slices = GroupSlices(geometry: g, outChannels: outChannels, groups: groups)
        // a slice of one image is contiguous in NCHW, so each is a batch-1 convolution in place
        for n in 0..<batch {
            for k in 0..<groups {
                let s = n * groups + k
                forward(x: x + s * slices.input, weight: weight + k * slices.weight, bias: bias.map { $0 + k * slices.outChannels },
                        y: y + s * slices.output, batch: 1, geometry: g, outChannels: slices.outChannels)
            }
        }
    }

    /// The gradients of the grouped `forward`: dx (overwritten) and dWeight, dBias (accumulated).
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?, batch: Int, geometry g: ConvGeometry,
                                outChannels: Int, groups: Int) {
        guard groups > 1 else {
            return backward(x: x, weight: weight, dy: dy, dx: dx, dWeight: dWeight, dBias: dBias, batch: batch, geometry: g,
                            outChannels: outChannels)
        }
        let slices = GroupSlices(geometry: g, outChannels: outChannels, groups: groups)
        for n in 0..<batch {
            for k in 0..<groups {
                let s = n * groups + k
                backward(x: x + s * slices.input, weight: weight + k * slices.weight, dy: dy + s * slices.output,
                         dx: dx.map { $0 + s * slices.input }, dWeight: dWeight + k * slices.weight,
                         dBias: dBias.map { $0 + k * slices.outChannels }, batch: 1, geometry: g, outChannels: slices.outChannels)
            }
        }
    }

    /// Element counts of one group's input and output slice of one image and of its weights.
    private struct GroupSlices {
        let input, output, weight, outChannels: Int

        init(geometry g: ConvGeometry, outChannels: Int, groups: Int) {
            precondition(outChannels % groups == 0, "\(outChannels) output channels in \(groups) groups")
            self.outChannels = outChannels / groups
            input = g.channels * g.height * g.width
            output = self.outChannels * g.columnCount
            weight = self.outChannels * g.columnRows
        }
    }
}
