import Foundation

/// Which library runs the network's convolutions: oneDNN (the default where it runs) or the
/// im2col + OpenBLAS reference, chosen at start-up with `SWIFTPOSE_BACKEND=onednn|blas`.
public enum ComputeBackend: String, Sendable, CaseIterable {
    /// `onednn`: oneDNN's convolution primitives (`OneDNNConvolution`); the default where oneDNN
    /// can create a CPU engine.
    case onednn
    /// `blas`: im2col + OpenBLAS `sgemm` on `N × C × H × W` tensors, the reference path.
    case blas

    /// The backend layers use; set once at start-up, before any model runs.
    nonisolated(unsafe) public static var current: ComputeBackend = (try? fromEnvironment()) ?? .blas

    /// `SWIFTPOSE_BACKEND`, or oneDNN when it is unset and oneDNN runs here; throws on an
    /// unknown name or an explicit oneDNN that cannot run.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ComputeBackend {
        guard let name = environment["SWIFTPOSE_BACKEND"], !name.isEmpty else { return OneDNN.isAvailable ? .onednn : .blas }
        guard let backend = ComputeBackend(rawValue: name.lowercased()) else {
            throw BackendError("SWIFTPOSE_BACKEND=\(name): expected 'onednn' or 'blas'")
        }
        if backend == .onednn && !OneDNN.isAvailable { throw BackendError("SWIFTPOSE_BACKEND=onednn: oneDNN cannot create a CPU engine here; use SWIFTPOSE_BACKEND=blas") }
        return backend
    }
}

/// A start-up error choosing the compute backend.
public struct BackendError: Error, CustomStringConvertible {
    /// The message, naming `SWIFTPOSE_BACKEND`'s value and what to set instead.
    public let description: String
    /// Creates the error with its message.
    public init(_ description: String) { self.description = description }
}
