import ArgumentParser
import PoseCLI
import PoseDistributed
import PoseTensor

/// Forward and backward GFLOP/s of the convolution kernels on ResNet/SimpleBaseline shapes.
struct KernelsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Convolution and deconvolution GFLOP/s, forward and backward (dW + dX).")

    @Option(help: "Images per batch.") var batch = 32
    @Option(help: "Timed repetitions per case (median reported).") var repeats = 5
    @Option(help: "Untimed warm-up repetitions per case.") var warmup = 1

    struct Case {
        let name: String
        let inChannels, outChannels, height, width, kernel, stride, padding: Int
        let transposed: Bool
    }

    static let cases = [
        Case(name: "conv 7x7/2 3->64 @256x192", inChannels: 3, outChannels: 64, height: 256, width: 192, kernel: 7, stride: 2, padding: 3, transposed: false),
        Case(name: "conv 3x3 64->64 @64x48", inChannels: 64, outChannels: 64, height: 64, width: 48, kernel: 3, stride: 1, padding: 1, transposed: false),
        Case(name: "conv 3x3 256->256 @16x12", inChannels: 256, outChannels: 256, height: 16, width: 12, kernel: 3, stride: 1, padding: 1, transposed: false),
        Case(name: "conv 1x1 1024->256 @16x12", inChannels: 1024, outChannels: 256, height: 16, width: 12, kernel: 1, stride: 1, padding: 0, transposed: false),
        Case(name: "deconv 4x4/2 2048->256 @8x6", inChannels: 2048, outChannels: 256, height: 8, width: 6, kernel: 4, stride: 2, padding: 1, transposed: true),
    ]

    func validate() throws {
        guard (1...4_096).contains(batch) else { throw ValidationError("--batch \(batch): expected 1 to 4096 images") }
        guard (1...1_000_000).contains(repeats), (0...1_000_000).contains(warmup) else {
            throw ValidationError("--repeats \(repeats) --warmup \(warmup): expected at least one timed repetition and no negative warm-up")
        }
    }

    func run() throws {
        // the largest case's input and its im2col columns: 3×7×7 per output position
        try MemoryBudget.check([batch, 3 * 49, 128, 96], copies: 2, for: "--batch \(batch)")
        print("BLAS core \(BLAS.coreName), \(BLAS.threadCount) BLAS threads, batch \(batch), median of \(repeats)")
        print("case                                  fwd ms  fwd GFLOP/s   bwd ms  bwd GFLOP/s")
        for c in Self.cases {
            let r = measure(c)
            print(c.name.padding(toLength: 36, withPad: " ", startingAt: 0),
                  fmt(r.fwd * 1e3, 8, 1), fmt(r.flops / r.fwd / 1e9, 12, 1),
                  fmt(r.bwd * 1e3, 8, 1), fmt(2 * r.flops / r.bwd / 1e9, 12, 1))
        }
        print("FLOPs = 2 x multiply-adds; backward computes dW and dX (2x the forward FLOPs).")
    }

    func measure(_ c: Case) -> (fwd: Double, bwd: Double, flops: Double) {
        var rng = RandomGenerator(seed: 1)
        let g: ConvGeometry
        let xShape: [Int], yShape: [Int], wShape: [Int]
        if c.transposed {
            g = TransposedConvolution.geometry(inHeight: c.height, inWidth: c.width, outChannels: c.outChannels,
                                               kernel: (c.kernel, c.kernel), stride: (c.stride, c.stride),
                                               padding: (c.padding, c.padding), outputPadding: (0, 0))
            xShape = [batch, c.inChannels, c.height, c.width]
            yShape = [batch, c.outChannels, g.height, g.width]
            wShape = [c.inChannels, c.outChannels, c.kernel, c.kernel]
        } else {
            g = ConvGeometry(channels: c.inChannels, height: c.height, width: c.width, kernel: (c.kernel, c.kernel),
                             stride: (c.stride, c.stride), padding: (c.padding, c.padding))
            xShape = [batch, c.inChannels, c.height, c.width]
            yShape = [batch, c.outChannels, g.outHeight, g.outWidth]
            wShape = [c.outChannels, c.inChannels, c.kernel, c.kernel]
        }
        let x = Tensor(zeros: xShape), w = Tensor(zeros: wShape), y = Tensor(zeros: yShape)
        let dy = Tensor(zeros: yShape), dx = Tensor(zeros: xShape), dw = Tensor(zeros: wShape)
        rng.fillUniform(x, low: -1, high: 1); rng.fillUniform(w, low: -0.1, high: 0.1); rng.fillUniform(dy, low: -1, high: 1)
        // multiply-adds: every weight meets every position of the low-resolution side once
        let positions = c.transposed ? c.height * c.width : g.outHeight * g.outWidth
        let flops = 2.0 * Double(batch * positions * w.count)
        func forward() {
            if c.transposed {
                TransposedConvolution.forward(x: x.data, weight: w.data, bias: nil, y: y.data, batch: batch,
                                              geometry: g, inChannels: c.inChannels)
            } else {
                Convolution.forward(x: x.data, weight: w.data, bias: nil, y: y.data, batch: batch, geometry: g,
                                    outChannels: c.outChannels)
            }
        }
        func backward() {
            if c.transposed {
                TransposedConvolution.backward(x: x.data, weight: w.data, dy: dy.data, dx: dx.data, dWeight: dw.data,
                                               dBias: nil, batch: batch, geometry: g, inChannels: c.inChannels)
            } else {
                Convolution.backward(x: x.data, weight: w.data, dy: dy.data, dx: dx.data, dWeight: dw.data,
                                     dBias: nil, batch: batch, geometry: g, outChannels: c.outChannels)
            }
        }
        return (time(forward), time(backward), flops)
    }

    func time(_ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t0 = monotonicSeconds()
            body()
            samples.append(monotonicSeconds() - t0)
        }
        return median(samples)
    }
}

func fmt(_ value: Double, _ width: Int, _ decimals: Int) -> String {
    let s = String(format: "%.\(decimals)f", value)
    return String(repeating: " ", count: max(0, width - s.count)) + s
}
