import CDNNL
import Foundation

/// The number format convolutions multiply in: fp32 (the default), or bfloat16 for mixed
/// precision (MMEngine's `AmpOptimWrapper(dtype='bfloat16')`, `pose-test --bf16`).
///
/// Under `.bfloat16` a oneDNN convolution reads its input, weights and output gradient as
/// bfloat16 (converted in the reorder that already brings them to the primitive's layout) and
/// writes its output and gradients in fp32, so everything between convolutions (BatchNorm and
/// its statistics, activations, losses, softmax, decoding) and the optimizer's master weights
/// stay fp32, as PyTorch's CPU autocast keeps them. The BLAS backend always multiplies in fp32.
public enum ComputePrecision: String, Sendable, CaseIterable {
    /// IEEE single precision throughout.
    case float32
    /// bfloat16 operands (8-bit mantissa) with fp32 accumulation and outputs.
    case bfloat16

    /// The precision layers use in the current task: bind it with
    /// `ComputePrecision.$current.withValue(.bfloat16) { … }` around a training step or an
    /// inference.
    @TaskLocal public static var current: ComputePrecision = .float32

    /// Whether this CPU multiplies bfloat16 in hardware (AVX512_BF16 or AMX-BF16), as oneDNN
    /// sees it.
    public static var hasNativeBFloat16: Bool {
        let isa = dnnl_get_effective_cpu_isa().rawValue
        let bf16 = dnnl_cpu_isa_avx512_core_bf16.rawValue
        return isa & bf16 == bf16
    }

    /// `SWIFTPOSE_BF16_EMULATION=1`: allows bfloat16 on a CPU without it, in oneDNN's emulation
    /// (several times slower than fp32), to check results, never for speed.
    public static func emulationAllowed(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["SWIFTPOSE_BF16_EMULATION"] == "1"
    }

    /// Throws unless bfloat16 can run here at speed: the oneDNN backend on a CPU with
    /// AVX512_BF16 or AMX, or with `SWIFTPOSE_BF16_EMULATION=1` set.
    /// - Parameter what: the setting that asked for it, named in the error (a config key or option).
    public static func checkBFloat16(for what: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard ComputeBackend.current == .onednn else {
            throw BackendError("\(what): bfloat16 runs on the oneDNN backend only, and SWIFTPOSE_BACKEND=blas is set; unset it or train in fp32")
        }
        guard hasNativeBFloat16 || emulationAllowed(environment) else {
            throw BackendError("\(what): bfloat16 needs a CPU with AVX512_BF16 or AMX-BF16, and this one (\(cpuName)) has neither; oneDNN would emulate it several times slower than fp32: train in fp32 (optim_wrapper.type='OptimWrapper'), or set SWIFTPOSE_BF16_EMULATION=1 to check results anyway")
        }
    }

    /// The CPU's model name from /proc/cpuinfo, or "unknown CPU".
    public static var cpuName: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
