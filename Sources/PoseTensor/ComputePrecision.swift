import CDNNL
import Foundation

/// The number format convolutions and matrix products multiply in: fp32 (the default), or
/// bfloat16 for mixed precision (MMEngine's `AmpOptimWrapper(dtype='bfloat16')`, `pose-test --bf16`).
///
/// Under `.bfloat16` a oneDNN convolution or matrix product (`Linear`, attention) reads its
/// operands (input, weights, output gradient) as bfloat16, converted in the reorder that already
/// brings them to the primitive's layout, and writes its output and gradients in fp32. So
/// everything between them (BatchNorm and its statistics, activations, losses, softmax,
/// decoding) and the optimizer's master weights stay fp32; PyTorch's CPU autocast also rounds the
/// convolutions' outputs to bfloat16, which SwiftPose does not. Layers with a fixed precision
/// (`Conv2d.fixedPrecision`, `Linear.fixedPrecision`) keep theirs. The BLAS backend always
/// multiplies in fp32.
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
    public static var hasNativeBFloat16: Bool { cpuHas(dnnl_cpu_isa_avx512_core_bf16) }

    /// Whether oneDNN can multiply in bfloat16 here at all: natively (AVX512_BF16, AMX) or in
    /// its emulation, which needs AVX-512. Below AVX-512 (an AVX2-only CPU) it has no bfloat16
    /// plan, and `checkBFloat16` refuses bfloat16 whatever is set.
    public static var canComputeBFloat16: Bool { hasNativeBFloat16 || cpuHas(dnnl_cpu_isa_avx512_core) }

    /// Whether oneDNN runs every instruction of `isa` here (its values are nested bit sets).
    private static func cpuHas(_ isa: dnnl_cpu_isa_t) -> Bool {
        dnnl_get_effective_cpu_isa().rawValue & isa.rawValue == isa.rawValue
    }

    /// `SWIFTPOSE_BF16_EMULATION=1`: allows bfloat16 on a CPU without it, in oneDNN's emulation
    /// (several times slower than fp32), to check results, never for speed.
    public static func emulationAllowed(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["SWIFTPOSE_BF16_EMULATION"] == "1"
    }

    /// Throws unless bfloat16 can run here at speed: the oneDNN backend on a CPU with
    /// AVX512_BF16 or AMX, or on AVX-512 with `SWIFTPOSE_BF16_EMULATION=1` set.
    /// - Parameter what: the setting that asked for it, named in the error (a config key or option).
    /// - Parameter remedy: what to do instead, named in the error (drop the flag, change the config).
    public static func checkBFloat16(for what: String, remedy: String,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard ComputeBackend.current == .onednn else {
            throw BackendError("\(what): bfloat16 runs on the oneDNN backend only, and this run uses the BLAS backend (SWIFTPOSE_BACKEND=blas, or oneDNN cannot run here); \(remedy)")
        }
        if hasNativeBFloat16 { return }
        // oneDNN 2.6 emulates bfloat16 on AVX-512 only; below it no plan exists, and every layer
        // would quietly run in fp32
        guard cpuHas(dnnl_cpu_isa_avx512_core) else {
            throw BackendError("\(what): bfloat16 needs a CPU with AVX512_BF16 or AMX-BF16, and this one (\(cpuName)) has not even AVX-512, on which oneDNN could emulate it; \(remedy)")
        }
        guard emulationAllowed(environment) else {
            throw BackendError("\(what): bfloat16 needs a CPU with AVX512_BF16 or AMX-BF16, and this one (\(cpuName)) has neither; oneDNN would emulate it several times slower than fp32: \(remedy), or set SWIFTPOSE_BF16_EMULATION=1 to check results anyway")
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
